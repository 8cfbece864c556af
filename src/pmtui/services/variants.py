"""Controlled regional variants of a KPI's standard definition (M2.2).

A unit may report a KPI under a variant definition when a regulation requires it;
each variant names the regulation and who approved it, and is always shown with its
word-level difference from the standard definition.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from pmtui.core import textdiff, validation
from pmtui.services import users
from pmtui.services.errors import PmError
from pmtui.services.framework import id_of
from pmtui.store import audit
from pmtui.store.db import atomic


def add_variant(conn, kpi: str, unit: str, definition: str, regulation: str, *, actor: str,
                now: datetime) -> dict:
    """Add (or replace) the variant of ``kpi`` at ``unit``; the actor is recorded as its approver.

    Raises:
        PmError: unknown code, bad text, a variant identical to the standard, or no
            ``edit_definitions`` permission for the unit.
    """
    try:
        definition = validation.check_text(definition.strip(), field="definition")
        regulation = validation.check_text(regulation.strip(), field="regulation", max_length=200)
    except ValueError as exc:
        raise PmError(str(exc)) from None
    if not definition or not regulation:
        raise PmError("a variant needs a definition and the regulation that requires it")
    kpi_id, unit_id = id_of(conn, "kpis", kpi, "KPI"), id_of(conn, "units", unit, "unit")
    standard = conn.execute("SELECT definition FROM kpis WHERE id = ?", [kpi_id]).fetchone()[0]
    if definition.split() == standard.split():
        raise PmError(f"the variant is the same as {kpi}'s standard definition")
    users.require(conn, actor, "edit_definitions", unit_id, now=now, entity="kpi_variants", key=f"{kpi}|{unit}",
                  attempted={"regulation": regulation})
    values = {"definition": definition, "regulation": regulation, "approved_by": actor,
              "approved_on": now.date().isoformat()}
    with atomic(conn):
        row = conn.execute("SELECT id FROM kpi_variants WHERE kpi_id = ? AND unit_id = ?", [kpi_id, unit_id]).fetchone()
        if row:
            audit.update(conn, "kpi_variants", row[0], values, actor=actor, now=now, action="variant.replace")
        else:
            audit.insert(conn, "kpi_variants", values | {"kpi_id": kpi_id, "unit_id": unit_id}, actor=actor,
                         now=now, action="variant.add")
    return list_variants(conn, kpi=kpi, unit=unit)[0]


def list_variants(conn: sqlite3.Connection, kpi: str | None = None, unit: str | None = None,
                  limit: int = 500) -> list[dict]:
    """Variants (of one KPI and/or unit) with the standard definition and their word diff."""
    rows = conn.execute(
        """SELECT k.code AS kpi, u.code AS unit, k.definition AS standard, v.definition AS variant,
                  v.regulation, v.approved_by, v.approved_on
           FROM kpi_variants v JOIN kpis k ON k.id = v.kpi_id JOIN units u ON u.id = v.unit_id
           WHERE (:kpi IS NULL OR k.code = :kpi) AND (:unit IS NULL OR u.code = :unit)
           ORDER BY k.code, u.code LIMIT :limit""", {"kpi": kpi, "unit": unit, "limit": limit})
    return [dict(r) | {"diff": textdiff.word_diff(r["standard"], r["variant"]),
                       "changes": textdiff.summary(r["standard"], r["variant"])} for r in rows]
