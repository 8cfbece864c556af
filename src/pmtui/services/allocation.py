"""Allocation rounds: criteria, requests, scores and decisions (M1.2).

Rounds and criteria need ``edit_definitions`` at group level; a request needs
``enter_data`` at its unit; scoring needs ``edit_definitions`` at group level. A
decision needs ``approve`` at group level (or ``administer``), a rationale, and a
decider other than the person who created the request (four eyes: the creator is the
actor of the request's audited insert). The round becomes ``decided`` when its last
request is decided, and a decided round takes no more changes.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from pmtui.core import allocation as core
from pmtui.services import users
from pmtui.services.errors import NotFound, PmError
from pmtui.services.framework import check_code, id_of
from pmtui.store import audit
from pmtui.store.audit import utc_text
from pmtui.store.db import atomic

#: Decisions and the request status each one sets.
DECISIONS = {"approve": "approved", "reject": "rejected", "defer": "deferred"}


def _root_unit(conn: sqlite3.Connection) -> int | None:
    row = conn.execute("SELECT id FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1").fetchone()
    return row[0] if row else None


def _round(conn: sqlite3.Connection, code: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM allocation_rounds WHERE code = ?", [code]).fetchone()
    if not row:
        raise NotFound(f"unknown allocation round {code!r}")
    return row


def _open_round(conn: sqlite3.Connection, round_id: int) -> None:
    row = conn.execute("SELECT code, status FROM allocation_rounds WHERE id = ?", [round_id]).fetchone()
    if row["status"] != "open":
        raise PmError(f"allocation round {row['code']} is {row['status']}: it takes no more changes")


def add_round(conn, code: str, name: str, budget: float, cycle: str | None = None, *,
              actor: str, now: datetime) -> int:
    """Open an allocation round with a budget (optionally within a planning cycle)."""
    check_code(code, "round")
    if budget is None or budget < 0:
        raise PmError("the budget must be zero or more")
    users.require(conn, actor, "edit_definitions", _root_unit(conn), now=now, entity="allocation_rounds",
                  key=code, attempted={"code": code, "budget": budget})
    with atomic(conn):
        if conn.execute("SELECT 1 FROM allocation_rounds WHERE code = ?", [code]).fetchone():
            raise PmError(f"allocation round {code} already exists")
        cycle_id = id_of(conn, "planning_cycles", cycle, "planning cycle") if cycle else None
        return audit.insert(conn, "allocation_rounds", {"code": code, "name": name, "budget": float(budget),
                            "cycle_id": cycle_id}, actor=actor, now=now, action="allocation.round_add")


def add_criterion(conn, round_code: str, code: str, name: str, kind: str, weight: float, *,
                  actor: str, now: datetime) -> int:
    """Add a weighted criterion (``financial`` or ``non_financial``) to an open round."""
    check_code(code, "criterion")
    if kind not in core.KINDS:
        raise PmError(f"criterion kind must be one of {', '.join(core.KINDS)}, not {kind!r}")
    if weight is None or weight < 0:
        raise PmError("a criterion weight must be zero or more")
    rnd = _round(conn, round_code)
    users.require(conn, actor, "edit_definitions", _root_unit(conn), now=now, entity="allocation_criteria",
                  key=f"{round_code}|{code}", attempted={"weight": weight})
    with atomic(conn):
        _open_round(conn, rnd["id"])
        if conn.execute("SELECT 1 FROM allocation_criteria WHERE round_id = ? AND code = ?",
                        [rnd["id"], code]).fetchone():
            raise PmError(f"criterion {code} already exists in round {round_code}")
        return audit.insert(conn, "allocation_criteria", {"round_id": rnd["id"], "code": code, "name": name,
                            "kind": kind, "weight": float(weight)}, actor=actor, now=now,
                            action="allocation.criterion_add")


def add_request(conn, round_code: str, code: str, unit: str, title: str, budget_line: str, amount: float, *,
                actor: str, now: datetime) -> int:
    """File a unit's request for ``amount`` on ``budget_line`` in an open round."""
    check_code(code, "request")
    if amount is None or amount < 0:
        raise PmError("the amount must be zero or more")
    if not (title or "").strip() or not (budget_line or "").strip():
        raise PmError("a request needs a title and a budget line")
    rnd = _round(conn, round_code)
    unit_id = id_of(conn, "units", unit, "unit")
    users.require(conn, actor, "enter_data", unit_id, now=now, entity="allocation_requests", key=code,
                  attempted={"unit": unit, "amount": amount})
    with atomic(conn):
        _open_round(conn, rnd["id"])
        if conn.execute("SELECT 1 FROM allocation_requests WHERE code = ?", [code]).fetchone():
            raise PmError(f"allocation request {code} already exists")
        return audit.insert(conn, "allocation_requests", {
            "round_id": rnd["id"], "unit_id": unit_id, "code": code, "title": title.strip(),
            "budget_line": budget_line.strip(), "amount": float(amount)}, actor=actor, now=now,
            action="allocation.request_add")


def _request(conn: sqlite3.Connection, code: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM allocation_requests WHERE code = ?", [code]).fetchone()
    if not row:
        raise NotFound(f"unknown allocation request {code!r}")
    return row


def score(conn, request_code: str, criterion_code: str, value: float, *, actor: str, now: datetime) -> dict:
    """Score a request 0..10 on one criterion of its round (a new score replaces the old one)."""
    if value is None or not 0 <= value <= 10:
        raise PmError(f"a score runs from 0 to 10, not {value}")
    req = _request(conn, request_code)
    crit = conn.execute("SELECT id FROM allocation_criteria WHERE round_id = ? AND code = ?",
                        [req["round_id"], criterion_code]).fetchone()
    if not crit:
        raise NotFound(f"criterion {criterion_code!r} is not part of the round of {request_code}")
    users.require(conn, actor, "edit_definitions", _root_unit(conn), now=now, entity="allocation_scores",
                  key=f"{request_code}|{criterion_code}", attempted={"score": value})
    with atomic(conn):
        _open_round(conn, req["round_id"])
        if req["status"] != "proposed":
            raise PmError(f"request {request_code} is {req['status']}: its scores are final")
        old = conn.execute("SELECT id FROM allocation_scores WHERE request_id = ? AND criterion_id = ?",
                           [req["id"], crit[0]]).fetchone()
        if old:
            return audit.update(conn, "allocation_scores", old[0], {"score": float(value)}, actor=actor, now=now,
                                action="allocation.score")
        key = audit.insert(conn, "allocation_scores", {"request_id": req["id"], "criterion_id": crit[0],
                           "score": float(value)}, actor=actor, now=now, action="allocation.score")
        return audit.fetch_row(conn, "allocation_scores", key)


def creator_of(conn: sqlite3.Connection, request_id: int) -> str | None:
    """Who filed the request: the actor of its audited insert."""
    row = conn.execute("SELECT actor FROM audit_log WHERE entity = 'allocation_requests' AND entity_key = ?"
                       " AND action = 'allocation.request_add' ORDER BY seq LIMIT 1", [str(request_id)]).fetchone()
    return row[0] if row else None


def decide(conn, request_code: str, decision: str, rationale: str, amount: float | None = None, *,
           actor: str, now: datetime) -> dict:
    """Approve (with an amount, by default the one asked), reject or defer a request, with a rationale.

    Raises:
        PmError: no rationale, a closed request or round, an amount above the request or the
            budget, or the four-eyes rule (the creator cannot decide).
        PermissionDenied: the actor lacks ``approve`` at group level and ``administer``.
    """
    if decision not in DECISIONS:
        raise PmError(f"decision must be one of {', '.join(DECISIONS)}")
    if not (rationale or "").strip():
        raise PmError("a decision needs a rationale (--rationale)")
    req = _request(conn, request_code)
    status = DECISIONS[decision]
    attempted = {"status": status, "amount": amount}
    if not users.has_permission(conn, actor, "administer", req["unit_id"], now.date()):
        users.require(conn, actor, "approve", _root_unit(conn), now=now, entity="allocation_requests",
                      key=req["id"], attempted=attempted)
    creator = creator_of(conn, req["id"])
    if creator == actor:
        rule = "four-eyes rule: nobody decides an allocation request they filed"
        audit.record_refusal(conn, actor=actor, now=now, action="allocation.decide", entity="allocation_requests",
                             key=req["id"], attempted=attempted, reason=rule)
        raise PmError(f"refused by the {rule} ({request_code} was filed by {creator})")
    if decision == "approve":
        amount = req["amount"] if amount is None else amount
        if not 0 < amount <= req["amount"]:
            raise PmError(f"the approved amount must be above 0 and at most the {req['amount']:g} asked")
    elif amount is not None:
        raise PmError("--amount applies to an approval only")
    with atomic(conn):
        _open_round(conn, req["round_id"])
        if req["status"] != "proposed":
            raise PmError(f"request {request_code} is already {req['status']}")
        if decision == "approve":
            rnd = conn.execute("SELECT budget FROM allocation_rounds WHERE id = ?", [req["round_id"]]).fetchone()
            committed = conn.execute("SELECT coalesce(sum(decided_amount), 0) FROM allocation_requests"
                                     " WHERE round_id = ? AND status = 'approved'", [req["round_id"]]).fetchone()[0]
            if committed + amount > rnd["budget"] + 1e-9:
                raise PmError(f"approving {amount:,.0f} would exceed the round's budget: {committed:,.0f} of"
                              f" {rnd['budget']:,.0f} is already approved")
        new = audit.update(conn, "allocation_requests", req["id"], {
            "status": status, "decided_amount": amount if decision == "approve" else None,
            "rationale": rationale.strip(), "decided_by": actor, "decided_at": utc_text(now)},
            actor=actor, now=now, action=f"allocation.{decision}", reason=rationale.strip())
        left = conn.execute("SELECT count(*) FROM allocation_requests WHERE round_id = ? AND status = 'proposed'",
                            [req["round_id"]]).fetchone()[0]
        if left == 0:
            audit.update(conn, "allocation_rounds", req["round_id"], {"status": "decided"}, actor=actor, now=now,
                         action="allocation.round_decided", reason="every request is decided")
        return new


def rounds(conn: sqlite3.Connection) -> list[dict]:
    """Every round with its budget, request counts and amounts (latest first)."""
    rows = conn.execute(
        """SELECT r.code, r.name, r.budget, r.status, c.code AS cycle,
                  count(q.id) AS requests, coalesce(sum(q.amount), 0) AS requested,
                  sum(q.status = 'proposed') AS open_requests,
                  coalesce(sum(q.decided_amount), 0) AS approved
           FROM allocation_rounds r LEFT JOIN planning_cycles c ON c.id = r.cycle_id
           LEFT JOIN allocation_requests q ON q.round_id = r.id
           GROUP BY r.id ORDER BY r.id DESC""").fetchall()
    return [dict(r) | {"open_requests": r["open_requests"] or 0} for r in rows]


def criteria(conn: sqlite3.Connection, round_code: str) -> list[core.Criterion]:
    """The round's criteria."""
    rnd = _round(conn, round_code)
    return [core.Criterion(r["code"], r["name"], r["kind"], r["weight"]) for r in conn.execute(
        "SELECT code, name, kind, weight FROM allocation_criteria WHERE round_id = ? ORDER BY id", [rnd["id"]])]


def ranking(conn: sqlite3.Connection, round_code: str, *, published: bool = False) -> core.Ranking:
    """The round's ranking, cut line and conflicts (``published`` leaves out confidential units' requests)."""
    rnd = _round(conn, round_code)
    hidden = "AND u.confidentiality != 'confidential'" if published else ""
    rows = conn.execute(
        f"""SELECT q.id, q.code, u.code AS unit, q.title, q.budget_line, q.amount, q.status, q.decided_amount
            FROM allocation_requests q JOIN units u ON u.id = q.unit_id
            WHERE q.round_id = ? {hidden} ORDER BY q.code""", [rnd["id"]]).fetchall()
    scores: dict[int, dict[str, float]] = {r["id"]: {} for r in rows}
    for s in conn.execute(
            """SELECT s.request_id, c.code, s.score FROM allocation_scores s
               JOIN allocation_criteria c ON c.id = s.criterion_id WHERE c.round_id = ?""", [rnd["id"]]):
        if s[0] in scores:
            scores[s[0]][s[1]] = s[2]
    requests = [core.Request(r["code"], r["unit"], r["title"], r["budget_line"], r["amount"], r["status"],
                             r["decided_amount"], scores[r["id"]]) for r in rows]
    return core.rank(criteria(conn, round_code), requests, rnd["budget"])


def request_detail(conn: sqlite3.Connection, code: str) -> dict:
    """One request with its decision fields and who filed it (for the TUI's decide dialog)."""
    req = _request(conn, code)
    return dict(req) | {"created_by": creator_of(conn, req["id"])}
