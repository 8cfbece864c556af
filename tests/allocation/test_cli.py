"""``pmtui allocation ...`` with CliRunner: a whole round from the command line."""

from __future__ import annotations

import json

import pytest


def _setup(run):
    assert run("allocation", "round-add", "--code", "R1", "--name", "Round 1", "--budget", "100",
               user="admin").exit_code == 0
    for code, kind in (("NPV", "financial"), ("SAFE", "non_financial")):
        result = run("allocation", "criterion-add", "--round", "R1", "--code", code, "--name", code, "--kind", kind,
                     "--weight", "1", user="admin")
        assert result.exit_code == 0, result.output
    for code, amount in (("A1", "60"), ("A2", "50")):
        result = run("allocation", "request-add", "--round", "R1", "--unit", "BU_A", "--code", code, "--title", code,
                     "--line", "IT", "--amount", amount, user="ann")
        assert result.exit_code == 0, result.output
    for code, npv, safe in (("A1", "9", "3"), ("A2", "2", "8")):
        run("allocation", "score", "--request", code, "--criterion", "NPV", "--score", npv, user="admin")
        run("allocation", "score", "--request", code, "--criterion", "SAFE", "--score", safe, user="admin")


def test_a_round_end_to_end(run):
    _setup(run)
    data = json.loads(run("allocation", "ranking", "--round", "R1", "--json").output)
    assert [(r["code"], r["score"], r["rank"], r["place"]) for r in data["requests"]] == [
        ("A1", 6.0, 1, "funded"), ("A2", 5.0, 2, "below_line")]
    assert data["cut_after"] == "A1"
    assert {c["kind"] for c in data["conflicts"]} == {"budget_line", "over_budget"}
    text = run("allocation", "ranking", "--round", "R1").output
    assert "cut line after A1" in text and "[over_budget]" in text
    result = run("allocation", "decide", "--request", "A1", "--approve", "--amount", "55", "--rationale", "Go",
                 "--json", user="bob")
    assert result.exit_code == 0 and json.loads(result.output)["decided_amount"] == 55
    assert run("allocation", "decide", "--request", "A2", "--defer", "--rationale", "Later", user="bob").exit_code == 0
    [round_row] = json.loads(run("allocation", "rounds", "--json").output)
    assert (round_row["status"], round_row["approved"], round_row["open_requests"]) == ("decided", 55, 0)


@pytest.mark.parametrize("args, user, message", [
    (("allocation", "round-add", "--code", "R9", "--name", "x", "--budget", "1"), None, "no acting user"),
    (("allocation", "round-add", "--code", "R9", "--name", "x", "--budget", "1"), "ann", "lacks permission"),
    (("allocation", "ranking", "--round", "NOPE"), None, "unknown allocation round"),
    (("allocation", "decide", "--request", "A1", "--rationale", "x"), "bob", "--approve, --reject or --defer"),
    (("allocation", "decide", "--request", "A1", "--approve", "--rationale", "x"), "ann", "lacks permission"),
    (("allocation", "score", "--request", "A1", "--criterion", "NPV", "--score", "12"), "admin", "0 to 10"),
])
def test_user_errors_exit_1_with_a_message(run, args, user, message):
    _setup(run)
    result = run(*args, user=user)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output


def test_rationale_is_required_by_click(run):
    _setup(run)
    assert run("allocation", "decide", "--request", "A1", "--approve", user="bob").exit_code == 2
