"""Keys of the allocation area: b opens the allocation rounds, d decides the selected request."""

from __future__ import annotations

from pmtui.actions import PmAction

SCOPES = {
    "allocation": "Resource allocation",
    "allocation-decide": "Allocation decision",
}

DIALOGS = ("allocation-decide",)

ACTIONS = (
    PmAction("open-allocation", "b", "open_screen('allocation')", "Allocation", ("app",),
             "Allocation rounds: requests ranked on weighted criteria, the budget cut line and conflicts."),
    PmAction("allocation-decide", "d", "decide", "Decide", ("allocation",),
             "Approve, reject or defer the selected request, with a rationale (never your own request)."),
    PmAction("allocation-back", "escape", "close", "Back", ("allocation", "allocation-decide"),
             "Close this screen or dialog.", palette=False),
)
