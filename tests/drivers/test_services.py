"""Driver and assessment services on the mini company."""

from __future__ import annotations

import pytest

from pmtui.services import drivers
from pmtui.services.errors import NotFound, PermissionDenied, PmError
from tests.builders import NOW
from tests.drivers.conftest import MONTHS, TRUE_LAG


def test_measure_finds_the_built_in_lag_per_unit_and_pooled(lagged):
    result = drivers.measure(lagged, "TRAIN", "YIELD", 6)
    assert [p.unit for p in result.units] == ["BU_A", "BU_B"]
    assert all(p.best.lag == TRUE_LAG and p.strength == "strong" for p in result.units)
    assert result.pooled.best.lag == TRUE_LAG and result.pooled.sign_ok is True
    assert result.pooled.best.n == 2 * (MONTHS - TRUE_LAG)
    assert result.leading_class == "leading" and result.lagging_class == "lagging" and result.expected_sign == 1


def test_published_measure_leaves_out_the_confidential_unit(lagged):
    assert [p.unit for p in drivers.measure(lagged, "TRAIN", "YIELD", 3, published=True).units] == ["BU_A"]


def test_unapproved_values_do_not_count(mini):
    # The mini company's REV and DEFECTS have two approved months each: not enough data.
    result = drivers.measure(mini, "REV", "DEFECTS", 1)
    assert result.pooled.strength == "not enough data" and result.pooled.best is None


def test_add_driver_then_list_uses_its_max_lag(lagged):
    drivers.add_driver(lagged, "TRAIN", "YIELD", 4, actor="admin", now=NOW)
    [result] = drivers.drivers(lagged)
    assert (result.leading, result.lagging, result.max_lag, len(result.pooled.points)) == ("TRAIN", "YIELD", 4, 5)
    data = result.to_dict(by_unit=True)
    assert data["best_lag"] == TRUE_LAG and data["strength"] == "strong" and len(data["by_unit"]) == 2


@pytest.mark.parametrize("args, error", [
    (("TRAIN", "TRAIN", 6, "admin"), PmError),
    (("TRAIN", "YIELD", 25, "admin"), PmError),
    (("TRAIN", "NOPE", 6, "admin"), NotFound),
    (("TRAIN", "YIELD", 6, "ann"), PermissionDenied),
])
def test_add_driver_refusals(lagged, args, error):
    *rest, actor = args
    with pytest.raises(error):
        drivers.add_driver(lagged, *rest, actor=actor, now=NOW)


def test_a_link_is_added_once(lagged):
    drivers.add_driver(lagged, "TRAIN", "YIELD", actor="admin", now=NOW)
    with pytest.raises(PmError, match="already linked"):
        drivers.add_driver(lagged, "TRAIN", "YIELD", actor="admin", now=NOW)


def test_assess_records_then_replaces_with_audit(mini):
    drivers.assess(mini, "REV", availability=5, predictability=2, actionability=3, regulated=True, notes="IFRS",
                   actor="admin", now=NOW)
    row = drivers.assess(mini, "REV", availability=4, predictability=2, actionability=3, actor="admin", now=NOW)
    assert (row["availability"], row["regulated"], row["assessed_by"]) == (4, 0, "admin")
    listed = {r["kpi"]: r for r in drivers.assessments(mini)}
    assert listed["REV"]["availability"] == 4 and listed["DEFECTS"]["availability"] is None
    actions = [r[0] for r in mini.execute("SELECT action FROM audit_log WHERE entity = 'kpi_assessments'")]
    assert actions == ["kpi.assess", "kpi.assess"]


@pytest.mark.parametrize("scores, actor, error", [
    ((0, 3, 3), "admin", PmError), ((3, 6, 3), "admin", PmError), ((3, 3, 3), "ann", PermissionDenied),
])
def test_assess_refusals(mini, scores, actor, error):
    a, p, c = scores
    with pytest.raises(error):
        drivers.assess(mini, "REV", availability=a, predictability=p, actionability=c, actor=actor, now=NOW)
