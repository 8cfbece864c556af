"""Tests for pmtui.core.series and for the demo company fixture it feeds.

The first half checks the pure generator (determinism, clamping, shifts,
outliers, seasonality, seeds, targets). The second half loads
``fixtures/demo_company.toml`` with :mod:`tomllib` and checks that it is a
consistent company: every reference resolves, objectives expand as documented
in the file header, every KPI linked to an objective is measured at that
objective's unit, and every business unit can have its data entered and
approved by two different people.
"""

from __future__ import annotations

import math
import os
import re
import subprocess
import sys
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from pmtui.core.series import (
    SeriesModel,
    generate,
    month_periods,
    period_index,
    stable_seed,
    target_from,
    unit_offset,
    unit_scale,
)

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "demo_company.toml"

# ---------------------------------------------------------------------------
# Generator
# ---------------------------------------------------------------------------

NOISY = SeriesModel(base=100.0, trend=0.002, noise=0.05, season=0.04, decimals=6)


def test_generate_is_deterministic_for_a_seed():
    first = generate(NOISY, 36, seed=42, first_month=10)
    again = generate(NOISY, 36, seed=42, first_month=10)
    assert first == again
    assert len(first) == 36


def test_generate_differs_between_seeds():
    assert generate(NOISY, 36, seed=42) != generate(NOISY, 36, seed=43)


def test_generate_known_values():
    # Pinned so that a change of algorithm (or of random.Random) is noticed.
    assert generate(SeriesModel(base=100, noise=0.05), 3, seed=1) == [106.44, 107.25, 100.33]


def test_generate_without_noise_is_the_formula():
    model = SeriesModel(base=50.0, trend=0.01, decimals=6)
    values = generate(model, 5, seed=0)
    assert values == [round(50.0 * 1.01**t, 6) for t in range(5)]


def test_generate_zero_periods_and_bad_arguments():
    assert generate(NOISY, 0, seed=1) == []
    with pytest.raises(ValueError):
        generate(NOISY, -1, seed=1)
    with pytest.raises(ValueError):
        generate(NOISY, 3, seed=1, first_month=13)


def test_generate_clamps_to_min_and_max():
    model = SeriesModel(base=99.0, noise=0.2, min=80.0, max=100.0, decimals=1)
    values = generate(model, 200, seed=7)
    assert all(80.0 <= v <= 100.0 for v in values)
    assert 100.0 in values  # the upper clamp was hit
    assert 80.0 in values  # and the lower one


def test_generate_rounds_to_decimals():
    values = generate(SeriesModel(base=12.3456, noise=0.1, decimals=0), 24, seed=3)
    assert all(v == int(v) for v in values)
    values = generate(SeriesModel(base=12.3456, noise=0.1, decimals=2), 24, seed=3)
    assert all(round(v, 2) == v for v in values)


def test_shift_applies_from_its_index_on():
    plain = generate(NOISY, 24, seed=11)
    shifted = generate(NOISY, 24, seed=11, shifts=[(10, -0.08)])
    assert shifted[:10] == plain[:10]
    for before, after in zip(plain[10:], shifted[10:]):
        assert after == pytest.approx(before * 0.92, rel=1e-6)


def test_shifts_compound():
    plain = generate(NOISY, 12, seed=5)
    shifted = generate(NOISY, 12, seed=5, shifts=[(2, 0.1), (6, 0.1)])
    assert shifted[4] == pytest.approx(plain[4] * 1.1, rel=1e-6)
    assert shifted[8] == pytest.approx(plain[8] * 1.21, rel=1e-6)


def test_outlier_is_one_off():
    plain = generate(NOISY, 24, seed=11)
    spiked = generate(NOISY, 24, seed=11, outliers=[(7, 0.35)])
    assert spiked[7] == pytest.approx(plain[7] * 1.35, rel=1e-6)
    assert spiked[:7] == plain[:7]
    assert spiked[8:] == plain[8:]


def test_seasonality_has_period_12_and_peaks_in_april():
    model = SeriesModel(base=100.0, season=0.1, decimals=6)
    values = generate(model, 36, seed=0, first_month=10)  # index 0 = October
    for t in range(24):
        assert values[t] == pytest.approx(values[t + 12])
    months = [(10 - 1 + t) % 12 + 1 for t in range(12)]
    assert months[values[:12].index(max(values[:12]))] == 4
    assert months[values[:12].index(min(values[:12]))] == 10
    # A negative amplitude inverts the phase (peak in October).
    inverted = generate(SeriesModel(base=100.0, season=-0.1, decimals=6), 12, seed=0, first_month=10)
    assert inverted.index(max(inverted)) == 0


def test_stable_seed_is_a_known_constant():
    assert stable_seed(4711, "REVENUE", "PLANT_A") == 2495157241
    assert stable_seed("x") == 2363233923
    assert stable_seed(4711, "REVENUE", "PLANT_A") != stable_seed(4711, "REVENUE", "PLANT_B")
    assert 0 <= stable_seed("anything") < 2**32


def test_stable_seed_is_stable_across_processes():
    code = "from pmtui.core.series import stable_seed; print(stable_seed(4711, 'REVENUE', 'PLANT_A'))"
    for hash_seed in ("0", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        assert out.stdout.strip() == "2495157241"


def test_unit_scale_and_offset_are_deterministic_and_bounded():
    assert unit_scale("PLANT_A") == 1.304
    assert unit_offset("OTD_PCT", "PLANT_A") == 0.9901
    for code in ("GROUP", "DC_NORTH", "PLANT_B", "RETAIL", "X"):
        assert 0.6 <= unit_scale(code) <= 1.6
        assert 0.95 <= unit_offset("NPS", code) <= 1.05


def test_model_from_dict_ignores_unknown_keys_and_takes_decimals():
    model = SeriesModel.from_dict({"base": 93, "trend": 0.0005, "noise": 0.015, "min": 0, "max": 100,
                                   "target": {"kind": "relative"}}, decimals=1)
    assert model == SeriesModel(base=93, trend=0.0005, noise=0.015, season=0.0, min=0, max=100, decimals=1)


def test_periods_helpers():
    periods = month_periods("2023-10", 36)
    assert periods[0] == "2023-10" and periods[3] == "2024-01" and periods[-1] == "2026-09"
    assert period_index("2023-10", "2025-11") == 25
    assert all(period_index("2023-10", p) == i for i, p in enumerate(periods))


# ---------------------------------------------------------------------------
# Targets
# ---------------------------------------------------------------------------

RELATIVE = {"kind": "relative", "uplift": 0.03, "amber_gap": 0.05}


@pytest.mark.parametrize(
    ("target", "baseline", "direction", "bounds", "expected"),
    [
        # higher: target = baseline * 1.03 (3 significant figures), amber = target * 0.95
        (RELATIVE, 93.0, "higher", (0, 100), (95.8, 91.0, None, None)),
        # the target is clamped to the feasible maximum, amber derives from it
        (RELATIVE, 99.0, "higher", (0, 100), (100.0, 95.0, None, None)),
        # no rounding below whole units: 4200 * 1.03 = 4326, amber 4326 * 0.95 = 4109.7
        (RELATIVE, 4200.0, "higher", (None, None), (4326.0, 4110.0, None, None)),
        # lower: target = baseline * 0.90, amber = target * 1.15
        ({"kind": "relative", "uplift": 0.10, "amber_gap": 0.15}, 4.2, "lower", (0, None), (3.78, 4.35, None, None)),
        ({"kind": "relative", "uplift": 0.06, "amber_gap": 0.08}, 52.0, "lower", (0, 180), (48.9, 52.8, None, None)),
        # band: absolute thresholds, independent of the baseline
        ({"kind": "band", "low": 25, "high": 40, "amber_low": 20, "amber_high": 48}, 34.0, "band", (0, 365),
         (25.0, 20.0, 40.0, 48.0)),
        ({"kind": "band", "low": 3, "high": 8, "amber_low": 2, "amber_high": 10}, 99.0, "band", (0, 100),
         (3.0, 2.0, 8.0, 10.0)),
        # absolute
        ({"kind": "absolute", "value": 95, "amber": 90}, 80.0, "higher", (0, 100), (95.0, 90.0, None, None)),
    ],
)
def test_target_from(target, baseline, direction, bounds, expected):
    got = target_from(target, baseline, direction, bounds=bounds)
    assert (got["target"], got["amber"], got["target_high"], got["amber_high"]) == expected


def test_target_from_decimals_and_errors():
    got = target_from(RELATIVE, 93.0, "higher", decimals=3)
    assert got["target"] == 95.79 and got["amber"] == 91.001
    with pytest.raises(ValueError):
        target_from(RELATIVE, 93.0, "sideways")
    with pytest.raises(ValueError):
        target_from({"kind": "magic", "uplift": 0.1, "amber_gap": 0.1}, 93.0, "higher")


# ---------------------------------------------------------------------------
# The demo company fixture
# ---------------------------------------------------------------------------

PERMISSIONS = {"enter_data", "approve", "edit_definitions", "edit_targets", "administer", "view"}
UNIT_KINDS = ("group", "region", "business_unit", "team")
CODE = re.compile(r"^[A-Z][A-Z0-9_]*$")
LEVEL_KIND = {"corporate": "group", "unit": "business_unit", "team": "team"}
PARENT_LEVEL = {"unit": "corporate", "team": "unit"}


def expand_objectives(data: dict) -> list[dict]:
    """Expand objective templates as documented at the top of the fixture.

    A table with ``units`` yields one objective per listed unit, coded
    ``<code>_<UNIT>``. A parent that is itself a template becomes
    ``<parent>_<P>``, P being the unit itself or its nearest ancestor that the
    parent template lists.
    """
    unit_parent = {u["code"]: u.get("parent") for u in data["units"]}
    templates = {o["code"]: o for o in data["objectives"] if "units" in o}
    out = []
    for obj in data["objectives"]:
        if "units" not in obj:
            out.append(dict(obj))
            continue
        assert "unit" not in obj, f"template {obj['code']} has both unit and units"
        for unit in obj["units"]:
            item = {k: v for k, v in obj.items() if k != "units"}
            item["code"] = f"{obj['code']}_{unit}"
            item["unit"] = unit
            parent = obj.get("parent")
            if parent in templates:
                anchor = unit
                while anchor is not None and anchor not in templates[parent]["units"]:
                    anchor = unit_parent.get(anchor)
                assert anchor is not None, f"{item['code']}: no unit of parent template {parent} above {unit}"
                item["parent"] = f"{parent}_{anchor}"
            out.append(item)
    return out


@pytest.fixture(scope="module")
def demo():
    with FIXTURE.open("rb") as fh:
        data = tomllib.load(fh)
    units = {u["code"]: u for u in data["units"]}
    kpis = {k["code"]: k for k in data["kpis"]}
    objectives = expand_objectives(data)

    def ancestors(code):
        """The unit itself, then its parent, ... up to GROUP."""
        chain = []
        while code is not None:
            chain.append(code)
            code = units[code].get("parent")
        return chain

    def applies(kpi_code, unit_code):
        targets = kpis[kpi_code]["applies_to"]
        return unit_code in targets or units[unit_code]["kind"] in targets

    return {
        "data": data,
        "units": units,
        "kpis": kpis,
        "objectives": objectives,
        "objectives_by_code": {o["code"]: o for o in objectives},
        "roles": {r["code"]: r for r in data["roles"]},
        "business_units": [c for c, u in units.items() if u["kind"] == "business_unit"],
        "ancestors": ancestors,
        "applies": applies,
    }


def test_fixture_top_level_and_company(demo):
    data = demo["data"]
    assert set(data) == {"company", "perspectives", "roles", "units", "users", "kpis", "objectives", "scenarios"}
    company = data["company"]
    assert company["name"] and company["currency"] == "EUR"
    assert company["first_period"] == "2023-10"
    assert isinstance(company["seed"], int) and not isinstance(company["seed"], bool)
    assert month_periods(company["first_period"], 36)[-1] == "2026-09"


def test_perspectives(demo):
    perspectives = demo["data"]["perspectives"]
    assert [(p["code"], p["name"], p["sort_order"]) for p in perspectives] == [
        ("FIN", "Financial", 1), ("CUS", "Customer", 2), ("INT", "Internal process", 3),
        ("LRN", "Learning and growth", 4)]
    assert all(p["weight"] == 0.25 for p in perspectives)


def test_roles(demo):
    roles = demo["roles"]
    assert len(roles) == len(demo["data"]["roles"])
    assert {"STRATEGY_ADMIN", "PERFORMANCE_LEAD", "UNIT_HEAD", "DATA_STEWARD", "ANALYST", "FINANCE_CONTROLLER",
            "HR_LEAD", "QUALITY_LEAD", "AUDITOR", "EXECUTIVE"} <= set(roles)
    for code, role in roles.items():
        assert CODE.match(code) and role["name"]
        assert role["permissions"] and set(role["permissions"]) <= PERMISSIONS, code
    assert set(roles["STRATEGY_ADMIN"]["permissions"]) == PERMISSIONS
    for code in ("UNIT_HEAD", "FINANCE_CONTROLLER"):
        assert set(roles[code]["permissions"]) == {"view", "approve", "edit_targets"}
    for code in ("DATA_STEWARD", "ANALYST"):
        assert set(roles[code]["permissions"]) == {"view", "enter_data"}
    for code in ("AUDITOR", "EXECUTIVE"):
        assert roles[code]["permissions"] == ["view"]


def test_units_tree(demo):
    units = demo["units"]
    assert len(units) == len(demo["data"]["units"]), "duplicate unit code"
    roots = [c for c, u in units.items() if "parent" not in u]
    assert roots == ["GROUP"] and units["GROUP"]["kind"] == "group"
    expected_parent_kind = {"region": "group", "business_unit": "region", "team": "business_unit"}
    for code, unit in units.items():
        assert CODE.match(code) and len(code) <= 16, code
        assert unit["name"] and unit["kind"] in UNIT_KINDS
        assert unit["confidentiality"] in ("public", "internal", "confidential")
        if code != "GROUP":
            assert units[unit["parent"]]["kind"] == expected_parent_kind[unit["kind"]], code
    kinds = Counter(u["kind"] for u in units.values())
    assert kinds["group"] == 1 and kinds["region"] == 3
    assert kinds["business_unit"] >= 9
    assert 4 <= kinds["team"] <= 6
    assert all(any(u.get("parent") == r for u in units.values())
               for r, ru in units.items() if ru["kind"] == "region"), "a region without business units"


def test_exactly_one_confidential_business_unit(demo):
    units = demo["units"]
    confidential = [c for c, u in units.items() if u["confidentiality"] == "confidential"]
    assert len(confidential) == 1 and units[confidential[0]]["kind"] == "business_unit"
    assert 1 <= sum(u["confidentiality"] == "internal" for u in units.values()) <= 5


def test_users(demo):
    users = demo["data"]["users"]
    names = [u["name"] for u in users]
    assert len(users) >= 12 and len(set(names)) == len(names)
    for user in users:
        assert re.fullmatch(r"[a-z]+", user["name"]), user["name"]
        assert user["display_name"] and "@" in user["email"]
        assert user["roles"], user["name"]
        for grant in user["roles"]:
            assert set(grant) <= {"role", "unit"}
            assert grant["role"] in demo["roles"], (user["name"], grant)
            assert grant.get("unit", "GROUP") in demo["units"], (user["name"], grant)
    by_name = {u["name"]: u for u in users}
    assert by_name["mvega"]["display_name"] == "Maria Vega"
    assert {"role": "STRATEGY_ADMIN"} in by_name["mvega"]["roles"]
    assert by_name["demo"]["display_name"] == "Demo Analyst"
    assert {"role": "ANALYST"} in by_name["demo"]["roles"]
    assert "PERFORMANCE_LEAD" in {g["role"] for g in by_name["demo"]["roles"]}


def _holders(demo, unit_code, permission):
    """Users holding ``permission`` at the unit, at a unit above it, or group-wide."""
    chain = set(demo["ancestors"](unit_code))
    found = set()
    for user in demo["data"]["users"]:
        for grant in user["roles"]:
            if permission in demo["roles"][grant["role"]]["permissions"] and grant.get("unit", "GROUP") in chain:
                found.add(user["name"])
    return found


def test_every_business_unit_has_an_enterer_and_a_different_approver(demo):
    for bu in demo["business_units"]:
        enterers = _holders(demo, bu, "enter_data")
        approvers = _holders(demo, bu, "approve")
        assert "demo" in enterers and "demo" not in approvers, bu
        assert enterers - {"demo", "mvega"}, f"{bu}: no local data steward"
        assert any(a != e for e in enterers for a in approvers), bu
        # four eyes even when the demo user entered the values
        assert approvers - {"demo"}, bu


def test_kpis_fields(demo):
    kpis = demo["kpis"]
    assert len(demo["data"]["kpis"]) >= 85
    assert len(kpis) == len(demo["data"]["kpis"]), "duplicate KPI code"
    perspectives = {p["code"] for p in demo["data"]["perspectives"]}
    for code, kpi in kpis.items():
        assert CODE.match(code) and len(code) <= 16, code
        assert kpi["name"] and kpi["definition"].endswith("."), code
        assert kpi["uom"], code
        assert kpi["direction"] in ("higher", "lower", "band"), code
        assert kpi["aggregation"] in ("sum", "avg", "last"), code
        assert kpi["frequency"] in ("monthly", "quarterly"), code
        assert kpi["lead_lag"] in ("leading", "lagging"), code
        assert isinstance(kpi["financial"], bool), code
        assert kpi["perspective"] in perspectives, code
        assert kpi["owner_role"] in demo["roles"], code
        assert kpi["decimals"] in (0, 1, 2), code
        assert kpi["confidentiality"] in ("public", "internal", "confidential"), code
    per_perspective = Counter(k["perspective"] for k in kpis.values())
    assert set(per_perspective) == perspectives and min(per_perspective.values()) >= 12
    assert 2 <= sum(k["direction"] == "band" for k in kpis.values()) <= 3
    assert 3 <= sum(k["frequency"] == "quarterly" for k in kpis.values()) <= 4
    assert 2 <= sum(k["confidentiality"] == "internal" for k in kpis.values()) <= 8


def test_kpi_models_and_targets(demo):
    for code, kpi in demo["kpis"].items():
        model = kpi["model"]
        assert set(model) <= {"base", "trend", "noise", "season", "min", "max"}, code
        series_model = SeriesModel.from_dict(model, decimals=kpi["decimals"])
        assert model.get("min", -math.inf) <= series_model.base <= model.get("max", math.inf), code
        assert 0 <= series_model.noise <= 0.4 and abs(series_model.season) <= 0.2, code
        assert abs(series_model.trend) <= 0.02, code
        if kpi["uom"] == "%":
            # every percentage is clamped (growth rates may go below 0)
            assert model.get("min") is not None and model.get("max") is not None and model["max"] <= 100, code
        target = kpi["target"]
        if kpi["direction"] == "band":
            assert target["kind"] == "band", code
            assert target["amber_low"] <= target["low"] < target["high"] <= target["amber_high"], code
            assert target["low"] <= model["base"] <= target["high"] * 1.2, code
        else:
            assert target["kind"] == "relative", code
            assert 0 < target["uplift"] < 0.5 and 0 < target["amber_gap"] < 0.5, code


def test_kpi_applies_to_resolves(demo):
    for code, kpi in demo["kpis"].items():
        assert kpi["applies_to"], code
        for item in kpi["applies_to"]:
            assert item in UNIT_KINDS or item in demo["units"], (code, item)
        assert any(demo["applies"](code, u) for u in demo["units"]), code


def test_exactly_one_confidential_kpi_and_it_has_data(demo):
    confidential = [c for c, k in demo["kpis"].items() if k["confidentiality"] == "confidential"]
    assert len(confidential) == 1
    linked = {(link["code"], o["unit"]) for o in demo["objectives"] for link in o.get("kpis", [])}
    assert any(code == confidential[0] for code, _ in linked)


def test_objectives_expand_to_three_levels(demo):
    objectives = demo["objectives"]
    codes = [o["code"] for o in objectives]
    assert len(codes) >= 32 and len(set(codes)) == len(codes), "duplicate objective code"
    levels = Counter(o["level"] for o in objectives)
    assert set(levels) == {"corporate", "unit", "team"}
    corporate = [o for o in objectives if o["level"] == "corporate"]
    assert len(corporate) == 8
    assert Counter(o["perspective"] for o in corporate) == {"FIN": 2, "CUS": 2, "INT": 2, "LRN": 2}
    assert all(o["unit"] == "GROUP" and "parent" not in o for o in corporate)
    # templates are only for unit/team levels
    assert all(o["level"] != "corporate" for o in demo["data"]["objectives"] if "units" in o)


def test_objective_references_resolve(demo):
    by_code = demo["objectives_by_code"]
    perspectives = {p["code"] for p in demo["data"]["perspectives"]}
    for obj in demo["objectives"]:
        code = obj["code"]
        assert CODE.match(code) and len(code) <= 32, code
        assert obj["name"] and obj["perspective"] in perspectives, code
        assert obj["owner_role"] in demo["roles"], code
        assert obj["weight"] > 0, code
        assert obj["unit"] in demo["units"], code
        assert demo["units"][obj["unit"]]["kind"] == LEVEL_KIND[obj["level"]], code
        if obj["level"] != "corporate":
            parent = by_code.get(obj.get("parent"))
            assert parent is not None, f"{code}: parent {obj.get('parent')} does not resolve"
            assert parent["level"] == PARENT_LEVEL[obj["level"]], code
            assert parent["unit"] in demo["ancestors"](obj["unit"]), code
        weights = [link["weight"] for link in obj.get("kpis", [])]
        assert all(w > 0 for w in weights), code
        assert len({link["code"] for link in obj.get("kpis", [])}) == len(weights), f"{code}: KPI linked twice"
        for link in obj.get("kpis", []):
            assert link["code"] in demo["kpis"], (code, link["code"])
            assert demo["applies"](link["code"], obj["unit"]), f"{link['code']} is not measured at {obj['unit']}"
        if obj["level"] != "corporate":
            assert weights, f"{code} has no KPI"


def test_strategy_map_causes(demo):
    by_code = demo["objectives_by_code"]
    order = {p["code"]: p["sort_order"] for p in demo["data"]["perspectives"]}
    links = 0
    for obj in demo["objectives"]:
        for cause in obj.get("causes", []):
            assert obj["level"] == "corporate", obj["code"]
            assert cause in by_code and by_code[cause]["level"] == "corporate", (obj["code"], cause)
            # learning -> internal -> customer -> financial
            assert order[by_code[cause]["perspective"]] > order[obj["perspective"]], (cause, obj["code"])
            links += 1
    assert links >= 6


def test_objectives_cascade_to_every_business_unit_and_team(demo):
    objectives = demo["objectives"]
    corporate = [o["code"] for o in objectives if o["level"] == "corporate"]
    for bu in demo["business_units"]:
        parents = {o["parent"] for o in objectives if o["level"] == "unit" and o["unit"] == bu}
        assert set(corporate) <= parents, f"{bu} misses {set(corporate) - parents}"
    for code, unit in demo["units"].items():
        if unit["kind"] == "team":
            assert any(o["unit"] == code for o in objectives if o["level"] == "team"), code


def test_every_business_unit_measures_enough_kpis(demo):
    for bu in demo["business_units"]:
        measured = {link["code"] for o in demo["objectives"] if o["unit"] == bu for link in o.get("kpis", [])}
        assert len(measured) >= 10, f"{bu} measures only {len(measured)} KPIs"


def test_every_kpi_is_used_by_an_objective(demo):
    used = {link["code"] for o in demo["objectives"] for link in o.get("kpis", [])}
    assert set(demo["kpis"]) - used == set()


SCENARIO_KEYS = {
    "shift": {"kind", "kpi", "unit", "from_period", "delta"},
    "outlier": {"kind", "kpi", "unit", "period", "delta"},
    "missing": {"kind", "kpi", "unit", "period"},
    "submitted": {"kind", "kpi", "unit", "periods"},
    "draft": {"kind", "kpi", "unit", "periods"},
}


def test_scenarios_resolve(demo):
    data = demo["data"]
    periods = set(month_periods(data["company"]["first_period"], 36))
    kinds = Counter()
    touched = Counter()  # (kpi, unit, period) of one-period effects
    for scenario in data["scenarios"]:
        kind = scenario["kind"]
        assert set(scenario) == SCENARIO_KEYS[kind], scenario
        kinds[kind] += 1
        kpi, unit = scenario["kpi"], scenario["unit"]
        assert kpi in demo["kpis"] and unit in demo["units"], scenario
        assert demo["applies"](kpi, unit), f"{kpi} is not measured at {unit}"
        assert demo["kpis"][kpi]["frequency"] == "monthly", scenario
        if kind == "shift":
            assert scenario["from_period"] in periods and -0.5 < scenario["delta"] < 1.0
        elif kind == "outlier":
            assert scenario["period"] in periods and scenario["delta"] != 0
            touched[(kpi, unit, scenario["period"])] += 1
        elif kind == "missing":
            assert scenario["period"] in periods
            touched[(kpi, unit, scenario["period"])] += 1
        else:
            assert scenario["periods"] and set(scenario["periods"]) <= periods, scenario
            for period in scenario["periods"]:
                touched[(kpi, unit, period)] += 1
    assert kinds["shift"] >= 4 and kinds["outlier"] >= 6 and kinds["missing"] >= 10
    assert kinds["submitted"] >= 8 and kinds["draft"] >= 3
    assert all(n == 1 for n in touched.values()), [k for k, n in touched.items() if n > 1]
    assert any(s["kind"] == "shift" and s["kpi"] == "OTD_PCT" and s["from_period"] == "2025-11"
               and s["delta"] < 0 and s["unit"].startswith("PLANT") for s in data["scenarios"])


def test_every_series_generates_within_bounds(demo):
    """Smoke test of what the loader does: one series per (KPI, unit) it applies to."""
    seed = demo["data"]["company"]["seed"]
    first = demo["data"]["company"]["first_period"]
    first_month = int(first.split("-")[1])
    shifts = {}
    outliers = {}
    for s in demo["data"]["scenarios"]:
        if s["kind"] == "shift":
            shifts.setdefault((s["kpi"], s["unit"]), []).append((period_index(first, s["from_period"]), s["delta"]))
        elif s["kind"] == "outlier":
            outliers.setdefault((s["kpi"], s["unit"]), []).append((period_index(first, s["period"]), s["delta"]))
    count = 0
    for code, kpi in demo["kpis"].items():
        model = SeriesModel.from_dict(kpi["model"], decimals=kpi["decimals"])
        lo, hi = kpi["model"].get("min"), kpi["model"].get("max")
        for unit in demo["units"]:
            if not demo["applies"](code, unit):
                continue
            values = generate(model, 36, seed=stable_seed(seed, code, unit), first_month=first_month,
                              shifts=shifts.get((code, unit), ()), outliers=outliers.get((code, unit), ()))
            assert len(values) == 36
            assert all((lo is None or v >= lo) and (hi is None or v <= hi) for v in values), (code, unit)
            baseline = sum(values[:12]) / 12
            target = target_from(kpi["target"], baseline, kpi["direction"], bounds=(lo, hi))
            assert target["target"] is not None and target["amber"] is not None
            count += 1
    assert count >= 400
