"""Gantt bars in one terminal row: the plan on the top half of each cell, actual/forecast below.

A cell covered by the planned span shows ``▀`` in the plan colour; by the actual (or
forecast) span ``▄`` in the milestone's slip colour; by both, ``▀`` in the plan colour on a
background of the slip colour. Today's column shows a thin rule where nothing else is
drawn. Pure Rich: tested without an app.
"""

from __future__ import annotations

from datetime import date

from rich.text import Text

from pmtui.core.timeline import Window

#: Rich colours of the slip colours, and of the plan.
COLOUR = {"green": "green3", "amber": "dark_orange", "red": "red1", "grey": "grey50"}
PLAN = "dodger_blue2"
#: Status dots of linked KPIs (None: no approved value or no target).
DOT = {"green": ("●", "green3"), "amber": ("●", "dark_orange"), "red": ("●", "red1"), None: ("○", "grey50")}


def _span(first: str | None, last: str | None) -> tuple[date, date] | None:
    if not first or not last:
        return None
    return date.fromisoformat(first), date.fromisoformat(last)


def bar(window: Window, width: int, *, planned: tuple[str | None, str | None],
        actual: tuple[str | None, str | None], colour: str, today: date) -> Text:
    """The row's bar: ``planned`` and ``actual`` are (first, last) ISO dates, None where unknown."""
    plan, done = _span(*planned), _span(*actual)
    plan_cells = set(window.cells(*plan, width)) if plan else set()
    done_cells = set(window.cells(*done, width)) if done else set()
    now = window.cell(today, width) if window.start <= today < window.end else None
    fill = COLOUR.get(colour, COLOUR["grey"])
    text = Text()
    for i in range(width):
        if i in plan_cells and i in done_cells:
            text.append("▀", style=f"{PLAN} on {fill}")
        elif i in plan_cells:
            text.append("▀", style=PLAN)
        elif i in done_cells:
            text.append("▄", style=fill)
        elif i == now:
            text.append("│", style="grey35")
        else:
            text.append(" ")
    return text


def dots(statuses: list[dict], limit: int = 5) -> Text:
    """One coloured dot per linked KPI (its latest approved status), ``+n`` beyond ``limit``."""
    text = Text()
    for item in statuses[:limit]:
        glyph, style = DOT.get(item.get("status"), DOT[None])
        text.append(glyph, style=style)
    if len(statuses) > limit:
        text.append(f"+{len(statuses) - limit}", style="dim")
    return text


def legend() -> Text:
    """What the bars and colours mean."""
    return Text.assemble(("▀", PLAN), " plan  ", ("▄", COLOUR["green"]), " actual/forecast: ",
                         ("on track", COLOUR["green"]), " ", ("amber", COLOUR["amber"]), " ",
                         ("red", COLOUR["red"]), " ", ("not started", COLOUR["grey"]), "  ", ("│", "grey35"), " today")
