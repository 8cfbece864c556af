"""Keys for setting a file up: the welcome screen, the framework editor (8) and users and roles (9)."""

from __future__ import annotations

from pmtui.actions import PmAction

SCOPES = {
    "welcome": "Welcome (a file without a framework)",
    "framework": "Framework editor",
    "framework-form": "Framework, user and role forms",
    "users": "Users and roles",
}

_PAGED = ("framework", "users")
DIALOGS = ("framework-form",)

ACTIONS = (
    PmAction("open-framework-editor", "8", "open_screen('framework')", "Framework", ("app",),
             "The framework editor: the unit tree with each unit's objectives and KPIs; add and edit units, KPIs,"
             " objectives (KPI links, weights, parent, causes) and propose targets."),
    PmAction("open-users", "9", "open_screen('users')", "Users", ("app",),
             "Users and the roles they hold today; administrators add, edit, grant, end and deactivate."),
    PmAction("welcome-add-unit", "u", "add_unit", "+Unit", ("welcome",), "Add a unit below the top unit."),
    PmAction("welcome-add-kpi", "K", "add_kpi", "+KPI", ("welcome",), "Define the first KPI."),
    PmAction("welcome-add-objective", "o", "add_objective", "+Objective", ("welcome",),
             "Add an objective at the top unit, measured by a KPI (the scorecard opens then)."),
    PmAction("welcome-editor", "e", "open_editor", "Editor", ("welcome",), "Open the framework editor."),
    PmAction("welcome-reload", "r", "reload", "Reload", ("welcome",),
             "Look again (after 'pmtui framework apply'): the scorecard opens once there is a framework."),
    PmAction("fw-add-unit", "u", "add_unit", "+Unit", ("framework",), "Add a unit below the highlighted unit."),
    PmAction("fw-add-kpi", "K", "add_kpi", "+KPI", ("framework",), "Define a new KPI."),
    PmAction("fw-add-objective", "o", "add_objective", "+Objective", ("framework",),
             "Add an objective at the highlighted unit, with its KPIs, weights, parent and causes."),
    PmAction("fw-edit", "e", "edit_item", "Edit", ("framework",),
             "Edit the unit (in the tree) or the objective or KPI under the cursor (Enter on a row does the same)."),
    PmAction("fw-targets", "T", "propose_targets", "Targets", ("framework",),
             "Propose targets for the highlighted KPI at the unit, for a range of periods (another person approves)."),
    PmAction("fw-toggle-view", "V", "toggle_view", "All KPIs", ("framework",),
             "Switch between the unit's objectives and the catalogue of every KPI."),
    PmAction("fw-reload", "r", "reload", "Reload", _PAGED, "Read the data again.", show=False),
    PmAction("fw-next-page", "right_square_bracket", "next_page", "Next page", _PAGED, "Show the next page of rows.",
             show=False),
    PmAction("fw-previous-page", "left_square_bracket", "previous_page", "Previous page", _PAGED,
             "Show the previous page of rows.", show=False),
    PmAction("users-add", "A", "add_user", "+User", ("users",), "Add a user, optionally with a first role."),
    PmAction("users-edit", "e", "edit_user", "Edit", ("users",), "Change the highlighted user's name or email."),
    PmAction("users-grant", "G", "grant_role", "Grant", ("users",),
             "Give the highlighted user a role, group-wide or at a unit, from a date."),
    PmAction("users-end", "x", "end_role", "End role", ("users",),
             "End one of the highlighted user's roles on a day (the history stays)."),
    PmAction("users-deactivate", "d", "deactivate_user", "Deactivate", ("users",),
             "Deactivate the highlighted user: their roles end today."),
    PmAction("fw-form-save", "ctrl+s", "save", "Save", ("framework-form",),
             "Store what the form holds (Enter in a field does the same).", palette=False),
    PmAction("fw-back", "escape", "close", "Back", ("framework", "framework-form", "users"),
             "Close this screen or form.", palette=False),
)
