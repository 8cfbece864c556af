"""The formula language and the dependency graph: pure tables."""

from __future__ import annotations

import pytest

from pmtui.core import expr, kpi_graph


@pytest.mark.parametrize(("text", "values", "expected"), [
    ("1 + 2 * 3", {}, 7),
    ("(1 + 2) * 3", {}, 9),
    ("10 - 4 - 3", {}, 3),          # left-associative
    ("24 / 4 / 2", {}, 3),
    ("-2 * 3", {}, -6),
    ("--2", {}, 2),
    ("2 * -3", {}, -6),
    ("OPEX / REVENUE * 100", {"OPEX": 25, "REVENUE": 200}, 12.5),
    ("min(A, B, 3)", {"A": 5, "B": 4}, 3),
    ("max(A, B)", {"A": 5, "B": 4}, 5),
    ("abs(A - B)", {"A": 1, "B": 4}, 3),
    ("avg(A, B, 6)", {"A": 0, "B": 3}, 3),
    ("if_zero(A, 7)", {"A": 0}, 7),
    ("if_zero(A, 7)", {"A": 2}, 2),
    ("REV / if_zero(ORDERS, 1)", {"REV": 10, "ORDERS": 0}, 10),
    (".5 + 1.", {}, 1.5),
])
def test_valid_formulas(text, values, expected):
    assert expr.evaluate(expr.parse(text), values) == pytest.approx(expected)


@pytest.mark.parametrize(("text", "message"), [
    ("", "formula is empty"),
    ("   ", "formula is empty"),
    ("1 +", "expected a number, KPI code or '(' at position 4, found end of formula"),
    ("(1 + 2", "expected ')' at position 7, found end of formula"),
    ("1 + 2)", "unexpected ')' at position 6"),
    ("A ^ 2", "unexpected character '^' at position 3"),
    ("A.b", "unexpected character '.' at position 2"),
    ("__import__('os')", "unexpected character \"'\" at position 12"),
    ("eval(1)", "unknown function 'eval' at position 1"),
    ("abs(1, 2)", "abs at position 1 takes 1 argument(s), not 2"),
    ("if_zero(1)", "if_zero at position 1 takes 2 argument(s), not 1"),
    ("min", "function min at position 1 needs arguments in parentheses"),
    ("1 2", "unexpected '2' at position 3"),
    ("A * (B +)", "expected a number, KPI code or '(' at position 9, found ')'"),
    ("x" * 501, "longer than 500"),
])
def test_invalid_formulas_name_the_position(text, message):
    with pytest.raises(ValueError) as info:
        expr.parse(text)
    assert message in str(info.value)


def test_ast_has_precedence():
    assert expr.parse("A + B * 2") == expr.BinOp("+", expr.Ref("A"), expr.BinOp("*", expr.Ref("B"), expr.Num(2.0)))
    assert expr.references(expr.parse("min(A, B / C) - -D")) == {"A", "B", "C", "D"}


@pytest.mark.parametrize(("text", "values", "reason"), [
    ("A / B", {"A": 1, "B": 0}, "division by zero"),
    ("A / (B - B)", {"A": 1, "B": 3}, "division by zero"),
    ("A + B", {"A": 1}, "no value for B"),
])
def test_no_value_with_reason(text, values, reason):
    with pytest.raises(expr.NoValue, match=reason):
        expr.evaluate(expr.parse(text), values)


@pytest.mark.parametrize(("graph", "cycle"), [
    ({"A": {"B"}, "B": {"A"}}, ["A", "B", "A"]),
    ({"A": {"A"}}, ["A", "A"]),
    ({"A": {"X"}, "B": {"C"}, "C": {"D"}, "D": {"B"}}, ["B", "C", "D", "B"]),
    ({"A": {"B", "X"}, "B": {"X"}}, None),
])
def test_cycles(graph, cycle):
    assert kpi_graph.find_cycle(graph) == cycle
    if cycle:
        with pytest.raises(ValueError, match=" -> ".join(cycle)):
            kpi_graph.order(graph)


def test_order_and_dependents():
    graph = {"C": {"B"}, "B": {"A", "X"}, "D": {"X"}, "E": {"C", "D"}}
    order = kpi_graph.order(graph)
    assert order.index("B") < order.index("C") < order.index("E") and order.index("D") < order.index("E")
    assert kpi_graph.dependents(graph, ["A"]) == ["B", "C", "E"]
    assert kpi_graph.dependents(graph, ["X"]) == [n for n in order]
    assert kpi_graph.dependents(graph, ["E"]) == []
