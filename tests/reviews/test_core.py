"""The pure agenda builder and rotation ranking, as tables of cases."""

from __future__ import annotations

import pytest

from pmtui.core import agenda, rotation

SPC = {"kpi": "OPEX", "unit": "PA", "period": "2026-10", "value": 1720.0, "variation": "special_cause_concern",
       "assurance": "inconsistent", "rule": "outside_limits"}
FAIL = {"kpi": "ENG", "unit": "PA", "period": "2026-09", "value": 61.0, "variation": "common_cause",
        "assurance": "consistent_fail", "rule": None}
RED = {"kpi": "COST", "unit": "PA", "period": "2026-10", "value": 4.14, "target": 3.89, "score": 1.46}
RED_OPEX = {"kpi": "OPEX", "unit": "PA", "period": "2026-10", "value": 1720.0, "target": 1544.0, "score": 0.0}
RED_WORSE = {"kpi": "CO2", "unit": "PA", "period": "2026-10", "value": 620.0, "target": 558.0, "score": 0.0}
SLIP = {"initiative": "LEAN", "milestone": "M2", "name": "Line 2", "rule": "slip", "severity": "red",
        "message": "forecast 25 days late", "evidence": {"slip_days": 25}, "unit": "PA", "milestone_id": 7}
LATE_START = SLIP | {"rule": "late_start", "severity": "amber", "message": "not started"}
ACTION = {"id": 12, "title": "Fix the press", "owner": "iholm", "due_on": "2026-10-31", "unit": "PA", "kpi": None,
          "days_overdue": 26}
OLD_ACTION = ACTION | {"id": 3, "days_overdue": 45}
STALE = {"kpi": "SCRAP", "unit": "PA", "period": "2026-09", "due": "2026-10-04", "days_overdue": 53,
         "status": "draft"}
STALE_LATER = STALE | {"period": "2026-10", "due": "2026-11-04", "days_overdue": 22, "status": None}
FEED = {"kpi": "EMPTY", "unit": "PA", "source": "TMS", "hours_late": 50.0, "last_reading": "2026-11-23T07:00Z"}


@pytest.mark.parametrize("given, expected_titles", [
    (dict(spc=[SPC]), ["OPEX at PA: special-cause concern (outside limits) in 2026-10"]),
    (dict(spc=[FAIL]), ["ENG at PA: consistently fails its target in 2026-09"]),
    (dict(spc=[SPC | {"assurance": "consistent_fail"}]),
     ["OPEX at PA: special-cause concern (outside limits) and consistently fails its target in 2026-10"]),
    (dict(red=[RED]), ["COST at PA is red in 2026-10: 4.14 against target 3.89"]),
    (dict(slipped=[SLIP]), ["LEAN / M2 Line 2: forecast 25 days late"]),
    (dict(overdue=[ACTION]), ["Action #12 overdue 26 days (iholm): Fix the press"]),
    (dict(overdue=[ACTION | {"days_overdue": 1}]), ["Action #12 overdue 1 day (iholm): Fix the press"]),
    (dict(stale=[STALE]), ["SCRAP at PA: no data for 2026-09 (53 days past due)"]),
    (dict(stale=[FEED]), ["EMPTY at PA: feed from TMS 50 hours late"]),
    (dict(stale=[FEED | {"hours_late": None}]), ["EMPTY at PA: feed from TMS no reading yet"]),
])
def test_titles_say_what_is_wrong(given, expected_titles):
    assert [i.title for i in agenda.build(**given)] == expected_titles


def kind_of(item):
    return item.kind


def element_of(item):
    return item.kpi or item.action_id


@pytest.mark.parametrize("given, key, expected", [
    # kinds come in agenda order whatever order they are given in
    (dict(stale=[STALE], overdue=[ACTION], slipped=[SLIP], red=[RED], spc=[SPC]), kind_of,
     ["spc_concern", "red_kpi", "slipped_milestone", "overdue_action", "stale_data"]),
    # within a kind: a special-cause concern before failing assurance alone
    (dict(spc=[FAIL, SPC]), element_of, ["OPEX", "ENG"]),
    # red KPIs: lowest score first, then code
    (dict(red=[RED, RED_WORSE]), element_of, ["CO2", "COST"]),
    # overdue actions: longest overdue (red) first
    (dict(overdue=[ACTION, OLD_ACTION]), element_of, [3, 12]),
    # a red milestone before an amber one, whatever the input order
    (dict(slipped=[LATE_START | {"milestone": "M1"}, SLIP]), lambda i: i.milestone, ["M2", "M1"]),
])
def test_order(given, key, expected):
    assert [key(i) for i in agenda.build(**given)] == expected


@pytest.mark.parametrize("given, n, check", [
    # the same milestone twice: one item, the red alert's title, both rules
    (dict(slipped=[LATE_START, SLIP]), 1,
     lambda i: i.severity == "red" and i.evidence["rules"] == ["slip", "late_start"]),
    # a red KPI that is also an SPC concern folds into the concern
    (dict(spc=[SPC], red=[RED_OPEX, RED]), 2,
     lambda i: i.kind == "spc_concern" and i.evidence["scored_red"] == {"value": 1720.0, "target": 1544.0,
                                                                         "score": 0.0}
     and i.title.endswith("and red against its target")),
    # two missed periods of one KPI at one unit: one item listing both
    (dict(stale=[STALE_LATER, STALE]), 1,
     lambda i: i.title == "SCRAP at PA: no data for 2026-09, 2026-10 (up to 53 days past due)"
     and len(i.evidence["missed"]) == 2),
    # the same action given twice: once
    (dict(overdue=[ACTION, ACTION]), 1, lambda i: i.action_id == 12),
    # the same KPI at two units: two items
    (dict(red=[RED, RED | {"unit": "PB"}]), 2, lambda i: i.unit == "PA"),
])
def test_dedupe(given, n, check):
    items = agenda.build(**given)
    assert len(items) == n
    assert check(items[0])


@pytest.mark.parametrize("row, severity", [
    (ACTION | {"days_overdue": 30}, "amber"),
    (ACTION | {"days_overdue": 31}, "red"),
    (STALE | {"days_overdue": 10}, "amber"),
    (STALE, "red"),
])
def test_severity_of_overdue_and_stale(row, severity):
    kind = "overdue" if "id" in row else "stale"
    assert agenda.build(**{kind: [row]})[0].severity == severity


@pytest.mark.parametrize("levels, expected", [
    ((None,), "public"), (("public", "internal"), "internal"), (("confidential", "internal", None), "confidential"),
])
def test_highest_confidentiality(levels, expected):
    assert agenda.highest(*levels) == expected


def test_merged_items_keep_the_strictest_confidentiality():
    items = agenda.build(spc=[SPC], red=[RED_OPEX | {"confidentiality": "confidential"}])
    assert items[0].confidentiality == "confidential"


def test_to_dict_names_the_element():
    item = agenda.build(overdue=[ACTION])[0].to_dict()
    assert set(item) >= {"kind", "title", "kpi", "unit", "period", "milestone", "initiative", "action_id", "evidence"}
    assert (item["action_id"], item["unit"], item["evidence"]["owner"]) == (12, "PA", "iholm")


ANCESTORS = {"GROUP": ("GROUP",), "NORTH": ("NORTH", "GROUP"), "PA": ("PA", "NORTH", "GROUP"),
             "PA_T": ("PA_T", "PA", "NORTH", "GROUP"), "PB": ("PB", "NORTH", "GROUP")}
RESP = [rotation.Responsibility("OPEX", "PA", "HEAD"), rotation.Responsibility("SCRAP", "PA_T", "QUALITY")]


def cand(user, *holdings, last=None, attended=0):
    return rotation.Candidate(user, user.title(), tuple(holdings), last, attended)


@pytest.mark.parametrize("holding, unit, covered", [
    (None, "PA", True), ("PA", "PA", True), ("NORTH", "PA_T", True), ("PB", "PA", False), ("PA_T", "PA", False),
])
def test_covers(holding, unit, covered):
    assert rotation.covers(holding, unit, ANCESTORS) is covered


@pytest.mark.parametrize("candidate, reason", [
    (cand("jan", ("HEAD", "PA")), "responsible for OPEX@PA"),
    (cand("reg", ("HEAD", "NORTH")), "responsible for OPEX@PA"),  # a head above the unit answers for it too
    (cand("qa", ("QUALITY", None)), "responsible for SCRAP@PA_T"),  # group-wide role
    (cand("ana", ("ANALYST", None)), "owns no process (holds no role that owns a KPI or objective)"),
    (cand("chair", ("HEAD", "PB")), "already taking part"),
])
def test_who_is_left_out(candidate, reason):
    ranking = rotation.rank([candidate], RESP, ANCESTORS, {"HEAD", "QUALITY", "FINANCE"}, taking_part=["chair"])
    assert ranking.suggested == [] and ranking.excluded == [(candidate.user, reason)]


def test_least_recent_attendance_first_then_fewest_then_name():
    pool = [cand("fin", ("FINANCE", None), last="2026-09-05", attended=2),
            cand("pbh", ("HEAD", "PB"), last=None, attended=5),
            cand("qb", ("QUALITY", "PB"), last="2026-07-03", attended=1),
            cand("aaa", ("QUALITY", "PB"), last="2026-07-03", attended=1),
            cand("zed", ("QUALITY", "PB"), last="2026-07-03", attended=0),
            cand("jan", ("HEAD", "PA"), last=None)]
    ranking = rotation.rank(pool, RESP, ANCESTORS, {"HEAD", "QUALITY", "FINANCE"})
    assert [s.user for s in ranking.suggested] == ["pbh", "zed", "aaa", "qb", "fin"]
    assert ranking.suggested[0].why == "never attended a review of this unit"
    assert ranking.suggested[-1].why == "last attended a review of this unit on 2026-09-05"
    assert ranking.excluded == [("jan", "responsible for OPEX@PA")]
    assert [s.user for s in rotation.rank(pool, RESP, ANCESTORS, {"HEAD", "QUALITY", "FINANCE"},
                                          limit=2).suggested] == ["pbh", "zed"]
