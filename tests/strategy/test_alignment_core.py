"""The alignment report as pure graph walks: tables of cases."""

from __future__ import annotations

import pytest

from pmtui.core.alignment import KpiLink, Objective, corporate_root, report
from pmtui.core.strategy_map import Edge, Lane, Node, StrategyMap, layout


def _o(id_, level, parent=None, perspective="FIN", unit="U"):
    return Objective(id_, f"O{id_}", f"Objective {id_}", level, parent, perspective, unit)


CHAIN = [_o(1, "corporate"), _o(2, "unit", 1), _o(3, "team", 2)]


@pytest.mark.parametrize(("objectives", "start", "root", "last", "why"), [
    (CHAIN, 3, 1, 1, ""),                                      # team -> unit -> corporate
    (CHAIN, 1, 1, 1, ""),                                      # a corporate objective is its own root
    ([_o(2, "unit")], 2, None, 2, "no parent"),                # local objective
    ([_o(2, "unit", 9), _o(3, "team", 2)], 3, None, 2, "parent outside the cycle"),
    ([_o(2, "unit", 3), _o(3, "team", 2)], 3, None, 2, "loop in the cascade"),
    ([_o(4, "unit", 4)], 4, None, 4, "loop in the cascade"),   # its own parent
])
def test_corporate_root(objectives, start, root, last, why):
    by_id = {o.id: o for o in objectives}
    found, stopped, reason = corporate_root(start, by_id)
    assert (found.id if found else None, stopped.id, reason) == (root, last, why)


@pytest.mark.parametrize(("objectives", "links", "unaligned", "unmeasured"), [
    (CHAIN, [KpiLink(3, "K")], [], []),
    (CHAIN, [KpiLink(1, "K")], [], ["O1"]),          # a KPI on the corporate objective itself is no unit KPI
    (CHAIN, [], [], ["O1"]),
    (CHAIN + [_o(5, "unit")], [KpiLink(5, "LOCAL"), KpiLink(2, "K")], [("LOCAL", "O5", "no parent")], []),
    ([_o(1, "corporate"), _o(2, "corporate", perspective="CUS"), _o(3, "unit", 2, "CUS")],
     [KpiLink(3, "K")], [], ["O1"]),
    (CHAIN, [KpiLink(99, "GONE")], [], ["O1"]),      # links of objectives outside the cycle are ignored
])
def test_report_findings(objectives, links, unaligned, unmeasured):
    result = report(objectives, links, ["FIN", "CUS"])
    assert [(u.kpi, u.objective, u.why) for u in result.unaligned] == unaligned
    assert [o.code for o in result.unmeasured] == unmeasured


def test_coverage_per_perspective_counts_objectives_and_aligned_kpis():
    objectives = [_o(1, "corporate"), _o(2, "corporate"), _o(3, "corporate", perspective="LRN"),
                  _o(4, "unit", 1), _o(5, "team", 4), _o(6, "unit")]
    links = [KpiLink(4, "A"), KpiLink(5, "B"), KpiLink(6, "C")]
    result = report(objectives, links, ["FIN", "CUS", "LRN"])
    cov = {c.perspective: (c.corporate, c.measured, c.aligned_kpis, c.share) for c in result.coverage}
    assert cov == {"FIN": (2, 1, 2, 0.5), "CUS": (0, 0, 0, None), "LRN": (1, 0, 0, 0.0)}
    assert result.unit_kpis == 3
    assert result.to_dict()["coverage"][0]["share"] == 0.5


def test_layout_spreads_each_lane_and_keeps_lane_order():
    model = StrategyMap("U", "Unit", None, [Lane("FIN", "Financial"), Lane("LRN", "Learning")],
                        [Node("A", "a", "FIN", "unit", None, None), Node("B", "b", "FIN", "unit", None, None),
                         Node("C", "c", "LRN", "unit", None, None)], [Edge("C", "A")])
    boxes, tops = layout(model, width=100, box_width=40, box_height=4, lane_gap=2, left=10, gap=2)
    assert [(b.code, b.x, b.y, b.width) for b in boxes] == [("A", 15, 0, 40), ("B", 65, 0, 40), ("C", 40, 6, 40)]
    assert tops == {"FIN": 0, "LRN": 6}
