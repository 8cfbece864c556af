"""Control assessments: the history of assessments, the selected one's findings by severity.

``n`` runs a new assessment (dialog), ``S`` signs off the selected one (dialog; refused
clearly when the user may not), ``G`` narrows the findings to one severity and ``o``
opens the audit browser on the selected finding's element.
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
from pmtui.core.controls import SEVERITIES
from pmtui.screens.controls_dialogs import RunDialog, SignOffDialog
from pmtui.services import controls
from pmtui.services.errors import PmError
from pmtui.widgets.footer import PmFooter

#: Assessments listed, latest first (the CLI lists them all).
ASSESSMENTS_SHOWN = 200
SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan", "info": "dim"}
#: Severity filters in the order ``g`` cycles through them (None: all).
FILTERS = (None, *reversed(SEVERITIES))


class ControlsScreen(Screen):
    """Assessments on top; the selected assessment's findings below, most severe first."""

    SCOPE = "controls"
    BINDINGS = actions.bindings("controls")

    @dataclass
    class Loaded(Message):
        """Assessments and the selected one in full."""

        rows: list[dict]
        selected: dict | None

    @dataclass
    class Failed(Message):
        """Why nothing can be shown."""

        text: str

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict] = []
        self.selected: dict | None = None
        self.severity: str | None = None
        self._want: int | None = None

    def compose(self) -> ComposeResult:
        """Assessments, the selected one's summary, its findings and the finding's detail."""
        yield Header()
        yield DataTable(id="controls-assessments", cursor_type="row")
        yield Static("Loading…", id="controls-summary", markup=False)
        yield DataTable(id="controls-findings", cursor_type="row", zebra_stripes=True)
        yield Static("", id="controls-detail", markup=False)
        yield PmFooter()

    def on_mount(self) -> None:
        """Columns, then read."""
        table = self.query_one("#controls-assessments", DataTable)
        for label, width in (("Id", 3), ("Quarter", 7), ("Status", 10), ("Run by", 9), ("Run on", 10),
                             ("H/M/L/I", 11), ("Signed off by", 13)):
            table.add_column(label, width=width)
        findings = self.query_one("#controls-findings", DataTable)
        for label, width in (("Sev.", 6), ("Control", 21), ("Element", 14), ("Finding", 26)):
            findings.add_column(label, width=width)
        self.reload()

    def reload(self, select: int | None = None) -> None:
        """Read the assessments again (``select``: the assessment id to show)."""
        self._want = select if select is not None else (self.selected or {}).get("id")
        self._load(self._want)

    @work(thread=True, exclusive=True, group="controls", exit_on_error=False)
    def _load(self, want: int | None) -> None:
        try:
            with self.app.database() as conn:
                rows = controls.list_assessments(conn, limit=ASSESSMENTS_SHOWN)
                ids = [r["id"] for r in rows]
                chosen = want if want in ids else (ids[0] if ids else None)
                selected = controls.show(conn, chosen) if chosen is not None else None
        except (PmError, sqlite3.Error) as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.Loaded(rows, selected))

    def on_controls_screen_loaded(self, message: Loaded) -> None:
        """Fill the assessments table and show the selected assessment."""
        self.rows, self.selected = message.rows, message.selected
        table = self.query_one("#controls-assessments", DataTable)
        with self.prevent(DataTable.RowHighlighted):
            table.clear()
            for r in self.rows:
                status = Text(r["status"].replace("_", " "), style="green" if r["status"] == "signed_off" else "yellow")
                counts = Text.assemble((str(r["high"]), SEVERITY_STYLE["high"] if r["high"] else ""), "/",
                                       str(r["medium"]), "/", str(r["low"]), "/", str(r["info"]))
                quarter = r["quarter"] + ("" if r["latest_for_quarter"] else "*")
                table.add_row(str(r["id"]), quarter, status, r["run_by"], r["run_at"][:10], counts,
                              r["signed_off_by"] or "–", key=str(r["id"]))
            if self.selected:
                table.move_cursor(row=[r["id"] for r in self.rows].index(self.selected["id"]))
        if not table.has_focus and not self.query_one("#controls-findings", DataTable).has_focus:
            table.focus()
        self._show_selected()

    def on_controls_screen_failed(self, message: Failed) -> None:
        """Say why nothing is shown."""
        self.query_one("#controls-summary", Static).update(Text(message.text, style="bold red"))

    def _show_selected(self) -> None:
        summary = self.query_one("#controls-summary", Static)
        a = self.selected
        if a is None:
            summary.update(Text.assemble(("No control assessment yet. ", "bold"), "Press n to run one."))
            self.query_one("#controls-findings", DataTable).clear()
            self._show_finding()
            return
        state = (f"signed off by {a['signed_off_by']} on {a['signed_off_at'][:10]}: {a['sign_off_note']}"
                 if a["status"] == "signed_off" else "open: awaiting sign-off (s)")
        shown = "all findings" if self.severity is None else f"{self.severity} findings only (g)"
        superseded = " · *superseded" if not a["latest_for_quarter"] else ""
        counts = ", ".join(f"{a[s]} {s}" for s in reversed(SEVERITIES) if a[s]) or "no findings"
        summary.update(Text.assemble((f"#{a['id']} {a['quarter']}", "bold"), f" by {a['run_by']} · {counts} ·"
                                     f" {shown}{superseded}\n", (state, "italic")))
        findings = self.query_one("#controls-findings", DataTable)
        findings.clear()
        for f in self._findings():
            findings.add_row(Text(f["severity"], style=SEVERITY_STYLE[f["severity"]]), f["control"], f["element"],
                             f["detail"], key=str(f["id"]))
        self._show_finding()

    def _findings(self) -> list[dict]:
        found = (self.selected or {}).get("findings", [])
        return [f for f in found if self.severity is None or f["severity"] == self.severity]

    def _show_finding(self) -> None:
        detail = self.query_one("#controls-detail", Static)
        found = self._findings()
        row = self.query_one("#controls-findings", DataTable).cursor_row
        if not found or row >= len(found):
            detail.update("")
            return
        f = found[row]
        hint = "   (o: audit history)" if ":" in f["element"] else ""
        detail.update(f"[{f['severity']}] {f['control']} · {f['element'] or '-'}{hint}\n{f['detail']}")

    @on(DataTable.RowHighlighted, "#controls-assessments")
    def _assessment_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        key = int(event.row_key.value) if event.row_key and event.row_key.value else None
        if key is not None and (self.selected or {}).get("id") != key:
            self.reload(select=key)

    @on(DataTable.RowHighlighted, "#controls-findings")
    def _finding_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._show_finding()

    def action_cycle_severity(self) -> None:
        """Show the next severity filter."""
        self.severity = FILTERS[(FILTERS.index(self.severity) + 1) % len(FILTERS)]
        self._show_selected()

    def _refusal(self) -> str | None:
        if self.app.readonly:
            return "Read-only session: assessments cannot be run or signed off."
        if self.app.user is None:
            return "No acting user: start pmtui with --user NAME (or PMTUI_USER)."
        return None

    def action_run_assessment(self) -> None:
        """Open the dialog that runs a new assessment."""
        refusal = self._refusal()
        if refusal:
            self.notify(refusal, title="Refused", severity="error", markup=False)
            return
        self.app.push_screen(RunDialog(), self._done)

    def action_sign_off(self) -> None:
        """Open the sign-off dialog for the selected assessment (unless it cannot be signed off)."""
        refusal = self._refusal()
        a = self.selected
        if refusal is None and a is None:
            refusal = "No assessment to sign off: press n to run one first."
        elif refusal is None and a["status"] == "signed_off":
            refusal = (f"Assessment {a['id']} was signed off by {a['signed_off_by']}; it is final."
                       " Run the quarter again (n) for a new assessment.")
        if refusal:
            self.notify(refusal, title="Sign-off refused", severity="error", markup=False)
            return
        self.app.push_screen(SignOffDialog(a), self._done)

    def _done(self, result: dict | None) -> None:
        if result:
            self.notify(result["message"], title="Controls", markup=False)
            self.reload(select=result["id"])

    def action_open_history(self) -> None:
        """Open the audit browser on the selected finding's element (``table:key`` or ``user:name``)."""
        found = self._findings()
        row = self.query_one("#controls-findings", DataTable).cursor_row
        element = found[row]["element"] if found and row < len(found) else ""
        entity, _, key = element.partition(":")
        from pmtui.screens.audit_browser import AuditBrowserScreen  # noqa: PLC0415

        if entity == "user":
            self.app.push_screen(AuditBrowserScreen(actor=key))
        elif key and entity not in ("role", "permission", "audit_log", "anchor", "file"):
            self.app.push_screen(AuditBrowserScreen(entity=entity, key=key))
        else:
            self.notify("This finding is not about one audited row or user.", severity="warning", markup=False)

    def action_close(self) -> None:
        """Back to the previous screen."""
        self.dismiss()
