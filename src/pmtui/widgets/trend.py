"""A trend chart of a KPI's values against its targets (textual-plotext)."""

from __future__ import annotations

from textual_plotext import PlotextPlot

#: Label every n-th period on the x axis so labels never collide on an 80-column screen.
MAX_LABELS = 6


class TrendChart(PlotextPlot):
    """Values (line with markers) and the target (line) over the shown periods."""

    def show(self, periods: list[str], values: list[float | None], targets: list[float | None],
             uom: str = "") -> None:
        """Replace the plotted series.

        Args:
            periods: ``YYYY-MM`` labels, oldest first.
            values: One value per period (None where there is none).
            targets: One target per period (None where there is none).
            uom: Unit of measure for the title.
        """
        plt = self.plt
        plt.clear_data()
        plt.clear_figure()
        plt.title(f"Trend{f' ({uom})' if uom else ''}")
        xs = list(range(len(periods)))
        points = [(x, v) for x, v in zip(xs, values) if v is not None]
        goals = [(x, t) for x, t in zip(xs, targets) if t is not None]
        if goals:
            plt.plot([x for x, _ in goals], [t for _, t in goals], label="target", color="green", marker="hd")
        if points:
            plt.plot([x for x, _ in points], [v for _, v in points], label="value", color="cyan", marker="braille")
        ys = [y for _, y in goals + points]
        if ys:
            # Pad the range so a flat target is not drawn on top of the frame.
            pad = (max(ys) - min(ys)) * 0.1 or abs(max(ys)) * 0.1 or 1.0
            plt.ylim(min(ys) - pad, max(ys) + pad)
        if periods:
            step = max(1, -(-len(periods) // MAX_LABELS))
            ticks = xs[::step]
            plt.xticks(ticks, [_short(periods[i]) for i in ticks])
        self.refresh()


def _short(period: str) -> str:
    """``2026-10`` -> ``10/26``: the x axis has little room."""
    return f"{period[5:]}/{period[2:4]}"
