"""Dialogs of the approvals area: reject an inbox item with a reason, and "who am I" (switch user).

Both leave the rules to the services (:mod:`pmtui.services.approvals`): a refusal is
shown inline and the dialog stays open. Switching the acting user needs ``administer``
held by the user who started the session (anyone may in a demo file); switches and
refused switches are audited.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Static

from pmtui import actions
from pmtui.services import approvals
from pmtui.services.errors import PmError

#: Users listed per page in the switch dialog.
USERS_PAGE = 50


def session_refusal(app) -> str | None:
    """Why this session cannot decide anything, or None."""
    if app.readonly:
        return "Read-only session: nothing can be approved or rejected."
    if app.user is None:
        return "No acting user: press j to choose who you are."
    return None


@dataclass
class Answered(Message):
    """A service call is done: ``result`` on success, else ``refusal`` says why."""

    result: dict | None
    refusal: str | None


def call_service(app, call) -> Answered:
    """Run ``call(conn, acting user, now)`` on a fresh connection (inside a worker); the answer as a message."""
    try:
        with app.database() as conn:
            return Answered(call(conn, app.user, app.clock()), None)
    except PmError as exc:  # refused: permission, four eyes, validation (already audited where it must be)
        return Answered(None, str(exc))
    except sqlite3.Error as exc:
        return Answered(None, f"database problem: {exc}")


class _Dialog(ModalScreen[dict | None]):
    """Shared behaviour: one service call at a time in a worker, refusals inline, Escape cancels."""

    busy = False

    def _run(self, call) -> None:
        if not self.busy:
            self.busy = True
            self.query_one(".approvals-error", Static).update("")
            self._work(call)

    @work(thread=True, exclusive=True, group="approvals-dialog", exit_on_error=False)
    def _work(self, call) -> None:
        self.post_message(call_service(self.app, call))

    def on_answered(self, message: Answered) -> None:
        """Close with the result, or show the refusal and stay open."""
        self.busy = False
        if message.refusal:
            self.query_one(".approvals-error", Static).update(message.refusal)
        else:
            self.succeeded(message.result)

    def succeeded(self, result: dict) -> None:
        """Close with the result."""
        self.dismiss(result)

    def action_close(self) -> None:
        """Escape cancels, unless the service is still answering (its answer must be seen)."""
        if not self.busy:
            self.dismiss(None)


class RejectDialog(_Dialog):
    """Reject one inbox item; the reason is required."""

    SCOPE = "approvals-reject"
    BINDINGS = actions.bindings("approvals-reject")

    def __init__(self, item: dict) -> None:
        super().__init__()
        self.item = item

    def compose(self) -> ComposeResult:
        """What is rejected, the reason, Reject / Cancel."""
        from pmtui.screens.approvals import describe  # noqa: PLC0415 - the screen imports this module

        with Vertical(id="approvals-reject-box", classes="approvals-box") as box:
            box.border_title = f"Reject {self.item['kind']}"
            yield Static(describe(self.item).rsplit("\n", 1)[0], markup=False, id="approvals-reject-what")
            yield Input(placeholder="reason (required): why it is rejected", id="approvals-reason", compact=True)
            yield Static("", classes="approvals-error", markup=False)
            with Horizontal(classes="approvals-buttons"):
                yield Button("Reject", variant="error", id="approvals-reject-save", compact=True)
                yield Button("Cancel", classes="cancel", compact=True)

    def on_mount(self) -> None:
        """Cursor blink as the app says; start in the reason."""
        field = self.query_one("#approvals-reason", Input)
        field.cursor_blink = self.app.cursor_blink
        field.focus()

    @on(Button.Pressed, ".cancel")
    def _cancel_pressed(self) -> None:
        self.action_close()

    @on(Input.Submitted)
    @on(Button.Pressed, "#approvals-reject-save")
    def _submit(self) -> None:
        reason = self.query_one("#approvals-reason", Input).value.strip()
        if not reason:
            self.query_one(".approvals-error", Static).update("A rejection needs a reason.")
            return
        kind, item_id, switched = self.item["kind"], self.item["id"], self.app.switched_from
        self._run(lambda conn, user, now: approvals.decide(conn, kind, item_id, approve=False, reason=reason,
                                                           actor=user, now=now, switched_from=switched))


class UserSwitchDialog(_Dialog):
    """Who am I: the users with their roles today; Enter acts as the selected one (audited)."""

    SCOPE = "user-switch"
    BINDINGS = actions.bindings("user-switch")

    @dataclass
    class Loaded(Message):
        """A page of users."""

        rows: list[dict]
        total: int

    def __init__(self) -> None:
        super().__init__()
        self.page = 0
        self.rows: list[dict] = []
        self.total = 0

    def compose(self) -> ComposeResult:
        """The acting user, the users, the hint."""
        with Vertical(id="approvals-switch-box", classes="approvals-box") as box:
            box.border_title = "Who am I"
            yield Static("", id="approvals-switch-who")
            yield DataTable(id="approvals-users", cursor_type="row", zebra_stripes=True)
            yield Static("", classes="approvals-error", markup=False)
            yield Static(Text("Enter: act as the selected user (audited) · Esc: cancel", style="dim"))

    def on_mount(self) -> None:
        """Columns, then the first page of users."""
        refusal = "Read-only session: the acting user cannot be switched." if self.app.readonly else None
        table = self.query_one(DataTable)
        for label, width in (("User", 10), ("Name", 16), ("Roles today", 34)):
            table.add_column(label, width=width, key=label.lower())
        self.query_one("#approvals-switch-who", Static).update(Text.assemble(
            "You act as ", (self.app.user or "nobody (browse only)", "bold"), "."))
        if refusal:
            self.query_one(".approvals-error", Static).update(refusal)
        table.focus()
        self._load(self.page)

    @work(thread=True, exclusive=True, group="approvals-users", exit_on_error=False)
    def _load(self, page: int) -> None:
        try:
            with self.app.database() as conn:
                rows, total = approvals.users_page(conn, self.app.clock().date(), limit=USERS_PAGE,
                                                   offset=page * USERS_PAGE)
        except (PmError, sqlite3.Error) as exc:
            self.post_message(Answered(None, str(exc)))
            return
        self.post_message(self.Loaded(rows, total))

    def on_user_switch_dialog_loaded(self, message: Loaded) -> None:
        """Fill the table, the acting user first under the cursor."""
        self.rows, self.total = message.rows, message.total
        table = self.query_one(DataTable)
        table.clear()
        for r in message.rows:
            me = r["name"] == self.app.user
            table.add_row(Text(r["name"], style="bold" if me else ""), r["display_name"],
                          ", ".join(r["roles"]) or "–", key=r["name"])
        names = [r["name"] for r in message.rows]
        if self.app.user in names:
            table.move_cursor(row=names.index(self.app.user))

    @on(DataTable.RowSelected)
    def _chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        name = event.row_key.value if event.row_key else None
        if self.app.readonly or not name:
            return
        starter = self.app.started_as
        self._run(lambda conn, user, now: approvals.switch_user(conn, name, actor=user, now=now,
                                                                session_user=starter))

    def succeeded(self, result: dict) -> None:
        """Act as the new user from now on and say so."""
        self.app.switch_user(result["user"])
        self.app.notify(f"You now act as {result['user']} ({', '.join(result['roles']) or 'no roles'}).",
                        title="Who am I", markup=False)
        self.dismiss(result)

    def _page(self, step: int) -> None:
        pages = max(1, -(-self.total // USERS_PAGE))
        new = min(max(self.page + step, 0), pages - 1)
        if new != self.page:
            self.page = new
            self._load(new)

    def action_next_page(self) -> None:
        """Next page of users."""
        self._page(+1)

    def action_previous_page(self) -> None:
        """Previous page of users."""
        self._page(-1)
