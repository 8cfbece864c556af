"""Read models of the stakeholder registers: the action register and the overdue items.

Plain functions over a sqlite3 connection whose rows are :class:`sqlite3.Row`; the
plugin ``pm_registers.py`` calls them inside ``db.execute_fn``. They read the published
tables (``pub_actions``, ``pub_milestones``, ``pub_reporting_status``: stored at
publish time, already cleared for the file's audience) or, on the live file, the views
of the same names. "Overdue" is judged on the file's snapshot date (``pub_snapshot.as_of``),
never on the day the page is read: a published file keeps telling the same story.
The overdue rule itself is :func:`pmtui.core.action_register.days_overdue`.
"""

from __future__ import annotations

import sqlite3
from datetime import date

from pmtui.core import action_register as rules
from pmtui.publish.pages import has_table, setting

#: Actions per page of the register.
PAGE_SIZE = 50

#: Rows per section of the overdue page (the register pages through the rest).
OVERDUE_LIMIT = 200

#: Status filters of the register: a status, ``active`` (open or in progress) or ``overdue``.
STATUS_FILTERS = ("active", "overdue", *rules.STATUSES)

_OPEN = "status IN ('open', 'in_progress')"

ACTION_COLUMNS = ("id, title, owner, owner_name, owner_role, unit, unit_name, due_on, status, source, meeting,"
                  " kpi, initiative, created_at, closed_at, close_note")


class NoRegister(LookupError):
    """The database has no published action register."""


def snapshot_date(conn: sqlite3.Connection, today: date) -> tuple[date, bool]:
    """The date the file's data is judged on, and whether the file recorded it.

    A published file records its snapshot date in ``pub_snapshot``; the live file has
    none, so ``today`` (read by the caller at the edge) is used.
    """
    if has_table(conn, "pub_snapshot"):
        row = conn.execute("SELECT as_of FROM pub_snapshot").fetchone()
        if row and row[0]:
            return date.fromisoformat(row[0]), True
    return today, False


def _where(unit: str | None, owner: str | None, status: str | None, as_of: date) -> tuple[str, list]:
    conds, params = [], []
    if unit:
        conds.append("unit = ?")
        params.append(unit)
    if owner:
        conds.append("owner = ?")
        params.append(owner)
    if status == "active":
        conds.append(_OPEN)
    elif status == "overdue":
        conds.append(f"{_OPEN} AND due_on < ?")
        params.append(as_of.isoformat())
    elif status:
        conds.append("status = ?")
        params.append(status)
    return (" WHERE " + " AND ".join(conds)) if conds else "", params


def _with_days(rows, as_of: date) -> list[dict]:
    out = []
    for r in rows:
        row = dict(r)
        row["days_overdue"] = rules.days_overdue(row["status"], row["due_on"], as_of)
        out.append(row)
    return out


def load_actions(conn: sqlite3.Connection, *, today: date, unit: str | None = None, owner: str | None = None,
                 status: str | None = None, page: int = 1) -> dict:
    """One page of the action register, open actions first, by due date.

    Args:
        today: the date for the live file (published files use their snapshot date).
        unit, owner: codes to filter on (None: all).
        status: one of :data:`STATUS_FILTERS`, or None for every action.
        page: 1-based page number of :data:`PAGE_SIZE` rows.

    Raises:
        NoRegister: the database has no ``pub_actions``.
        ValueError: unknown status filter or page below 1.
    """
    if not has_table(conn, "pub_actions"):
        raise NoRegister("this database has no published action register")
    if status and status not in STATUS_FILTERS:
        raise ValueError(f"unknown status {status!r}: choose one of {', '.join(STATUS_FILTERS)}")
    if page < 1:
        raise ValueError("page must be 1 or more")
    as_of, recorded = snapshot_date(conn, today)
    where, params = _where(unit, owner, status, as_of)
    rows = conn.execute(
        f"SELECT {ACTION_COLUMNS} FROM pub_actions{where} ORDER BY {_OPEN} DESC, due_on, id LIMIT ? OFFSET ?",
        [*params, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE]).fetchall()
    unit_where, unit_params = _where(unit, None, None, as_of)
    totals = conn.execute(
        f"SELECT count(*), coalesce(sum({_OPEN}), 0), coalesce(sum({_OPEN} AND due_on < ?), 0)"
        f" FROM pub_actions{unit_where}", [as_of.isoformat(), *unit_params]).fetchone()
    return {
        "actions": _with_days(rows[:PAGE_SIZE], as_of), "more": len(rows) > PAGE_SIZE, "page": page,
        "total": totals[0], "open": totals[1], "overdue": totals[2],
        "units": [dict(r) for r in conn.execute(
            "SELECT unit, min(unit_name) AS unit_name FROM pub_actions GROUP BY unit ORDER BY unit")],
        "as_of": as_of.isoformat(), "as_of_recorded": recorded,
        "company": setting(conn, "company_name"), "published_at": setting(conn, "published_at"),
    }


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')}


def load_overdue(conn: sqlite3.Connection, *, today: date, unit: str | None = None) -> dict:
    """Everything overdue on the snapshot date: actions, milestones, KPI values (where published).

    Milestones are overdue when unfinished past their planned finish; KPI values when the
    next value's due date (``pub_reporting_status.next_due_date``) has passed.
    """
    as_of, recorded = snapshot_date(conn, today)
    day = as_of.isoformat()
    unit_cond, unit_params = (" AND unit = ?", [unit]) if unit else ("", [])
    sections: dict[str, list[dict] | None] = {"actions": None, "milestones": None, "stale": None}
    if has_table(conn, "pub_actions"):
        sections["actions"] = _with_days(conn.execute(
            f"SELECT {ACTION_COLUMNS} FROM pub_actions WHERE {_OPEN} AND due_on < ?{unit_cond}"
            " ORDER BY due_on, id LIMIT ?", [day, *unit_params, OVERDUE_LIMIT]), as_of)
    if has_table(conn, "pub_milestones") and {"planned_finish", "actual_finish"} <= _columns(conn, "pub_milestones"):
        late = conn.execute(
            "SELECT * FROM pub_milestones WHERE actual_finish IS NULL AND planned_finish IS NOT NULL"
            f" AND planned_finish < ?{unit_cond} ORDER BY planned_finish LIMIT ?", [day, *unit_params, OVERDUE_LIMIT])
        sections["milestones"] = [
            dict(r) | {"days_overdue": (as_of - date.fromisoformat(r["planned_finish"][:10])).days} for r in late]
    if has_table(conn, "pub_reporting_status") and "next_due_date" in _columns(conn, "pub_reporting_status"):
        sections["stale"] = [dict(r) for r in conn.execute(
            "SELECT kpi, unit, frequency, last_approved_period, next_due_date FROM pub_reporting_status"
            f" WHERE next_due_date < ?{unit_cond} ORDER BY next_due_date, kpi, unit LIMIT ?",
            [day, *unit_params, OVERDUE_LIMIT])]
    return sections | {"as_of": day, "as_of_recorded": recorded, "unit": unit, "limit": OVERDUE_LIMIT,
                       "company": setting(conn, "company_name"), "published_at": setting(conn, "published_at")}
