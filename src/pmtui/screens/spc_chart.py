"""The XmR chart of one KPI at one unit, with the rule that fired per flagged point."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from rich.color import Color
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static
from textual_plotext import PlotextPlot

from pmtui import actions
from pmtui.core.spc_status import ASSURANCE_ICONS, VARIATION_ICONS
from pmtui.services import spc_reads
from pmtui.services.errors import PmError
from pmtui.widgets.footer import PmFooter

#: Flagged points listed beside the chart (the latest ones).
RULES_SHOWN = 12
#: Rich colour (the SPC icons' colour) and marker per special cause; the marker tells them
#: apart in monochrome. The plot draws the same colour by its 256-colour number: plotext knows
#: other colour names than Rich (its "orange" is no Rich colour, and crashed the side panel).
CAUSE_STYLE = {cause: (VARIATION_ICONS[f"special_cause_{cause}"][1], marker)
               for cause, marker in (("improvement", "+"), ("concern", "x"), ("neutral", "*"))}
UNKNOWN_CAUSE = ("white", "?")
#: The lines of the chart: (points key, plotext colour, Rich colour of the key beside the chart).
LINES = (("upl", "red", "red"), ("lpl", "red", "red"), ("mean", "gray", "bright_black"))
VALUE_COLOUR = "cyan"  # the same name in plotext and Rich
MAX_LABELS = 6


def plot_colour(rich_colour: str) -> int:
    """The 256-colour number of a Rich colour, which plotext draws as is."""
    return Color.parse(rich_colour).number


class SpcChartScreen(Screen):
    """Values, mean, upper and lower process limits; flagged points coloured by cause.

    Args:
        kpi: KPI code.
        unit: Unit code.
    """

    SCOPE = "spc-chart"
    BINDINGS = actions.bindings("spc-chart")

    @dataclass
    class Loaded(Message):
        """The chart's read model."""

        chart: dict

    @dataclass
    class Failed(Message):
        """Why the chart could not be read."""

        text: str

    def __init__(self, kpi: str, unit: str) -> None:
        super().__init__()
        self.kpi, self.unit = kpi, unit

    def compose(self) -> ComposeResult:
        """Title, then the chart beside the facts and the flagged points."""
        yield Header()
        yield Static(f"XmR chart of {self.kpi} at {self.unit}", id="spc-chart-title")
        with Horizontal(id="spc-chart-body"):
            yield PlotextPlot(id="spc-chart-plot")
            yield Static("", id="spc-chart-side")
        yield PmFooter()

    def on_mount(self) -> None:
        """Read the chart."""
        self._load(self.kpi, self.unit)

    def reload(self) -> None:
        """Read the chart again (after a value was saved)."""
        self._load(self.kpi, self.unit)

    @work(thread=True, exclusive=True, group="spc-chart", exit_on_error=False)
    def _load(self, kpi: str, unit: str) -> None:
        try:
            with self.app.database() as conn:
                chart = spc_reads.chart(conn, kpi, unit)
        except (PmError, sqlite3.Error) as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Loaded(chart))

    def on_spc_chart_screen_failed(self, message: Failed) -> None:
        """Say why there is no chart."""
        self.query_one("#spc-chart-title", Static).update(Text(message.text, style="bold red"))

    def on_spc_chart_screen_loaded(self, message: Loaded) -> None:
        """Draw the chart and list the facts."""
        chart = message.chart
        self.query_one("#spc-chart-title", Static).update(Text.assemble(
            ("XmR ", "dim"), (chart["kpi"], "bold"), f" {chart['name']}  at ", (chart["unit"], "bold"),
            f" {chart['unit_name']}"))
        self.query_one("#spc-chart-side", Static).update(side_text(chart))
        self._plot(chart)

    def _plot(self, chart: dict) -> None:
        plot = self.query_one(PlotextPlot)
        plt = plot.plt
        plt.clear_data()
        plt.clear_figure()
        points = chart["points"]
        title = f"{chart['kpi']} ({chart['uom']})" if chart["uom"] else chart["kpi"]
        plt.title(f"{title}: limits collapsed onto the mean" if chart.get("limits_collapsed") else title)
        if points:
            # No plotext legend: it covers the top-left corner, where flagged points can sit;
            # the key is in the side panel.
            xs = list(range(len(points)))
            for key, colour, _ in LINES:
                pairs = [(x, p[key]) for x, p in zip(xs, points) if p[key] is not None]
                if pairs:
                    plt.plot([x for x, _ in pairs], [y for _, y in pairs], color=colour, marker="braille")
            plt.plot(xs, [p["value"] for p in points], color=VALUE_COLOUR, marker="dot")
            for cause, (colour, marker) in CAUSE_STYLE.items():
                flagged = [(x, p["value"]) for x, p in zip(xs, points) if p["special_cause"] == cause]
                if flagged:
                    plt.scatter([x for x, _ in flagged], [y for _, y in flagged], color=plot_colour(colour),
                                marker=marker)
            step = max(1, -(-len(points) // MAX_LABELS))
            ticks = xs[::step]
            plt.xticks(ticks, [f"{points[i]['period'][5:]}/{points[i]['period'][2:4]}" for i in ticks])
        plot.refresh()

    def action_close(self) -> None:
        """Back to the KPI screen."""
        self.dismiss()


def side_text(chart: dict) -> Text:
    """Variation, assurance, settings, the warnings (collapsed or trial limits), the key and the flagged points.

    Every style here is a Rich style (``tests/tui/test_styles.py`` parses them all).
    """
    summary, s, decimals = chart["summary"] or {}, chart["settings"], chart["decimals"]
    glyph, colour, label = VARIATION_ICONS.get(summary.get("variation"), VARIATION_ICONS[None])
    a_glyph, a_colour, a_label = ASSURANCE_ICONS.get(summary.get("assurance"), ASSURANCE_ICONS[None])
    if chart.get("limits_collapsed"):
        label = "not judged: the limits collapsed onto the mean"
        a_label = "no assurance from collapsed limits"
    text = Text()
    text.append(f"({glyph}) ", style=f"bold {colour}").append(f"{label}\n")
    text.append(f"({a_glyph}) ", style=f"bold {a_colour}").append(f"{a_label}\n")
    text.append(f"{summary.get('points', 0)} points  SPC mode {'on' if chart['spc_mode'] else 'off'}\n", style="dim")
    text.append(f"Baseline: {s['baseline_points'] or 'all points'}\n", style="dim")
    text.append(f"Rebased: {s['rebase_periods'] or 'never'}\n", style="dim")
    text.append(f"Shift {s['shift_length']}, trend {s['trend_length']}\n", style="dim")
    if summary.get("warning"):
        text.append(f"⚠ {summary['warning']}\n", style="bold yellow")
    text.append_text(key_text())
    flagged = chart["flagged"][-RULES_SHOWN:]
    text.append(f"\nFlagged points ({len(chart['flagged'])}):\n" if flagged else "\nNo flagged point.\n",
                style="bold")
    for p in flagged:
        colour, marker = CAUSE_STYLE.get(p["special_cause"], UNKNOWN_CAUSE)
        text.append(f"{marker} ", style=f"bold {colour}")
        text.append(f"{p['period']} {p['value']:.{decimals}f} {p['special_cause']}: {p['rule'].replace('_', ' ')}\n")
    return text


def key_text() -> Text:
    """What the lines and markers of the plot mean (in place of plotext's legend)."""
    return Text.assemble(
        "\n", ("──", LINES[0][2]), " limits ", ("──", LINES[2][2]), " mean ", ("•", VALUE_COLOUR), " value\n",
        *[part for cause, (colour, marker) in CAUSE_STYLE.items() for part in ((marker, f"bold {colour}"),
                                                                             f" {cause} ")], "\n")
