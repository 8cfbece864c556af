"""Roles and permissions: holders over time, unheld elements, the permissions matrix, escalation paths.

Four tabs (``o``, ``u``, ``p``, ``x``). On the permissions tab space grants or revokes the
permission under the cursor (after a confirmation) through :mod:`pmtui.services.permissions`: only administrators
may, and a refusal is shown here as the service words it (and is in the audit trail).
The escalation tab resolves both paths for the unit the screen was opened with (from the
scorecard or a KPI), or for the first team when opened at the top of the group.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static, TabbedContent, TabPane

from pmtui import actions
from pmtui.screens.confirm import ask
from pmtui.services import escalation, permissions, roles
from pmtui.services.errors import PmError
from pmtui.widgets.footer import PmFooter
from pmtui.widgets.pager import PagedScreen, Pager

#: Role assignments per page of the holders tab.
PAGE = 100
#: Short column titles of the permissions (the matrix must fit 80 columns).
SHORT = {"view": "view", "enter_data": "enter", "approve": "apprv", "edit_definitions": "defs",
         "edit_targets": "trgts", "administer": "admin"}
TABS = ("holders", "unheld", "permissions", "escalation")


class RolesScreen(PagedScreen, Screen):
    """The four tabs, each a table read from SQL in a worker."""

    SCOPE = "roles"
    ACCEPTS_CONTEXT = True
    BINDINGS = actions.bindings("roles")

    @dataclass
    class Loaded(Message):
        """Everything the tabs show."""

        holders: dict
        unheld: list[dict]
        matrix: dict
        paths: list[dict]

    @dataclass
    class Failed(Message):
        """Why nothing (or no change) happened."""

        text: str

    @dataclass
    class Refused(Message):
        """A grant or revoke was refused (the service's words)."""

        text: str

    @dataclass
    class Changed(Message):
        """A permission was granted or revoked."""

        result: dict
        verb: str

    def __init__(self, *, kpi: str | None = None, unit: str | None = None, period: str | None = None) -> None:
        super().__init__()
        self.unit = unit
        self.pager = Pager(PAGE)
        self.matrix: dict = {"permissions": [], "roles": []}
        self.unheld: list[dict] = []

    def compose(self) -> ComposeResult:
        """Title, the tabs, the keys."""
        yield Header()
        yield Static("Loading…", id="roles-title")
        with TabbedContent(id="roles-tabs", initial="holders"):
            with TabPane("Holders", id="holders"):
                yield DataTable(id="roles-holders", cursor_type="row", zebra_stripes=True)
            with TabPane("Unheld", id="unheld"):
                yield DataTable(id="roles-unheld", cursor_type="row", zebra_stripes=True)
                yield Static("", id="roles-unheld-detail")
            with TabPane("Permissions", id="permissions"):
                yield DataTable(id="roles-permissions", cursor_type="cell")
                yield Static(Text("space grants or revokes the permission under the cursor (administrators only)",
                                  style="dim"), id="roles-perm-message", markup=False)
            with TabPane("Escalation", id="escalation"):
                yield DataTable(id="roles-escalation", cursor_type="row", zebra_stripes=True)
        yield PmFooter()

    def on_mount(self) -> None:
        """Columns, then the first read."""
        for table_id, columns in (
                ("#roles-holders", (("Role", 18), ("User", 10), ("Unit", 14), ("From", 10), ("To", 10), ("Now", 3))),
                ("#roles-unheld", (("Kind", 10), ("Element", 16), ("Detail", 10), ("Role", 14), ("Units", 18))),
                ("#roles-escalation", (("Path", 10), ("#", 1), ("Days", 4), ("Level", 13), ("Role", 14),
                                       ("Unit", 13), ("Holders", 10)))):
            table = self.query_one(table_id, DataTable)
            for label, width in columns:
                table.add_column(label, width=width)
        self.query_one("#roles-holders", DataTable).focus()
        self.reload()

    def reload(self) -> None:
        """Read every tab again."""
        self._load(self.unit, self.pager.offset)

    @work(thread=True, exclusive=True, group="roles", exit_on_error=False)
    def _load(self, unit: str | None, offset: int) -> None:
        today = self.app.clock().date()
        try:
            with self.app.database() as conn:
                holders = roles.assignments(conn, today=today, limit=PAGE, offset=offset)
                unheld = roles.unheld(conn, today)
                matrix = permissions.matrix(conn, today)
                top = unit is None or roles.is_top_unit(conn, unit)
                where = escalation.lowest_unit(conn) if top else unit
                paths = [escalation.path(conn, c, where, 0, today) for c in ("process", "individual")] if where else []
        except (PmError, sqlite3.Error) as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Loaded(holders, unheld, matrix, paths))

    def on_roles_screen_failed(self, message: Failed) -> None:
        """Say why nothing is shown."""
        self.query_one("#roles-title", Static).update(Text(message.text, style="bold red"))

    def on_roles_screen_loaded(self, message: Loaded) -> None:
        """Fill the four tables."""
        self.pager.total = message.holders["total"]
        self._fill_holders(message.holders["rows"])
        self._fill_unheld(message.unheld)
        self.matrix = message.matrix
        self._fill_permissions()
        self._fill_escalation(message.paths)
        where = message.paths[0]["unit"] if message.paths else "-"
        self.query_one("#roles-title", Static).update(Text.assemble(
            ("Roles and permissions", "bold"), f"  assignments {self.pager.label()} · ",
            (f"{len(message.unheld)} unheld", "bold red" if message.unheld else "green"),
            f" · paths for a problem at {where}", ("   o u p x: tabs", "dim")))

    def _fill_holders(self, rows: list[dict]) -> None:
        table = self.query_one("#roles-holders", DataTable)
        table.clear()
        for r in rows:
            style = "" if r["current"] else "dim"
            table.add_row(Text(r["role"], style=style), Text(r["user"], style=style),
                          Text(r["unit"] or "(group)", style=style), Text(r["valid_from"], style=style),
                          Text(r["valid_to"] or "–", style=style),
                          Text("✓" if r["current"] else "", style="green"))

    def _fill_unheld(self, rows: list[dict]) -> None:
        self.unheld = rows
        table = self.query_one("#roles-unheld", DataTable)
        table.clear()
        for r in rows:
            table.add_row(r["kind"], r["element"], r["detail"], Text(r["role"], style="bold red"),
                          ", ".join(r["units"]))
        self._unheld_detail()

    @on(DataTable.RowHighlighted, "#roles-unheld")
    def _unheld_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._unheld_detail()

    def _unheld_detail(self) -> None:
        detail = self.query_one("#roles-unheld-detail", Static)
        row = self.query_one("#roles-unheld", DataTable).cursor_row
        if not self.unheld or row >= len(self.unheld):
            detail.update(Text("Every element's role has a holder today.", style="green"))
            return
        r = self.unheld[row]
        text = Text.assemble(("Nobody holds ", ""), (r["role"], "bold"), f" for {', '.join(r['units'])} (or above)"
                             f" today: {r['kind']} {r['element']} ({r['detail']}) has no one to act.")
        last = r["last_holder"]
        if last:
            text.append(f"\nLast held by {last['user']} at {last['held_at'] or 'group level'} until {last['valid_to']};"
                        " a successor is assigned with 'pmtui roles assign'.", style="yellow")
        detail.update(text)

    def _fill_permissions(self) -> None:
        table = self.query_one("#roles-permissions", DataTable)
        where = table.cursor_coordinate
        table.clear(columns=True)
        table.add_column("Role", width=18)
        table.add_column("Held", width=4)
        for p in self.matrix["permissions"]:
            table.add_column(SHORT.get(p, p[:5]), width=5)
        for r in self.matrix["roles"]:
            table.add_row(r["role"], str(r["holders"]), *(Text("✓", style="bold green") if r["granted"][p]
                                                         else Text("·", style="dim") for p in self.matrix["permissions"]))
        if self.matrix["roles"]:
            table.move_cursor(row=min(where.row, len(self.matrix["roles"]) - 1), column=max(where.column, 2))

    def _fill_escalation(self, paths: list[dict]) -> None:
        table = self.query_one("#roles-escalation", DataTable)
        table.clear()
        for path in paths:
            for s in path["steps"]:
                holders = ", ".join(h["user"] for h in s["holders"])
                table.add_row(path["classification"], str(s["step"]), str(s["after_days"]), s["level"], s["role"],
                              s["unit"], Text(holders or "NOBODY", style="" if holders else "bold red"))

    def action_show_tab(self, tab: str) -> None:
        """Switch to a tab and focus its table."""
        self.query_one(TabbedContent).active = tab
        self.query_one(f"#roles-{tab}", DataTable).focus()

    def _permission_under_cursor(self) -> tuple[str, str] | None:
        table = self.query_one("#roles-permissions", DataTable)
        row, column = table.cursor_coordinate
        if not self.matrix["roles"] or column < 2 or row >= len(self.matrix["roles"]):
            return None
        return self.matrix["roles"][row]["role"], self.matrix["permissions"][column - 2]

    def action_toggle_permission(self) -> None:
        """Grant or revoke the permission under the cursor (permissions tab only)."""
        if self.query_one(TabbedContent).active != "permissions":
            return
        target = self._permission_under_cursor()
        message = self.query_one("#roles-perm-message", Static)
        refusal = ("Read-only session: permissions cannot be changed." if self.app.readonly else
                   "No acting user: start pmtui with --user NAME." if self.app.user is None else
                   "Put the cursor on a permission column." if target is None else None)
        if refusal:
            message.update(Text(refusal, style="bold red"))
            return
        role, permission = target
        granted = next(r for r in self.matrix["roles"] if r["role"] == role)["granted"][permission]
        verb = "revoke" if granted else "grant"
        what = f"Revoke {permission} from {role}?" if granted else f"Grant {permission} to {role}?"
        ask(self.app, what, f"Every holder of {role} {'loses' if granted else 'gains'} the {permission} permission"
            " at once (audited).", lambda: self._toggle(role, permission, verb), yes=verb.capitalize())

    @work(thread=True, exclusive=True, group="roles-toggle", exit_on_error=False)
    def _toggle(self, role: str, permission: str, verb: str) -> None:
        app = self.app
        try:
            with app.database() as conn:
                result = getattr(permissions, verb)(conn, role, permission, actor=app.user, now=app.clock())
        except (PmError, sqlite3.Error) as exc:
            self.post_message(self.Refused(str(exc)))
            return
        self.post_message(self.Changed(result | {"permission": permission}, verb))

    def on_roles_screen_refused(self, message: Refused) -> None:
        """Show the refusal under the matrix."""
        self.query_one("#roles-perm-message", Static).update(Text(message.text, style="bold red"))

    def on_roles_screen_changed(self, message: Changed) -> None:
        """Say what changed and read again."""
        done = "granted to" if message.verb == "grant" else "revoked from"
        self.query_one("#roles-perm-message", Static).update(
            Text(f"{message.result['permission']} {done} {message.result['role']}", style="green"))
        self.reload()

    def show_page(self) -> None:
        """Read the page of role assignments the pager points at."""
        self.reload()
