"""What the framework forms submit: parsing typed text, one transaction per objective, paged reads."""

from __future__ import annotations

import pytest

from pmtui.services import framework_browse as fb
from pmtui.services import framework_edit as fe
from pmtui.services import framework_forms as ff
from pmtui.services import user_admin
from pmtui.services.errors import NotFound, PermissionDenied, PmError
from pmtui.store import audit
from tests.builders import NOW


@pytest.mark.parametrize(("text", "expected"), [
    ("", []),
    ("REV", [("REV", 1.0)]),
    ("REV:2, COST:0.5", [("REV", 2.0), ("COST", 0.5)]),
    ("REV:0 COST", [("REV", 0.0), ("COST", 1.0)]),
])
def test_weighted_codes(text, expected):
    assert ff.weighted_codes(text) == expected


@pytest.mark.parametrize(("text", "problem"), [
    ("REV:x", "is not a number"),
    ("REV:", "a number is required"),
    ("REV:-1", "must be >= 0"),
    ("REV, REV:2", "listed twice"),
    (":2", "no code"),
    ("REV:nan", "not a finite number"),
])
def test_weighted_codes_refused(text, problem):
    with pytest.raises(PmError, match=problem):
        ff.weighted_codes(text)


def test_numbers_and_codes():
    assert ff.number(" 1.5 ", "Target") == 1.5 and ff.number("", "Amber") is None
    with pytest.raises(PmError, match="Target: a number is required"):
        ff.number("", "Target", required=True)
    with pytest.raises(PmError, match="decimal separator"):
        ff.number("1,5", "Target")
    assert ff.whole("3", "Decimals") == 3 and ff.whole("", "Decimals") is None
    with pytest.raises(PmError, match="not a whole number"):
        ff.whole("2.5", "Decimals")
    assert ff.codes("A, B  C;A") == ["A", "B", "C"]
    assert user_admin.role_at("HEAD@BU_A") == ("HEAD", "BU_A") and user_admin.role_at("ADMIN") == ("ADMIN", None)


def test_an_objective_with_links_and_causes_is_one_transaction(mini, monkeypatch):
    head = audit.head(mini)[0]

    def broken(*args, **kwargs):
        raise PmError("the cause link failed")

    monkeypatch.setattr(fe, "link_objectives", broken)
    with pytest.raises(PmError, match="the cause link failed"):
        ff.save_objective(mini, "SHIP", new=True, name="Ship on time", level="unit", unit="BU_A", perspective="CUS",
                          kpis=[("REV", 1.0), ("DEFECTS", 2.0)], causes=["QUALITY_A"], actor="admin", now=NOW)
    assert audit.head(mini)[0] == head
    assert mini.execute("SELECT count(*) FROM objectives WHERE code = 'SHIP'").fetchone()[0] == 0
    monkeypatch.undo()
    saved = ff.save_objective(mini, "SHIP", new=True, name="Ship on time", level="unit", unit="BU_A",
                              perspective="CUS", kpis=[("REV", 1.0), ("DEFECTS", 2.0)], causes=["QUALITY_A"],
                              actor="admin", now=NOW)
    assert saved["kpis"] == [{"code": "DEFECTS", "weight": 2.0}, {"code": "REV", "weight": 1.0}]
    assert saved["causes"] == ["QUALITY_A"]
    assert audit.head(mini)[0] == head + 4
    edited = ff.save_objective(mini, "SHIP", new=False, name="Ship on time", level="unit", unit="BU_A",
                               perspective="CUS", kpis=[("DEFECTS", 3.0)], causes=[], actor="admin", now=NOW)
    assert edited["kpis"] == [{"code": "DEFECTS", "weight": 3.0}] and edited["causes"] == []


def test_unknown_codes_and_missing_permission_write_nothing(mini):
    head = audit.head(mini)[0]
    with pytest.raises(NotFound, match="unknown KPI 'NOPE'"):
        ff.save_objective(mini, "SHIP", new=True, name="Ship", level="unit", unit="BU_A", perspective="CUS",
                          kpis=[("NOPE", 1.0)], actor="admin", now=NOW)
    with pytest.raises(PmError, match="its own cause"):
        ff.save_objective(mini, "SHIP", new=True, name="Ship", level="unit", unit="BU_A", perspective="CUS",
                          causes=["SHIP"], actor="admin", now=NOW)
    assert audit.head(mini)[0] == head
    with pytest.raises(PermissionDenied):
        ff.save_objective(mini, "SHIP", new=True, name="Ship", level="unit", unit="BU_A", perspective="CUS",
                          kpis=[("REV", 1.0)], actor="ann", now=NOW)
    # The refusal is the only thing written, and it stays.
    assert audit.head(mini)[0] == head + 1
    assert mini.execute("SELECT count(*) FROM objectives WHERE code = 'SHIP'").fetchone()[0] == 0


def test_pages_of_a_unit_and_of_the_catalogue(mini):
    page = fb.unit_lines(mini, "BU_A", offset=1, limit=2)
    assert page.total == 4 and [(r.kind, r.code, r.objective) for r in page.rows] == [
        ("kpi", "REV", "GROW_A"), ("objective", "QUALITY_A", "QUALITY_A")]
    assert fb.kpi_catalogue(mini, limit=1).rows[0] == fb.KpiRow("DEFECTS", "Defect rate", "ppm", "lower", "monthly",
                                                                 "INT", 1)
    assert fb.counts(mini) == fb.Counts(4, 2, 4, 2) and fb.has_framework(mini)
    assert fb.objective_form(mini, "GROW_A")["kpis"] == [("REV", 1.0)]
    rows, total = user_admin.page(mini, NOW.date(), offset=1, limit=1)
    assert total == 3 and rows == [user_admin.UserRow("ann", "Ann Analyst", None, True, ("ANALYST@BU_A",))]
    assert user_admin.may_administer(mini, "admin", NOW.date()) and not user_admin.may_administer(mini, "ann",
                                                                                                    NOW.date())
