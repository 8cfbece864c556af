"""The standardised commentary dialog (M7.5): what happened, why, what next.

Opened with ``7`` from the KPI screen (its KPI, unit and period) or anywhere else that
has a KPI in context. Three text areas with the rules checked live as you type
(:mod:`pmtui.core.commentary`); ``ctrl+s`` stores through
:func:`pmtui.services.commentary.write`, which checks them again with permissions.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Label, Static, TextArea

from pmtui import actions
from pmtui.core import commentary as rules
from pmtui.screens.disputes_form import FormDialog
from pmtui.services import commentary
from pmtui.services.errors import PmError

NO_KPI = ("Commentary is written on one KPI at one unit and period.\n"
          "Open a KPI first (Enter on a KPI of the scorecard), then press 7.")


def feedback(parts: dict[str, str]) -> Text:
    """One line per part: a tick, or what the rules still miss (first problem)."""
    findings = rules.check(parts)
    lines = []
    for field, label in rules.PARTS:
        mine = [f.message for f in findings if f.part == field]
        lines.append(Text.assemble(("✓ ", "bold green"), label) if not mine else
                     Text.assemble(("✗ ", "bold red"), mine[0]))
    return Text("\n").join(lines)


class CommentaryDialog(FormDialog):
    """Write or rewrite the commentary on the KPI, unit and period it was opened with."""

    SCOPE = "commentary"
    BINDINGS = actions.bindings("commentary")
    ACCEPTS_CONTEXT = True

    @dataclass
    class Loaded(Message):
        """The commentary as stored (empty parts when none) with the value's facts."""

        row: dict

    @dataclass
    class LoadFailed(Message):
        """Why the commentary cannot be shown."""

        text: str

    def __init__(self, *, kpi: str | None = None, unit: str | None = None, period: str | None = None) -> None:
        super().__init__()
        self.kpi, self.unit, self.period = kpi, unit, period

    def compose(self) -> ComposeResult:
        """The three parts with live feedback, or why there is nothing to comment on."""
        with Vertical(id="cmt-box") as box:
            if not (self.kpi and self.unit):
                box.border_title = "Commentary"
                yield Static(NO_KPI, id="cmt-none", markup=False)
                with Horizontal(classes="dsp-buttons"):
                    yield Button("Close", id="dsp-cancel", compact=True)
                return
            box.border_title = f"Commentary · {self.kpi} at {self.unit} · {self.period or '…'}"
            yield Static("Loading…", id="cmt-facts", markup=False)
            for field, label in rules.PARTS:
                yield Label(f"{label.capitalize()} ({rules.MIN_LENGTH}-{rules.MAX_LENGTH} characters)")
                yield TextArea(id=f"cmt-{field}", compact=True, soft_wrap=True, classes="cmt-part")
            yield Static("", id="cmt-feedback")
            yield Static("", id="dsp-error", markup=False)
            with Horizontal(classes="dsp-buttons"):
                yield Button("Save", variant="primary", id="dsp-save", compact=True, disabled=True)
                yield Button("Cancel", id="dsp-cancel", compact=True)

    def on_mount(self) -> None:
        """Read the stored commentary and the value's facts."""
        if self.kpi and self.unit:
            self._load()
        else:
            self.query_one("#dsp-cancel", Button).focus()

    @work(thread=True, exclusive=True, group="commentary", exit_on_error=False)
    def _load(self) -> None:
        try:
            with self.app.database() as conn:
                period = self.period or commentary.latest_period(conn, self.kpi, self.unit)
                if period is None:
                    raise PmError(f"{self.kpi} has no value at {self.unit} yet: enter one first")
                row = commentary.get(conn, self.kpi, self.unit, period)
        except (PmError, sqlite3.Error) as exc:
            self.post_message(self.LoadFailed(str(exc)))
            return
        self.post_message(self.Loaded(row))

    def on_commentary_dialog_loaded(self, message: Loaded) -> None:
        """Fill the parts and say whether a commentary is required."""
        row = message.row
        self.period = row["period"]
        self.query_one("#cmt-box").border_title = f"Commentary · {self.kpi} at {self.unit} · {self.period}"
        value = "no value" if row["value"] is None else f"value {row['value']:g}"
        target = "" if row["target"] is None else f" · target {row['target']:g}"
        need = f"required: {row['reason']}" if row["required"] else "optional: the value is neither red nor an SPC concern"
        self.query_one("#cmt-facts", Static).update(f"{value}{target} · {row['status'] or 'no status'} · {need}")
        for field in commentary.FIELDS:
            self.query_one(f"#cmt-{field}", TextArea).text = row[field] or ""
        self.query_one("#dsp-save", Button).disabled = False
        self.query_one("#cmt-what_happened", TextArea).focus()
        self._check()

    def on_commentary_dialog_load_failed(self, message: LoadFailed) -> None:
        """Show why nothing can be written."""
        self.query_one("#cmt-facts", Static).update(Text(message.text, style="bold red"))

    def parts(self) -> dict[str, str]:
        """The three texts as typed."""
        return {field: self.query_one(f"#cmt-{field}", TextArea).text.strip() for field in commentary.FIELDS}

    @on(TextArea.Changed)
    def _check(self) -> None:
        self.query_one("#cmt-feedback", Static).update(feedback(self.parts()))

    @on(Button.Pressed, "#dsp-save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#dsp-cancel")
    def _cancel(self) -> None:
        self.action_close()

    def action_save(self) -> None:
        """Store through the service (which checks the rules and the permission again)."""
        if not (self.kpi and self.unit and self.period) or self.query_one("#dsp-save", Button).disabled:
            return
        kpi, unit, period, parts = self.kpi, self.unit, self.period, self.parts()
        self.store(lambda conn, actor, now: commentary.write(conn, kpi, unit, period, **parts, actor=actor, now=now))

    def on_form_dialog_saved(self, message: FormDialog.Saved) -> None:
        """Confirm (Textual then runs the base class's handler, which closes the dialog)."""
        self.app.notify(f"Commentary on {self.kpi} {self.unit} {self.period} saved.", title="Commentary",
                        markup=False)
