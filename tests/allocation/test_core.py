"""Allocation maths with known answers: weights, sub-scores, ranking, the cut line and conflicts."""

from __future__ import annotations

import json

import pytest

from pmtui.core.allocation import Criterion, Request, normalised_weights, rank, score_request

FIN = Criterion("NPV", "NPV", "financial", 3)
PAY = Criterion("PAY", "Payback", "financial", 1)
SAFE = Criterion("SAFE", "Safety", "non_financial", 4)
CRITERIA = (FIN, PAY, SAFE)


def req(code, amount, npv=None, pay=None, safe=None, line="L", status="proposed", decided=None):
    scores = {k: v for k, v in (("NPV", npv), ("PAY", pay), ("SAFE", safe)) if v is not None}
    return Request(code, "U", code.title(), line, amount, status, decided, scores)


@pytest.mark.parametrize("weights, expected", [
    ((3, 1, 4), {"NPV": 0.375, "PAY": 0.125, "SAFE": 0.5}),
    ((0, 0, 0), {"NPV": 1 / 3, "PAY": 1 / 3, "SAFE": 1 / 3}),
    ((2, 0, 2), {"NPV": 0.5, "PAY": 0.0, "SAFE": 0.5}),
])
def test_weights_are_normalised(weights, expected):
    criteria = [Criterion(c.code, c.name, c.kind, w) for c, w in zip(CRITERIA, weights)]
    assert normalised_weights(criteria) == pytest.approx(expected)


@pytest.mark.parametrize("scores, total, financial, non_financial, missing", [
    ((8, 4, 2), 0.375 * 8 + 0.125 * 4 + 0.5 * 2, 7.0, 2.0, ()),
    ((10, 10, 10), 10.0, 10.0, 10.0, ()),
    ((0, 0, 0), 0.0, 0.0, 0.0, ()),
    ((8, None, 2), None, None, 2.0, ("PAY",)),     # unscored: flagged, never counted as 0
    ((None, None, None), None, None, None, ("NPV", "PAY", "SAFE")),
])
def test_weighted_score_and_sub_scores(scores, total, financial, non_financial, missing):
    result = score_request(req("A", 1, *scores), CRITERIA)
    assert result.score == (None if total is None else pytest.approx(total))
    assert result.financial == (None if financial is None else pytest.approx(financial))
    assert result.non_financial == (None if non_financial is None else pytest.approx(non_financial))
    assert result.missing == missing


def _places(ranking):
    return [(r.request.code, r.rank, r.cumulative, r.place) for r in ranking.requests]


@pytest.mark.parametrize("requests, budget, expected, cut_after", [
    # Prefix cut line: C (rank 3) breaks the budget; D is below it even though it would fit.
    ([req("A", 40, 9, 9, 9), req("B", 30, 8, 8, 8), req("C", 50, 7, 7, 7), req("D", 5, 6, 6, 6)], 100,
     [("A", 1, 40, "funded"), ("B", 2, 70, "funded"), ("C", 3, 120, "below_line"), ("D", 4, 125, "below_line")],
     "B"),
    # Everything fits.
    ([req("A", 40, 9, 9, 9), req("B", 30, 8, 8, 8)], 100, [("A", 1, 40, "funded"), ("B", 2, 70, "funded")], "B"),
    # The first request alone breaks the budget.
    ([req("A", 200, 9, 9, 9)], 100, [("A", 1, 200, "below_line")], None),
    # An approved request is committed first, whatever its rank; rejected/deferred/unscored do not compete.
    ([req("A", 40, 9, 9, 9), req("B", 30, 1, 1, 1, status="approved", decided=25), req("C", 40, 8, 8, 8),
      req("D", 10, 9, 9, 9, status="rejected"), req("E", 10, 9, 9, 9, status="deferred"), req("F", 10, 9, None, 9)],
     100, [("A", 1, 65, "funded"), ("C", 2, 105, "below_line"), ("B", 3, 105, "approved"),
           ("E", None, None, "deferred"), ("D", None, None, "rejected"), ("F", None, None, "unscored")], "A"),
])
def test_ranking_and_cut_line(requests, budget, expected, cut_after):
    ranking = rank(CRITERIA, requests, budget)
    assert _places(ranking) == expected
    assert ranking.cut_after == cut_after


def test_equal_totals_rank_the_better_financial_case_first_and_are_a_tie():
    # Same total 5: X is financial 8 / safety 2, Y is financial 2 / safety 8.
    x, y = req("Y_SAFE", 10, 2, 2, 8), req("X_FIN", 10, 8, 8, 2)
    ranking = rank(CRITERIA, [x, y], 100)
    assert [r.request.code for r in ranking.requests] == ["X_FIN", "Y_SAFE"]
    assert [(c.kind, c.requests) for c in ranking.conflicts if c.kind == "tie"] == [("tie", ("X_FIN", "Y_SAFE"))]


def test_conflicts_budget_line_over_budget_and_trade_off():
    # SAFE_FIRST has the lower financial score but the better total (safety weighs 50%).
    requests = [req("SAFE_FIRST", 60, 3, 3, 10, line="PLANT"), req("CASH_COW", 60, 9, 9, 2, line="PLANT"),
                req("OTHER", 10, 5, 5, 5, line="IT")]
    ranking = rank(CRITERIA, requests, 100)
    found = [(c.kind, c.requests) for c in ranking.conflicts]
    # Totals: SAFE_FIRST 6.5, CASH_COW 5.5, OTHER 5.0; the cut line falls after SAFE_FIRST.
    assert found == [("budget_line", ("SAFE_FIRST", "CASH_COW")), ("over_budget", ("CASH_COW", "OTHER")),
                     ("trade_off", ("SAFE_FIRST", "CASH_COW")), ("trade_off", ("SAFE_FIRST", "OTHER"))]
    assert "budget line PLANT (120 asked)" in ranking.conflicts[0].message
    assert ranking.financial_share == pytest.approx(0.5)
    assert (ranking.requested, ranking.funded_total, ranking.cut_after) == (130, 60, "SAFE_FIRST")


def test_no_conflicts_when_lines_differ_and_the_budget_suffices():
    ranking = rank(CRITERIA, [req("A", 10, 9, 9, 9, line="X"), req("B", 10, 5, 5, 5, line="Y")], 100)
    assert ranking.conflicts == ()


def test_to_dict_is_json_ready():
    data = json.loads(json.dumps(rank(CRITERIA, [req("A", 10, 9, 9, 9)], 100).to_dict()))
    assert data["requests"][0]["funded"] is True and data["cut_after"] == "A"
