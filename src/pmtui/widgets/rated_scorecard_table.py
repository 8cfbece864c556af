"""The scorecard table with each KPI's manager rating (M2.4) in front of its name."""

from __future__ import annotations

from rich.text import Text

from pmtui.core import ratings
from pmtui.widgets import status
from pmtui.widgets.scorecard_table import ScorecardTable

#: Circled digits keep the rating one cell wide, so names stay aligned.
MARKS = {1: "①", 2: "②", 3: "③", 4: "④", 5: "⑤"}


def rating_badge(rating: int | None) -> Text:
    """A one-cell badge coloured like a RAG status (blank when there is no rating)."""
    if rating not in MARKS:
        return Text(" ")
    return Text(MARKS[rating], style=status.RAG_STYLE[ratings.COLOUR[rating]])


class RatedScorecardTable(ScorecardTable):
    """A :class:`ScorecardTable` whose KPI rows start with the rating given for the period."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.ratings: dict[str, int] = {}

    def add_row(self, *cells, key=None, **kwargs):
        """Put the rating badge into the indentation of KPI rows (keys ``K|objective|kpi``)."""
        if key and key.startswith("K|") and cells and isinstance(cells[0], Text):
            name = cells[0]
            badge = rating_badge(self.ratings.get(key.split("|")[2]))
            # KPI names are indented by six spaces: the badge takes the fifth.
            cells = (Text.assemble(name[:4], badge, name[5:]), *cells[1:])
        return super().add_row(*cells, key=key, **kwargs)
