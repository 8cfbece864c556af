"""Keys of the accountability area: 1 RACI matrix, 2 gaming detection, 3 roles and permissions.

Inside the screens: ``[``/``]`` page, ``e`` (or Enter) edits a RACI cell, ``n`` jumps to the
next broken rule, ``c`` shows every KPI again; on the roles screen ``o``/``u``/``p``/``x``
switch between holders, unheld elements, permissions and escalation, and space grants or
revokes the permission under the cursor.
"""

from __future__ import annotations

from pmtui.actions import PmAction

SCOPES = {
    "raci": "RACI matrix",
    "raci-edit": "RACI cell",
    "gaming": "Gaming detection",
    "roles": "Roles and permissions",
}

_PAGED = ("raci", "gaming", "roles")
DIALOGS = ("raci-edit",)

ACTIONS = (
    PmAction("open-raci", "1", "open_screen('raci')", "RACI", ("app",),
             "The RACI matrix: who creates, validates, reports and challenges each KPI's data; broken rules in red."),
    PmAction("open-gaming", "2", "open_screen('gaming')", "Gaming", ("app",),
             "Gaming detection: sandbagged targets and results hugging the target, incentivised KPIs first."),
    PmAction("open-roles", "3", "open_screen('roles')", "Roles", ("app",),
             "Roles held over time, elements nobody holds, the permissions matrix and escalation paths."),
    PmAction("accountability-next-page", "right_square_bracket", "next_page", "Next page", _PAGED,
             "Show the next page of rows."),
    PmAction("accountability-previous-page", "left_square_bracket", "previous_page", "Previous page", _PAGED,
             "Show the previous page of rows."),
    PmAction("raci-edit-cell", "e", "edit_cell", "Edit cell", ("raci",),
             "Set or remove a role's letter in the cell under the cursor (Enter does the same)."),
    PmAction("raci-next-problem", "n", "next_problem", "Next problem", ("raci",),
             "Move to the next cell that breaks a RACI rule."),
    PmAction("raci-all-kpis", "c", "clear_filter", "All KPIs", ("raci",),
             "Drop the KPI or unit filter the screen was opened with."),
    PmAction("raci-save", "ctrl+s", "save", "Save", ("raci-edit",), "Store the letter (Enter does the same).",
             palette=False),
    PmAction("gaming-incentivised", "o", "toggle_incentivised", "Incentivised", ("gaming",),
             "Show only KPIs with an incentive link, or every finding again."),
    PmAction("roles-holders", "o", "show_tab('holders')", "Holders", ("roles",), "Roles held over time."),
    PmAction("roles-unheld", "u", "show_tab('unheld')", "Unheld", ("roles",),
             "Elements whose owning role nobody holds today."),
    PmAction("roles-permissions", "p", "show_tab('permissions')", "Permissions", ("roles",),
             "The permissions matrix (administrators change it with space)."),
    PmAction("roles-escalation", "x", "show_tab('escalation')", "Escalation", ("roles",),
             "Escalation paths for process failures and individual accountability, with today's holders."),
    PmAction("roles-toggle-permission", "space", "toggle_permission", "Grant/revoke", ("roles",),
             "Grant or revoke the permission under the cursor, after a confirmation (needs administer; a refusal is"
             " recorded)."),
    PmAction("accountability-back", "escape", "close", "Back", ("raci", "raci-edit", "gaming", "roles"),
             "Close this screen or dialog.", palette=False),
)
