"""Services of the measurement area on the mini company (users admin, ann, bob)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pmtui.services import assessments, cognitive_load, freshness, readings, scorecard, settings, sources, variants
from pmtui.services import measurements as ms
from pmtui.services.errors import PermissionDenied, PmError, ValidationFailed
from pmtui.services.verify import verify
from tests.builders import NOW


def _audit_count(conn) -> int:
    return conn.execute("SELECT count(*) FROM audit_log").fetchone()[0]


@pytest.fixture
def erp(mini):
    sources.add_source(mini, "ERP", "SAP S/4 ERP", system="SAP S/4HANA", domain="Finance", reliability="high",
                       latency_hours=24, refresh="daily", actor="admin", now=NOW)
    sources.add_source(mini, "DWH", "Data warehouse", system="Snowflake", domain="Data", actor="admin", now=NOW)
    sources.link_kpi(mini, "REV", "ERP", actor="admin", now=NOW)
    return mini


def test_sources_are_listed_with_their_kpis(erp):
    rows = sources.list_sources(erp)
    assert [(r["code"], r["kpis"]) for r in rows] == [("DWH", []), ("ERP", ["REV"])]
    assert rows[1]["reliability"] == "high" and rows[1]["domain"] == "Finance"


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"code": "erp"}, "upper-case"),
    ({"reliability": "great"}, "reliability"),
    ({"refresh": "yearly"}, "refresh"),
    ({"latency_hours": -1}, "latency"),
    ({"system": "=HYPERLINK()"}, "formula"),
])
def test_bad_sources_are_refused(mini, kwargs, message):
    args = {"code": "CRM", "name": "CRM", "system": "Salesforce", "domain": "Sales"} | kwargs
    code, name = args.pop("code"), args.pop("name")
    with pytest.raises(PmError, match=message):
        sources.add_source(mini, code, name, actor="admin", now=NOW, **args)


def test_only_definition_editors_add_or_link_sources(erp):
    before = _audit_count(erp)
    with pytest.raises(PermissionDenied):
        sources.link_kpi(erp, "DEFECTS", "ERP", actor="ann", now=NOW)
    assert _audit_count(erp) == before + 1  # the refusal is audited
    assert erp.execute("SELECT source_id FROM kpis WHERE code = 'DEFECTS'").fetchone()[0] is None


def test_variants_carry_regulation_approver_and_diff(mini):
    row = variants.add_variant(mini, "REV", "NORTH", "Invoiced sales net of returns and local VAT",
                               "Local GAAP art. 12", actor="admin", now=NOW)
    assert row["approved_by"] == "admin" and row["approved_on"] == "2026-11-26"
    assert "{+Invoiced sales net of returns and local VAT+}" in row["diff"]
    again = variants.add_variant(mini, "REV", "NORTH", "Sales net of VAT", "Local GAAP art. 13", actor="admin", now=NOW)
    assert again["regulation"] == "Local GAAP art. 13"
    assert len(variants.list_variants(mini, kpi="REV")) == 1


def test_a_variant_equal_to_the_standard_is_refused(mini):
    from pmtui.services import framework
    framework.create_kpi(mini, "CO2", name="CO2", definition="Tonnes CO2e  burnt", direction="lower",
                         actor="admin", now=NOW)
    with pytest.raises(PmError, match="same"):
        variants.add_variant(mini, "CO2", "NORTH", "Tonnes CO2e burnt ", "Law", actor="admin", now=NOW)


def test_assessments_need_enter_data_or_approve(mini):
    row = assessments.assess(mini, "REV", "BU_A", "2026-09", 2, "Price war in the north", actor="ann", now=NOW)
    assert row["label"] == "concern"
    assessments.assess(mini, "REV", "BU_A", "2026-09", "4", "Recovered late in the month", actor="bob", now=NOW)
    assessments.assess(mini, "REV", "BU_A", "2026-09", 3, "Partly recovered", actor="ann", now=NOW)  # replaces
    found = sorted((a["author"], a["rating"]) for a in assessments.latest(mini, "REV", "BU_A"))
    assert found == [("ann", 3), ("bob", 4)]
    with pytest.raises(PermissionDenied):
        assessments.assess(mini, "REV", "BU_B", "2026-09", 3, "not my unit", actor="ann", now=NOW)


@pytest.mark.parametrize(("rating", "period", "comment", "message"), [
    (7, "2026-09", "x", "scale"),
    (3, "2027-01", "x", "future"),
    (3, "2026-9", "x", "YYYY-MM"),
    (3, "2026-09", "=cmd()", "formula"),
    (3, "2026-09", "  ", "comment"),
])
def test_bad_assessments_are_refused(mini, rating, period, comment, message):
    with pytest.raises(PmError, match=message):
        assessments.assess(mini, "REV", "BU_A", period, rating, comment, actor="ann", now=NOW)


def test_settings_need_administer_and_valid_values(mini):
    assert settings.scorecard_cap(mini) == 20
    assert settings.set_value(mini, "scorecard_cap", "25", actor="admin", now=NOW) == "25"
    assert settings.scorecard_cap(mini) == 25
    with pytest.raises(PmError, match="whole number"):
        settings.set_value(mini, "scorecard_cap", "lots", actor="admin", now=NOW)
    with pytest.raises(PermissionDenied):
        settings.set_value(mini, "scorecard_cap", "5", actor="bob", now=NOW)
    assert settings.conflict_tolerance(mini) == 0.02


def test_cap_warning_counts_the_kpis_of_the_view(mini):
    card = scorecard.build(mini, "BU_A", "2026-08")
    assert cognitive_load.view_load(mini, card).warning is None
    settings.set_value(mini, "scorecard_cap", "1", actor="admin", now=NOW)
    load = cognitive_load.view_load(mini, card)
    assert (load.kpis, load.cap) == (2, 1)
    assert load.warning.startswith("2 KPIs in this view, above the cap of 1")


def test_freshness_finds_missed_due_dates(mini):
    # Mini data: 2026-07..09 entered; 2026-10 is due on 10 November and missing.
    report = freshness.report(mini, NOW)
    missed = [(s["kpi"], s["unit"], s["period"], s["days_overdue"]) for s in report["stale"]]
    assert missed == [("DEFECTS", "BU_A", "2026-10", 16), ("REV", "BU_A", "2026-10", 16)]
    ms.enter_value(mini, "REV", "BU_A", "2026-10", "101", submit=True, actor="ann", now=NOW)
    assert [s["kpi"] for s in freshness.report(mini, NOW)["stale"]] == ["DEFECTS"]


def test_a_unit_calendar_moves_the_due_date(mini):
    freshness.set_calendar(mini, "BU_A", "4-4-5", 12, year_end="last", actor="admin", now=NOW)
    stale = freshness.report(mini, NOW, "BU_A")["stale"]
    # Period 10 ends on Saturday 24 October (not the 31st): due ten days later; period 11 is not due yet.
    assert {(s["period"], s["due"]) for s in stale} == {("2026-10", "2026-11-03")}
    assert freshness.show_calendar(mini, "BU_A", NOW.date())["fiscal_year"]["start"] == "2025-12-28"


def test_feeds_are_stale_when_their_last_reading_is_old(erp):
    sources.set_reporting(erp, "REV", mode="feed", actor="admin", now=NOW)
    readings.record(erp, [("REV", "BU_A", "2026-11", "ERP", 10.0)], actor="ann", now=NOW - timedelta(hours=60))
    late = [s for s in freshness.report(erp, NOW)["stale"] if s["kind"] == "feed late"]
    assert [(s["kpi"], s["hours_late"]) for s in late] == [("REV", 12.0)]
    readings.record(erp, [("REV", "BU_A", "2026-11", "ERP", 11.0)], actor="ann", now=NOW - timedelta(hours=1))
    assert not [s for s in freshness.report(erp, NOW)["stale"] if s["kind"] == "feed late"]


def test_conflicts_between_sources_and_with_the_stored_value(erp):
    readings.record(erp, [("REV", "BU_A", "2026-09", "ERP", 80.0), ("REV", "BU_A", "2026-09", "DWH", 84.0),
                          ("REV", "BU_A", "2026-08", "ERP", 95.5)], actor="ann", now=NOW)
    found = [(c["period"], c["first"], c["second"]) for c in freshness.report(erp, NOW)["conflicting"]]
    assert found == [("2026-09", "DWH", "ERP"), ("2026-09", "DWH", "stored")]
    settings.set_value(erp, "conflict_tolerance", "0.1", actor="admin", now=NOW)
    assert freshness.report(erp, NOW)["conflicting"] == []
    assert verify(erp, None).ok


def test_readings_import_is_all_or_nothing(erp, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("kpi,unit,period,source,value\nREV,BU_A,2026-09,ERP,80\nREV,BU_A,2026-09,DWH,80.5\n")
    assert readings.import_readings(erp, good, actor="ann", now=NOW) == {"file": "good.csv", "rows": 2, "added": 2,
                                                                         "replaced": 0}
    bad = tmp_path / "bad.csv"
    bad.write_text("kpi,unit,period,source,value\nREV,BU_A,2026-08,ERP,1\nREV,BU_A,2026-08,CRM,1\n"
                   "REV,BU_A,2026-08,DWH,12O\n")
    before = _audit_count(erp)
    with pytest.raises(ValidationFailed) as caught:
        readings.import_readings(erp, bad, actor="ann", now=NOW)
    assert [(p.row, p.column) for p in caught.value.problems] == [(3, "source"), (4, "value")]
    assert _audit_count(erp) == before
    assert erp.execute("SELECT count(*) FROM source_readings").fetchone()[0] == 2
