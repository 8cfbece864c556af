"""Cognitive load of a scorecard view (M2.6): how many KPIs it holds against the cap."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from pmtui.services import assessments, settings
from pmtui.services.scorecard import Scorecard


def kpi_count(card: Scorecard) -> int:
    """Distinct KPIs under the objectives the view lists (what drilling down can show)."""
    return len({k.code for p in card.perspectives for o in p.objectives for k in o.kpis})


def warning(count: int, cap: int) -> str | None:
    """The warning shown when a view holds more KPIs than the cap, else None."""
    if count <= cap:
        return None
    return f"{count} KPIs in this view, above the cap of {cap}: read it objective by objective"


@dataclass(frozen=True)
class ViewLoad:
    """What the scorecard screen shows beside the scores: the KPI count, the cap and ratings."""

    kpis: int
    cap: int
    ratings: dict[str, int] = field(default_factory=dict)

    @property
    def warning(self) -> str | None:
        """See :func:`warning`."""
        return warning(self.kpis, self.cap)


def view_load(conn: sqlite3.Connection, card: Scorecard) -> ViewLoad:
    """The load of ``card`` with the managers' ratings for its unit and period."""
    ratings = assessments.ratings_for(conn, card.unit, card.period)
    return ViewLoad(kpi_count(card), settings.scorecard_cap(conn), ratings)
