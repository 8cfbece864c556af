"""Keys of the initiatives area: g opens the initiatives timeline; paging, filter and alert refresh on it."""

from __future__ import annotations

from pmtui.actions import PmAction

SCOPES = {"initiatives": "Initiatives timeline"}

ACTIONS = (
    PmAction("open-initiatives", "g", "open_screen('initiatives')", "Initiatives", ("app",),
             "Initiatives and milestones on a timeline, coloured by slippage, beside their KPIs' status"
             " (filtered to the unit and KPI on screen)."),
    PmAction("initiatives-next-page", "right_square_bracket", "next_page", "Next page", ("initiatives",),
             "Show the next initiatives."),
    PmAction("initiatives-previous-page", "left_square_bracket", "previous_page", "Previous page", ("initiatives",),
             "Show the previous initiatives."),
    PmAction("initiatives-clear-filter", "c", "clear_filter", "All", ("initiatives",),
             "Show every initiative, not only the unit and KPI the screen was opened for."),
    PmAction("initiatives-refresh-alerts", "e", "refresh_alerts", "Check alerts", ("initiatives",),
             "Re-evaluate every initiative's slippage alerts on today's date, after a confirmation (audited)."),
    PmAction("initiatives-reload", "r", "reload", "Reload", ("initiatives",), "Read the timeline again.",
             show=False),
    PmAction("initiatives-back", "escape", "close", "Back", ("initiatives",), "Close this screen.", palette=False),
)
