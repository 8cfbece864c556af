"""The RACI matrix for data creation, validation, reporting and challenge per KPI (M7.1).

A cell is (KPI, activity); each role in it holds one letter (R, A, C or I). Cells are set
one KPI at a time or for every active KPI of a perspective in one audited transaction.
Editing needs group-wide ``edit_definitions``. Rule violations do not block an edit (a
matrix is built cell by cell): :func:`check` lists them, with the rules of
:mod:`pmtui.core.raci`, and the published view ``pub_raci_violations`` shows the same.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime

from pmtui.core import raci as rules
from pmtui.services import users
from pmtui.services.errors import NotFound, PmError
from pmtui.services.framework import id_of
from pmtui.store import audit
from pmtui.store.db import atomic

_ORDER = "coalesce(p.sort_order, 99), k.code"


def _kpi_filter(conn: sqlite3.Connection, kpi: str | None, perspective: str | None,
                unit: str | None) -> tuple[str, list]:
    """WHERE clause (on ``kpis k``) for active KPIs, optionally one KPI, a perspective or a unit's KPIs."""
    where, params = ["k.active = 1"], []
    if kpi:
        where.append("k.id = ?")
        params.append(id_of(conn, "kpis", kpi, "KPI"))
    if perspective:
        where.append("k.perspective_id = ?")
        params.append(id_of(conn, "perspectives", perspective, "perspective"))
    if unit:
        # KPIs measured at the unit or a unit below it (linked to one of their objectives).
        where.append("""k.id IN (WITH RECURSIVE down(id) AS (SELECT ? UNION SELECT u.id FROM units u JOIN down
                                  ON u.parent_id = down.id)
                        SELECT ok.kpi_id FROM objective_kpis ok JOIN objectives o ON o.id = ok.objective_id
                        WHERE o.unit_id IN (SELECT id FROM down))""")
        params.append(id_of(conn, "units", unit, "unit"))
    return " AND ".join(where), params


def entries(conn: sqlite3.Connection, *, kpi: str | None = None, kpi_ids: list[int] | None = None) -> list[dict]:
    """Matrix entries ``{"kpi", "activity", "role", "letter"}`` of active KPIs (one KPI, some ids, or all)."""
    where, params = ["k.active = 1"], []
    if kpi:
        where.append("k.id = ?")
        params.append(id_of(conn, "kpis", kpi, "KPI"))
    if kpi_ids is not None:
        where.append(f"k.id IN ({','.join('?' * len(kpi_ids)) or 'NULL'})")
        params += kpi_ids
    rows = conn.execute(
        f"""SELECT k.code AS kpi, r.activity, ro.code AS role, r.letter
            FROM raci r JOIN kpis k ON k.id = r.kpi_id JOIN roles ro ON ro.id = r.role_id
            WHERE {' AND '.join(where)}
            ORDER BY k.code, r.activity, CASE r.letter WHEN 'R' THEN 1 WHEN 'A' THEN 2 WHEN 'C' THEN 3 ELSE 4 END,
                     ro.code""", params)
    return [dict(r) for r in rows]


def _as_entries(rows: list[dict]) -> list[rules.Entry]:
    return [rules.Entry(r["kpi"], r["activity"], r["role"], r["letter"]) for r in rows]


def check(conn: sqlite3.Connection, *, kpi: str | None = None) -> list[rules.Violation]:
    """Every rule violation of the active KPIs (or of one KPI)."""
    where, params = _kpi_filter(conn, kpi, None, None)
    codes = [r[0] for r in conn.execute(
        f"SELECT k.code FROM kpis k LEFT JOIN perspectives p ON p.id = k.perspective_id WHERE {where}"
        f" ORDER BY {_ORDER}", params)]
    return rules.check(codes, _as_entries(entries(conn, kpi=kpi)))


def matrix(conn: sqlite3.Connection, *, kpi: str | None = None, perspective: str | None = None,
           unit: str | None = None, limit: int = 50, offset: int = 0) -> dict:
    """One page of the matrix: ``{"total", "offset", "rows": [{"kpi", "name", "perspective", "cells", "violations"}]}``.

    ``cells`` maps each activity to ``[{"role", "letter"}]``; ``violations`` lists the
    broken rules of that KPI (see :func:`pmtui.core.raci.check`).
    """
    where, params = _kpi_filter(conn, kpi, perspective, unit)
    base = f"FROM kpis k LEFT JOIN perspectives p ON p.id = k.perspective_id WHERE {where}"
    total = conn.execute(f"SELECT count(*) {base}", params).fetchone()[0]
    page = conn.execute(f"SELECT k.id, k.code, k.name, p.code AS perspective {base} ORDER BY {_ORDER}"
                        f" LIMIT ? OFFSET ?", [*params, limit, offset]).fetchall()
    found = _as_entries(entries(conn, kpi_ids=[r["id"] for r in page]))
    violations = rules.check([r["code"] for r in page], found)
    rows = []
    for r in page:
        cells = {a: [{"role": e.role, "letter": e.letter} for e in found if e.kpi == r["code"] and e.activity == a]
                 for a in rules.ACTIVITIES}
        rows.append({"kpi": r["code"], "name": r["name"], "perspective": r["perspective"], "cells": cells,
                     "violations": [v.to_dict() for v in violations if v.kpi == r["code"]]})
    return {"total": total, "offset": offset, "rows": rows}


def set_entry(conn, *, kpi: str | Sequence[str] | None = None, perspective: str | None = None, activity: str,
              role: str, letter: str | None, actor: str, now: datetime) -> dict:
    """Set (or with ``letter`` None clear) ``role``'s letter for ``activity`` of KPIs or a whole perspective.

    ``kpi`` is one code or a group of codes; a group or a perspective is applied to each of
    its active KPIs in one transaction, each row audited.

    Returns:
        ``{"kpis", "activity", "role", "letter", "changed", "violations"}`` (violations of those KPIs after the edit).

    Raises:
        PmError: neither or both of kpi and perspective, unknown codes, bad activity or letter,
            or no group-wide ``edit_definitions`` (the refusal is audited).
    """
    if bool(kpi) == bool(perspective):
        raise PmError("give either a KPI (--kpi) or a perspective (--perspective), not both or neither")
    try:
        rules.check_entry(activity, letter or "R")
    except ValueError as exc:
        raise PmError(str(exc)) from None
    role_id = id_of(conn, "roles", role, "role")
    codes = [kpi] if isinstance(kpi, str) else list(kpi or [])
    if perspective:
        where, params = _kpi_filter(conn, None, perspective, None)
        targets = conn.execute(f"SELECT k.id, k.code FROM kpis k WHERE {where} ORDER BY k.code", params).fetchall()
        if not targets:
            raise NotFound(f"perspective {perspective} has no active KPI")
    else:
        targets = [(id_of(conn, "kpis", code, "KPI"), code) for code in dict.fromkeys(codes)]
        inactive = [c for (i, c) in targets if not conn.execute("SELECT active FROM kpis WHERE id = ?", [i]).fetchone()[0]]
        if inactive:
            raise PmError(f"KPI {', '.join(inactive)} is retired: its RACI cannot change")
    subject = f"perspective {perspective}" if perspective else ",".join(codes)
    users.require(conn, actor, "edit_definitions", None, now=now, entity="raci", key=f"{subject}:{activity}:{role}",
                  attempted={"letter": letter})
    reason = f"applied to every KPI of perspective {perspective}" if perspective else \
        (f"applied to {len(targets)} KPIs" if len(targets) > 1 else None)
    changed = 0
    with atomic(conn):
        for kpi_id, _ in targets:
            changed += _set_one(conn, kpi_id, activity, role_id, letter, actor=actor, now=now, reason=reason)
    codes = [code for _, code in targets]
    found = _as_entries(entries(conn, kpi_ids=[kpi_id for kpi_id, _ in targets]))
    return {"kpis": codes, "activity": activity, "role": role, "letter": letter, "changed": changed,
            "violations": [v.to_dict() for v in rules.check(codes, found)]}


def _set_one(conn, kpi_id: int, activity: str, role_id: int, letter: str | None, *, actor: str, now: datetime,
             reason: str | None) -> int:
    """Write one cell entry; 1 if something changed, else 0."""
    row = conn.execute("SELECT id, letter FROM raci WHERE kpi_id = ? AND activity = ? AND role_id = ?",
                       [kpi_id, activity, role_id]).fetchone()
    if letter is None:
        if row is None:
            return 0
        audit.delete(conn, "raci", row["id"], actor=actor, now=now, action="raci.clear", reason=reason)
    elif row is None:
        audit.insert(conn, "raci", {"kpi_id": kpi_id, "activity": activity, "role_id": role_id, "letter": letter},
                     actor=actor, now=now, action="raci.set", reason=reason)
    elif row["letter"] != letter:
        audit.update(conn, "raci", row["id"], {"letter": letter}, actor=actor, now=now, action="raci.set",
                     reason=reason)
    else:
        return 0
    return 1
