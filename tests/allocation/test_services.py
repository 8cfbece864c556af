"""Allocation services on the mini company: permissions, four eyes, decisions, audit."""

from __future__ import annotations

import pytest

from pmtui.services import allocation
from pmtui.services.errors import NotFound, PermissionDenied, PmError
from tests.builders import NOW


def _audit(conn, action):
    return [tuple(r) for r in conn.execute("SELECT actor, reason FROM audit_log WHERE action = ? ORDER BY seq", [action])]


def test_ranking_of_the_round(alloc):
    ranking = allocation.ranking(alloc, "R1")
    assert [(r.request.code, r.score, r.rank, r.place) for r in ranking.requests] == [
        ("B1", 7.0, 1, "funded"), ("A1", 6.0, 2, "funded"), ("A2", 5.0, 3, "below_line")]
    assert [(c.kind, c.requests) for c in ranking.conflicts] == [
        ("budget_line", ("A1", "A2")), ("over_budget", ("A2",))]


def test_published_ranking_leaves_out_the_confidential_unit(alloc):
    ranking = allocation.ranking(alloc, "R1", published=True)
    assert [(r.request.code, r.cumulative, r.place) for r in ranking.requests] == [
        ("A1", 60, "funded"), ("A2", 110, "below_line")]


def test_a_missing_score_is_flagged_not_zero(alloc):
    allocation.add_request(alloc, "R1", "A3", "BU_A", "Lights", "ENERGY", 5, actor="ann", now=NOW)
    allocation.score(alloc, "A3", "NPV", 10, actor="admin", now=NOW)
    item = next(r for r in allocation.ranking(alloc, "R1").requests if r.request.code == "A3")
    assert (item.score, item.missing, item.rank, item.place) == (None, ("SAFE",), None, "unscored")


def test_writes_are_audited(alloc):
    assert _audit(alloc, "allocation.round_add") == [("admin", None)]
    assert len(_audit(alloc, "allocation.score")) == 6
    assert allocation.creator_of(alloc, 1) == "ann"


@pytest.mark.parametrize("call, error", [
    (lambda c: allocation.add_round(c, "R2", "x", 1, actor="ann", now=NOW), PermissionDenied),
    (lambda c: allocation.add_round(c, "R1", "x", 1, actor="admin", now=NOW), PmError),
    (lambda c: allocation.add_round(c, "R2", "x", -1, actor="admin", now=NOW), PmError),
    (lambda c: allocation.add_criterion(c, "R1", "X", "x", "social", 1, actor="admin", now=NOW), PmError),
    (lambda c: allocation.add_criterion(c, "NOPE", "X", "x", "financial", 1, actor="admin", now=NOW), NotFound),
    (lambda c: allocation.add_request(c, "R1", "A9", "BU_B", "x", "L", 1, actor="ann", now=NOW), PermissionDenied),
    (lambda c: allocation.score(c, "A1", "NPV", 11, actor="admin", now=NOW), PmError),
    (lambda c: allocation.score(c, "A1", "NOPE", 5, actor="admin", now=NOW), NotFound),
    (lambda c: allocation.score(c, "A1", "NPV", 5, actor="ann", now=NOW), PermissionDenied),
    (lambda c: allocation.decide(c, "A1", "approve", "", actor="bob", now=NOW), PmError),
    (lambda c: allocation.decide(c, "A1", "approve", "ok", 61, actor="bob", now=NOW), PmError),
    (lambda c: allocation.decide(c, "A1", "reject", "no", 10, actor="bob", now=NOW), PmError),
    (lambda c: allocation.decide(c, "A1", "approve", "ok", actor="ann", now=NOW), PermissionDenied),
])
def test_refusals(alloc, call, error):
    with pytest.raises(error):
        call(alloc)


def test_four_eyes_the_creator_cannot_decide_and_the_refusal_is_audited(alloc):
    with pytest.raises(PmError, match="four-eyes"):
        allocation.decide(alloc, "B1", "approve", "mine", actor="admin", now=NOW)
    assert _audit(alloc, "refused.allocation.decide")[0][0] == "admin"
    assert allocation.request_detail(alloc, "B1")["status"] == "proposed"


def test_decisions_close_the_round_when_all_are_decided(alloc):
    row = allocation.decide(alloc, "A1", "approve", "Best payback", 55, actor="bob", now=NOW)
    assert (row["status"], row["decided_amount"], row["decided_by"], row["rationale"]) == (
        "approved", 55, "bob", "Best payback")
    with pytest.raises(PmError, match="exceed the round's budget"):
        allocation.decide(alloc, "A2", "approve", "too", actor="bob", now=NOW)
    allocation.decide(alloc, "A2", "defer", "Next year", actor="bob", now=NOW)
    assert allocation.rounds(alloc)[0]["status"] == "open"
    allocation.decide(alloc, "B1", "reject", "Divesting", actor="bob", now=NOW)
    assert allocation.rounds(alloc)[0]["status"] == "decided"
    assert _audit(alloc, "allocation.round_decided") == [("bob", "every request is decided")]
    with pytest.raises(PmError, match="takes no more changes"):
        allocation.add_request(alloc, "R1", "A4", "BU_A", "x", "L", 1, actor="ann", now=NOW)
    ranking = allocation.ranking(alloc, "R1")
    assert [(r.request.code, r.place) for r in ranking.requests] == [
        ("A1", "approved"), ("A2", "deferred"), ("B1", "rejected")]


def test_a_decided_request_cannot_be_decided_again(alloc):
    allocation.decide(alloc, "A1", "reject", "No", actor="bob", now=NOW)
    with pytest.raises(PmError, match="already rejected"):
        allocation.decide(alloc, "A1", "approve", "Yes after all", actor="bob", now=NOW)
    with pytest.raises(PmError, match="scores are final"):
        allocation.score(alloc, "A1", "NPV", 1, actor="admin", now=NOW)


def test_rescoring_replaces_the_score(alloc):
    allocation.score(alloc, "A2", "NPV", 10, actor="admin", now=NOW)
    ranking = allocation.ranking(alloc, "R1")
    assert ranking.requests[0].request.code == "A2" and ranking.requests[0].score == 9.0
