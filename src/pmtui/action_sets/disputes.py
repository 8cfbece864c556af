"""Keys of the disputes area: 5 committees and disputes, 6 minutes search, 7 commentary on a value."""

from __future__ import annotations

from pmtui.actions import PmAction

SCOPES = {
    "disputes": "Disputes and committees",
    "dispute-form": "Dispute dialog",
    "minutes": "Minutes search",
    "minutes-record": "Meeting record",
    "commentary": "Commentary",
}

DIALOGS = ("dispute-form", "commentary")

ACTIONS = (
    PmAction("open-disputes", "5", "open_screen('disputes')", "Disputes", ("app",),
             "Committees and the dispute register on metric ownership and attribution."),
    PmAction("open-minutes", "6", "open_screen('minutes')", "Minutes search", ("app",),
             "Full-text search of finalised meeting minutes and decisions."),
    PmAction("open-commentary", "7", "open_screen('commentary')", "Commentary", ("app",),
             "What happened, why, what next for the KPI, unit and period on screen (open a KPI first)."),
    PmAction("dispute-raise", "r", "raise_dispute", "Raise", ("disputes",),
             "Raise a dispute on a KPI's ownership or attribution before a committee."),
    PmAction("dispute-hear", "H", "hear_dispute", "Hear", ("disputes",),
             "Record the hearing of the selected raised dispute (committee members)."),
    PmAction("dispute-decide", "d", "decide_dispute", "Decide", ("disputes",),
             "Decide the selected heard dispute; upheld decisions change ownership or RACI at once."),
    PmAction("disputes-previous-page", "left_square_bracket", "previous_page", "Previous page",
             ("disputes", "minutes"), "Show the previous page of rows.", show=False),
    PmAction("disputes-next-page", "right_square_bracket", "next_page", "Next page", ("disputes", "minutes"),
             "Show the next page of rows.", show=False),
    PmAction("minutes-focus-search", "slash", "focus_search", "Search", ("minutes",),
             "Type a search: words, \"quoted phrases\", word* for prefixes."),
    PmAction("minutes-open", "enter", "open_record", "Open", ("minutes",),
             "Show the full minutes and decisions of the selected result."),
    PmAction("dispute-save", "ctrl+s", "save", "Save", ("dispute-form", "commentary"),
             "Validate and store (Enter in a one-line field does the same).", palette=False),
    PmAction("disputes-back", "escape", "close", "Back",
             ("disputes", "dispute-form", "minutes", "minutes-record", "commentary"),
             "Close this screen or dialog.", palette=False),
)
