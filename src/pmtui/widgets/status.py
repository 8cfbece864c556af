"""Cell renderers for statuses, scores and values (one place for the RAG colours).

Colour never carries the meaning alone: every badge also spells the status, so the
scorecard reads the same on a monochrome terminal or to a colour-blind analyst.
"""

from __future__ import annotations

from rich.text import Text

from pmtui.core import ratings, scoring

#: Rich style per RAG status; ``None`` (not scored) is dim.
RAG_STYLE = {"green": "bold green", "amber": "bold yellow", "red": "bold red", None: "dim"}

#: Style per workflow status of a value; approved is the normal case and stays plain.
VALUE_STYLE = {"draft": "italic cyan", "submitted": "italic magenta", "approved": "", "rejected": "bold red"}


def rag(status: str | None) -> Text:
    """A badge such as ``● green``, or ``○ none`` when nothing is scored."""
    return Text(f"● {status}" if status else "○ none", style=RAG_STYLE.get(status, "dim"))


def score(value: float | None) -> Text:
    """A 0-10 score with one decimal, coloured by its status (``–`` when unscored)."""
    return Text(scoring.format_score(value), style=RAG_STYLE[scoring.status_for_score(value)],
                justify="right")


def number(value: float | None, decimals: int = 1) -> str:
    """A measurement or target with the KPI's decimals (``–`` when missing)."""
    return "–" if value is None else f"{value:.{decimals}f}"


def target(low: float | None, high: float | None, decimals: int = 1) -> str:
    """A target, or a band ``low–high`` when the KPI has one."""
    if high is None:
        return number(low, decimals)
    return f"{number(low, decimals)}–{number(high, decimals)}"


def value_state(status: str | None) -> Text:
    """The workflow status of a value (draft, submitted, approved, rejected)."""
    return Text(status or "–", style=VALUE_STYLE.get(status, "dim"))


#: Circled digits keep a manager rating one cell wide, so names stay aligned.
RATING_MARKS = {1: "①", 2: "②", 3: "③", 4: "④", 5: "⑤"}


def rating_badge(rating: int | None) -> Text:
    """A one-cell badge for a manager rating, coloured like a RAG status (blank when none)."""
    if rating not in RATING_MARKS:
        return Text(" ")
    return Text(RATING_MARKS[rating], style=RAG_STYLE[ratings.COLOUR[rating]])
