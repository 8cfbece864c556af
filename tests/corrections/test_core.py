"""The workflow rules of :mod:`pmtui.core.approvals` as tables of cases."""

from __future__ import annotations

import pytest

from pmtui.core import approvals


@pytest.mark.parametrize("old, new, ok", [
    (None, "draft", True), (None, "submitted", True), (None, "approved", False),
    ("draft", "submitted", True), ("draft", "approved", False),
    ("submitted", "approved", True), ("submitted", "rejected", True), ("submitted", "draft", True),
    ("rejected", "submitted", True), ("rejected", "approved", False),
    ("approved", "draft", False), ("approved", "submitted", False), ("approved", "rejected", False),
])
def test_state_machine(old, new, ok):
    assert approvals.can_move(old, new) is ok


@pytest.mark.parametrize("actor, parties, ok", [
    ("bob", ("ann", "ann"), True),
    ("ann", ("ann", None), False),
    ("ann", ("bob", "ann"), False),
    ("ann", (None, None), True),
    ("ann", (), True),
])
def test_four_eyes(actor, parties, ok):
    assert approvals.four_eyes_ok(actor, parties) is ok


@pytest.mark.parametrize("status, entered_by, current, proposed, open_id, fragment", [
    ("approved", "ann", 95.0, 97.0, None, None),
    (None, None, None, 97.0, None, "no value"),
    ("submitted", "ann", 95.0, 97.0, None, "not approved"),
    ("draft", "ann", 95.0, 97.0, None, "pmtui enter"),
    ("rejected", "ann", 95.0, 97.0, None, "not approved"),
    ("approved", "calc", 1.5, 1.6, None, "calculated"),
    ("approved", "ann", 95.0, 97.0, 4, "correction 4"),
    ("approved", "ann", 95.0, 95.0, None, "must change"),
])
def test_correction_problem(status, entered_by, current, proposed, open_id, fragment):
    problem = approvals.correction_problem(status=status, entered_by=entered_by, current=current,
                                           proposed=proposed, open_id=open_id)
    if fragment is None:
        assert problem is None
    else:
        assert fragment in problem


@pytest.mark.parametrize("corrections, expected", [
    ([], "ann"),
    ([{"id": 1, "status": "rejected", "entered_by": "carl"}], "ann"),
    ([{"id": 1, "status": "approved", "entered_by": "carl"}], "carl"),
    ([{"id": 2, "status": "approved", "entered_by": "dora"}, {"id": 1, "status": "approved", "entered_by": "carl"}],
     "dora"),
])
def test_last_changed_by(corrections, expected):
    assert approvals.last_changed_by("ann", corrections) == expected


VALUE = {"value": 99.0, "status": "approved", "entered_by": "ann", "entered_at": "2026-08-05T10:00:00Z",
         "submitted_at": "2026-08-05T10:00:00Z", "decided_by": "bob", "decided_at": "2026-08-08T15:00:00Z",
         "comment": "on plan", "reason": None}


def _correction(cid, old, new, status, by="ann"):
    return {"id": cid, "old_value": old, "value": new, "status": status, "entered_by": by,
            "entered_at": f"2026-11-0{cid}T09:00:00Z", "decided_by": "bob", "decided_at": None, "reason": f"r{cid}",
            "comment": None, "decision_reason": None}


@pytest.mark.parametrize("corrections, values, current", [
    ([], [99.0], 1),
    ([_correction(1, 95.0, 97.0, "rejected")], [95.0, 97.0], 1),
    ([_correction(1, 95.0, 99.0, "approved")], [95.0, 99.0], 2),
    ([_correction(2, 97.0, 99.0, "approved"), _correction(1, 95.0, 97.0, "approved")], [95.0, 97.0, 99.0], 3),
    ([_correction(1, 95.0, 99.0, "approved"), _correction(2, 99.0, 98.0, "submitted")], [95.0, 99.0, 98.0], 2),
])
def test_versions(corrections, values, current):
    out = approvals.versions(VALUE | {"value": 99.0}, corrections)
    assert [v["value"] for v in out] == values
    assert [v["version"] for v in out if v["current"]] == [current]
    assert out[0]["kind"] == "original" and out[0]["by"] == "ann" and out[0]["decided_by"] == "bob"
    assert all(v["kind"] == "correction" and v["why"].startswith("r") for v in out[1:])
