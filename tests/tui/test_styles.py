"""Every Rich style the screens and widgets use parses: a bad colour name crashes the app at render time.

``"bold orange"`` (plotext knows "orange", Rich does not) took the app down on every XmR
chart with a concern point. Style tables are checked entry by entry; literal ``style=``
strings in ``screens/`` and ``widgets/`` are found by reading the source.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from rich.style import Style

from pmtui.core import spc_status
from pmtui.screens import spc_chart
from pmtui.widgets import gantt, status

SRC = Path(__file__).resolve().parents[2] / "src" / "pmtui"


def _table_styles() -> list[tuple[str, str]]:
    styles = [(f"VARIATION_ICONS[{k}]", f"bold {v[1]}") for k, v in spc_status.VARIATION_ICONS.items()]
    styles += [(f"ASSURANCE_ICONS[{k}]", f"bold {v[1]}") for k, v in spc_status.ASSURANCE_ICONS.items()]
    styles += [(f"spc_chart.CAUSE_STYLE[{k}]", f"bold {v[0]}") for k, v in spc_chart.CAUSE_STYLE.items()]
    styles += [("spc_chart.UNKNOWN_CAUSE", f"bold {spc_chart.UNKNOWN_CAUSE[0]}")]
    styles += [(f"spc_chart.LINES[{key}]", rich) for key, _, rich in spc_chart.LINES]
    styles += [("spc_chart.VALUE_COLOUR", spc_chart.VALUE_COLOUR)]
    styles += [(f"status.RAG_STYLE[{k}]", v) for k, v in status.RAG_STYLE.items()]
    styles += [(f"status.VALUE_STYLE[{k}]", v) for k, v in status.VALUE_STYLE.items()]
    styles += [(f"gantt.COLOUR[{k}]", f"{gantt.PLAN} on {v}") for k, v in gantt.COLOUR.items()]
    styles += [(f"gantt.DOT[{k}]", v[1]) for k, v in gantt.DOT.items()]
    return styles


@pytest.mark.parametrize(("where", "style"), _table_styles())
def test_style_tables_hold_rich_styles(where, style):
    Style.parse(style)


def _literal_styles() -> list[tuple[str, str]]:
    found = []
    for path in sorted([*(SRC / "screens").glob("*.py"), *(SRC / "widgets").glob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "style" and isinstance(node.value, ast.Constant) \
                    and isinstance(node.value.value, str):
                found.append((f"{path.name}:{node.value.lineno}", node.value.value))
    return found


@pytest.mark.parametrize(("where", "style"), _literal_styles())
def test_literal_styles_parse(where, style):
    Style.parse(style)


def test_the_chart_plots_its_cause_colours_by_number():
    assert spc_chart.plot_colour(spc_chart.CAUSE_STYLE["concern"][0]) == 208  # dark_orange
