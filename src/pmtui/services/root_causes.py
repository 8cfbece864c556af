"""Root-cause analysis records (capability M5.2): five whys or fishbone, classified to close.

A record is linked to the KPI, unit and period whose result it explains (and
optionally to the agenda item that asked for it). It stays ``open`` while the analysis
is worked through (:func:`update`), and is closed (:func:`close`) only with a stated
root cause and a classification, ``process`` or ``individual``, which decides the
escalation path. The template rules are in :mod:`pmtui.core.rca`.

Anyone with ``view`` for the unit may open or update a record; closing it, which
classifies the cause, needs ``approve`` for the unit.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

from pmtui.core import periods, rca
from pmtui.services import users
from pmtui.services.action_support import UNIT_AND_BELOW, check_level, clean_text, unit_id
from pmtui.services.errors import NotFound, PmError
from pmtui.services.framework import id_of
from pmtui.store import audit
from pmtui.store.audit import utc_text
from pmtui.store.db import atomic

SELECT = """
SELECT c.id, k.code AS kpi, k.name AS kpi_name, u.code AS unit, u.name AS unit_name, c.period, c.agenda_item_id,
       c.template, c.problem, c.whys, c.fishbone, c.root_cause, c.classification, c.status, c.created_by,
       c.created_at, c.closed_by, c.closed_at, c.confidentiality,
       (SELECT count(*) FROM actions a WHERE a.root_cause_id = c.id) AS actions
FROM root_causes c JOIN kpis k ON k.id = c.kpi_id JOIN units u ON u.id = c.unit_id
"""


def _row(row: sqlite3.Row) -> dict:
    return dict(row) | {"whys": json.loads(row["whys"]), "fishbone": json.loads(row["fishbone"])}


def get(conn: sqlite3.Connection, rca_id: int) -> dict:
    """One record, with its whys as a list and its fishbone as a dict."""
    row = conn.execute(SELECT + " WHERE c.id = ?", [rca_id]).fetchone()
    if row is None:
        raise NotFound(f"no root-cause record {rca_id}")
    return _row(row)


def _content(template: str, problem: str, whys, fishbone) -> dict:
    try:
        rca.check_template(template)
        return {"problem": clean_text(problem, "problem", required=True),
                "whys": json.dumps(rca.clean_whys(whys), ensure_ascii=False),
                "fishbone": json.dumps(rca.clean_fishbone(fishbone), ensure_ascii=False)}
    except ValueError as exc:
        raise PmError(str(exc)) from None


def _classification(value: str | None) -> str | None:
    try:
        return rca.check_classification(value or None)
    except ValueError as exc:
        raise PmError(str(exc)) from None


def create(conn, kpi: str, unit: str, period: str, *, template: str, problem: str, whys=(), fishbone=None,
           root_cause: str = "", classification: str | None = None, agenda_item_id: int | None = None,
           confidentiality: str = "public", actor: str, now: datetime) -> dict:
    """Open a root-cause record for a KPI at a unit and period; returns it as :func:`get` does.

    Raises:
        PmError: unknown codes, a bad period or template, broken whys or fishbone,
            unsafe text, or the actor lacks ``view`` for the unit.
    """
    try:
        periods.parse(period)
    except ValueError as exc:
        raise PmError(str(exc)) from None
    values = _content(template, problem, whys, fishbone)
    values |= {"root_cause": clean_text(root_cause, "root cause"), "classification": _classification(classification)}
    check_level(confidentiality)
    kpi_id, uid = id_of(conn, "kpis", kpi, "KPI"), unit_id(conn, unit)
    users.require(conn, actor, "view", uid, now=now, entity="root_causes", key=f"{kpi}|{unit}|{period}",
                  attempted={"problem": values["problem"]})
    if agenda_item_id is not None and not conn.execute("SELECT 1 FROM agenda_items WHERE id = ?",
                                                       [agenda_item_id]).fetchone():
        raise NotFound(f"no agenda item {agenda_item_id}")
    with atomic(conn):
        key = audit.insert(conn, "root_causes", values | {
            "kpi_id": kpi_id, "unit_id": uid, "period": period, "agenda_item_id": agenda_item_id,
            "template": template, "status": "open", "created_by": actor, "created_at": utc_text(now),
            "confidentiality": confidentiality}, actor=actor, now=now, action="root_cause.create")
    return get(conn, key)


def update(conn, rca_id: int, *, problem: str | None = None, whys=None, fishbone=None, root_cause: str | None = None,
           classification: str | None = None, actor: str, now: datetime) -> dict:
    """Change an open record's analysis (arguments left as None keep their value)."""
    current = get(conn, rca_id)
    if current["status"] != "open":
        raise PmError(f"root-cause record {rca_id} is closed: it can no longer change")
    content = _content(current["template"], current["problem"] if problem is None else problem,
                       current["whys"] if whys is None else whys,
                       current["fishbone"] if fishbone is None else fishbone)
    stored = audit.fetch_row(conn, "root_causes", rca_id)
    changes = {k: v for k, v in content.items() if v != stored[k]}
    if root_cause is not None:
        changes["root_cause"] = clean_text(root_cause, "root cause")
    if classification is not None:
        changes["classification"] = _classification(classification)
    users.require(conn, actor, "view", unit_id(conn, current["unit"]), now=now, entity="root_causes",
                  key=str(rca_id), attempted=changes)
    if changes:
        with atomic(conn):
            audit.update(conn, "root_causes", rca_id, changes, actor=actor, now=now, action="root_cause.update")
    return get(conn, rca_id)


def close(conn, rca_id: int, *, root_cause: str | None = None, classification: str | None = None, actor: str,
          now: datetime) -> dict:
    """Close a record with its root cause and classification (needs ``approve`` for the unit).

    Raises:
        PmError: already closed, or something the template needs is missing (all listed).
    """
    current = get(conn, rca_id)
    if current["status"] != "open":
        raise PmError(f"root-cause record {rca_id} is already closed")
    cause = clean_text(current["root_cause"] if root_cause is None else root_cause, "root cause")
    kind = _classification(current["classification"] if classification is None else classification)
    missing = rca.closing_problems(current["template"], current["whys"], current["fishbone"], cause, kind)
    if missing:
        raise PmError(f"root-cause record {rca_id} cannot be closed: " + "; ".join(missing))
    users.require(conn, actor, "approve", unit_id(conn, current["unit"]), now=now, entity="root_causes",
                  key=str(rca_id), attempted={"root_cause": cause, "classification": kind})
    with atomic(conn):
        audit.update(conn, "root_causes", rca_id, {"root_cause": cause, "classification": kind, "status": "closed",
                                                   "closed_by": actor, "closed_at": utc_text(now)},
                     actor=actor, now=now, action="root_cause.close", reason=cause)
    return get(conn, rca_id)


def _filters(conn, *, kpi=None, unit=None, period=None, status=None, classification=None) -> tuple[str, list]:
    """WHERE clause and parameters shared by :func:`search` and :func:`count`."""
    where, params = [], []
    if unit is not None:
        where.append(f"c.unit_id IN {UNIT_AND_BELOW}")
        params.append(unit_id(conn, unit))
    if status is not None and status not in ("open", "closed"):
        raise PmError(f"status must be open or closed, not {status!r}")
    _classification(classification)
    for column, value in (("k.code", kpi), ("c.period", period), ("c.status", status),
                          ("c.classification", classification)):
        if value is not None:
            where.append(f"{column} = ?")
            params.append(value)
    return (" WHERE " + " AND ".join(where)) if where else "", params


def search(conn: sqlite3.Connection, *, limit: int = 50, offset: int = 0, **filters) -> list[dict]:
    """A page of records, newest first.

    Filters (all optional): ``kpi``, ``unit`` (that unit and the units below it),
    ``period``, ``status`` (open, closed), ``classification`` (process, individual).
    """
    where, params = _filters(conn, **filters)
    sql = SELECT + where + " ORDER BY c.created_at DESC, c.id DESC LIMIT ? OFFSET ?"
    return [_row(r) for r in conn.execute(sql, [*params, limit, offset])]


def count(conn: sqlite3.Connection, **filters) -> int:
    """How many records :func:`search` would page through with these filters."""
    where, params = _filters(conn, **filters)
    return conn.execute("SELECT count(*) FROM root_causes c JOIN kpis k ON k.id = c.kpi_id" + where,
                        params).fetchone()[0]
