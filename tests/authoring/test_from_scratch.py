"""From ``pmtui init`` to a working framework and approved data, with commands only (no Python, no TOML)."""

from __future__ import annotations

import json
import shlex

from click.testing import CliRunner

from pmtui.cli import cli

STEPS = [
    ("root", "units add EUROPE --name Europe --kind region --parent GROUP"),
    ("root", "units add PLANT_A --name 'Plant A' --kind business_unit --parent EUROPE"),
    ("root", "units add PLANT_B --name 'Plant B' --kind business_unit --parent EUROPE --confidentiality internal"),
    ("root", "roles create ANALYST --name Analyst --permission view --permission enter_data"),
    ("root", "roles create HEAD --name 'Unit head' --permission view --permission approve"),
    ("root", "users add ann --display-name 'Ann Analyst' --role ANALYST@PLANT_A --role ANALYST@PLANT_B"),
    ("root", "users add bob --display-name 'Bob Head' --email bob@example.com --role HEAD"),
    ("root", "kpis add OUTPUT --name 'Output' --direction higher --uom t --perspective INT --owner-role HEAD"),
    ("root", "kpis add SCRAP --name 'Scrap' --direction lower --uom t --perspective INT"),
    ("root", "kpis add YIELD --name 'Yield' --direction higher --uom % --formula '(OUTPUT - SCRAP) / OUTPUT * 100'"),
    ("root", "objectives add EFFICIENT --name 'Run efficient plants' --level corporate --unit GROUP"
             " --perspective INT"),
    ("root", "objectives add EFFICIENT_A --name 'Efficient Plant A' --level unit --unit PLANT_A --perspective INT"
             " --parent EFFICIENT"),
    ("root", "objectives link EFFICIENT_A OUTPUT"),
    ("root", "objectives link EFFICIENT_A YIELD --weight 2"),
    ("root", "objectives add LEARN --name 'Skilled teams' --level corporate --unit GROUP --perspective LRN"),
    ("root", "objectives cause LEARN EFFICIENT"),
    ("ann", "enter --kpi OUTPUT --unit PLANT_A --period 2026-10 --value 120 --submit"),
    ("ann", "enter --kpi SCRAP --unit PLANT_A --period 2026-10 --value 6 --submit"),
    ("bob", "approve --all --unit PLANT_A"),
]


def test_build_a_framework_with_commands_only(tmp_path, monkeypatch):
    monkeypatch.setenv("PMTUI_DB", str(tmp_path / "fresh.db"))
    monkeypatch.setenv("PMTUI_NOW", "2026-11-26T09:00:00Z")
    monkeypatch.delenv("PMTUI_USER", raising=False)
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(cli, list(args), catch_exceptions=False)
        assert result.exit_code == 0, f"{args}: {result.output}"
        return result.output

    assert run("init", "--company", "Fresh Co", "--admin", "root").startswith("created")
    for user, line in STEPS:
        run("--user", user, *shlex.split(line))

    units = json.loads(run("units", "list", "--json"))
    assert [(u["code"], u["parent"], u["depth"]) for u in units] == [
        ("GROUP", None, 0), ("EUROPE", "GROUP", 1), ("PLANT_A", "EUROPE", 2), ("PLANT_B", "EUROPE", 2)]
    kpis = json.loads(run("kpis", "--json"))
    assert [(k["code"], k["direction"], k["uom"], k["perspective"]) for k in kpis] == [
        ("OUTPUT", "higher", "t", "INT"), ("SCRAP", "lower", "t", "INT"), ("YIELD", "higher", "%", None)]
    objectives = {o["code"]: o for o in json.loads(run("objectives", "list", "--json"))}
    assert sorted(objectives) == ["EFFICIENT", "EFFICIENT_A", "LEARN"]
    assert objectives["EFFICIENT_A"]["kpis"] == [{"code": "OUTPUT", "weight": 1.0}, {"code": "YIELD", "weight": 2.0}]
    assert (objectives["EFFICIENT_A"]["parent"], objectives["EFFICIENT"]["causes"]) == ("EFFICIENT", ["LEARN"])
    people = {u["name"]: u["roles"] for u in json.loads(run("users", "--json"))}
    assert people == {"ann": ["ANALYST@PLANT_A", "ANALYST@PLANT_B"], "bob": ["HEAD"], "root": ["ADMIN"]}

    # bob's approvals calculated YIELD from its inputs, in the same transaction
    values = json.loads(run("submissions", "--status", "approved", "--json"))
    assert sorted((v["kpi"], v["value"]) for v in values) == [("OUTPUT", 120.0), ("SCRAP", 6.0), ("YIELD", 95.0)]
    assert "OK: the file matches its audit trail" in run("audit", "verify")
