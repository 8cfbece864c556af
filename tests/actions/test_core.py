"""Pure rules of the action register, root-cause templates and shift evidence, as tables."""

from __future__ import annotations

from datetime import date

import pytest

from pmtui.core import action_register as ar
from pmtui.core import rca
from pmtui.core import shift_evidence as se

TODAY = date(2026, 11, 26)


@pytest.mark.parametrize("text, expected", [
    ("2026-12-01", date(2026, 12, 1)),
    (" 2026-12-01 ", date(2026, 12, 1)),
    ("2026-02-30", None), ("20261201", None), ("2026-12", None), ("", None), (None, None), ("tomorrow", None),
])
def test_parse_due(text, expected):
    if expected is None:
        with pytest.raises(ValueError, match="YYYY-MM-DD"):
            ar.parse_due(text)
    else:
        assert ar.parse_due(text) == expected


@pytest.mark.parametrize("due, ok, message", [
    (date(2026, 11, 26), True, None),
    (date(2027, 6, 30), True, None),
    (date(2026, 11, 25), False, "before today"),
    (date(2029, 12, 1), False, "more than three years"),
])
def test_check_due(due, ok, message):
    if ok:
        assert ar.check_due(due, TODAY) == due
    else:
        with pytest.raises(ValueError, match=message):
            ar.check_due(due, TODAY)


@pytest.mark.parametrize("status, due, expected", [
    ("open", "2026-11-20", 6), ("in_progress", "2026-10-27", 30), ("open", "2026-11-26", 0),
    ("open", "2026-12-24", 0), ("done", "2026-01-01", 0), ("cancelled", "2026-01-01", 0),
])
def test_days_overdue(status, due, expected):
    assert ar.days_overdue(status, due, TODAY) == expected


@pytest.mark.parametrize("current, new, verb", [
    ("open", "in_progress", "start"), ("open", "done", "close"), ("in_progress", "done", "close"),
    ("in_progress", "cancelled", "cancel"), ("done", "open", "reopen"), ("cancelled", "open", "reopen"),
    ("done", "done", None), ("done", "in_progress", None), ("in_progress", "open", None),
    ("cancelled", "done", None),
])
def test_transitions(current, new, verb):
    if verb:
        assert ar.check_transition(current, new) == verb
    else:
        with pytest.raises(ValueError, match="cannot become"):
            ar.check_transition(current, new)


@pytest.mark.parametrize("whys, expected", [
    ([], []),
    (["a"], ["a"]),
    ([" a ", "b", "", ""], ["a", "b"]),
    (["a", "b", "c", "d", "e"], ["a", "b", "c", "d", "e"]),
])
def test_clean_whys(whys, expected):
    assert rca.clean_whys(whys) == expected


@pytest.mark.parametrize("whys, message", [
    (["a", "", "c"], "why 2 is empty but why 3 is filled"),
    (["", "b"], "why 1 is empty"),
    (["a", "b", "c", "d", "e", "f"], "at most 5"),
    (["Late trucks", "late  TRUCKS"], "why 2 repeats why 1"),
    (["=HYPERLINK(1)"], "why 1 starts with '='"),
    (["x" * 501], "why 1 is 501 characters"),
])
def test_broken_whys(whys, message):
    with pytest.raises(ValueError, match=message):
        rca.clean_whys(whys)


@pytest.mark.parametrize("fishbone, expected", [
    (None, {}),
    ({"people": ["a", " "], "data": []}, {"people": ["a"]}),
    ({"external": "one cause", "process": ["p1", "p2"]}, {"process": ["p1", "p2"], "external": ["one cause"]}),
])
def test_clean_fishbone(fishbone, expected):
    cleaned = rca.clean_fishbone(fishbone)
    assert cleaned == expected
    assert list(cleaned) == [c for c in rca.CATEGORIES if c in cleaned]  # fixed category order


@pytest.mark.parametrize("fishbone, message", [
    ({"money": ["a"]}, "'money' is not one of people, process, technology, data, external"),
    ({"people": ["@cmd"]}, "people cause 1 starts with '@'"),
])
def test_broken_fishbone(fishbone, message):
    with pytest.raises(ValueError, match=message):
        rca.clean_fishbone(fishbone)


@pytest.mark.parametrize("template, whys, fishbone, cause, kind, missing", [
    ("five_whys", ["a"], {}, "x", "process", []),
    ("fishbone", [], {"data": ["d"]}, "x", "individual", []),
    ("five_whys", [], {}, "x", "process", ["five whys needs at least why 1"]),
    ("fishbone", [], {}, "x", "process", ["a fishbone needs at least one cause"]),
    ("five_whys", ["a"], {}, " ", "process", ["the root cause must be stated"]),
    ("five_whys", ["a"], {}, "x", None, ["classified as process or individual"]),
    ("fishbone", [], {}, "", None, ["fishbone", "root cause", "classified"]),
])
def test_closing_problems(template, whys, fishbone, cause, kind, missing):
    problems = rca.closing_problems(template, whys, fishbone, cause, kind)
    assert len(problems) == len(missing)
    assert all(m in p for m, p in zip(missing, problems))


def _months(n: int, first: str = "2024-01") -> list[str]:
    year, month = map(int, first.split("-"))
    out = []
    for i in range(n):
        y, m = divmod(month - 1 + i, 12)
        out.append(f"{year + y:04d}-{m + 1:02d}")
    return out


#: 16 points around 95, then 10 points around 88: a sustained drop.
STABLE = [95, 96, 94, 95, 97, 95, 94, 96, 95, 96, 95, 94, 96, 95, 94, 96]
DROP = [88, 87, 89, 88, 87, 86, 88, 89, 87, 88]


@pytest.mark.parametrize("values, improvement, target, sustained, length, start, effect, met", [
    (STABLE + DROP, "increase", 93, True, 10, "2025-05", "concern", (True, False)),
    (STABLE + DROP, "decrease", 93, True, 10, "2025-05", "improvement", (False, True)),
    (STABLE + DROP, "neutral", 93, True, 10, "2025-05", "neutral", (None, None)),
    (STABLE + DROP[:3], "increase", None, False, 3, "2025-05", "concern", (None, None)),
    (STABLE, "increase", 95, False, 1, "2025-04", "improvement", (True, True)),
])
def test_assess(values, improvement, target, sustained, length, start, effect, met):
    periods = _months(len(values))
    e = se.assess(periods, values, improvement=improvement, target=target)
    assert (e.sustained, e.run_length, e.run_start, e.effect) == (sustained, length, start, effect)
    assert (e.met_before, e.met_after) == met
    assert e.points == len(values) and e.last_period == periods[-1]
    assert e.level_after == pytest.approx(sum(values[-length:]) / length)


def test_assess_levels_and_summary_of_a_drop():
    e = se.assess(_months(26), STABLE + DROP, target=93, rebased_at=["2025-05"])
    assert e.level_before == pytest.approx(sum(STABLE[-12:]) / 12)
    assert e.change_pct == pytest.approx((87.7 - e.level_before) / e.level_before * 100)
    assert e.special_causes == 10 and e.latest_rule is not None and not e.trial_limits
    assert e.summary.startswith("sustained shift below the centre line since 2025-05: 10 points (the rule needs 7)")
    assert e.to_dict()["rebased_at"] == ["2025-05"]


@pytest.mark.parametrize("shift_length, sustained", [(6, True), (7, True), (8, False)])
def test_sustained_follows_the_shift_rule_length(shift_length, sustained):
    values = STABLE + DROP[:7]
    e = se.assess(_months(len(values)), values, shift_length=shift_length)
    assert e.run_length == 7 and e.sustained is sustained


def test_assess_without_points_and_on_the_line():
    empty = se.assess([], [])
    assert (empty.points, empty.sustained, empty.run_side) == (0, False, None)
    flat = se.assess(_months(3), [5, 5, 5])
    assert (flat.run_length, flat.run_side, flat.trial_limits) == (0, None, True)
    assert "no run" in flat.summary
    with pytest.raises(ValueError, match="same length"):
        se.assess(["2026-01"], [1, 2])


@pytest.mark.parametrize("sustained, origin, decision", [
    (True, "external", "revise"), (True, "internal", "hold"), (True, "none", "hold"),
    (False, "external", "hold"), (False, "internal", "hold"),
])
def test_recommend(sustained, origin, decision):
    values = STABLE + (DROP if sustained else DROP[:2])
    e = se.assess(_months(len(values)), values)
    assert se.recommend(e, origin)[0] == decision


@pytest.mark.parametrize("decision, origin, rationale, target, message", [
    ("hold", "internal", "fix it", None, None),
    ("revise", "external", "tolls", 90.0, None),
    ("keep", "internal", "x", None, "hold or revise"),
    ("hold", "space", "x", None, "origin must be"),
    ("hold", "internal", "  ", None, "needs a rationale"),
    ("revise", "external", "x", None, "needs the new target"),
    ("revise", "external", "x", float("nan"), "needs the new target"),
    ("revise", "none", "x", 90.0, "judge the shift's origin"),
    ("hold", "internal", "x", 90.0, "leave --target out"),
])
def test_check_decision(decision, origin, rationale, target, message):
    if message is None:
        se.check_decision(decision, origin, rationale, target)
    else:
        with pytest.raises(ValueError, match=message):
            se.check_decision(decision, origin, rationale, target)
