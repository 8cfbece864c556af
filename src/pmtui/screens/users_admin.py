"""Users and roles administration: who can log in, with the roles they hold today.

Administrators (``administer`` group-wide) add a user (``A``), edit one (``e``), grant a
role (``G``), end one (``x``) and deactivate a user (``d``); everyone else sees the same
list read-only, with a line saying why. Users are read a page at a time (``[``/``]``).
Role history and the permissions matrix are on the roles screen (``3``).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from pmtui import actions
from pmtui.screens.register_form import refusal
from pmtui.screens.users_dialogs import (
    AddUserDialog,
    DeactivateUserDialog,
    EditUserDialog,
    EndRoleDialog,
    GrantRoleDialog,
)
from pmtui.services import user_admin
from pmtui.services.errors import PmError
from pmtui.services.user_admin import UserRow
from pmtui.widgets.footer import PmFooter
from pmtui.widgets.pager import PagedScreen, Pager

#: Users per page.
PAGE = 100
COLUMNS = (("Login", 12), ("Name", 18), ("On", 2), ("Roles today", 0))


class UsersScreen(PagedScreen, Screen):
    """The users, their roles today, and (for administrators) the forms that change them."""

    SCOPE = "users"
    BINDINGS = actions.bindings("users")

    @dataclass
    class Loaded(Message):
        """A page of users, whether the acting user administers, and the role codes."""

        rows: list[UserRow]
        total: int
        admin: bool
        role_codes: list[str]

    @dataclass
    class Failed(Message):
        """Why nothing is shown."""

        text: str

    def __init__(self, **_context) -> None:
        super().__init__()
        self.rows: list[UserRow] = []
        self.admin = False
        self.role_codes: list[str] = []
        self.pager = Pager(PAGE)

    def compose(self) -> ComposeResult:
        """Title, the users, the highlighted user's detail, the keys."""
        yield Header()
        yield Static("Reading the users…", id="users-title")
        yield DataTable(id="users-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="users-detail")
        yield PmFooter()

    def on_mount(self) -> None:
        """Columns, then the first page."""
        self.reload()

    def reload(self) -> None:
        """Read the page again."""
        self._load(self.pager.offset)

    def show_page(self) -> None:
        """Read the page the pager points at."""
        self.reload()

    @work(thread=True, exclusive=True, group="users", exit_on_error=False)
    def _load(self, offset: int) -> None:
        app = self.app
        today = app.clock().date()
        try:
            with app.database() as conn:
                rows, total = user_admin.page(conn, today, offset=offset, limit=PAGE)
                admin = user_admin.may_administer(conn, app.user, today)
                codes = user_admin.role_codes(conn)
        except (PmError, sqlite3.Error) as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Loaded(rows, total, admin, codes))

    def on_users_screen_failed(self, message: Failed) -> None:
        """Say why nothing is shown."""
        self.query_one("#users-title", Static).update(Text(message.text, style="bold red"))

    def on_users_screen_loaded(self, message: Loaded) -> None:
        """Fill the table and say what this user may do."""
        self.rows, self.admin, self.role_codes = message.rows, message.admin, message.role_codes
        self.pager.total = message.total
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        rest = max(14, table.size.width - sum(w + 2 for _, w in COLUMNS) - 2)
        for title, width in COLUMNS:
            table.add_column(title, width=width or rest)
        for u in self.rows:
            style = "" if u.active else "dim"
            table.add_row(Text(u.name, style=f"bold {style}"), Text(u.display_name, style=style),
                          Text("✓" if u.active else "–", style="green" if u.active else "dim"),
                          Text(" ".join(u.roles) or ("(none)" if u.active else "deactivated"), style=style))
        if self.rows:
            table.move_cursor(row=min(row, len(self.rows) - 1))
        why = self._why_read_only()
        self.query_one("#users-title", Static).update(Text.assemble(
            ("Users and roles", "bold cyan"), f"  {self.pager.label()}",
            (f"   read-only: {why}", "bold yellow") if why else (
                "   a add · e edit · g grant · x end role · d deactivate", "dim")))
        self._detail()

    def _why_read_only(self) -> str | None:
        base = refusal(self.app)
        if base:
            return base
        if not self.admin:
            return f"changes need the administer permission group-wide ({self.app.user} does not hold it)"
        return None

    @on(DataTable.RowHighlighted, "#users-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._detail()

    def selected(self) -> UserRow | None:
        """The user under the cursor."""
        row = self.query_one(DataTable).cursor_row
        return self.rows[row] if self.rows and 0 <= row < len(self.rows) else None

    def _detail(self) -> None:
        u = self.selected()
        detail = self.query_one("#users-detail", Static)
        if u is None:
            detail.update(Text("No users.", style="dim"))
            return
        detail.update(Text.assemble(
            (u.name, "bold"), f" {u.display_name}", f" <{u.email}>" if u.email else "",
            "" if u.active else " (deactivated)", "\nroles today: ", " ".join(u.roles) or "none",
            ("\nrole history: the roles screen (3)", "dim")))

    # --- actions ---------------------------------------------------------------------------------------------

    def _open(self, make) -> None:
        why = self._why_read_only()
        if why:
            self.notify(f"Read-only: {why}.", title="Users", severity="warning", markup=False)
            return
        dialog = make()
        if dialog is not None:
            self.app.push_screen(dialog, self._saved)

    def _need_user(self) -> UserRow | None:
        u = self.selected()
        if u is None:
            self.notify("Move to a user first.", title="Users", severity="warning", markup=False)
        return u

    def _saved(self, result: dict | None) -> None:
        if result:
            self.notify(result["message"], title="Users", markup=False)
            self.app.refresh_screens()

    def action_add_user(self) -> None:
        """A new user."""
        self._open(lambda: AddUserDialog(self.role_codes))

    def action_edit_user(self) -> None:
        """Change the highlighted user's name or email."""
        self._open(lambda: EditUserDialog(u) if (u := self._need_user()) else None)

    def action_grant_role(self) -> None:
        """Give the highlighted user a role."""
        self._open(lambda: GrantRoleDialog(u.name, self.role_codes) if (u := self._need_user()) else None)

    def action_end_role(self) -> None:
        """End one of the highlighted user's roles."""
        self._open(lambda: EndRoleDialog(u.name, u.roles[0] if u.roles else "") if (u := self._need_user()) else None)

    def action_deactivate_user(self) -> None:
        """Deactivate the highlighted user."""
        self._open(lambda: DeactivateUserDialog(u.name) if (u := self._need_user()) else None)

    def action_reload(self) -> None:
        """Read the list again."""
        self.reload()
