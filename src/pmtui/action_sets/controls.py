"""Keys of the controls area: 4 opens the control assessments, h the audit history browser."""

from __future__ import annotations

from pmtui.actions import PmAction

SCOPES = {
    "controls": "Control assessments",
    "controls-run": "Run a control assessment",
    "controls-sign-off": "Sign off an assessment",
    "audit-browser": "Audit history browser",
    "audit-filter": "Audit filter",
    "audit-export": "Export an element's history",
}

_BACK = tuple(SCOPES)
DIALOGS = ("controls-run", "controls-sign-off", "audit-filter", "audit-export")

ACTIONS = (
    PmAction("open-controls", "4", "open_screen('controls')", "Controls", ("app",),
             "Quarterly control assessments of integrity and access: findings by severity, run, sign off."),
    PmAction("open-audit-browser", "h", "open_screen('audit-browser')", "Audit", ("app",),
             "Browse the audit trail by element, user and time; export an element's printable history."),
    PmAction("controls-run", "n", "run_assessment", "Run", ("controls",),
             "Run the controls for a quarter: a new assessment (earlier ones stay as history)."),
    PmAction("controls-sign-off", "S", "sign_off", "Sign off", ("controls",),
             "Sign off the selected open assessment with a note (approve group-wide or administer; not its runner)."),
    PmAction("controls-severity", "G", "cycle_severity", "Severity", ("controls",),
             "Show all findings, or only high, medium, low or info ones."),
    PmAction("controls-history", "o", "open_history", "History", ("controls",),
             "Open the audit browser on the selected finding's element.", show=False),
    PmAction("audit-filter", "F", "edit_filter", "Filter", ("audit-browser",),
             "Filter by element (KPI, unit, period, or table and key), user and date range."),
    PmAction("audit-clear", "c", "clear_filter", "All entries", ("audit-browser",), "Drop the filter.",
             show=False),
    PmAction("audit-older", "right_square_bracket", "older_page", "Older", ("audit-browser",),
             "The next page of older entries."),
    PmAction("audit-newer", "left_square_bracket", "newer_page", "Newer", ("audit-browser",),
             "Back to the page of newer entries."),
    PmAction("audit-export", "x", "export_history", "Export", ("audit-browser",),
             "Write the printable history of the selected entry's element to a file (Markdown, HTML or text)."),
    PmAction("controls-back", "escape", "close", "Back", _BACK, "Close this screen or dialog.", palette=False),
)
