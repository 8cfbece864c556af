"""The framework-as-code contract: normalising, validating and comparing files (pure tables)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from pmtui.core import framework_checks
from pmtui.core import framework_plan as fplan
from pmtui.core import framework_spec as spec

SMALL = tomllib.loads((Path(__file__).parent / "small.toml").read_text())

#: One file with ten different mistakes, and the message each must produce.
TEN_MISTAKES = """
[[perspectives]]
code = "CUS"
name = "Patients"
weight = -1

[[roles]]
code = "LOADER"
name = "Loader"
permissions = ["view", "fly"]

[[units]]
code = "A"
name = "A"
kind = "business_unit"
parent = "B"

[[units]]
code = "B"
name = "B"
kind = "business_unit"
parent = "A"

[[units]]
code = "bad code"
name = "Bad"
kind = "team"

[[users]]
name = "loader"
roles = [{ role = "NOBODY" }]

[[kpis]]
code = "OTD_PCT"
name = "On time"
direction = "up"

[[kpis]]
code = "RATIO"
name = "Ratio"
direction = "higher"
formula = "OTD_PCT / MISSING"

[[kpis]]
code = "RATIO"
name = "Ratio again"
direction = "higher"

[[objectives]]
code = "OBJ"
name = "Objective"
level = "corporate"
unit = "A"
perspective = "CUS"
kpis = [{ code = "NOPE", weight = 1 }]

[[targets]]
kpi = "RATIO"
unit = "A"
from = "2026-01"
to = "2026-12"
target = 90
amber = 95
"""

EXPECTED = [
    "perspectives[CUS].weight: weight must be a positive number, not -1",
    "roles[LOADER].permissions: unknown permission(s) 'fly'",
    "units[A].parent: cycle: A -> B -> A",
    "units[bad code].code: 'bad code' is not a code",
    "users[loader].roles[0].role: unknown role 'NOBODY'",
    "kpis[OTD_PCT].direction: 'up' is not one of higher, lower, band",
    "kpis[RATIO].formula: names unknown KPI(s) MISSING",
    "kpis[RATIO]: duplicate code 'RATIO'",
    "objectives[OBJ].kpis[0].code: unknown KPI 'NOPE'",
    "targets[RATIO|A|2026-01].target: for direction 'higher' amber must be <= target",
]


def _problems(raw: dict, current: spec.Framework | None = None, approved=None) -> list[str]:
    desired, problems = spec.normalise(raw)
    problems.items += framework_checks.validate(desired, current or spec.empty(), approved=approved).items
    return problems.items


def test_ten_mistakes_are_all_listed_each_naming_element_and_field():
    found = _problems(tomllib.loads(TEN_MISTAKES))
    assert len(found) == len(EXPECTED), "\n".join(found)
    for expected in EXPECTED:
        assert any(p.startswith(expected) for p in found), f"{expected!r} not in:\n" + "\n".join(found)


def test_the_small_file_is_valid_against_a_fresh_file():
    current = spec.empty()
    current["units"]["GROUP"] = {"code": "GROUP", "parent": None}
    assert _problems(SMALL, current) == []


@pytest.mark.parametrize("raw, expected", [
    ({"kpis": [{"code": "K", "name": "K"}]}, "kpis[K].direction: is required"),
    ({"kpis": [{"code": "K", "name": "K", "direction": "higher", "directon": "x"}]}, "kpis[K].directon: unknown key"),
    ({"kpis": [{"code": "K", "name": "K", "direction": "higher", "decimals": 9}]}, "kpis[K].decimals: decimals must be 0 to 6"),
    ({"kpis": [{"code": "K", "name": "K", "direction": "higher", "formula": "1 +"}]}, "kpis[K].formula: does not parse"),
    ({"kpis": [{"code": "K", "name": "K", "direction": "higher", "formula": "K * 2"}]}, "kpis[K].formula: formulas refer to each other in a cycle"),
    ({"units": [{"code": "U", "name": "U", "kind": "shop"}]}, "units[U].kind: 'shop' is not one of"),
    ({"units": [{"code": "U", "name": "U", "kind": "team", "parent": "NONE"}]}, "units[U].parent: unknown unit 'NONE'"),
    ({"users": [{"name": "a b"}]}, "users[a b].name: 'a b' is not a user name"),
    ({"users": [{"name": "x", "roles": [{"role": "R", "from": "1 May"}]}], "roles": [{"code": "R", "name": "R"}]},
     "users[x].roles[0].from: '1 May' is not a date"),
    ({"objectives": [{"code": "O", "name": "O", "level": "corporate", "unit": "GROUP", "perspective": "FIN",
                      "weight": 0}]}, "objectives[O].weight: weight must be a positive number"),
    ({"widgets": []}, "widgets: unknown table"),
    ({"targets": [{"kpi": "K", "unit": "GROUP", "from": "2026-13", "to": "2026-12", "target": 1}]},
     "targets[K|GROUP|2026-13].from: '2026-13' is not a period"),
])
def test_single_mistakes(raw, expected):
    current = spec.empty()
    current["units"]["GROUP"] = {"code": "GROUP", "parent": None}
    current["perspectives"]["FIN"] = {"code": "FIN"}
    found = _problems(raw, current)
    assert any(p.startswith(expected) for p in found), found


def test_band_targets_need_both_edges_in_order():
    raw = {"kpis": [{"code": "B", "name": "B", "direction": "band"}],
           "units": [{"code": "U", "name": "U", "kind": "group"}],
           "targets": [{"kpi": "B", "unit": "U", "from": "2026-01", "to": "2026-01", "target": 5},
                       {"kpi": "B", "unit": "U", "from": "2026-02", "to": "2026-02", "target": 5, "target_high": 4}]}
    found = _problems(raw)
    assert any("targets[B|U|2026-01].target_high: KPI B is a band KPI" in p for p in found)
    assert any(p.startswith("targets[B|U|2026-02].target: band thresholds") for p in found)


def test_overlapping_target_ranges_are_refused():
    raw = {"kpis": [{"code": "K", "name": "K", "direction": "higher"}], "units": [{"code": "U", "name": "U", "kind": "group"}],
           "targets": [{"kpi": "K", "unit": "U", "from": "2026-01", "to": "2026-06", "target": 5},
                       {"kpi": "K", "unit": "U", "from": "2026-06", "to": "2026-12", "target": 6}]}
    assert any("2026-06 is already covered" in p for p in _problems(raw))


def test_scoring_fields_of_a_kpi_with_approved_values_are_locked():
    current = spec.empty()
    current["kpis"]["K"] = {"code": "K", "name": "K", "definition": "", "uom": "%", "direction": "higher",
                            "aggregation": "avg", "frequency": "monthly", "lead_lag": "lagging", "financial": False,
                            "perspective": None, "owner_role": None, "decimals": 1, "confidentiality": "public",
                            "formula": None}
    raw = {"kpis": [{"code": "K", "name": "Renamed", "uom": "ratio", "direction": "lower", "aggregation": "avg"}]}
    found = _problems(raw, current, approved={"K": 36})
    assert found == ["kpis[K].direction: 'higher' -> 'lower' would change 36 approved values: not an edit, use a change request",
                     "kpis[K].uom: '%' -> 'ratio' would change 36 approved values: not an edit, use a change request"]
    assert _problems({"kpis": [{"code": "K", "name": "Renamed", "uom": "%", "direction": "higher",
                                "aggregation": "avg"}]}, current, approved={"K": 36}) == []


@pytest.mark.parametrize("first, last, frequency, expected", [
    ("2026-01", "2026-03", "monthly", ["2026-01", "2026-02", "2026-03"]),
    ("2026-01", "2026-12", "quarterly", ["2026-03", "2026-06", "2026-09", "2026-12"]),
    ("2026-04", "2027-03", "yearly", ["2026-12"]),
    ("2026-04", "2026-05", "quarterly", []),
])
def test_reporting_periods(first, last, frequency, expected):
    assert spec.reporting_periods(first, last, frequency) == expected


def test_compress_targets_merges_consecutive_equal_periods():
    def t(period, target, kpi="K"):
        return {"kpi": kpi, "unit": "U", "period": period, "target": target, "amber": None, "target_high": None,
                "amber_high": None}
    targets = {spec.target_key(x["kpi"], "U", x["period"]): x for x in (
        t("2026-01", 5), t("2026-02", 5), t("2026-03", 6), t("2026-05", 6), t("2026-03", 1, "Q"), t("2026-06", 1, "Q"))}
    ranges = spec.compress_targets(targets, {"K": "monthly", "Q": "quarterly"})
    assert [(r["kpi"], r["from"], r["to"], r["target"]) for r in ranges] == [
        ("K", "2026-01", "2026-02", 5), ("K", "2026-03", "2026-03", 6), ("K", "2026-05", "2026-05", 6),
        ("Q", "2026-03", "2026-06", 1)]


def test_diff_reports_added_changed_unchanged_and_not_in_file():
    current = spec.empty()
    current["units"] = {"A": {"code": "A", "name": "Old"}, "B": {"code": "B", "name": "B"},
                        "C": {"code": "C", "name": "C"}}
    desired = spec.empty()
    desired["units"] = {"A": {"code": "A", "name": "New"}, "B": {"code": "B", "name": "B"},
                        "D": {"code": "D", "name": "D"}}
    plan = fplan.diff(desired, current)["units"]
    assert plan.to_dict() == {"added": ["D"], "changed": {"A": {"name": ["Old", "New"]}}, "unchanged": 1,
                              "not_in_file": ["C"]}


def test_a_bad_kpi_direction_is_reported_once_not_again_for_its_targets():
    raw = {"kpis": [{"code": "K", "name": "K", "direction": "down"}], "units": [{"code": "U", "name": "U", "kind": "group"}],
           "targets": [{"kpi": "K", "unit": "U", "from": "2026-01", "to": "2026-02", "target": 5}]}
    assert _problems(raw) == ["kpis[K].direction: 'down' is not one of higher, lower, band"]
