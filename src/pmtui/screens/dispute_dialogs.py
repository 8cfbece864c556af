"""Dialogs of the dispute register: raise a dispute, hear it, decide it.

The rules are the services' (:mod:`pmtui.services.disputes`): who may hear (committee
members) and decide (a member other than the raiser), what an upheld decision changes.
A refusal is shown inline and the dialog stays open.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from pmtui import actions
from pmtui.screens.disputes_form import FormDialog
from pmtui.services import disputes


def _radio(choices: tuple[str, ...], id_: str) -> RadioSet:
    return RadioSet(*(RadioButton(c, value=i == 0, compact=True) for i, c in enumerate(choices)), id=id_,
                    compact=True, classes="dsp-choice")


def _buttons(label: str) -> Horizontal:
    return Horizontal(Button(label, variant="primary", id="dsp-save", compact=True),
                      Button("Cancel", id="dsp-cancel", compact=True), classes="dsp-buttons")


class _DisputeDialog(FormDialog):
    SCOPE = "dispute-form"
    BINDINGS = actions.bindings("dispute-form")

    @on(Button.Pressed, "#dsp-cancel")
    def _cancel(self) -> None:
        self.action_close()

    @on(Input.Submitted)
    @on(Button.Pressed, "#dsp-save")
    def _submit(self) -> None:
        self.action_save()

    def value(self, field: str) -> str:
        """The text typed in field ``#dsp-<field>``."""
        return self.query_one(f"#dsp-{field}", Input).value.strip()

    def choice(self, choices: tuple[str, ...]) -> str:
        """The option picked in the dialog's radio set."""
        return choices[max(self.query_one(RadioSet).pressed_index, 0)]


class RaiseDialog(_DisputeDialog):
    """Raise a dispute; dismisses with the new dispute (or None)."""

    FIELDS = (("KPI", "kpi", "KPI code, e.g. OTD_PCT"),
              ("Unit", "unit", "attribution: the unit the result belongs to"),
              ("Role", "role", "proposed owner / accountable role, e.g. UNIT_HEAD"),
              ("Committee", "committee", "committee code"),
              ("Claim", "claim", "what you claim and why (10+ characters)"))

    def __init__(self, *, kpi: str = "", committee: str = "") -> None:
        super().__init__()
        self.defaults = {"kpi": kpi, "committee": committee}

    def compose(self) -> ComposeResult:
        """Kind, the codes and the claim."""
        with Vertical(classes="dsp-box") as box:
            box.border_title = "Raise a dispute"
            yield _radio(disputes.KINDS, "dsp-kind")
            with Grid(classes="dsp-form"):
                for label, field, hint in self.FIELDS:
                    yield Label(label)
                    yield Input(self.defaults.get(field, ""), placeholder=hint, id=f"dsp-{field}", compact=True)
            yield Static("", id="dsp-error", markup=False)
            yield _buttons("Raise")

    def on_mount(self) -> None:
        """Start in the first empty field."""
        empty = next((f for _, f, _ in self.FIELDS if not self.value(f)), "claim")
        self.query_one(f"#dsp-{empty}", Input).focus()

    def action_save(self) -> None:
        """Raise the dispute through the service."""
        kind, kpi, unit, role, committee, claim = (self.choice(disputes.KINDS), self.value("kpi").upper(),
                                                   self.value("unit").upper() or None, self.value("role").upper(),
                                                   self.value("committee").upper(), self.value("claim"))
        self.store(lambda conn, actor, now: disputes.raise_dispute(
            conn, kind=kind, kpi=kpi, unit=unit, proposed_role=role or None, committee=committee, claim=claim,
            actor=actor, now=now))


class ProceedDialog(_DisputeDialog):
    """Hear a raised dispute or decide a heard one; dismisses with the dispute as it now is."""

    def __init__(self, dispute: dict, step: str) -> None:
        super().__init__()
        self.dispute = dispute
        self.step = step  # "hear" or "decide"

    def compose(self) -> ComposeResult:
        """What is disputed, the outcome (to decide) and the notes or decision."""
        d = self.dispute
        with Vertical(classes="dsp-box") as box:
            box.border_title = f"{'Hear' if self.step == 'hear' else 'Decide'} {d['code']}"
            where = f" → {d['unit']}" if d["unit"] else ""
            yield Static(f"{d['kind']} of {d['kpi']}{where}: proposed {d['proposed_role']} (owner now"
                         f" {d['owner_role'] or '-'})\nraised by {d['raised_by']}: {d['claim']}",
                         classes="dsp-what", markup=False)
            if d["hearing_notes"]:
                yield Static(f"heard by {d['heard_by']}: {d['hearing_notes']}", classes="dsp-what", markup=False)
            if self.step == "decide":
                yield _radio(disputes.OUTCOMES, "dsp-outcome")
            with Grid(classes="dsp-form"):
                yield Label("Notes" if self.step == "hear" else "Decision")
                yield Input(placeholder="what the hearing established" if self.step == "hear"
                            else "the decision and its reasoning", id="dsp-text", compact=True)
            yield Static("", id="dsp-error", markup=False)
            yield _buttons("Record")

    def on_mount(self) -> None:
        """Start in the text."""
        self.query_one("#dsp-text", Input).focus()

    def action_save(self) -> None:
        """Hear or decide through the service."""
        code, text = self.dispute["code"], self.value("text")
        if self.step == "hear":
            self.store(lambda conn, actor, now: disputes.hear(conn, code, text, actor=actor, now=now))
        else:
            outcome = self.choice(disputes.OUTCOMES)
            self.store(lambda conn, actor, now: disputes.decide(conn, code, outcome, text, actor=actor, now=now))
