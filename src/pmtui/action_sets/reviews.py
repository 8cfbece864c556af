"""Keys of the reviews area: v opens the review meetings; one key per decision inside a meeting.

The decision keys (capitals: A act, W watch, R revise target, E escalate, C close) stay out
of the meeting's footer: the item panel lists them beside the item. Finalising and
rebuilding the agenda ask for confirmation (:mod:`pmtui.screens.confirm`).
"""

from __future__ import annotations

from pmtui.actions import PmAction

SCOPES = {
    "meetings": "Review meetings",
    "meeting": "Review meeting",
    "meeting-decide": "Meeting decision",
    "meeting-minutes": "Meeting minutes",
    "meeting-rotation": "Meeting rotation",
}

DIALOGS = _DIALOGS = ("meeting-decide", "meeting-minutes", "meeting-rotation")

ACTIONS = (
    PmAction("open-meetings", "v", "open_screen('meetings')", "Reviews", ("app",),
             "Review meetings: agendas built from exceptions, a decision per item, minutes, rotation."),
    PmAction("meetings-open", "enter", "open_meeting", "Open", ("meetings",),
             "Open the selected meeting and run its agenda."),
    PmAction("meetings-unit", "u", "pick_unit", "Unit", ("meetings",),
             "List the meetings of one unit and the units below it."),
    PmAction("meetings-all", "x", "all_units", "All units", ("meetings",), "List the meetings of every unit."),
    PmAction("meetings-previous-page", "left_square_bracket", "previous_page", "Prev page", ("meetings",),
             "Show the previous page of meetings."),
    PmAction("meetings-next-page", "right_square_bracket", "next_page", "Next page", ("meetings",),
             "Show the next page of meetings."),
    PmAction("meeting-act", "A", "decide('act')", "Act", ("meeting",),
             "Decide 'act' on the item: raise an action with an owner and a due date.", show=False),
    PmAction("meeting-watch", "W", "decide('watch')", "Watch", ("meeting",),
             "Decide 'watch' on the item: look at it again next review.", show=False),
    PmAction("meeting-revise", "R", "decide('revise_target')", "Revise target", ("meeting",),
             "Decide 'revise target' on the item (then weigh revise or hold for the KPI).", show=False),
    PmAction("meeting-escalate", "E", "decide('escalate')", "Escalate", ("meeting",),
             "Decide 'escalate' on the item.", show=False),
    PmAction("meeting-close", "C", "decide('close')", "Close", ("meeting",),
             "Decide 'close' on the item: nothing more to do.", show=False),
    PmAction("meeting-next-item", "n", "next_item", "Next", ("meeting",), "Move to the next agenda item."),
    PmAction("meeting-previous-item", "p", "previous_item", "Previous", ("meeting",),
             "Move to the previous agenda item.", show=False),
    PmAction("meeting-minutes", "M", "minutes", "Minutes", ("meeting",), "Write the meeting's minutes."),
    PmAction("meeting-rotation", "o", "rotation", "Rotation", ("meeting",),
             "Choose rotating participants: process owners not answering for the agenda's metrics."),
    PmAction("meeting-finalise", "F", "finalise", "Finalise", ("meeting",),
             "Finalise the meeting (every item decided, minutes written; asks first); it cannot change afterwards."),
    PmAction("meeting-generate", "G", "generate", "Rebuild agenda", ("meeting",),
             "Rebuild the agenda from today's exceptions (only before any decision; asks first).", show=False),
    PmAction("meeting-save", "ctrl+s", "save", "Save", ("meeting-decide", "meeting-minutes", "meeting-rotation"),
             "Record what the dialog says.", palette=False),
    PmAction("meetings-back", "escape", "close", "Back", ("meetings", "meeting", *_DIALOGS),
             "Close this screen or dialog.", palette=False),
)
