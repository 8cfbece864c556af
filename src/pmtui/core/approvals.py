"""The approval workflow's rules as pure functions: states, four eyes, corrections, versions.

Values and targets go draft -> submitted -> approved | rejected. An approved value is
never edited in place: a *correction* (old value -> new value, with a reason) is a new
revision that goes through approval again. Four eyes: nobody decides what they entered,
submitted or requested, nor a correction of a value they entered themselves.
The services apply these rules and the database repeats them in triggers.
"""

from __future__ import annotations

from collections.abc import Iterable

#: Allowed status changes of a measurement (approved is final: corrections change it).
TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"draft", "submitted"}),
    "submitted": frozenset({"draft", "submitted", "approved", "rejected"}),
    "rejected": frozenset({"draft", "submitted"}),
    "approved": frozenset(),
}

#: The pseudo-user that enters calculated values (see :mod:`pmtui.services.formulas`).
CALCULATED_BY = "calc"

FOUR_EYES_VALUE = "four-eyes rule: nobody approves or rejects a value they entered or submitted"
FOUR_EYES_CORRECTION = ("four-eyes rule: nobody decides a correction they entered, nor one of a value"
                        " they entered themselves")
FOUR_EYES_TARGET = "four-eyes rule: nobody decides a target revision they requested"


def can_move(old: str | None, new: str) -> bool:
    """True when a value may go from status ``old`` (None: no value yet) to ``new``."""
    if old is None:
        return new in ("draft", "submitted")
    return new in TRANSITIONS.get(old, frozenset())


def four_eyes_ok(actor: str, parties: Iterable[str | None]) -> bool:
    """True when ``actor`` is none of the ``parties`` (who entered, submitted or last changed it)."""
    return actor not in {p for p in parties if p}


def correction_problem(*, status: str | None, entered_by: str | None, current: float | None,
                       proposed: float, open_id: int | None) -> str | None:
    """Why a correction of a value cannot be proposed, or None when it can.

    Args:
        status: the value's status (None: there is no value).
        entered_by: who entered the value (``calc`` for calculated values).
        current: the value as it stands.
        proposed: the corrected value.
        open_id: the id of a correction of this value still waiting for a decision.
    """
    if status is None:
        return "there is no value to correct"
    if status != "approved":
        return (f"the value is {status}, not approved: only approved values are corrected;"
                " change it with 'pmtui enter' (or in the data-entry dialog)")
    if entered_by == CALCULATED_BY:
        return "the value is calculated by its formula: correct its inputs instead"
    if open_id is not None:
        return f"correction {open_id} of this value is still waiting for a decision: decide it first"
    if current == proposed:
        return f"the value is {proposed:g} already: a correction must change it"
    return None


def last_changed_by(entered_by: str, corrections: Iterable[dict]) -> str:
    """Who entered the value as it stands: the last approved correction's author, else the entry's."""
    approved = [c for c in corrections if c["status"] == "approved"]
    return max(approved, key=lambda c: c["id"])["entered_by"] if approved else entered_by


def versions(value: dict, corrections: list[dict]) -> list[dict]:
    """Every version of one value: the original entry, then each correction in order.

    Args:
        value: the measurement row (``value``, ``status``, ``entered_by``, ``entered_at``,
            ``submitted_at``, ``decided_by``, ``decided_at``, ``comment``, ``reason``).
        corrections: its corrections (``id``, ``old_value``, ``value``, ``status``,
            ``entered_by``, ``entered_at``, ``decided_by``, ``decided_at``, ``reason``,
            ``comment``, ``decision_reason``).

    Returns:
        Dicts with ``version`` (1 = the original), ``kind``, ``value``, ``old_value``,
        ``status``, ``by``, ``at``, ``decided_by``, ``decided_at``, ``why``, ``comment``,
        ``decision_reason``, ``correction_id`` and ``current`` (True for the version the
        value holds now).
    """
    ordered = sorted(corrections, key=lambda c: c["id"])
    original = ordered[0]["old_value"] if ordered else value["value"]
    out = [{"version": 1, "kind": "original", "value": original, "old_value": None, "status": value["status"],
            "by": value["entered_by"], "at": value.get("submitted_at") or value["entered_at"],
            "decided_by": value["decided_by"], "decided_at": value["decided_at"], "why": value.get("comment"),
            "comment": value.get("comment"), "decision_reason": value.get("reason"), "correction_id": None,
            "current": False}]
    for n, c in enumerate(ordered, start=2):
        out.append({"version": n, "kind": "correction", "value": c["value"], "old_value": c["old_value"],
                    "status": c["status"], "by": c["entered_by"], "at": c["entered_at"],
                    "decided_by": c["decided_by"], "decided_at": c["decided_at"], "why": c["reason"],
                    "comment": c.get("comment"), "decision_reason": c.get("decision_reason"),
                    "correction_id": c["id"], "current": False})
    applied = [v for v in out[1:] if v["status"] == "approved"]
    (applied[-1] if applied else out[0])["current"] = True
    return out
