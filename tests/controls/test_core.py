"""Pure rules of the controls area: quarters, severities, segregation of duties, dormant
accounts, audit diffs and the document renderers."""

from __future__ import annotations

from datetime import date

import pytest

from pmtui.core import audit_diff, controls as rules, documents as doc
from pmtui.core.controls import Conflict, Finding, Holding

PERMS = ("view", "enter_data", "approve", "edit_definitions", "edit_targets", "administer")


@pytest.mark.parametrize(("text", "start", "end", "periods"), [
    ("2026Q3", date(2026, 7, 1), date(2026, 9, 30), ("2026-07", "2026-08", "2026-09")),
    ("2026q1", date(2026, 1, 1), date(2026, 3, 31), ("2026-01", "2026-02", "2026-03")),
    (" 2025-Q4 ", date(2025, 10, 1), date(2025, 12, 31), ("2025-10", "2025-11", "2025-12")),
    ("2024Q1", date(2024, 1, 1), date(2024, 3, 31), ("2024-01", "2024-02", "2024-03")),
])
def test_quarters(text, start, end, periods):
    q = rules.parse_quarter(text)
    assert (q.start, q.end, q.periods) == (start, end, periods)
    assert q.code == text.strip().upper().replace("-", "")
    assert q.ts_from == f"{start}T00:00:00Z"


def test_quarter_bounds_as_timestamps():
    assert rules.parse_quarter("2026Q4").ts_to == "2027-01-01T00:00:00Z"


@pytest.mark.parametrize("text", ["2026Q5", "2026Q0", "26Q3", "2026-07", "Q3 2026", "", "1800Q1", None])
def test_bad_quarters(text):
    with pytest.raises(ValueError, match="must look like 2026Q3"):
        rules.parse_quarter(text)


@pytest.mark.parametrize(("quarter", "today", "day"), [
    ("2026Q3", date(2026, 11, 26), date(2026, 9, 30)),
    ("2026Q4", date(2026, 11, 26), date(2026, 11, 26)),
])
def test_access_is_judged_at_quarter_end_or_today(quarter, today, day):
    assert rules.as_of(rules.parse_quarter(quarter), today) == day


def test_findings_sort_most_severe_first_and_count():
    found = [Finding("b", "access", "info", "x", ""), Finding("a", "integrity", "high", "z", ""),
             Finding("a", "integrity", "medium", "y", ""), Finding("a", "integrity", "high", "a", "")]
    assert [(f.severity, f.element) for f in rules.sort_findings(found)] == [
        ("high", "a"), ("high", "z"), ("medium", "y"), ("info", "x")]
    counts = rules.count_by_severity(f.severity for f in found)
    assert counts == {"high": 2, "medium": 1, "low": 0, "info": 1}
    assert rules.summary_text(counts) == "2 high, 1 medium, 1 info"
    assert rules.summary_text(rules.count_by_severity([])) == "no findings"
    with pytest.raises(ValueError, match="severity"):
        rules.severity_rank("critical")


@pytest.mark.parametrize(("text", "expected"), [
    (None, [("approve", "enter_data")]),
    ("enter_data+approve, edit_targets+approve", [("approve", "enter_data"), ("approve", "edit_targets")]),
    ("approve+enter_data; enter_data + approve", [("approve", "enter_data")]),
    ("", []),
])
def test_sod_rules(text, expected):
    assert rules.parse_sod_rules(text, PERMS) == expected


@pytest.mark.parametrize("text", ["enter_data", "approve+approve", "approve+fly", "a+b+c"])
def test_bad_sod_rules(text):
    with pytest.raises(ValueError, match="segregation-of-duties rule"):
        rules.parse_sod_rules(text, PERMS)


ANCESTORS = {"GROUP": (), "NORTH": ("GROUP",), "BU_A": ("NORTH", "GROUP"), "BU_B": ("NORTH", "GROUP"),
             "SOUTH": ("GROUP",)}
ENTER, APPROVE = frozenset({"view", "enter_data"}), frozenset({"view", "approve"})
BOTH = frozenset({"enter_data", "approve"})
RULE = [("approve", "enter_data")]


@pytest.mark.parametrize(("held", "expected"), [
    # one role carrying both, group-wide
    ([Holding("u", "ADMIN", None, BOTH)], [("u", None, ("ADMIN",))]),
    # two roles at the same unit
    ([Holding("u", "A", "BU_A", ENTER), Holding("u", "H", "BU_A", APPROVE)], [("u", "BU_A", ("A@BU_A", "H@BU_A"))]),
    # approve above, enter below: they overlap at the narrower unit
    ([Holding("u", "A", "BU_A", ENTER), Holding("u", "H", "NORTH", APPROVE)], [("u", "BU_A", ("A@BU_A", "H@NORTH"))]),
    # group-wide approve covers every unit
    ([Holding("u", "A", "BU_B", ENTER), Holding("u", "H", None, APPROVE)], [("u", "BU_B", ("A@BU_B", "H"))]),
    # sibling units do not overlap
    ([Holding("u", "A", "BU_A", ENTER), Holding("u", "H", "BU_B", APPROVE)], []),
    ([Holding("u", "A", "BU_A", ENTER), Holding("u", "H", "SOUTH", APPROVE)], []),
    # different users never conflict
    ([Holding("u", "A", "BU_A", ENTER), Holding("v", "H", "BU_A", APPROVE)], []),
    # only one side of the rule
    ([Holding("u", "A", None, ENTER)], []),
])
def test_sod_conflicts(held, expected):
    found = rules.sod_conflicts(held, RULE, ANCESTORS)
    assert [(c.user, c.scope, c.roles) for c in found] == expected


@pytest.mark.parametrize(("scope", "enforced", "severity"), [
    (None, True, "medium"), ("BU_A", True, "low"), (None, False, "high"), ("BU_A", False, "high")])
def test_sod_grading(scope, enforced, severity):
    assert rules.grade_sod(Conflict("u", ("approve", "enter_data"), scope, ()), enforced) == severity


@pytest.mark.parametrize(("count", "maximum", "severity"), [
    (0, 2, "medium"), (1, 2, "info"), (2, 2, "info"), (3, 2, "medium"), (4, 2, "medium"), (5, 2, "high")])
def test_admin_grading(count, maximum, severity):
    assert rules.grade_admins(count, maximum) == severity


def test_dormant_accounts():
    last = {"active": "2026-09-01T10:00:00Z", "old": "2026-06-01T10:00:00Z", "edge": "2026-07-02T00:00:00Z"}
    holders = {"active": ENTER, "old": APPROVE, "never": ENTER, "edge": ENTER}
    found = rules.dormant(last, holders, date(2026, 9, 30), 90)
    assert [(u, seen) for u, seen, _ in found] == [("edge", "2026-07-02"), ("never", None), ("old", "2026-06-01")]


@pytest.mark.parametrize(("permissions", "severity"), [
    ({"view", "administer"}, "high"), ({"view", "approve"}, "medium"), ({"edit_targets"}, "medium"),
    ({"view", "enter_data"}, "low"), ({"view"}, "info"), (set(), "info")])
def test_dormant_grading(permissions, severity):
    assert rules.grade_dormant(permissions) == severity


@pytest.mark.parametrize(("owned", "severity"), [(0, "info"), (3, "medium")])
def test_vacant_role_grading(owned, severity):
    assert rules.grade_vacant_role(owned) == severity


@pytest.mark.parametrize(("count", "severity"), [(1, "info"), (9, "info"), (10, "low")])
def test_refusal_grading(count, severity):
    assert rules.grade_refusals(count) == severity


# --- audit diffs --------------------------------------------------------------------


@pytest.mark.parametrize(("action", "old", "new", "expected"), [
    ("m.update", {"id": 1, "value": 1.0, "status": "submitted", "note": None},
     {"id": 1, "value": 1.0, "status": "approved", "note": None}, [("status", "submitted", "approved")]),
    ("m.update", {"value": None}, {"value": 0}, [("value", None, 0)]),
    ("m.update", {"value": 1}, {"value": 1.0}, []),
    ("m.update", {"flag": True}, {"flag": 1}, [("flag", True, 1)]),
    ("m.insert", None, {"id": 4, "a": 1, "b": None}, [("a", None, 1)]),
    ("m.delete", {"id": 4, "a": 1}, None, [("a", 1, None)]),
    ("refused.approve", None, {"attempted": {"status": "approved"}}, [("status", None, "approved")]),
    ("refused.view", None, {"attempted": "everything"}, [("attempted", None, "everything")]),
])
def test_changes(action, old, new, expected):
    assert [(c.field, c.old, c.new) for c in audit_diff.changes(action, old, new)] == expected


def test_changes_follow_column_order_and_kinds():
    found = audit_diff.changes("x.update", {"b": 1, "a": 1}, {"b": 2, "a": 2}, order=("b", "a"))
    assert [c.field for c in found] == ["b", "a"]
    assert audit_diff.kind_of("refused.x", None, {}) == "refused"
    assert audit_diff.kind_of("measurement.import", None, {}) == "import"
    assert audit_diff.kind_of("x", None, {}) == "insert"
    assert audit_diff.kind_of("x", {}, None) == "delete"


def test_imported_row_is_picked_out_of_a_batch():
    payload = {"first_id": 10, "columns": ["kpi_id", "value"], "rows": [[1, 5.0], [2, 6.0]],
               "common": {"status": "submitted"}}
    assert audit_diff.imported_row(payload, 11) == {"id": 11, "kpi_id": 2, "value": 6.0, "status": "submitted"}
    assert audit_diff.imported_row(payload, 12) is None
    assert audit_diff.changes("measurement.import", None, payload)[0].new == 2


@pytest.mark.parametrize(("value", "text"), [
    (None, "∅"), (93.4, "93.4"), (3.0, "3"), (True, "true"), ({"b": 1, "a": [2]}, '{"a": [2], "b": 1}'),
    ("x" * 10, "xxxxxxxxxx")])
def test_show(value, text):
    assert audit_diff.show(value) == text


def test_one_line_and_width():
    assert audit_diff.one_line(audit_diff.Change("v", 1, 2)) == "v: 1 -> 2"
    assert audit_diff.one_line(audit_diff.Change("v", None, 2, True)) == "v: 2"
    assert audit_diff.one_line(audit_diff.Change("v", None, 2)) == "v: ∅ -> 2"
    assert audit_diff.show("abcdef", 4) == "abc…"


# --- documents ------------------------------------------------------------------------

HOSTILE = '<script>alert("x")</script> & | *bold* [link](http://evil) _u_ \'q\''


def test_html_escapes_everything_and_has_no_external_assets():
    page = doc.to_html(HOSTILE, [doc.Heading(1, HOSTILE), doc.Para(HOSTILE), doc.Bullets((HOSTILE,)),
                                 doc.Table(("h<",), ((HOSTILE,),))])
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "&quot;x&quot;" in page and "&#x27;q&#x27;" in page
    assert "http://evil" in page and 'href="http' not in page
    assert "<link" not in page and "src=" not in page
    assert page.count("<table>") == 1 and "<th>h&lt;</th>" in page


def test_markdown_escapes_markup():
    text = doc.to_markdown([doc.Para(HOSTILE), doc.Para("- not a list\n1. nor this"),
                            doc.Table(("a", "b"), (("x|y", "1\n2"),))])
    assert "\\<script\\>" in text and "\\*bold\\*" in text and "\\[link\\]" in text and "\\_u\\_" in text
    assert "\\- not a list" in text and "1\\. nor this" in text
    assert "| x\\|y | 1<br>2 |" in text


def test_links_must_stay_in_the_folder():
    assert doc.to_markdown([doc.Bullets((doc.Link("KPIs", "kpis.md"),))]) == "- [KPIs](kpis.md)\n"
    assert '<a href="kpis.html#otd_pct">' in doc.to_html("t", [doc.Bullets((doc.Link("K", "kpis.html#otd_pct"),))])
    for bad in ("http://x.org/a", "../up.md", "javascript:alert(1)", "a b.md"):
        with pytest.raises(ValueError, match="same folder"):
            doc.Link("x", bad)


def test_text_tables_align_and_render_picks_a_format():
    text = doc.to_text([doc.Heading(1, "T"), doc.Table(("a", "bb"), (("1", "two\nlines"), ("333", "x")))])
    assert text == "T\n=\n\na    bb\n1    two\n     lines\n333  x\n"
    assert doc.render("md", "t", [doc.Para("x")]) == "x\n"
    with pytest.raises(ValueError, match="format"):
        doc.render("pdf", "t", [])
    assert doc.anchor_id("OTD_PCT") == "otd_pct"
