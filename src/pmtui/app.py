"""The Textual application: wiring only (screens, keys, the database and the integrity check).

Domain rules live in :mod:`pmtui.services`; screens read through workers that open
their own connection (:meth:`PmApp.database`), so the UI thread never waits on SQL.

Global keys switch screens, they do not stack them: a key that opens a feature screen
first goes back to the base screen (the scorecard, or the welcome screen of an empty
file) and then opens the new one, so the stack never holds more than the base, one
feature screen and what that screen opened itself (its dialogs, a drill-down).
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime

from textual import work
from textual.app import App
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerFailed, WorkerState

from pmtui import actions
from pmtui.keymap import Keymap
from pmtui.palette import JumpProvider
from pmtui.screens.entry import EntryDialog, EntryTarget
from pmtui.screens.help import HelpScreen
from pmtui.screens.scorecard import ScorecardScreen
from pmtui.screens.welcome import WelcomeScreen
from pmtui.services import approvals, framework_browse, tui_reads
from pmtui.services.errors import PmError
from pmtui.services.verify import Report
from pmtui.store.db import connect

#: Seconds the integrity warning stays up: it must not slip away before it is read
#: (Ctrl+L, "clear-notices", dismisses it from the keyboard).
PERSISTENT = 24 * 3600.0

#: The child process that verifies the file (argv: path, "ro" or "rw"); prints a JSON report.
INTEGRITY_CHILD = ("import sys; from pmtui.services.tui_reads import integrity_main;"
                   " sys.exit(integrity_main(sys.argv[1:]))")

#: How many integrity findings the warning lists before pointing to the CLI.
FINDINGS_SHOWN = 3

# Errors have one road: a worker's state messages go only to the screen or widget that
# started it; letting them bubble brings every worker's unexpected error up to
# PmApp.on_worker_state_changed (workers run with exit_on_error=False).
Worker.StateChanged.bubble = True


@dataclass
class IntegrityChecked(Message):
    """The outcome of the start-up integrity check: a report, or why it could not run."""

    report: Report | None
    error: str | None


class PmApp(App[None]):
    """pmtui's TUI over one SQLite file.

    Args:
        db_path: The pmtui file.
        user: The acting user for writes; None opens a browse-only session.
        clock: Returns "now" (the app never reads the system clock itself).
        readonly: Open the file read-only and refuse every write.
        cursor_blink: Blink text cursors (tests switch it off for stable snapshots).
        error_log: Records an unexpected worker error (its traceback) and returns where;
            None keeps tracebacks out of files (tests).
        keymap: The user's keymap (:func:`pmtui.keymap.load`); its problems become a notice.
        login: The operating system's login name: the session acts as the user of that
            name when ``user`` is None and such a user exists.

    Attributes:
        crash: The unhandled exception that ended the app, if any (the CLI logs it).
        started_as: The user the session started with; switching to another user needs
            their ``administer`` permission, and decisions taken afterwards are flagged.
        keymap_keys: Binding id -> key for the keys the keymap rebinds (help shows these).
    """

    CSS_PATH = "app.tcss"
    TITLE = "pmtui"
    BINDINGS = actions.bindings("app")
    COMMANDS = App.COMMANDS | {actions.ActionsProvider, JumpProvider}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    def __init__(self, db_path: str, user: str | None, clock: Callable[[], datetime], readonly: bool = False,
                 *, cursor_blink: bool = True, notice: str | None = None,
                 error_log: Callable[[BaseException], object] | None = None, keymap: Keymap | None = None,
                 login: str | None = None) -> None:
        super().__init__()
        self.keymap = keymap or Keymap()
        self.keymap_keys = dict(self.keymap.keys)
        self.login = login
        self.notice = notice
        self.error_log = error_log
        self.crash: BaseException | None = None
        self.db_path = str(db_path)
        self.user = user
        self.started_as = user
        self.clock = clock
        self.readonly = readonly
        self.cursor_blink = cursor_blink
        self.conn: sqlite3.Connection | None = None
        self.integrity_report: Report | None = None
        self._integrity_started = False
        self._verifier: subprocess.Popen | None = None

    def on_mount(self) -> None:
        """Open (and migrate) the file and show the scorecard (its first paint starts the integrity check)."""
        try:
            self.conn = connect(self.db_path, readonly=self.readonly)
            company = tui_reads.company_name(self.conn)
            self.user = self.started_as = approvals.session_user(self.conn, self.user, self.login)
        except (sqlite3.DatabaseError, PmError) as exc:
            self.exit(return_code=1, message=f"cannot open {self.db_path}: {exc}")
            return
        if self.keymap_keys:
            self.set_keymap(self.keymap_keys)
        if self.keymap.problems:
            self.notify("\n".join(self.keymap.problems), title="Keymap", severity="warning", timeout=30,
                        markup=False)
        self.title = f"pmtui · {company}" if company else "pmtui"
        if self.user is None:
            self.sub_title = "(read-only: no user)"
        else:
            self.sub_title = f"{self.user}{' (read-only)' if self.readonly else ''}"
        # A file without a framework opens on what to do next, never on a blank scorecard.
        self.push_screen(ScorecardScreen() if framework_browse.has_framework(self.conn) else WelcomeScreen())
        if self.notice:  # e.g. where Datasette is serving, printed before the TUI took the screen
            self.notify(self.notice, title="pmtui", timeout=20, markup=False)

    def on_unmount(self) -> None:
        """Close the app's own connection and stop a verification still running."""
        if self._verifier is not None and self._verifier.poll() is None:
            self._verifier.kill()
        if self.conn is not None:
            self.conn.close()

    def _handle_exception(self, error: Exception) -> None:
        """Keep the exception that ends the app for the CLI's error log, then let Textual exit."""
        if self.crash is None:
            self.crash = error.error if isinstance(error, WorkerFailed) else error
        super()._handle_exception(error)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Show any worker's unexpected error as a notice; the screen stays usable.

        Workers catch the errors they expect (``PmError``, ``sqlite3.Error``) and post them as
        messages; a worker in the error state met one nobody expected. Its traceback goes to
        the error log when there is one.
        """
        if event.state is not WorkerState.ERROR or event.worker.error is None:
            return
        error = event.worker.error
        where = None
        if self.error_log is not None:
            try:
                where = self.error_log(error)
            except Exception:  # noqa: BLE001 - the notice matters more than the log
                where = None
        self.notify(f"{type(error).__name__}: {error}" + (f"\nTraceback in {where}" if where else ""),
                    title="Unexpected error", severity="error", timeout=PERSISTENT, markup=False)

    def database(self) -> AbstractContextManager[sqlite3.Connection]:
        """A fresh connection for one worker job (use in a ``with`` block inside the worker)."""
        return tui_reads.job(self.db_path, readonly=self.readonly)

    def on_welcome_screen_loaded(self) -> None:
        """An empty file's welcome screen starts the integrity check as the first scorecard does."""
        self.on_scorecard_screen_loaded()

    def on_scorecard_screen_loaded(self) -> None:
        """Once the first scorecard is on screen, check the file's integrity in the background."""
        if not self._integrity_started:
            self._integrity_started = True
            self.call_after_refresh(self.check_integrity)

    @work(thread=True, group="integrity", exit_on_error=False)
    def check_integrity(self) -> None:
        """Verify the file against its audit trail; warn (persistently) about outside writes.

        The check runs in a child interpreter (stopped on quit); this worker thread only
        waits for its answer.
        """
        command = [sys.executable, "-c", INTEGRITY_CHILD, self.db_path, "ro" if self.readonly else "rw"]
        report, error = None, None
        try:
            self._verifier = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            out, err = self._verifier.communicate()
            if self._verifier.returncode == 0:
                report = tui_reads.report_from_json(out)
            else:
                error = (err.strip().splitlines() or [f"exit code {self._verifier.returncode}"])[-1]
        except (OSError, ValueError, KeyError) as exc:
            error = str(exc) or type(exc).__name__
        # A message, not call_from_thread: posting to an app that is closing is a quiet no-op.
        self.post_message(IntegrityChecked(report, error))

    def on_integrity_checked(self, message: IntegrityChecked) -> None:
        """Keep the report; warn when the file was changed outside pmtui."""
        if message.error:
            self.notify(f"Integrity check could not run: {message.error}", title="Integrity", severity="error",
                        timeout=PERSISTENT, markup=False)
            return
        report = self.integrity_report = message.report
        if report.ok:
            return
        lines = [f"• {f.kind}: {f.message}" for f in report.findings[:FINDINGS_SHOWN]]
        more = len(report.findings) - FINDINGS_SHOWN
        if more > 0:
            lines.append(f"… and {more} more")
        lines.append("Run 'pmtui audit verify' for the full report.")
        self.notify("This file was changed outside pmtui:\n" + "\n".join(lines), title="Integrity warning",
                    severity="warning", timeout=PERSISTENT, markup=False)

    @property
    def switched_from(self) -> str | None:
        """The user the session started with, while it acts as someone else (else None)."""
        if self.user == self.started_as:
            return None
        return self.started_as or approvals.NO_USER

    def switch_user(self, name: str) -> None:
        """Act as ``name`` from now on (the caller has audited the switch) and read every screen again."""
        self.user = name
        switched = f" (switched from {self.switched_from})" if self.switched_from else ""
        self.sub_title = f"{name}{switched}{' (read-only)' if self.readonly else ''}"
        self.refresh_screens()

    def entry_refusal(self) -> str | None:
        """Why values cannot be entered in this session, or None when they can."""
        if self.readonly:
            return "Read-only session: values cannot be entered (pmtui was opened with --readonly)."
        if self.user is None:
            return "No acting user: start pmtui with --user NAME (or PMTUI_USER) to enter values."
        return None

    def open_entry(self, target: EntryTarget) -> None:
        """Open the data-entry dialog for ``target``, unless this session may not write."""
        refusal = self.entry_refusal()
        if refusal:
            self.notify(refusal, title="Entry refused", severity="error", markup=False)
            return
        self.push_screen(EntryDialog(target), self._entry_done)

    def _entry_done(self, saved: dict | None) -> None:
        if not saved:
            return
        self.notify(f"{saved['kpi']} {saved['unit']} {saved['period']} = {saved['value']:g} saved as"
                    f" {saved['status']}.", title="Value saved", markup=False)
        self.refresh_screens()

    def refresh_screens(self) -> None:
        """Ask every screen on the stack to read its data again."""
        for screen in self.screen_stack:
            reload = getattr(screen, "reload", None)
            if callable(reload):
                reload()

    def action_clear_notifications(self) -> None:
        """Dismiss every notice (the integrity warning stays until this is asked for)."""
        self.clear_notifications()

    def action_open_screen(self, name: str) -> None:
        """Open a feature area's screen by its registered name (see ``screens/registry.py``).

        A dialog (the "who am I" switch, commentary) opens over the current screen; a
        feature screen replaces the one on top (:meth:`show_feature`).
        """
        from pmtui.screens import registry  # noqa: PLC0415

        try:
            cls = registry.load(name)
        except KeyError:
            self.notify(f"No screen named {name!r}.", severity="error", markup=False)
            return
        # Screens that declare ACCEPTS_CONTEXT open filtered to what is on screen now: the
        # KPI screen's KPI, unit and period, or the scorecard's unit and period.
        context = {}
        if getattr(cls, "ACCEPTS_CONTEXT", False):
            context = {k: v for k in ("kpi", "unit", "period")
                       if isinstance(v := getattr(self.screen, k, None), str) and v}
        if issubclass(cls, ModalScreen):
            self.push_screen(cls(**context))
        else:
            self.show_feature(cls(**context))

    @property
    def base_screen(self) -> Screen | None:
        """The screen global navigation returns to: the scorecard, or the welcome screen of an empty file."""
        return self.screen_stack[1] if len(self.screen_stack) > 1 else None

    def show_feature(self, screen: Screen) -> None:
        """Show ``screen`` in place of the feature screen on top: back to the base screen, then open it.

        The screens closed here never see the keys typed after this one: those go to the
        new screen, which handles them once it is mounted.
        """
        self.show_base()
        self.push_screen(screen)

    def show_base(self) -> Screen | None:
        """Close every screen above the base screen and return it."""
        while len(self.screen_stack) > 2:
            self.pop_screen()
        return self.base_screen

    def action_open_spc_chart(self) -> None:
        """Open the XmR chart of the KPI on screen (the KPI screen's ``kpi`` and ``unit``)."""
        kpi, unit = getattr(self.screen, "kpi", None), getattr(self.screen, "unit", None)
        if not (kpi and unit):
            self.notify("Open a KPI first (Enter on a KPI of the scorecard).", severity="warning", markup=False)
            return
        from pmtui.screens.spc_chart import SpcChartScreen  # noqa: PLC0415 - loads plotext only when asked

        self.push_screen(SpcChartScreen(kpi, unit))

    def action_show_help(self) -> None:
        """Show the keys, the current screen's first (once: pressing ? on the help screen does nothing)."""
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(getattr(self.screen, "SCOPE", None)))
