"""Revise or hold a target after a shift: the evidence, the judgement, the decision.

``ReviseHoldDialog(kpi, unit, period, agenda_item_id=None)`` reads the evidence of
:func:`pmtui.services.target_decisions.evidence` (is the shift sustained, since when,
the levels before and after against the target) and shows what it suggests for the
origin the user judges (external, internal, none). Recording calls
:func:`~pmtui.services.target_decisions.decide`: *revise* files a target revision for
someone else to approve. The dialog dismisses with the recorded decision (a dict) or
None when cancelled. The review-meetings screen pushes it for ``revise_target`` items.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Sparkline, Static

from pmtui.screens.register_form import RegisterForm
from pmtui.services import target_decisions
from pmtui.services.errors import PmError

DECISIONS = (("Hold", "hold"), ("Revise", "revise"))
ORIGINS = (("External", "external"), ("Internal", "internal"), ("None", "none"))


def _number(value) -> str:
    return "–" if value is None else f"{value:.4g}"


def _met(flag) -> tuple[str, str]:
    return {True: ("meets", "green"), False: ("misses", "red")}.get(flag, ("n/a", "dim"))


def evidence_text(e: dict) -> Text:
    """The evidence in three or four short lines."""
    text = Text.assemble((f"{e['kpi']} at {e['unit']}", "bold"), f" up to {e['period']} · {e['points']} points"
                         f" · target {_number(e['target'])}\n",
                         (e["summary"], "bold red" if e["sustained"] else "bold"), "\nagainst the target: before ")
    for label, flag in (("", e["met_before"]), (", after ", e["met_after"])):
        word, style = _met(flag)
        text.append(label)
        text.append(word, style=style)
    text.append(f" · latest point: {(e['latest_rule'] or 'common cause').replace('_', ' ')}")
    if e["rebased_at"]:
        text.append(f"\nlimits rebased at {', '.join(e['rebased_at'])} (not applied here)", style="dim")
    return text


class ReviseHoldDialog(RegisterForm):
    """The evidence above the decision form; dismisses with the decision dict or None."""

    @dataclass
    class EvidenceLoaded(Message):
        """The evidence, or why it could not be read."""

        evidence: dict | None
        error: str | None = None

    def __init__(self, kpi: str, unit: str, period: str, agenda_item_id: int | None = None) -> None:
        super().__init__()
        self.kpi, self.unit, self.period = kpi, unit, period
        self.agenda_item_id = agenda_item_id
        self.evidence: dict | None = None

    def compose(self) -> ComposeResult:
        """Evidence, advice, decision, origin, the new target and the rationale."""
        with Vertical(classes="register-box", id="rh-box") as box:
            box.border_title = f"Revise or hold: {self.kpi} {self.unit} {self.period}"
            yield Static("Reading the evidence…", id="rh-evidence")
            yield Sparkline([], id="rh-spark")
            yield Static("", id="rh-advice")
            with Grid(classes="register-grid", id="rh-grid"):
                yield Label("Decision")
                yield RadioSet(*(RadioButton(label, value=i == 0, compact=True) for i, (label, _) in
                                 enumerate(DECISIONS)), id="rh-decision", compact=True)
                yield Label("Origin")
                yield RadioSet(*(RadioButton(label, value=i == 1, compact=True) for i, (label, _) in
                                 enumerate(ORIGINS)), id="rh-origin", compact=True)
                yield Label("New target")
                with Horizontal(id="rh-targets"):
                    yield Input(placeholder="target", id="rh-target", compact=True, disabled=True)
                    yield Input(placeholder="amber (optional)", id="rh-amber", compact=True, disabled=True)
                yield Label("Rationale")
                yield Input(placeholder="required: why", id="rh-rationale", compact=True)
            yield Static("", classes="register-error", markup=False)
            with Horizontal(classes="register-buttons"):
                yield Button("Record", variant="primary", classes="register-save", compact=True)
                yield Button("Cancel", classes="register-cancel", compact=True)

    def on_mount(self) -> None:
        """Focus the rationale and read the evidence."""
        super().on_mount()
        self._read()

    @work(thread=True, exclusive=True, group="revise-hold", exit_on_error=False)
    def _read(self) -> None:
        try:
            with self.app.database() as conn:
                data = target_decisions.evidence(conn, self.kpi, self.unit, self.period)
        except (PmError, sqlite3.Error) as exc:
            self.post_message(self.EvidenceLoaded(None, str(exc)))
            return
        self.post_message(self.EvidenceLoaded(data))

    def on_revise_hold_dialog_evidence_loaded(self, message: EvidenceLoaded) -> None:
        """Show the evidence and the advice for the origin chosen."""
        if message.error:
            self.query_one("#rh-evidence", Static).update(Text(message.error, style="bold red"))
            return
        self.evidence = message.evidence
        self.query_one("#rh-evidence", Static).update(evidence_text(self.evidence))
        self.query_one("#rh-spark", Sparkline).data = [v for _, v in self.evidence["series"]]
        self._advise()

    def _choice(self, set_id: str, choices: tuple) -> str:
        return choices[max(self.query_one(set_id, RadioSet).pressed_index, 0)][1]

    @on(RadioSet.Changed, "#rh-origin")
    def _advise(self) -> None:
        if self.evidence is None:
            return
        advice = self.evidence["recommendations"][self._choice("#rh-origin", ORIGINS)]
        self.query_one("#rh-advice", Static).update(Text.assemble(
            ("Suggests ", "dim"), (advice["decision"].upper(), "bold"), (f": {advice['why']}", "dim")))

    @on(RadioSet.Changed, "#rh-decision")
    def _decision_changed(self) -> None:
        revise = self._choice("#rh-decision", DECISIONS) == "revise"
        for field in ("#rh-target", "#rh-amber"):
            self.query_one(field, Input).disabled = not revise

    def _float(self, widget_id: str) -> float | None:
        text = self.query_one(widget_id, Input).value.strip()
        if not text:
            return None
        try:
            return float(text)
        except ValueError:
            raise PmError(f"{text!r} is not a number") from None

    def action_save(self) -> None:
        """Record the decision with the evidence."""
        decision, origin = self._choice("#rh-decision", DECISIONS), self._choice("#rh-origin", ORIGINS)
        target = amber = None
        if decision == "revise":
            try:
                target, amber = self._float("#rh-target"), self._float("#rh-amber")
            except PmError as exc:
                self.show_error(str(exc))
                return
        rationale = self.query_one("#rh-rationale", Input).value
        self.submit(lambda conn, user, now: target_decisions.decide(
            conn, self.kpi, self.unit, self.period, decision=decision, origin=origin, rationale=rationale,
            target=target, amber=amber, agenda_item_id=self.agenda_item_id, actor=user, now=now))
