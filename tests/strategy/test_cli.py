"""``pmtui cycles``, ``alignment``, ``strategy-map``, ``targets ...`` and ``excluded ...`` with CliRunner."""

from __future__ import annotations

import json

import pytest


def test_cycles_add_list_and_alignment_json(run):
    added = run("cycles", "add", "--code", "FY2026", "--name", "Fiscal year 2026", "--start", "2026-01",
                "--end", "2026-12", user="admin")
    assert added.exit_code == 0, added.output
    assert json.loads(run("cycles", "list", "--json").output)[0]["code"] == "FY2026"
    report = json.loads(run("alignment", "--cycle", "FY2026", "--json").output)
    assert report["cycle"]["code"] == "FY2026" and report["unit_kpis"] == 2
    assert report["unaligned_kpis"] == [] and report["unmeasured_objectives"] == []
    assert "Coverage per perspective" in run("alignment", "--cycle", "FY2026").output


@pytest.mark.parametrize(("args", "user", "message"), [
    (("alignment", "--cycle", "NOPE"), None, "Error: unknown planning cycle 'NOPE'"),
    (("cycles", "add", "--code", "FY1", "--name", "x", "--start", "2026-13", "--end", "2026-12"), "admin",
     "Error: period '2026-13' is not in the form YYYY-MM"),
    (("cycles", "add", "--code", "FY1", "--name", "x", "--start", "2026-01", "--end", "2026-12"), None,
     "Error: no acting user"),
    (("excluded", "add", "--name", "x", "--reason", "y"), "bob", "Error: refused: user bob lacks permission"),
    (("targets", "revise", "--kpi", "REV", "--unit", "BU_A", "--period", "2026-08", "--target", "95",
      "--reason", "r"), "ann", "Error: refused: user ann lacks permission 'edit_targets'"),
    (("targets", "decide", "42", "--approve"), "bob", "Error: no target revision 42"),
    (("strategy-map", "--unit", "NOPE"), None, "Error: unknown unit 'NOPE'"),
])
def test_user_errors_exit_1_without_traceback(run, args, user, message):
    result = run(*args, user=user)
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output


def test_revision_self_approval_exits_1_and_a_second_person_approves(run):
    requested = run("targets", "revise", "--kpi", "REV", "--unit", "BU_A", "--period", "2026-08", "--target", "95",
                    "--reason", "customer insolvency", "--json", user="admin")
    assert requested.exit_code == 0, requested.output
    rid = str(json.loads(requested.output)["id"])
    refused = run("targets", "decide", rid, "--approve", user="admin")
    assert refused.exit_code == 1 and "Error: refused by the four-eyes rule" in refused.output
    approved = run("targets", "decide", rid, "--approve", "--note", "agreed", "--json", user="bob")
    assert approved.exit_code == 0 and json.loads(approved.output)["current_target"] == 95
    rows = json.loads(run("targets", "revisions", "--unit", "BU_A", "--status", "approved", "--json").output)
    assert [(r["original_target"], r["revised_target"], r["decided_by"]) for r in rows] == [(100, 95, "bob")]
    counts = json.loads(run("targets", "revision-counts", "--json").output)
    assert counts == [{"unit": "BU_A", "unit_name": "Unit A", "requested": 1, "approved": 1, "rejected": 0,
                       "pending": 0}]
    scorecard = json.loads(run("scorecard", "--unit", "BU_A", "--period", "2026-08", "--json").output)
    kpis = [k for p in scorecard["perspectives"] for o in p["objectives"] for k in o["kpis"]]
    assert [(k["target"], k["status"]) for k in kpis if k["code"] == "REV"] == [(95, "green")]


def test_excluded_add_and_list_json(run):
    added = run("excluded", "add", "--name", "Website visits", "--reason", "vanity metric", "--description",
                "sessions per month", "--json", user="admin")
    assert added.exit_code == 0, added.output
    rows = json.loads(run("excluded", "list", "--json").output)
    assert rows == [{"id": 1, "name": "Website visits", "description": "sessions per month",
                     "reason": "vanity metric", "cycle": None, "decided_by": "admin", "decided_on": "2026-11-26",
                     "confidentiality": "public"}]


def test_strategy_map_json(run):
    data = json.loads(run("strategy-map", "--unit", "GROUP", "--period", "2026-08", "--json").output)
    assert [lane["code"] for lane in data["lanes"]] == ["FIN", "CUS", "INT", "LRN"]
    assert {n["code"] for n in data["nodes"]} == {"GROW", "QUALITY"}
