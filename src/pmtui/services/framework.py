"""Setting up the scorecard framework: units, perspectives, KPIs, objectives, targets.

Every function validates its input, then writes one audited transaction. Codes are
the stable business keys users type; ids stay internal.
"""

from __future__ import annotations

import math
import re
import sqlite3
from datetime import datetime
from typing import Any

from pmtui.core import periods, scoring
from pmtui.services import users
from pmtui.services.errors import NotFound, PmError
from pmtui.store import audit
from pmtui.store.db import atomic

_CODE = re.compile(r"^[A-Z][A-Z0-9_]{0,31}$")


def check_code(code: str, what: str) -> str:
    """Validate a business code: upper case letters, digits and '_', starting with a letter."""
    if not isinstance(code, str) or not _CODE.match(code):
        raise PmError(f"{what} code {code!r} must be 1-32 upper-case letters, digits or '_', starting with a letter")
    return code


def id_of(conn: sqlite3.Connection, table: str, code: str, what: str | None = None) -> int:
    """The id behind a code in ``table``, or :class:`NotFound` naming it."""
    row = conn.execute(f"SELECT id FROM {table} WHERE code = ?", [code]).fetchone()
    if not row:
        raise NotFound(f"unknown {what or table.rstrip('s')} {code!r}")
    return row[0]


def set_setting(conn, key: str, value: str, *, actor: str, now: datetime) -> None:
    """Set a company-wide setting (e.g. ``company_name``), audited."""
    with atomic(conn):
        if audit.fetch_row(conn, "settings", key):
            audit.update(conn, "settings", key, {"value": value}, actor=actor, now=now)
        else:
            audit.insert(conn, "settings", {"key": key, "value": value}, actor=actor, now=now)


def get_setting(conn: sqlite3.Connection, key: str, default: str | None = None) -> str | None:
    """Read a setting, or ``default``."""
    row = conn.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return row[0] if row else default


def create_unit(conn, code: str, name: str, kind: str, parent: str | None = None,
                confidentiality: str = "public", *, actor: str, now: datetime) -> int:
    """Create a business unit below ``parent`` (a unit code) or at the top."""
    check_code(code, "unit")
    with atomic(conn):
        parent_id = id_of(conn, "units", parent, "unit") if parent else None
        return audit.insert(conn, "units", {"code": code, "name": name, "kind": kind, "parent_id": parent_id,
                                            "confidentiality": confidentiality}, actor=actor, now=now)


def create_perspective(conn, code: str, name: str, weight: float = 1.0, sort_order: int = 0,
                       *, actor: str, now: datetime) -> int:
    """Create a balanced-scorecard perspective."""
    check_code(code, "perspective")
    with atomic(conn):
        return audit.insert(conn, "perspectives", {"code": code, "name": name, "weight": weight,
                                                   "sort_order": sort_order}, actor=actor, now=now)


KPI_FIELDS = ("name", "definition", "uom", "direction", "aggregation", "frequency", "lead_lag",
              "financial", "decimals", "confidentiality", "min_value", "max_value")


def create_kpi(conn, code: str, *, perspective: str | None = None, owner_role: str | None = None,
               actor: str, now: datetime, **fields: Any) -> int:
    """Create a KPI definition; ``fields`` are columns of ``kpis`` (see :data:`KPI_FIELDS`)."""
    check_code(code, "KPI")
    unknown = set(fields) - set(KPI_FIELDS)
    if unknown:
        raise PmError(f"KPI {code}: unknown field(s) {', '.join(sorted(unknown))}")
    if fields.get("direction") not in scoring.DIRECTIONS:
        raise PmError(f"KPI {code}: direction must be one of {', '.join(scoring.DIRECTIONS)}")
    with atomic(conn):
        values = dict(fields, code=code)
        values["financial"] = int(bool(values.get("financial", 0)))
        values["perspective_id"] = id_of(conn, "perspectives", perspective, "perspective") if perspective else None
        values["owner_role_id"] = id_of(conn, "roles", owner_role, "role") if owner_role else None
        return audit.insert(conn, "kpis", values, actor=actor, now=now)


def create_objective(conn, code: str, name: str, *, level: str, unit: str, perspective: str,
                     parent: str | None = None, owner_role: str | None = None, weight: float = 1.0,
                     description: str = "", confidentiality: str = "public", actor: str, now: datetime) -> int:
    """Create an objective at a level (corporate, unit, team), optionally cascaded from ``parent``."""
    check_code(code, "objective")
    with atomic(conn):
        values = {
            "code": code, "name": name, "level": level, "description": description, "weight": weight,
            "unit_id": id_of(conn, "units", unit, "unit"),
            "perspective_id": id_of(conn, "perspectives", perspective, "perspective"),
            "parent_id": id_of(conn, "objectives", parent, "objective") if parent else None,
            "owner_role_id": id_of(conn, "roles", owner_role, "role") if owner_role else None,
            "confidentiality": confidentiality,
        }
        return audit.insert(conn, "objectives", values, actor=actor, now=now)


def link_kpi(conn, objective: str, kpi: str, weight: float = 1.0, *, actor: str, now: datetime) -> int:
    """Measure ``objective`` by ``kpi`` with a weight in the objective's roll-up."""
    if not (weight >= 0 and math.isfinite(weight)):
        raise PmError(f"weight must be a finite number >= 0, not {weight!r}")
    with atomic(conn):
        values = {"objective_id": id_of(conn, "objectives", objective, "objective"),
                  "kpi_id": id_of(conn, "kpis", kpi, "KPI"), "weight": weight}
        return audit.insert(conn, "objective_kpis", values, actor=actor, now=now)


def link_objectives(conn, cause: str, effect: str, *, actor: str, now: datetime) -> int:
    """Record a cause-and-effect link between two objectives (strategy map)."""
    with atomic(conn):
        values = {"cause_id": id_of(conn, "objectives", cause, "objective"),
                  "effect_id": id_of(conn, "objectives", effect, "objective")}
        return audit.insert(conn, "objective_links", values, actor=actor, now=now)


def set_target(conn, kpi: str, unit: str, period: str, target: float, amber: float | None = None,
               target_high: float | None = None, amber_high: float | None = None, *,
               actor: str, now: datetime, reason: str | None = None) -> int:
    """Set the target and amber threshold of a KPI for a unit and period (needs ``edit_targets``).

    A target is locked once set (the database refuses changes too): setting the same
    values again changes nothing, other values need a target revision
    (:mod:`pmtui.services.target_revisions`). Setup and the demo builder write as
    :data:`pmtui.services.users.SYSTEM`, which needs no role.
    """
    periods.parse(period)
    kpi_row = conn.execute("SELECT id, direction FROM kpis WHERE code = ?", [kpi]).fetchone()
    if not kpi_row:
        raise NotFound(f"unknown KPI {kpi!r}")
    unit_id = id_of(conn, "units", unit, "unit")
    values = {"target": target, "amber": amber, "target_high": target_high, "amber_high": amber_high}
    if actor != users.SYSTEM:  # checked before the transaction, so that a refusal stays audited
        users.require(conn, actor, "edit_targets", unit_id, now=now, entity="targets", key=f"{kpi}|{unit}|{period}",
                      attempted=values)
    try:
        scoring.kpi_score(kpi_row["direction"], None, target, amber, target_high, amber_high)
    except ValueError as exc:
        raise PmError(f"target for {kpi} {unit} {period}: {exc}") from None
    existing = _target(conn, kpi_row["id"], unit_id, period)
    if existing is not None:
        if tuple(existing)[1:] == tuple(values.values()):
            return existing[0]
        audit.record_refusal(conn, actor=actor, now=now, action="edit_targets", entity="targets", key=existing[0],
                             attempted=values, reason="targets are locked once set: change one with a target revision")
        raise PmError(f"the target for {kpi} {unit} {period} is locked ({existing['target']:g}): change it with a"
                      " target revision ('pmtui targets revise', with a reason and another person's approval)")
    with atomic(conn):
        if _target(conn, kpi_row["id"], unit_id, period) is not None:
            raise PmError(f"the target for {kpi} {unit} {period} was set meanwhile: it is locked now")
        values |= {"kpi_id": kpi_row["id"], "unit_id": unit_id, "period": period}
        return audit.insert(conn, "targets", values, actor=actor, now=now, reason=reason)


def _target(conn: sqlite3.Connection, kpi_id: int, unit_id: int, period: str) -> sqlite3.Row | None:
    return conn.execute("SELECT id, target, amber, target_high, amber_high FROM targets"
                        " WHERE kpi_id = ? AND unit_id = ? AND period = ?", [kpi_id, unit_id, period]).fetchone()
