"""Raising and clearing milestone-slippage alerts (M4.4) from the rules in :mod:`pmtui.core.slippage`.

:func:`evaluate` re-assesses every milestone of one initiative on a date and brings
``execution_alerts`` in line: an alert that now fires and is not open is raised, an
open one that no longer fires is cleared (``cleared_on``), an open one whose severity,
message or numbers moved is updated. Each change is audited. It runs inside the
caller's transaction, so a milestone write and the alerts it causes commit together.
It also rewrites the derived ``milestone_status`` cache that the published views read.

Initiatives that are ``done`` or ``cancelled`` raise no alerts (open ones clear).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime

from pmtui.core import slippage
from pmtui.store import audit

#: Initiative statuses whose milestones raise no alerts.
CLOSED = ("done", "cancelled")


def thresholds(row) -> slippage.Thresholds:
    """The thresholds of an ``initiatives`` row."""
    return slippage.Thresholds(row["late_start_grace_days"], row["slip_amber_days"], row["slip_red_days"])


def dates(row) -> slippage.Dates:
    """The dates of a ``milestones`` row (stored as YYYY-MM-DD text)."""
    return slippage.Dates(*(date.fromisoformat(row[c]) if row[c] else None
                            for c in ("planned_start", "planned_finish", "actual_start", "actual_finish")))


def assess_milestones(conn: sqlite3.Connection, initiative_ids: list[int],
                      today: date) -> dict[int, tuple[sqlite3.Row, slippage.Assessment]]:
    """Milestone id -> (row, assessment on ``today``) for every milestone of those initiatives."""
    if not initiative_ids:
        return {}
    marks = ",".join("?" * len(initiative_ids))
    rules = {r["id"]: thresholds(r) for r in conn.execute(
        f"SELECT * FROM initiatives WHERE id IN ({marks})", initiative_ids)}
    rows = conn.execute(f"SELECT * FROM milestones WHERE initiative_id IN ({marks})"
                        " ORDER BY initiative_id, sort_order, planned_start IS NULL, planned_start, code",
                        initiative_ids).fetchall()
    by_id = {r["id"]: r for r in rows}
    preds: dict[int, list[int]] = {}
    for dep in conn.execute(f"""SELECT d.milestone_id, d.depends_on_id FROM milestone_dependencies d
                                JOIN milestones m ON m.id = d.milestone_id WHERE m.initiative_id IN ({marks})""",
                            initiative_ids):
        preds.setdefault(dep[0], []).append(dep[1])
    out = {}
    for r in rows:
        before = [(by_id[p]["code"], dates(by_id[p])) for p in preds.get(r["id"], []) if p in by_id]
        out[r["id"]] = (r, slippage.assess(dates(r), rules[r["initiative_id"]], today, before))
    return out


def _same(open_row, alert: slippage.Alert) -> bool:
    """True when an open alert already says what ``alert`` says (the date alone moving is no change)."""
    old = json.loads(open_row["evidence"])
    old.pop("today", None)
    new = {k: v for k, v in alert.evidence.items() if k != "today"}
    return open_row["severity"] == alert.severity and open_row["message"] == alert.message and old == new


def evaluate(conn, initiative_id: int, today: date, *, actor: str, now: datetime) -> dict:
    """Re-assess one initiative's milestones on ``today`` and sync its alerts (call inside ``atomic``).

    Returns:
        Counts ``{"raised", "cleared", "updated", "open"}``.
    """
    status = conn.execute("SELECT status FROM initiatives WHERE id = ?", [initiative_id]).fetchone()[0]
    assessed = assess_milestones(conn, [initiative_id], today)
    wanted = {(mid, a.rule): a for mid, (_, assessment) in assessed.items() for a in assessment.alerts
              if status not in CLOSED}
    open_rows = {(r["milestone_id"], r["rule"]): r for r in conn.execute(
        """SELECT a.* FROM execution_alerts a JOIN milestones m ON m.id = a.milestone_id
           WHERE m.initiative_id = ? AND a.cleared_on IS NULL""", [initiative_id])}
    counts = {"raised": 0, "cleared": 0, "updated": 0}
    day = today.isoformat()
    for key, alert in wanted.items():
        row = open_rows.pop(key, None)
        values = {"severity": alert.severity, "message": alert.message,
                  "evidence": json.dumps(alert.evidence, sort_keys=True)}
        if row is None:
            audit.insert(conn, "execution_alerts", values | {"milestone_id": key[0], "rule": alert.rule,
                                                             "raised_on": day},
                         actor=actor, now=now, action="execution_alert.raise", reason=alert.message)
            counts["raised"] += 1
        elif not _same(row, alert):
            audit.update(conn, "execution_alerts", row["id"], values, actor=actor, now=now,
                         action="execution_alert.update", reason=alert.message)
            counts["updated"] += 1
    for row in open_rows.values():
        why = "initiative closed" if status in CLOSED else "the rule no longer fires"
        audit.update(conn, "execution_alerts", row["id"], {"cleared_on": day}, actor=actor, now=now,
                     action="execution_alert.clear", reason=f"{row['rule']} cleared: {why}")
        counts["cleared"] += 1
    _cache(conn, assessed, day)
    counts["open"] = len(wanted)
    return counts


def _cache(conn, assessed: dict, day: str) -> None:
    """Rewrite the ``milestone_status`` rows of these milestones (derived, not audited)."""
    ids = list(assessed)
    if not ids:
        return
    conn.execute(f"DELETE FROM milestone_status WHERE milestone_id IN ({','.join('?' * len(ids))})", ids)
    conn.executemany(
        "INSERT INTO milestone_status (milestone_id, as_of, state, planned_duration_days, forecast_start,"
        " forecast_finish, slip_days, colour) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [(mid, day, a.state, a.planned_duration_days, _iso(a.forecast_start), _iso(a.forecast_finish),
          a.slip_days, a.colour) for mid, (_, a) in assessed.items()])


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
