"""Review meetings (M5.1, M7.6): a meeting per unit, cycle and period; its agenda, decisions and minutes.

Life of a meeting: ``planned`` (created, agenda generated from exceptions) ->
``in_progress`` (the first decision or minutes are recorded; ``held_on`` is set) ->
``finalised`` (every item decided, minutes written). A finalised meeting is immutable:
the service refuses, and triggers refuse whatever tool writes.

Who may run a meeting (generate its agenda, decide, write minutes, manage participants,
finalise): its chair, or a user holding ``approve`` or ``edit_targets`` for its unit.
Creating one needs ``approve`` or ``edit_targets`` for the unit. Refusals are audited.

Deciding ``act`` creates an action in the register (source ``meeting``) in the same
transaction; ``revise_target`` links to the revise-or-hold decision
(:mod:`pmtui.services.target_decisions`, which records ``agenda_item_id``).
"""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime

from pmtui.core import agenda as rules
from pmtui.core import periods, validation
from pmtui.services import agenda, users
from pmtui.services.errors import NotFound, PermissionDenied, PmError
from pmtui.store import audit
from pmtui.store.db import atomic

CYCLES = ("monthly", "quarterly", "annual")
#: Code suffix per cycle (a unit may hold a monthly and a quarterly review of one period).
SUFFIX = {"monthly": "", "quarterly": "-Q", "annual": "-FY"}
RUNNERS = ("approve", "edit_targets")
LEVELS = ("public", "internal", "confidential")
#: Longest minutes accepted (characters).
MAX_MINUTES = 20000


def meeting_code(unit: str, period: str, cycle: str = "monthly") -> str:
    """``PLANT_A-2026-10`` (monthly), ``PLANT_A-2026-09-Q`` (quarterly), ``PLANT_A-2026-12-FY`` (annual)."""
    return f"{unit}-{period}{SUFFIX[cycle]}"


def meeting(conn: sqlite3.Connection, code: str) -> sqlite3.Row:
    """The meeting row with its unit's code, or :class:`NotFound`."""
    row = conn.execute("SELECT m.*, u.code AS unit, u.name AS unit_name FROM meetings m"
                       " JOIN units u ON u.id = m.unit_id WHERE m.code = ?", [code]).fetchone()
    if row is None:
        raise NotFound(f"unknown meeting {code!r} (see 'pmtui review list')")
    return row


def text(value: str | None, field: str, *, required: bool = True, max_length: int = validation.MAX_COMMENT) -> str:
    """Stripped free text checked by :func:`pmtui.core.validation.check_text`."""
    value = (value or "").strip()
    if required and not value:
        raise PmError(f"{field} is empty: write what was decided and why")
    try:
        return validation.check_text(value, field=field, max_length=max_length)
    except ValueError as exc:
        raise PmError(str(exc)) from None


def _refuse(conn, actor: str, now: datetime, action: str, key: str, attempted: object, reason: str):
    audit.record_refusal(conn, actor=actor, now=now, action=action, entity="meetings", key=key,
                         attempted=attempted, reason=reason)
    raise PermissionDenied(f"refused: {reason} (the attempt is recorded in the audit trail)")


def require_runner(conn, m: sqlite3.Row, actor: str, now: datetime, action: str, attempted: object) -> None:
    """Refuse (audited) unless ``actor`` chairs the meeting or holds approve/edit_targets for its unit."""
    users.user_id_of(conn, actor)
    if actor == m["chair"] or any(users.has_permission(conn, actor, p, m["unit_id"], now.date()) for p in RUNNERS):
        return
    _refuse(conn, actor, now, action, m["code"], attempted,
            f"user {actor} may not run meeting {m['code']}: only its chair ({m['chair']}) or a user with"
            f" 'approve' or 'edit_targets' for {m['unit']} may")


def require_open(m: sqlite3.Row) -> None:
    """Refuse any change to a finalised meeting."""
    if m["status"] == "finalised":
        raise PmError(f"meeting {m['code']} is finalised ({m['finalised_at']} by {m['finalised_by']}):"
                      " its agenda, decisions, minutes and participants can no longer change")


def start(conn, m: sqlite3.Row, *, actor: str, now: datetime) -> None:
    """Mark a planned meeting as held today (inside the caller's transaction)."""
    if m["status"] == "planned":
        audit.update(conn, "meetings", m["id"], {"status": "in_progress", "held_on": m["held_on"]
                                                 or now.date().isoformat()}, actor=actor, now=now,
                     action="meeting.start")


def create(conn, unit: str, period: str, *, chair: str, cycle: str = "monthly", title: str | None = None,
           confidentiality: str | None = None, with_agenda: bool = True, actor: str, now: datetime) -> dict:
    """Create the review of ``unit`` for ``period`` with its chair and (by default) its agenda.

    Raises:
        PmError: unknown unit or user, malformed or future period, unknown cycle, a meeting that
            exists already, a chair who may not view the unit, or the actor lacks the permission.
    """
    period = agenda.check_period(period)
    if period > periods.of_date(now.date()):
        raise PmError(f"period {period} has not started yet: a review looks back at a period that has begun")
    if cycle not in CYCLES:
        raise PmError(f"cycle {cycle!r} must be one of {', '.join(CYCLES)}")
    unit_row = conn.execute("SELECT id, name, confidentiality FROM units WHERE code = ?", [unit]).fetchone()
    if unit_row is None:
        raise NotFound(f"unknown unit {unit!r}")
    level = confidentiality or unit_row["confidentiality"]
    if level not in LEVELS:
        raise PmError(f"confidentiality must be one of {', '.join(LEVELS)}")
    code = meeting_code(unit, period, cycle)
    title = text(title or f"{unit_row['name']} {cycle} performance review {period}", "title", max_length=200)
    users.user_id_of(conn, actor)
    if not any(users.has_permission(conn, actor, p, unit_row["id"], now.date()) for p in RUNNERS):
        _refuse(conn, actor, now, "meeting.create", code, {"unit": unit, "period": period, "chair": chair},
                f"user {actor} may not create reviews of {unit}: needs 'approve' or 'edit_targets' for it")
    chair_id = users.user_id_of(conn, chair)
    if not users.has_permission(conn, chair, "view", unit_row["id"], now.date()):
        raise PmError(f"chair {chair} may not view {unit}: choose a chair with a role for the unit")
    with atomic(conn):
        if conn.execute("SELECT 1 FROM meetings WHERE code = ?", [code]).fetchone():
            raise PmError(f"meeting {code} exists already (see 'pmtui review show {code}')")
        meeting_id = audit.insert(conn, "meetings", {
            "code": code, "unit_id": unit_row["id"], "cycle": cycle, "period": period, "title": title,
            "chair": chair, "status": "planned", "confidentiality": level}, actor=actor, now=now,
            action="meeting.create")
        audit.insert(conn, "meeting_participants", {"meeting_id": meeting_id, "user_id": chair_id, "role": "chair"},
                     actor=actor, now=now, action="meeting.participant")
        if with_agenda:
            _write_agenda(conn, meeting(conn, code), actor=actor, now=now)
    return show(conn, code)


def _ids(conn, item: rules.AgendaItem) -> dict:
    def one(sql: str, *args):
        row = conn.execute(sql, args).fetchone()
        return row[0] if row else None

    return {"kpi_id": one("SELECT id FROM kpis WHERE code = ?", item.kpi) if item.kpi else None,
            "unit_id": one("SELECT id FROM units WHERE code = ?", item.unit) if item.unit else None,
            "milestone_id": item.evidence.get("milestone_id") or (one(
                "SELECT m.id FROM milestones m JOIN initiatives i ON i.id = m.initiative_id"
                " WHERE i.code = ? AND m.code = ?", item.initiative, item.milestone) if item.milestone else None),
            "action_id": item.action_id}


def _write_agenda(conn, m: sqlite3.Row, *, actor: str, now: datetime) -> int:
    items = agenda.build(conn, m["unit"], m["period"], today=now)
    for seq, item in enumerate(items, 1):
        values = {"meeting_id": m["id"], "seq": seq, "kind": item.kind, "title": item.title,
                  "severity": item.severity, "period": item.period,
                  "evidence": json.dumps(item.evidence, sort_keys=True, default=str),
                  "confidentiality": rules.highest(item.confidentiality, m["confidentiality"])} | _ids(conn, item)
        audit.insert(conn, "agenda_items", values, actor=actor, now=now, action="agenda.item")
    return len(items)


def generate_agenda(conn, code: str, *, actor: str, now: datetime) -> dict:
    """(Re)build a meeting's agenda from today's exceptions; only before any decision is recorded."""
    m = meeting(conn, code)
    require_open(m)
    require_runner(conn, m, actor, now, "agenda.generate", {"meeting": code})
    with atomic(conn):
        decided = conn.execute("SELECT count(*) FROM agenda_items WHERE meeting_id = ? AND decision IS NOT NULL",
                               [m["id"]]).fetchone()[0]
        if decided:
            raise PmError(f"meeting {code} has {decided} decision(s) recorded: its agenda can no longer be rebuilt")
        for (item_id,) in conn.execute("SELECT id FROM agenda_items WHERE meeting_id = ?", [m["id"]]).fetchall():
            audit.delete(conn, "agenda_items", item_id, actor=actor, now=now, action="agenda.rebuild")
        _write_agenda(conn, m, actor=actor, now=now)
    return show(conn, code)


def preview_agenda(conn: sqlite3.Connection, unit: str, period: str, *, today: date | datetime) -> list[dict]:
    """The agenda a review of ``unit`` for ``period`` would get (writes nothing)."""
    return agenda.preview(conn, unit, period, today=today)


def decide(conn, code: str, seq: int, decision: str, note: str, *, owner: str | None = None,
           due_on: str | None = None, actor: str, now: datetime) -> dict:
    """Record the decision on agenda item ``seq``; ``act`` also creates the action (``owner``, ``due_on``).

    A decision may be changed until the meeting is finalised, except ``act`` once its action exists.
    """
    if decision not in rules.DECISIONS:
        raise PmError(f"decision {decision!r} must be one of {', '.join(rules.DECISIONS)}")
    note = text(note, "note")
    if decision == "act" and not (owner and due_on):
        raise PmError("decision 'act' creates an action: give its owner (--owner USER) and due date (--due YYYY-MM-DD)")
    if decision != "act" and (owner or due_on):
        raise PmError("--owner and --due only go with decision 'act'")
    m = meeting(conn, code)
    require_open(m)
    require_runner(conn, m, actor, now, "agenda.decide", {"meeting": code, "seq": seq, "decision": decision})
    with atomic(conn):
        item = conn.execute("SELECT a.*, k.code AS kpi, u.code AS unit, i.code AS initiative"
                            " FROM agenda_items a LEFT JOIN kpis k ON k.id = a.kpi_id"
                            " LEFT JOIN units u ON u.id = a.unit_id LEFT JOIN milestones ms ON ms.id = a.milestone_id"
                            " LEFT JOIN initiatives i ON i.id = ms.initiative_id"
                            " WHERE a.meeting_id = ? AND a.seq = ?", [m["id"], seq]).fetchone()
        if item is None:
            raise NotFound(f"meeting {code} has no agenda item {seq}")
        if item["decision"] == "act":
            raise PmError(f"item {seq} of {code} was decided 'act' and its action exists: follow it up in the"
                          " action register instead")
        start(conn, m, actor=actor, now=now)
        audit.update(conn, "agenda_items", item["id"], {"decision": decision, "decision_note": note,
                                                         "decided_by": actor, "decided_at": audit.utc_text(now)},
                     actor=actor, now=now, action="agenda.decide", reason=note)
        created = None
        if decision == "act":
            from pmtui.services import actions  # noqa: PLC0415 - the action register is another area

            created = actions.add(conn, note, owner=owner, due_on=due_on, unit=item["unit"] or m["unit"],
                                  source="meeting", description=f"{code} item {seq}: {item['title']}",
                                  meeting_id=m["id"], agenda_item_id=item["id"], kpi=item["kpi"],
                                  initiative=item["initiative"], confidentiality=item["confidentiality"],
                                  actor=actor, now=now)
    result = next(i for i in show(conn, code)["items"] if i["seq"] == seq)
    return result | ({"action": created} if created else {})


def write_minutes(conn, code: str, minutes: str, *, actor: str, now: datetime) -> dict:
    """Replace the meeting's minutes (until it is finalised)."""
    minutes = text(minutes, "minutes", max_length=MAX_MINUTES)
    m = meeting(conn, code)
    require_open(m)
    require_runner(conn, m, actor, now, "meeting.minutes", {"meeting": code})
    with atomic(conn):
        start(conn, m, actor=actor, now=now)
        audit.update(conn, "meetings", m["id"], {"minutes": minutes}, actor=actor, now=now, action="meeting.minutes")
    return show(conn, code)


def finalise(conn, code: str, *, actor: str, now: datetime) -> dict:
    """Close the meeting for good: every item decided and minutes written.

    Participants whose attendance was never recorded are recorded as present (mark
    absentees before finalising). From then on the meeting cannot change.
    """
    m = meeting(conn, code)
    require_open(m)
    require_runner(conn, m, actor, now, "meeting.finalise", {"meeting": code})
    open_items = [r[0] for r in conn.execute("SELECT seq FROM agenda_items WHERE meeting_id = ? AND decision IS NULL"
                                             " ORDER BY seq", [m["id"]])]
    if open_items:
        raise PmError(f"meeting {code} cannot be finalised: item(s) {', '.join(map(str, open_items))} have no"
                      " decision yet")
    if not m["minutes"].strip():
        raise PmError(f"meeting {code} cannot be finalised without minutes ('pmtui review minutes {code} --text ...')")
    with atomic(conn):
        for (pid,) in conn.execute("SELECT id FROM meeting_participants WHERE meeting_id = ? AND attended IS NULL",
                                   [m["id"]]).fetchall():
            audit.update(conn, "meeting_participants", pid, {"attended": 1}, actor=actor, now=now,
                         action="meeting.attendance")
        start(conn, m, actor=actor, now=now)
        audit.update(conn, "meetings", m["id"], {"status": "finalised", "finalised_by": actor,
                                                 "finalised_at": audit.utc_text(now)},
                     actor=actor, now=now, action="meeting.finalise")
    return show(conn, code)


LIST_SQL = """SELECT m.code, u.code AS unit, m.cycle, m.period, m.title, m.chair, m.status, m.held_on,
       m.confidentiality,
       (SELECT count(*) FROM agenda_items a WHERE a.meeting_id = m.id) AS items,
       (SELECT count(*) FROM agenda_items a WHERE a.meeting_id = m.id AND a.decision IS NOT NULL) AS decided
FROM meetings m JOIN units u ON u.id = m.unit_id"""


def _unit_filter(conn, unit: str | None) -> tuple[str, list]:
    if not unit:
        return "", []
    ids = list(agenda.subtree(conn, unit))
    return f"WHERE m.unit_id IN ({','.join('?' * len(ids))})", ids


def list_meetings(conn: sqlite3.Connection, *, unit: str | None = None, limit: int = 50,
                  offset: int = 0) -> list[dict]:
    """Meetings of ``unit`` and the units below it (or all), latest period first, a page at a time."""
    where, args = _unit_filter(conn, unit)
    rows = conn.execute(f"{LIST_SQL} {where} ORDER BY m.period DESC, u.code, m.cycle LIMIT ? OFFSET ?",
                        [*args, limit, offset])
    return [dict(r) for r in rows]


def count_meetings(conn: sqlite3.Connection, *, unit: str | None = None) -> int:
    """How many meetings :func:`list_meetings` pages through."""
    where, args = _unit_filter(conn, unit)
    return conn.execute(f"SELECT count(*) FROM meetings m {where}", args).fetchone()[0]


def items(conn: sqlite3.Connection, meeting_id: int) -> list[dict]:
    """Agenda items in order, with the element codes, the decision and what followed from it."""
    rows = conn.execute(
        """SELECT a.id, a.seq, a.kind, a.title, a.severity, k.code AS kpi, u.code AS unit, a.period,
                  ms.code AS milestone, i.code AS initiative, a.action_id, a.evidence, a.decision,
                  a.decision_note, a.decided_by, a.decided_at, a.confidentiality,
                  (SELECT group_concat(x.id) FROM actions x WHERE x.agenda_item_id = a.id) AS created,
                  (SELECT max(d.id) FROM target_decisions d WHERE d.agenda_item_id = a.id) AS target_decision
           FROM agenda_items a LEFT JOIN kpis k ON k.id = a.kpi_id LEFT JOIN units u ON u.id = a.unit_id
           LEFT JOIN milestones ms ON ms.id = a.milestone_id LEFT JOIN initiatives i ON i.id = ms.initiative_id
           WHERE a.meeting_id = ? ORDER BY a.seq""", [meeting_id])
    out = []
    for r in rows:
        item = dict(r)
        item["evidence"] = json.loads(item["evidence"] or "{}")
        item["actions_created"] = [int(x) for x in (item.pop("created") or "").split(",") if x]
        out.append(item)
    return out


def participants(conn: sqlite3.Connection, meeting_id: int) -> list[dict]:
    """Chair first, then members, rotating participants and guests, by name."""
    rows = conn.execute(
        """SELECT p.name AS user, p.display_name, mp.role, mp.attended FROM meeting_participants mp
           JOIN users p ON p.id = mp.user_id WHERE mp.meeting_id = ?
           ORDER BY CASE mp.role WHEN 'chair' THEN 0 WHEN 'member' THEN 1 WHEN 'rotating' THEN 2 ELSE 3 END,
                    p.name""", [meeting_id])
    return [dict(r) | {"attended": None if r["attended"] is None else bool(r["attended"])} for r in rows]


def show(conn: sqlite3.Connection, code: str) -> dict:
    """The meeting with its participants and agenda."""
    m = meeting(conn, code)
    head = {k: m[k] for k in ("code", "unit", "unit_name", "cycle", "period", "title", "held_on", "chair", "status",
                              "minutes", "finalised_by", "finalised_at", "confidentiality")}
    return head | {"participants": participants(conn, m["id"]), "items": items(conn, m["id"])}
