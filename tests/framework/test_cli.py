"""pmtui framework / targets / import targets on a file made by pmtui init (CliRunner)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pmtui.cli import cli

ROOT = Path(__file__).parents[2]
FRAMEWORK = ROOT / "fixtures" / "example_framework.toml"


@pytest.fixture
def pm(tmp_path):
    """``pm(*args, user=None)`` on a fresh file with the example framework applied (targets still proposed)."""
    runner = CliRunner()
    env = {"PMTUI_DB": str(tmp_path / "f.db"), "PMTUI_NOW": "2026-11-20T09:00:00Z", "PMTUI_USER": ""}

    def invoke(*args, user=None):
        return runner.invoke(cli, [*(["--user", user] if user else []), *map(str, args)], env=env,
                             catch_exceptions=False)
    assert invoke("init", "--company", "EHG").exit_code == 0
    assert invoke("framework", "apply", FRAMEWORK, user="admin").exit_code == 0
    return invoke


def head(pm) -> int:
    return json.loads(pm("audit", "verify", "--json").output)["entries"]


def test_apply_json_plan_and_second_run(pm):
    again = json.loads(pm("framework", "apply", FRAMEWORK, "--json", user="admin").output)
    assert again["changes"] == 0 and again["audit_head_before"] == again["audit_head_after"]
    assert again["kinds"]["kpis"] == {"added": [], "changed": {}, "unchanged": 3, "not_in_file": []}
    assert again["kinds"]["perspectives"]["not_in_file"] == ["FIN", "LRN"]


def test_apply_refuses_a_bad_file_with_exit_1_and_json_problems(pm, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[kpis]]\ncode = "X"\nname = "X"\ndirection = "up"\n[[units]]\ncode = "U"\nname = "U"\n'
                   'kind = "team"\nparent = "NOPE"\n')
    before = head(pm)
    result = pm("framework", "apply", bad, "--json", user="admin")
    assert result.exit_code == 1
    assert json.loads(result.output)["problems"] == ["units[U].parent: unknown unit 'NOPE'",
                                                     "kpis[X].direction: 'up' is not one of higher, lower, band"]
    text = pm("framework", "apply", bad, user="admin")
    assert text.exit_code == 1 and "bad.toml refused, nothing written: 2 problem(s)" in text.output
    assert head(pm) == before


def test_export_refuses_to_overwrite_without_force(pm, tmp_path):
    out = tmp_path / "out.toml"
    assert pm("framework", "export", out).exit_code == 0
    again = pm("framework", "export", out)
    assert again.exit_code == 1 and "exists; pass --force" in again.output
    assert pm("framework", "export", out, "--force").exit_code == 0


def test_targets_set_proposed_approve_and_reject(pm):
    result = pm("targets", "set", "--kpi", "PCT_4H", "--unit", "RQX", "--from", "2027-04", "--to", "2027-06",
                "--target", "96", "--amber", "91", "--json", user="lead")
    assert json.loads(result.output)["proposed"] == 3
    listed = json.loads(pm("targets", "proposed", "--unit", "RQX", "--from", "2027-04", "--json").output)
    assert [(r["period"], r["target"], r["proposed_by"]) for r in listed] == [
        ("2027-04", 96.0, "lead"), ("2027-05", 96.0, "lead"), ("2027-06", 96.0, "lead")]
    usage = pm("targets", "approve", "--unit", "RQX", user="admin")
    assert usage.exit_code == 2 and "pass --all" in usage.output
    own = json.loads(pm("targets", "approve", "--all", "--from", "2027-04", "--json", user="lead").output)
    assert own == {"approved": 0, "skipped_own": 3, "matched": 3}
    rejected = json.loads(pm("targets", "reject", "--all", "--from", "2027-04", "--reason", "too soft", "--json",
                             user="admin").output)
    assert rejected["rejected"] == 3
    approved = json.loads(pm("targets", "approve", "--all", "--json", user="lead").output)
    assert approved["approved"] == 36 and approved["skipped_own"] == 0


def test_import_targets_refuses_a_broken_file_naming_rows_and_fields(pm, tmp_path):
    csv = tmp_path / "targets.csv"
    csv.write_text("kpi,unit,period,target,amber\n"
                   "PCT_4H,RF4,2027-04,95,90\n"
                   "NOPE,RF4,2027-04,95,90\n"
                   "PCT_4H,RF4,2027-13,95,90\n"
                   "PCT_4H,RF4,2027-05,abc,90\n"
                   "PCT_4H,RF4,2027-06,90,95\n"
                   "PCT_4H,RF4,2027-04,95,90\n")
    before = head(pm)
    result = pm("import", "targets", csv, user="lead")
    assert result.exit_code == 1
    for expected in ("row 3, column kpi: unknown KPI code 'NOPE'", "row 4, column period: '2027-13' is not a period",
                     "row 5, column target: 'abc' is not a number",
                     "row 6, column target: for direction 'higher' amber must be <= target",
                     "row 7: duplicate of row 2"):
        assert expected in result.output, result.output
    assert head(pm) == before


def test_import_targets_proposes_and_is_idempotent(pm, tmp_path):
    csv = tmp_path / "targets.csv"
    csv.write_text("kpi,unit,period,target,amber\nPCT_4H,RF4,2027-04,95,90\nPCT_4H,RF4,2027-05,95,90\n")
    first = json.loads(pm("import", "targets", csv, "--json", user="lead").output)
    assert (first["proposed"], first["unchanged"]) == (2, 0)
    second = json.loads(pm("import", "targets", csv, "--json", user="lead").output)
    assert (second["proposed"], second["unchanged"]) == (0, 2)
    locked = tmp_path / "locked.csv"
    pm("targets", "approve", "--all", user="lead")  # the framework's own targets, proposed by admin
    locked.write_text("kpi,unit,period,target,amber\nPCT_4H,RF4,2026-04,97,90\n")
    result = pm("import", "targets", locked, user="lead")
    assert result.exit_code == 1 and "the approved target (95) is locked" in result.output
