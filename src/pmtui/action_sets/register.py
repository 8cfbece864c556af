"""Keys of the action register, root causes and revise-or-hold (k and y open them everywhere)."""

from __future__ import annotations

from pmtui.actions import FOOTER_LOW, PmAction

SCOPES = {
    "register": "Action register",
    "rca": "Root causes",
    "register-form": "Action, root-cause and revise-or-hold forms",
}

DIALOGS = ("register-form",)
#: Footer priority of the writes on the highlighted action: before the filters in a narrow footer.
_ROW = 60

ACTIONS = (
    PmAction("open-action-register", "k", "open_screen('actions')", "Actions", ("app",),
             "The action register: owners, due dates, overdue actions; filtered to the KPI or unit on screen."),
    PmAction("open-root-causes", "y", "open_screen('root-causes')", "Root causes", ("app",),
             "Root-cause analyses (five whys, fishbone) and revise-or-hold; filtered to the KPI or unit on screen."),
    PmAction("register-mine", "M", "toggle_mine", "Mine", ("register",), "Only the actions you own, or everyone's."),
    PmAction("register-overdue", "o", "toggle_overdue", "Overdue", ("register",),
             "Only open actions past their due date, or all."),
    PmAction("register-source", "S", "cycle_source", "Source", ("register",),
             "Cycle the source filter: meeting, rca, alert, manual, any."),
    PmAction("register-status", "T", "cycle_status", "Status", ("register",),
             "Cycle the status filter: active, open, in progress, done, cancelled, any.", footer_priority=40),
    PmAction("register-unit", "u", "pick_unit", "Unit", ("register", "rca"),
             "Only one unit and the units below it."),
    PmAction("register-clear", "c", "clear_filters", "Clear filters", ("register", "rca"),
             "Drop every filter, including the KPI and unit the screen was opened with.", show=False),
    PmAction("register-add", "A", "add_action", "Add", ("register",), "Raise a new action.", footer_priority=_ROW),
    PmAction("register-note", "n", "add_note", "Note", ("register",), "Add a progress note to the highlighted action.",
             footer_priority=_ROW),
    PmAction("register-done", "d", "close_action", "Close", ("register",),
             "Close the highlighted action as done, with a note (its owner, or approve for its unit).",
             footer_priority=_ROW),
    PmAction("register-start", "G", "start_action", "Start", ("register",),
             "Mark the highlighted action as in progress (asks first).", footer_priority=_ROW),
    PmAction("register-next-page", "right_square_bracket", "next_page", "Next page", ("register", "rca"),
             "Show the next page.", show=False),
    PmAction("register-previous-page", "left_square_bracket", "previous_page", "Previous page", ("register", "rca"),
             "Show the previous page.", show=False),
    PmAction("register-reload", "r", "reload", "Reload", ("register", "rca"), "Read the list again.",
             footer_priority=FOOTER_LOW),
    PmAction("rca-new", "A", "new_rca", "New", ("rca",), "Start a root-cause analysis (five whys or fishbone)."),
    PmAction("rca-edit", "e", "edit_rca", "Edit", ("rca",), "Work on the highlighted analysis; close it there."),
    PmAction("rca-action", "n", "rca_action", "Action", ("rca",),
             "Raise an action that follows from the highlighted analysis."),
    PmAction("rca-open-only", "o", "toggle_open", "Open only", ("rca",), "Only analyses still open, or all.",
             show=False),
    PmAction("rca-revise-hold", "H", "revise_hold", "Revise/hold", ("rca",),
             "Revise or hold the target of the highlighted analysis' KPI (or the screen's KPI), with the evidence."),
    PmAction("register-save", "ctrl+s", "save", "Save", ("register-form",),
             "Record what the form holds (Enter in a field does the same).", palette=False),
    PmAction("register-back", "escape", "close", "Back", ("register", "rca", "register-form"),
             "Close this screen or dialog.", palette=False),
)
