"""The root-cause editor: five whys or a fishbone, the root cause and its classification.

A new record needs the KPI, unit and period and a template; an existing open record
can be changed (``Save``) or closed (``Close record``: its root cause and a process /
individual classification are then required). The template rules are
:mod:`pmtui.core.rca`'s, applied by :mod:`pmtui.services.root_causes`.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from pmtui.core.rca import CATEGORIES, MAX_WHYS
from pmtui.screens.register_form import RegisterForm
from pmtui.services import root_causes

TEMPLATES = (("Five whys", "five_whys"), ("Fishbone", "fishbone"))
CLASSIFICATIONS = (("Unclassified", None), ("Process", "process"), ("Individual", "individual"))


def _radios(set_id: str, choices: tuple, chosen, *, disabled: bool = False) -> RadioSet:
    buttons = [RadioButton(label, value=value == chosen, compact=True) for label, value in choices]
    return RadioSet(*buttons, id=set_id, compact=True, disabled=disabled)


class RcaEditorDialog(RegisterForm):
    """Edit ``record`` (a dict from :func:`root_causes.get`), or start a new one for the given KPI/unit/period."""

    def __init__(self, record: dict | None = None, *, kpi: str | None = None, unit: str | None = None,
                 period: str | None = None) -> None:
        super().__init__()
        self.record = record
        self.where = {"kpi": (record or {}).get("kpi", kpi) or "", "unit": (record or {}).get("unit", unit) or "",
                      "period": (record or {}).get("period", period) or ""}

    def compose(self) -> ComposeResult:
        """Where, template, problem, the whys or the fishbone, root cause, classification."""
        r = self.record or {}
        editing = self.record is not None
        whys, fishbone = list(r.get("whys", [])), r.get("fishbone", {})
        with Vertical(classes="register-box", id="rca-box") as box:
            box.border_title = f"Root cause {r['id']}" if editing else "New root-cause analysis"
            with Horizontal(id="rca-where"):
                for field, width_hint in (("kpi", "KPI"), ("unit", "unit"), ("period", "YYYY-MM")):
                    yield Input(self.where[field], placeholder=width_hint, id=f"rca-{field}", compact=True,
                                disabled=editing)
                yield _radios("rca-template", TEMPLATES, r.get("template", "five_whys"), disabled=editing)
            with Grid(classes="register-grid", id="rca-grid"):
                yield Label("Problem")
                yield Input(r.get("problem", ""), placeholder="what happened, in numbers", id="rca-problem",
                            compact=True)
                for n in range(MAX_WHYS):
                    yield Label(f"Why {n + 1}", classes="rca-why")
                    yield Input(whys[n] if n < len(whys) else "", placeholder="why?" if n == 0 else "and why?",
                                id=f"rca-why-{n}", classes="rca-why", compact=True)
                for category in CATEGORIES:
                    yield Label(category.capitalize(), classes="rca-bone")
                    yield Input("; ".join(fishbone.get(category, [])), placeholder="causes, separated by ;",
                                id=f"rca-bone-{category}", classes="rca-bone", compact=True)
                yield Label("Root cause")
                yield Input(r.get("root_cause", ""), placeholder="required to close", id="rca-root", compact=True)
                yield Label("Class")
                yield _radios("rca-class", CLASSIFICATIONS, r.get("classification"))
            yield Static("", classes="register-error", markup=False)
            with Horizontal(classes="register-buttons"):
                yield Button("Save", variant="primary", classes="register-save", compact=True)
                if editing:
                    yield Button("Close record", id="rca-close", compact=True)
                yield Button("Cancel", classes="register-cancel", compact=True)

    def on_mount(self) -> None:
        """Show the template's fields, then focus the first empty one."""
        self._show_template()
        super().on_mount()

    def template(self) -> str:
        """The template chosen."""
        return TEMPLATES[max(self.query_one("#rca-template", RadioSet).pressed_index, 0)][1]

    @on(RadioSet.Changed, "#rca-template")
    def _show_template(self) -> None:
        fishbone = self.template() == "fishbone"
        for widget in self.query(".rca-why"):
            widget.display = not fishbone
        for widget in self.query(".rca-bone"):
            widget.display = fishbone

    def _text(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value

    def content(self) -> dict:
        """The analysis as the service takes it."""
        index = self.query_one("#rca-class", RadioSet).pressed_index
        return {"problem": self._text("rca-problem"),
                "whys": [self._text(f"rca-why-{n}") for n in range(MAX_WHYS)],
                "fishbone": {c: self._text(f"rca-bone-{c}").split(";") for c in CATEGORIES},
                "root_cause": self._text("rca-root"),
                "classification": CLASSIFICATIONS[max(index, 0)][1]}

    def action_save(self) -> None:
        """Create the record, or save the changes to it."""
        self._store(close=False)

    @on(Button.Pressed, "#rca-close")
    def _close_record(self) -> None:
        self._store(close=True)

    def _store(self, *, close: bool) -> None:
        c, template = self.content(), self.template()
        # Only the chosen template's answers are kept: the hidden fields may hold stale text.
        if template == "fishbone":
            c["whys"] = []
        else:
            c["fishbone"] = {}
        if self.record is None:
            where = {f: self._text(f"rca-{f}").strip() for f in ("kpi", "unit", "period")}
            self.submit(lambda conn, user, now: root_causes.create(
                conn, where["kpi"], where["unit"], where["period"], template=template, actor=user, now=now, **c))
            return
        rca_id = self.record["id"]

        def update(conn, user, now) -> dict:
            row = root_causes.update(conn, rca_id, actor=user, now=now, **c)
            return root_causes.close(conn, rca_id, actor=user, now=now) if close else row
        self.submit(update)
