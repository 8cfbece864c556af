"""Keys of the approvals area: w opens the approvals inbox, j switches the acting user; A approves, R rejects."""

from __future__ import annotations

from pmtui.actions import FOOTER_HIGH, PmAction

SCOPES = {
    "approvals": "Approvals inbox",
    "approvals-reject": "Reject dialog",
    "user-switch": "Who am I (switch user)",
}

DIALOGS = ("approvals-reject", "user-switch")

ACTIONS = (
    PmAction("open-approvals", "w", "open_screen('approvals')", "Approvals", ("app",),
             "The approvals inbox: values, corrections and target revisions waiting for you, and yours waiting."),
    PmAction("switch-user", "j", "open_screen('user-switch')", "Who am I", ("app",),
             "Show who you act as; administrators (and anyone in a demo file) switch to another user (audited)."),
    PmAction("approvals-approve", "A", "approve", "Approve", ("approvals",),
             "Approve the selected item after a confirmation (four-eyes: never your own work).",
             footer_priority=FOOTER_HIGH),
    PmAction("approvals-reject", "R", "reject", "Reject", ("approvals",),
             "Reject the selected item with a reason (four-eyes: never your own work)."),
    PmAction("approvals-next-page", "right_square_bracket", "next_page", "Next page", ("approvals", "user-switch"),
             "Show the next page of the list.", show=False),
    PmAction("approvals-previous-page", "left_square_bracket", "previous_page", "Previous page",
             ("approvals", "user-switch"), "Show the previous page of the list.", show=False),
    PmAction("approvals-back", "escape", "close", "Back", ("approvals", "approvals-reject", "user-switch"),
             "Close this screen or dialog.", palette=False),
)
