"""Keys of the measurement architecture: f opens data freshness, s the data sources."""

from __future__ import annotations

from pmtui.actions import PmAction

SCOPES = {"freshness": "Data freshness", "sources": "Data sources"}

ACTIONS = (
    PmAction("open-freshness", "f", "open_screen('freshness')", "Freshness", ("app",),
             "Stale data (missed due dates, late feeds) and sources that disagree, as of today."),
    PmAction("open-sources", "s", "open_screen('sources')", "Sources", ("app",),
             "The data-source registry: systems, owners, reliability, refresh, and the KPIs each one feeds."),
    PmAction("freshness-next-page", "right_square_bracket", "next_page", "Next page", ("freshness",),
             "Show the next page of the focused list."),
    PmAction("freshness-previous-page", "left_square_bracket", "previous_page", "Previous page", ("freshness",),
             "Show the previous page of the focused list."),
    PmAction("measurement-back", "escape", "close", "Back", ("freshness", "sources"), "Close this screen.",
             palette=False),
)
