"""Initiatives and milestones (M4.1) with slippage alerts (M4.4).

An initiative belongs to a unit, has an owner role, a budget, a status, a confidentiality
level and its own slippage thresholds, and is linked to the objectives and KPIs it should
move. Its milestones carry planned and actual dates, percent complete and dependencies
(within the initiative; cycles refused).

**Permission.** Every write needs ``edit_targets`` for the initiative's unit (or a unit
above it): planned dates and thresholds are the execution baseline that reviews hold
units to, like targets (M4.5), and actual dates move the slippage numbers. Refusals are
audited. ``refresh_alerts`` only needs an active user: it derives alerts from data.

**Alerts.** Every write re-evaluates the initiative's alerts on the date of ``now`` in the
same transaction (:mod:`pmtui.services.slippage_alerts`); :func:`refresh_alerts` does it
for all initiatives when the date has moved on.

The reads (``timeline``, ``detail``, ``milestone``, ``list_initiatives``, ``open_alerts``
and ``slipped``, the review agenda's interface) live in
:mod:`pmtui.services.initiative_reads` and are importable from here.
"""

from __future__ import annotations

import math
import sqlite3
from datetime import date, datetime

from pmtui.core import slippage, validation
from pmtui.services import slippage_alerts, users
from pmtui.services.errors import NotFound, PmError
from pmtui.services.framework import check_code, id_of
from pmtui.services.initiative_reads import (INITIATIVE_SQL, count_initiatives, detail,  # noqa: F401
                                             initiative_dict, list_initiatives, milestone, open_alerts, slipped,
                                             subtree, timeline)
from pmtui.store import audit
from pmtui.store.db import atomic

STATUSES = ("planned", "active", "on_hold", "done", "cancelled")
LEVELS = ("public", "internal", "confidential")
#: Fields of an initiative that :func:`update_initiative` may change.
INITIATIVE_FIELDS = ("name", "description", "unit", "owner_role", "budget", "status", "late_start_grace_days",
                     "slip_amber_days", "slip_red_days", "confidentiality")
DATE_FIELDS = ("planned_start", "planned_finish", "actual_start", "actual_finish")
#: Fields of a milestone that :func:`update_milestone` may change (None clears a date).
MILESTONE_FIELDS = ("name", *DATE_FIELDS, "percent_complete", "sort_order")


def _text(value: str | None, field: str, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise PmError(f"{field} must not be empty")
    try:
        return validation.check_text(value, field=field, max_length=500 if field != "description" else 2000)
    except ValueError as exc:
        raise PmError(str(exc)) from None


def _initiative_row(conn, code: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM initiatives WHERE code = ?", [code]).fetchone()
    if row is None:
        raise NotFound(f"unknown initiative {code!r} (see 'pmtui initiatives list')")
    return row


def _milestone_row(conn, initiative_id: int, initiative: str, code: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM milestones WHERE initiative_id = ? AND code = ?",
                       [initiative_id, code]).fetchone()
    if row is None:
        raise NotFound(f"initiative {initiative} has no milestone {code!r}")
    return row


def _require(conn, actor: str, unit_id: int, now: datetime, entity: str, key: str, attempted) -> None:
    users.require(conn, actor, "edit_targets", unit_id, now=now, entity=entity, key=key, attempted=attempted)


def _thresholds(values: dict) -> None:
    for field in ("late_start_grace_days", "slip_amber_days", "slip_red_days"):
        v = values.get(field)
        if v is not None and (not isinstance(v, int) or isinstance(v, bool) or v < 0):
            raise PmError(f"{field} must be a whole number of days >= 0, not {v!r}")
    if values["slip_red_days"] < values["slip_amber_days"]:
        raise PmError(f"slip_red_days ({values['slip_red_days']}) must be at least slip_amber_days"
                      f" ({values['slip_amber_days']})")


def _check_initiative(values: dict) -> None:
    if values["status"] not in STATUSES:
        raise PmError(f"status must be one of {', '.join(STATUSES)}, not {values['status']!r}")
    if values["confidentiality"] not in LEVELS:
        raise PmError(f"confidentiality must be one of {', '.join(LEVELS)}, not {values['confidentiality']!r}")
    budget = values.get("budget")
    if budget is not None and not (isinstance(budget, (int, float)) and math.isfinite(budget) and budget >= 0):
        raise PmError(f"budget must be a finite number >= 0, not {budget!r}")
    _thresholds(values)


def add_initiative(conn, code: str, name: str, *, unit: str, owner_role: str | None = None,
                   budget: float | None = None, status: str = "planned", description: str = "",
                   late_start_grace_days: int = 0, slip_amber_days: int = 5, slip_red_days: int = 20,
                   confidentiality: str = "public", actor: str, now: datetime) -> dict:
    """Create an initiative of ``unit`` (needs ``edit_targets`` for it); returns it as listed."""
    check_code(code, "initiative")
    values = {"code": code, "name": _text(name, "name", required=True),
              "description": _text(description, "description"), "budget": budget, "status": status,
              "late_start_grace_days": late_start_grace_days, "slip_amber_days": slip_amber_days,
              "slip_red_days": slip_red_days, "confidentiality": confidentiality}
    _check_initiative(values)
    unit_id = id_of(conn, "units", unit, "unit")
    _require(conn, actor, unit_id, now, "initiatives", code, values | {"unit": unit})
    with atomic(conn):
        if conn.execute("SELECT 1 FROM initiatives WHERE code = ?", [code]).fetchone():
            raise PmError(f"initiative {code} already exists")
        values |= {"unit_id": unit_id, "owner_role_id": id_of(conn, "roles", owner_role, "role") if owner_role else None}
        audit.insert(conn, "initiatives", values, actor=actor, now=now, action="initiative.add")
    return _listed(conn, code)


def _listed(conn, code: str) -> dict:
    return initiative_dict(conn.execute(f"{INITIATIVE_SQL} WHERE i.code = ?", [code]).fetchone())


def update_initiative(conn, code: str, *, actor: str, now: datetime, reason: str | None = None, **changes) -> dict:
    """Change fields of an initiative (see :data:`INITIATIVE_FIELDS`) and re-evaluate its alerts.

    Moving it to another unit needs ``edit_targets`` for both units.
    """
    unknown = set(changes) - set(INITIATIVE_FIELDS)
    if unknown:
        raise PmError(f"initiative {code}: unknown field(s) {', '.join(sorted(unknown))}")
    if not changes:
        raise PmError(f"initiative {code}: nothing to change")
    row = _initiative_row(conn, code)
    _require(conn, actor, row["unit_id"], now, "initiatives", code, changes)
    values = {k: v for k, v in changes.items() if k not in ("unit", "owner_role")}
    for field in ("name", "description"):
        if field in values:
            values[field] = _text(values[field], field, required=field == "name")
    if "unit" in changes:
        values["unit_id"] = id_of(conn, "units", changes["unit"], "unit")
        _require(conn, actor, values["unit_id"], now, "initiatives", code, changes)
    if "owner_role" in changes:
        values["owner_role_id"] = id_of(conn, "roles", changes["owner_role"], "role") if changes["owner_role"] else None
    _check_initiative(dict(row) | values)
    with atomic(conn):
        audit.update(conn, "initiatives", row["id"], values, actor=actor, now=now, action="initiative.update",
                     reason=reason)
        slippage_alerts.evaluate(conn, row["id"], now.date(), actor=actor, now=now)
    return _listed(conn, code)


def link(conn, code: str, *, kpi: str | None = None, objective: str | None = None, actor: str,
         now: datetime) -> dict:
    """Link an initiative to a KPI or an objective it should move (exactly one of them)."""
    column, target_id, what = _link_target(conn, kpi, objective)
    row = _initiative_row(conn, code)
    _require(conn, actor, row["unit_id"], now, "initiative_links", code, {"kpi": kpi, "objective": objective})
    with atomic(conn):
        if conn.execute(f"SELECT 1 FROM initiative_links WHERE initiative_id = ? AND {column} = ?",
                        [row["id"], target_id]).fetchone():
            raise PmError(f"initiative {code} is already linked to {what}")
        audit.insert(conn, "initiative_links", {"initiative_id": row["id"], column: target_id}, actor=actor,
                     now=now, action="initiative.link")
    return _listed(conn, code)


def unlink(conn, code: str, *, kpi: str | None = None, objective: str | None = None, actor: str,
           now: datetime) -> dict:
    """Remove the link between an initiative and a KPI or an objective."""
    column, target_id, what = _link_target(conn, kpi, objective)
    row = _initiative_row(conn, code)
    _require(conn, actor, row["unit_id"], now, "initiative_links", code, {"unlink": kpi or objective})
    with atomic(conn):
        found = conn.execute(f"SELECT id FROM initiative_links WHERE initiative_id = ? AND {column} = ?",
                             [row["id"], target_id]).fetchone()
        if not found:
            raise NotFound(f"initiative {code} is not linked to {what}")
        audit.delete(conn, "initiative_links", found[0], actor=actor, now=now, action="initiative.unlink")
    return _listed(conn, code)


def _link_target(conn, kpi: str | None, objective: str | None) -> tuple[str, int, str]:
    if bool(kpi) == bool(objective):
        raise PmError("give exactly one of a KPI (--kpi) or an objective (--objective)")
    if kpi:
        return "kpi_id", id_of(conn, "kpis", kpi, "KPI"), f"KPI {kpi}"
    return "objective_id", id_of(conn, "objectives", objective, "objective"), f"objective {objective}"


def _milestone_values(merged: dict, today: date) -> dict:
    """Parse and check dates and percent of a milestone's full set of values."""
    try:
        parsed = {f: slippage.parse_date(merged.get(f), f) for f in DATE_FIELDS}
    except ValueError as exc:
        raise PmError(str(exc)) from None
    percent = merged.get("percent_complete")
    if percent is not None and not (isinstance(percent, (int, float)) and math.isfinite(percent)):
        raise PmError(f"percent complete must be a number between 0 and 100, not {percent!r}")
    found = slippage.problems(slippage.Dates(**parsed), today, percent)
    if found:
        raise PmError("; ".join(found))
    return {f: v.isoformat() if v else None for f, v in parsed.items()}


def add_milestone(conn, initiative: str, code: str, name: str, *, planned_start: str | None = None,
                  planned_finish: str | None = None, actual_start: str | None = None,
                  actual_finish: str | None = None, percent_complete: float | None = None,
                  depends_on: tuple[str, ...] = (), sort_order: int | None = None, actor: str,
                  now: datetime) -> dict:
    """Add a milestone (dates ``YYYY-MM-DD``) to an initiative, with its dependencies; alerts re-evaluated."""
    check_code(code, "milestone")
    row = _initiative_row(conn, initiative)
    merged = {"planned_start": planned_start, "planned_finish": planned_finish, "actual_start": actual_start,
              "actual_finish": actual_finish,
              "percent_complete": 100.0 if percent_complete is None and actual_finish else percent_complete}
    _require(conn, actor, row["unit_id"], now, "milestones", f"{initiative}/{code}", merged | {"name": name})
    values = _milestone_values(merged, now.date()) | {"name": _text(name, "name", required=True)}
    values["percent_complete"] = float(merged["percent_complete"] or 0)
    with atomic(conn):
        if conn.execute("SELECT 1 FROM milestones WHERE initiative_id = ? AND code = ?", [row["id"], code]).fetchone():
            raise PmError(f"initiative {initiative} already has a milestone {code}")
        if sort_order is None:
            sort_order = conn.execute("SELECT coalesce(max(sort_order), 0) + 1 FROM milestones"
                                      " WHERE initiative_id = ?", [row["id"]]).fetchone()[0]
        audit.insert(conn, "milestones", values | {"initiative_id": row["id"], "code": code,
                                                   "sort_order": sort_order},
                     actor=actor, now=now, action="milestone.add")
        for other in depends_on:
            _add_dependency(conn, row, initiative, code, other, actor=actor, now=now)
        slippage_alerts.evaluate(conn, row["id"], now.date(), actor=actor, now=now)
    return milestone(conn, initiative, code, today=now.date())


def update_milestone(conn, initiative: str, code: str, *, actor: str, now: datetime, reason: str | None = None,
                     **changes) -> dict:
    """Change a milestone's name, dates (None clears one), percent complete or order; alerts re-evaluated.

    Recording an actual finish without a percent sets percent complete to 100.
    """
    unknown = set(changes) - set(MILESTONE_FIELDS)
    if unknown:
        raise PmError(f"milestone {code}: unknown field(s) {', '.join(sorted(unknown))}")
    if not changes:
        raise PmError(f"milestone {initiative}/{code}: nothing to change (give dates, --percent or --name)")
    row = _initiative_row(conn, initiative)
    current = _milestone_row(conn, row["id"], initiative, code)
    _require(conn, actor, row["unit_id"], now, "milestones", f"{initiative}/{code}", changes)
    if changes.get("actual_finish") and "percent_complete" not in changes:
        changes["percent_complete"] = 100.0
    merged = dict(current) | changes
    values = {k: v for k, v in changes.items() if k not in DATE_FIELDS}
    values |= {f: v for f, v in _milestone_values(merged, now.date()).items() if f in changes}
    if "name" in values:
        values["name"] = _text(values["name"], "name", required=True)
    with atomic(conn):
        audit.update(conn, "milestones", current["id"], values, actor=actor, now=now, action="milestone.update",
                     reason=reason)
        slippage_alerts.evaluate(conn, row["id"], now.date(), actor=actor, now=now)
    return milestone(conn, initiative, code, today=now.date())


def add_dependency(conn, initiative: str, code: str, depends_on: str, *, actor: str, now: datetime) -> dict:
    """Record that milestone ``code`` depends on ``depends_on`` (same initiative); cycles are refused."""
    row = _initiative_row(conn, initiative)
    _require(conn, actor, row["unit_id"], now, "milestone_dependencies", f"{initiative}/{code}",
             {"depends_on": depends_on})
    with atomic(conn):
        _add_dependency(conn, row, initiative, code, depends_on, actor=actor, now=now)
        slippage_alerts.evaluate(conn, row["id"], now.date(), actor=actor, now=now)
    return milestone(conn, initiative, code, today=now.date())


def _add_dependency(conn, row, initiative: str, code: str, depends_on: str, *, actor: str, now: datetime) -> None:
    me = _milestone_row(conn, row["id"], initiative, code)
    other = _milestone_row(conn, row["id"], initiative, depends_on)
    edges = [(a, b) for a, b in conn.execute(
        """SELECT m.code, o.code FROM milestone_dependencies d JOIN milestones m ON m.id = d.milestone_id
           JOIN milestones o ON o.id = d.depends_on_id WHERE m.initiative_id = ?""", [row["id"]])]
    if (code, depends_on) in edges:
        raise PmError(f"{initiative}/{code} already depends on {depends_on}")
    chain = slippage.creates_cycle(edges, code, depends_on)
    if chain is not None:
        if len(chain) == 1:
            raise PmError(f"{initiative}/{code} cannot depend on itself")
        raise PmError(f"refused: {depends_on} already depends on {code} ({' -> '.join(chain)});"
                      f" making {code} depend on {depends_on} would create a cycle")
    audit.insert(conn, "milestone_dependencies", {"milestone_id": me["id"], "depends_on_id": other["id"]},
                 actor=actor, now=now, action="milestone.depend")


def refresh_alerts(conn, *, today: date, actor: str, now: datetime, unit: str | None = None) -> dict:
    """Re-evaluate every initiative's alerts on ``today`` (the date has moved on), in one transaction.

    Returns:
        ``{"today", "initiatives", "raised", "cleared", "updated", "open"}``.
    """
    users.user_id_of(conn, actor)
    totals = {"today": today.isoformat(), "initiatives": 0, "raised": 0, "cleared": 0, "updated": 0, "open": 0}
    with atomic(conn):
        units = subtree(conn, unit) if unit else None
        ids = [r[0] for r in conn.execute("SELECT id, unit_id FROM initiatives ORDER BY code")
               if units is None or r[1] in units]
        for initiative_id in ids:
            counts = slippage_alerts.evaluate(conn, initiative_id, today, actor=actor, now=now)
            totals["initiatives"] += 1
            for key in ("raised", "cleared", "updated", "open"):
                totals[key] += counts[key]
    return totals
