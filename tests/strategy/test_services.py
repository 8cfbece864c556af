"""Services of the strategy area on the mini company (admin, ann, bob; BU_A measured)."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from pmtui.services import excluded, scorecard, strategy
from pmtui.services import framework as fw
from pmtui.services import target_revisions as rev
from pmtui.services.errors import NotFound, PermissionDenied, PmError
from tests.builders import NOW


def _rev_score(conn, period="2026-08"):
    card = scorecard.build(conn, "BU_A", period)
    return next(k for p in card.perspectives for o in p.objectives for k in o.kpis if k.code == "REV")


def _audit_actions(conn, entity):
    return [r[0] for r in conn.execute("SELECT action FROM audit_log WHERE entity = ? ORDER BY seq", [entity])]


# --- planning cycles and alignment -------------------------------------------------------

def test_cycles_are_added_listed_and_must_not_overlap(mini):
    strategy.add_cycle(mini, "FY2026", "Fiscal year 2026", "2026-01", "2026-12", actor="admin", now=NOW)
    with pytest.raises(PmError, match="overlaps cycle FY2026"):
        strategy.add_cycle(mini, "H2", "Second half", "2026-07", "2027-06", actor="admin", now=NOW)
    with pytest.raises(PmError, match="before start"):
        strategy.add_cycle(mini, "FY2027", "x", "2027-12", "2027-01", actor="admin", now=NOW)
    with pytest.raises(PermissionDenied):
        strategy.add_cycle(mini, "FY2027", "x", "2027-01", "2027-12", actor="ann", now=NOW)
    assert [c["code"] for c in strategy.list_cycles(mini)] == ["FY2026"]


def test_alignment_report_honours_cycles(mini):
    a = {"actor": "admin", "now": NOW}
    strategy.add_cycle(mini, "FY2025", "FY 2025", "2025-01", "2025-12", **a)
    strategy.add_cycle(mini, "FY2026", "FY 2026", "2026-01", "2026-12", **a)
    fw.create_objective(mini, "LOCAL_A", "Local plan", level="unit", unit="BU_A", perspective="CUS", **a)
    fw.link_kpi(mini, "LOCAL_A", "REV", **a)
    fw.create_objective(mini, "PEOPLE", "People", level="corporate", unit="GROUP", perspective="LRN", **a)
    strategy.set_objective_cycle(mini, "PEOPLE", "FY2026", **a)
    strategy.set_objective_cycle(mini, "QUALITY", "FY2025", **a)  # QUALITY_A now hangs from nothing in FY2026
    r26 = strategy.alignment_report(mini, "FY2026")
    assert [(u["kpi"], u["objective"], u["why"]) for u in r26["unaligned_kpis"]] == [
        ("REV", "LOCAL_A", "no parent"), ("DEFECTS", "QUALITY_A", "parent outside the cycle")]
    assert [o["code"] for o in r26["unmeasured_objectives"]] == ["PEOPLE"]
    r25 = strategy.alignment_report(mini, "FY2025")
    assert [u["objective"] for u in r25["unaligned_kpis"]] == ["LOCAL_A"]
    assert r25["unmeasured_objectives"] == []
    assert {c["perspective"]: c["share"] for c in r25["coverage"]} == {"FIN": 1.0, "CUS": None, "INT": 1.0,
                                                                       "LRN": None}
    with pytest.raises(NotFound, match="unknown planning cycle"):
        strategy.alignment_report(mini, "FY1999")


def test_strategy_map_model_has_lanes_statuses_and_links(mini):
    fw.link_objectives(mini, "QUALITY", "GROW", actor="admin", now=NOW)
    model = strategy.strategy_map(mini, "GROUP", "2026-08")
    assert [lane.code for lane in model.lanes] == ["FIN", "CUS", "INT", "LRN"]
    assert {(n.code, n.lane, n.status) for n in model.nodes} == {("GROW", "FIN", "amber"), ("QUALITY", "INT", "amber")}
    assert [(e.cause, e.effect) for e in model.edges] == [("QUALITY", "GROW")]


def test_published_strategy_map_hides_confidential_objectives_and_units(mini):
    fw.create_objective(mini, "SECRET", "Secret plan", level="corporate", unit="GROUP", perspective="FIN",
                        confidentiality="confidential", actor="admin", now=NOW)
    fw.link_objectives(mini, "SECRET", "GROW", actor="admin", now=NOW)
    assert "SECRET" in {n.code for n in strategy.strategy_map(mini, "GROUP").nodes}
    published = strategy.strategy_map(mini, "GROUP", published=True)
    assert "SECRET" not in {n.code for n in published.nodes} and published.edges == []
    with pytest.raises(NotFound, match="unpublished"):
        strategy.strategy_map(mini, "BU_B", published=True)


# --- target revisions --------------------------------------------------------------------

def test_approved_revision_changes_the_score_and_keeps_the_original(mini):
    before = _rev_score(mini)
    assert (before.target, round(before.score, 2)) == (100, 5.0)
    row = rev.request(mini, "REV", "BU_A", "2026-08", 95, reason="Key customer lost to insolvency",
                      actor="admin", now=NOW)
    assert (row["original_target"], row["original_amber"], row["revised_amber"]) == (100, 90, 85)  # amber moves along
    assert _rev_score(mini).target == 100  # nothing changes before the decision
    decided = rev.decide(mini, row["id"], approve=True, note="ok", actor="bob", now=NOW + timedelta(hours=1))
    assert decided["status"] == "approved" and decided["current_target"] == 95
    after = _rev_score(mini)
    assert (after.target, round(after.score, 2), after.status) == (95, 6.67, "green")
    kept = rev.revisions(mini, unit="BU_A")[0]
    assert (kept["original_target"], kept["revised_target"]) == (100, 95)
    reason = mini.execute("SELECT reason FROM audit_log WHERE entity = 'targets' AND action = 'targets.revise'")
    assert reason.fetchone()[0] == "Key customer lost to insolvency"


def test_self_approval_is_refused_and_audited(mini):
    row = rev.request(mini, "REV", "BU_A", "2026-08", 95, reason="x", actor="admin", now=NOW)
    with pytest.raises(PmError, match="four-eyes"):
        rev.decide(mini, row["id"], approve=True, actor="admin", now=NOW)
    assert rev.get(mini, row["id"])["status"] == "submitted"
    assert "refused.decide" in _audit_actions(mini, "target_revisions")
    assert _rev_score(mini).target == 100


def test_the_schema_trigger_refuses_self_decision_too(mini):
    from pmtui.store import audit
    from pmtui.store.db import atomic

    row = rev.request(mini, "REV", "BU_A", "2026-08", 95, reason="x", actor="admin", now=NOW)
    with pytest.raises(sqlite3.IntegrityError, match="four-eyes"), atomic(mini):
        audit.update(mini, "target_revisions", row["id"], {"status": "approved", "decided_by": "admin"},
                     actor="admin", now=NOW)


@pytest.mark.parametrize(("kwargs", "error"), [
    ({"reason": " "}, "needs a reason"),
    ({"period": "2026-12"}, "no target set"),
    ({"kpi": "NOPE"}, "unknown KPI"),
    ({"target": 80, "amber": 95}, "revised target"),
    ({"reason": "=HYPERLINK()"}, "formula"),
])
def test_bad_requests_are_refused(mini, kwargs, error):
    args = {"kpi": "REV", "unit": "BU_A", "period": "2026-08", "target": 95, "amber": None, "reason": "r"} | kwargs
    with pytest.raises(PmError, match=error):
        rev.request(mini, args.pop("kpi"), args.pop("unit"), args.pop("period"), args.pop("target"),
                    args.pop("amber"), reason=args.pop("reason"), actor="admin", now=NOW)


def test_permissions_and_pending_rules(mini):
    with pytest.raises(PermissionDenied):
        rev.request(mini, "REV", "BU_A", "2026-08", 95, reason="r", actor="ann", now=NOW)
    row = rev.request(mini, "REV", "BU_A", "2026-08", 95, reason="r", actor="admin", now=NOW)
    with pytest.raises(PmError, match="still pending"):
        rev.request(mini, "REV", "BU_A", "2026-08", 90, reason="r", actor="admin", now=NOW)
    with pytest.raises(PermissionDenied):
        rev.decide(mini, row["id"], approve=True, actor="ann", now=NOW)
    rev.decide(mini, row["id"], approve=False, note="budget is budget", actor="bob", now=NOW)
    with pytest.raises(PmError, match="already rejected"):
        rev.decide(mini, row["id"], approve=True, actor="bob", now=NOW)
    assert _rev_score(mini).target == 100


def test_revision_counts_per_unit(mini):
    a = {"actor": "admin", "now": NOW}
    fw.set_target(mini, "REV", "NORTH", "2026-08", 300, 250, **a)
    plan = [("BU_A", "2026-07", True), ("BU_A", "2026-08", False), ("BU_A", "2026-09", None),
            ("NORTH", "2026-08", True)]
    for unit, period, approve in plan:
        row = rev.request(mini, "REV", unit, period, 90 if unit == "BU_A" else 280, reason="r", **a)
        if approve is not None:
            rev.decide(mini, row["id"], approve=approve, actor="bob", now=NOW)
    counts = {c["unit"]: (c["requested"], c["approved"], c["rejected"], c["pending"])
              for c in rev.revision_counts(mini)}
    assert counts == {"BU_A": (3, 1, 1, 1), "NORTH": (1, 1, 0, 0)}
    published = {r["unit"]: (r["decided"], r["approved"], r["rejected"])
                 for r in mini.execute("SELECT * FROM pub_revision_counts")}
    assert published == {"BU_A": (2, 1, 1), "NORTH": (1, 1, 0)}


# --- excluded metrics --------------------------------------------------------------------

def test_excluded_register_records_who_and_when_and_hides_confidential(mini):
    row = excluded.add(mini, "Website visits", "vanity metric", actor="admin", now=NOW)
    assert (row["decided_by"], row["decided_on"], row["cycle"]) == ("admin", "2026-11-26", None)
    excluded.add(mini, "Bonus pool", "sensitive", confidentiality="confidential", actor="admin", now=NOW)
    assert [r["name"] for r in excluded.entries(mini)] == ["Bonus pool", "Website visits"]
    assert [r["name"] for r in excluded.entries(mini, published=True)] == ["Website visits"]
    assert [r[0] for r in mini.execute("SELECT name FROM pub_excluded_metrics")] == ["Website visits"]
    with pytest.raises(PermissionDenied):
        excluded.add(mini, "x", "y", actor="bob", now=NOW)
    with pytest.raises(NotFound, match="planning cycle"):
        excluded.add(mini, "x", "y", cycle="FY1999", actor="admin", now=NOW)


def test_pub_alignment_flags_unaligned_and_hides_confidential(mini):
    a = {"actor": "admin", "now": NOW}
    fw.create_objective(mini, "LOCAL_A", "Local plan", level="unit", unit="BU_A", perspective="CUS", **a)
    fw.link_kpi(mini, "LOCAL_A", "REV", **a)
    fw.create_objective(mini, "SECRET_B", "Secret", level="unit", unit="BU_B", perspective="CUS", **a)
    fw.link_kpi(mini, "SECRET_B", "REV", **a)
    rows = {(r["objective"], r["kpi"]): (r["alignment"], r["corporate_objective"])
            for r in mini.execute("SELECT * FROM pub_alignment")}
    assert rows == {("GROW_A", "REV"): ("aligned", "GROW"), ("QUALITY_A", "DEFECTS"): ("aligned", "QUALITY"),
                    ("LOCAL_A", "REV"): ("unaligned", None)}
