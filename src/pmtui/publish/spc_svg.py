"""An XmR chart as inline SVG, drawn server-side (no script, no network resources).

Input is the read model of :func:`pmtui.services.spc_reads.chart`. Points flagged by a
rule are drawn larger, coloured by their special cause, and numbered; the numbers match
the list of rules beside the chart. Shapes differ by cause too (circle, square,
diamond), so the chart still reads in monochrome.
"""

from __future__ import annotations

import math
from html import escape

WIDTH, HEIGHT, PAD_L, PAD_R, PAD_T, PAD_B = 720, 300, 64, 16, 16, 40
COLOURS = {"improvement": "#1f77d0", "concern": "#e8740c", "neutral": "#8e5cc4", None: "#6b6b6b"}


def _finite(xs) -> list[float]:
    return [x for x in xs if x is not None and math.isfinite(x)]


def _marker(x: float, y: float, cause: str | None, flagged: bool) -> str:
    colour = COLOURS.get(cause, COLOURS[None])
    r = 5 if flagged else 3
    if cause == "concern":  # square
        return f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r}" height="{2 * r}" fill="{colour}"/>'
    if cause in ("improvement", "neutral"):  # diamond
        return (f'<polygon points="{x:.1f},{y - r - 1:.1f} {x + r + 1:.1f},{y:.1f} {x:.1f},{y + r + 1:.1f}'
                f' {x - r - 1:.1f},{y:.1f}" fill="{colour}"/>')
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{colour}"/>'


def xmr_svg(chart: dict, width: int = WIDTH, height: int = HEIGHT) -> str:
    """The chart's SVG markup (values, mean, process limits, flagged points numbered)."""
    points = chart["points"]
    title = escape(f"XmR chart of {chart['kpi']} at {chart['unit']}")
    if not points:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="60" '
                f'aria-label="{title}"><text x="8" y="30">No approved values yet.</text></svg>')
    ys = _finite([p["value"] for p in points] + [p["upl"] for p in points] + [p["lpl"] for p in points])
    lo, hi = min(ys), max(ys)
    pad = (hi - lo) * 0.08 or abs(hi) * 0.1 or 1.0
    lo, hi = lo - pad, hi + pad
    plot_w, plot_h = width - PAD_L - PAD_R, height - PAD_T - PAD_B
    n = len(points)

    def sx(i: int) -> float:
        return PAD_L + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def sy(v: float) -> float:
        return PAD_T + plot_h * (hi - v) / (hi - lo)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" class="pm-xmr" width="{width}" height="{height}"'
           f' viewBox="0 0 {width} {height}" aria-label="{title}"><title>{title}</title>',
           f'<rect x="{PAD_L}" y="{PAD_T}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#ccc"/>']
    for label, value in (("max", hi - pad), ("min", lo + pad)):
        out.append(f'<text x="{PAD_L - 6}" y="{sy(value) + 4:.1f}" text-anchor="end" font-size="11">{value:.4g}</text>')
    # limits and mean as step lines: each segment (rebase) has its own
    for key, colour, dash in (("upl", "#b22222", "6 4"), ("lpl", "#b22222", "6 4"), ("mean", "#333", "")):
        path = []
        for i, p in enumerate(points):
            if p[key] is None:
                continue
            x0 = sx(i - 0.5) if i else sx(0)
            x1 = sx(i + 0.5) if i < n - 1 else sx(n - 1)
            path.append(f"M{x0:.1f},{sy(p[key]):.1f} L{x1:.1f},{sy(p[key]):.1f}")
        if path:
            out.append(f'<path class="pm-{key}" d="{" ".join(path)}" stroke="{colour}" fill="none"'
                       f'{f" stroke-dasharray={chr(34)}{dash}{chr(34)}" if dash else ""}/>')
    line = " ".join(f"{sx(i):.1f},{sy(p['value']):.1f}" for i, p in enumerate(points))
    out.append(f'<polyline points="{line}" fill="none" stroke="#6b6b6b" stroke-width="1.2"/>')
    number = 0
    for i, p in enumerate(points):
        flagged = bool(p["rule"])
        out.append(_marker(sx(i), sy(p["value"]), p["special_cause"], flagged))
        if flagged:
            number += 1
            out.append(f'<text x="{sx(i):.1f}" y="{sy(p["value"]) - 8:.1f}" text-anchor="middle" font-size="9">'
                       f'{number}</text>')
    step = max(1, math.ceil(n / 8))
    for i in range(0, n, step):
        out.append(f'<text x="{sx(i):.1f}" y="{height - PAD_B + 16}" text-anchor="middle" font-size="11">'
                   f'{escape(points[i]["period"])}</text>')
    out.append("</svg>")
    return "".join(out)
