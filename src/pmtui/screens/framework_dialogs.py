"""Forms of the framework editor: units, KPIs, objectives (with KPI links and causes) and targets.

Built on the shared :class:`~pmtui.screens.controls_form.FormDialog`: the service runs in
a worker with its own connection; a refusal (bad code, unknown reference, missing
permission) is shown in the form, which stays open with what was typed. Choice fields
complete as you type (right arrow accepts). A saved form dismisses with
``{"message", "code"}``.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from textual.app import ComposeResult
from textual.containers import Grid
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Static

from pmtui import actions
from pmtui.core.framework_spec import CHOICES
from pmtui.screens.controls_form import FormDialog
from pmtui.screens.register_form import refusal
from pmtui.services import framework_forms as ff
from pmtui.services.errors import PmError

#: What a child of a unit of each kind usually is (the default kind of a new unit).
CHILD_KIND = {"group": "region", "region": "business_unit", "business_unit": "team", "team": "team"}
#: The objective level that usually goes with a unit kind.
LEVEL_OF_KIND = {"group": "corporate", "region": "unit", "business_unit": "unit", "team": "team"}


@dataclass(frozen=True)
class Field:
    """One line of a form: input id, label, placeholder and the choices it completes to."""

    id: str
    label: str
    hint: str = ""
    choices: tuple[str, ...] = ()


class FrameworkForm(FormDialog):
    """A labelled grid of one-line fields; :meth:`store` does the write with the app's user and clock."""

    SCOPE = "framework-form"
    BINDINGS = actions.bindings("framework-form")
    NOTE = ""
    FIELDS: tuple[Field, ...] = ()

    def __init__(self, values: dict | None = None, *, new: bool = True) -> None:
        super().__init__()
        self.initial = {k: "" if v is None else str(v) for k, v in (values or {}).items()}
        self.new = new

    def shown_fields(self) -> tuple[Field, ...]:
        """The fields on this form (an edit form leaves the code out: codes never change)."""
        return tuple(f for f in self.FIELDS if self.new or f.id != "code")

    def fields(self) -> ComposeResult:
        """The note, then one label and input per field."""
        if self.NOTE:
            yield Static(self.NOTE, classes="controls-form-note", markup=False)
        with Grid(classes="controls-form-grid fw-form-grid"):
            for f in self.shown_fields():
                yield Label(f.label)
                yield Input(self.initial.get(f.id, ""), id=f.id, placeholder=f.hint, compact=True,
                            suggester=SuggestFromList(f.choices, case_sensitive=False) if f.choices else None)

    def on_mount(self) -> None:
        """As the base does, and long values show their beginning."""
        super().on_mount()
        for field in self.query(Input):
            field.cursor_position = len(field.value) if field.has_focus else 0

    def perform(self, conn: sqlite3.Connection, values: dict[str, str]) -> dict:
        """Refuse in a read-only or anonymous session, else :meth:`store`."""
        why = refusal(self.app)
        if why:
            raise PmError(why)
        return self.store(conn, {k: v.strip() for k, v in values.items()}, self.app.user, self.app.clock())

    def store(self, conn: sqlite3.Connection, values: dict[str, str], actor: str, now) -> dict:
        """Write what the form holds (override)."""
        raise NotImplementedError

    @property
    def code(self) -> str:
        """The element's code: typed on a new form, fixed on an edit form."""
        return self.initial.get("code", "")


class UnitDialog(FrameworkForm):
    """Add a unit below another, or rename, re-classify or move one."""

    FIELDS = (
        Field("code", "Code", "e.g. NORTH (A-Z, 0-9, _)"),
        Field("name", "Name", "e.g. North region"),
        Field("kind", "Kind", " / ".join(CHOICES["kind"]), CHOICES["kind"]),
        Field("parent", "Parent", "code of the unit above"),
        Field("confidentiality", "Confidential", " / ".join(CHOICES["confidentiality"]), CHOICES["confidentiality"]),
    )

    def __init__(self, values: dict | None = None, *, new: bool = True) -> None:
        super().__init__({"confidentiality": "public"} | (values or {}), new=new)
        self.TITLE = "Add a unit" if new else f"Edit unit {self.code}"
        self.NOTE = ("Needs edit_definitions at the parent. Only a group unit sits at the top." if new else
                     "Moving a unit needs edit_definitions at both places; a unit never goes below itself.")

    def store(self, conn, values, actor, now) -> dict:
        """Add or edit the unit."""
        code = values["code"] if self.new else self.code
        unit = ff.save_unit(conn, code, new=self.new, name=values["name"], kind=values["kind"],
                            parent=values["parent"], confidentiality=values["confidentiality"] or "public",
                            actor=actor, now=now)
        return {"code": unit["code"], "message": f"Unit {unit['code']} {'added' if self.new else 'saved'}."}


class KpiDialog(FrameworkForm):
    """Define a KPI, or change its definition (scoring fields only while it has no approved values)."""

    FIELDS = (
        Field("code", "Code", "e.g. REV (A-Z, 0-9, _)"),
        Field("name", "Name", "e.g. Revenue"),
        Field("uom", "UoM", "unit of measure, e.g. EUR k, %"),
        Field("direction", "Direction", " / ".join(CHOICES["direction"]), CHOICES["direction"]),
        Field("perspective", "Perspective", "perspective code, e.g. FIN, CUS, INT, LRN", ("FIN", "CUS", "INT", "LRN")),
        Field("aggregation", "Aggregation", " / ".join(CHOICES["aggregation"]), CHOICES["aggregation"]),
        Field("frequency", "Frequency", " / ".join(CHOICES["frequency"]), CHOICES["frequency"]),
        Field("decimals", "Decimals", "0-6"),
        Field("owner_role", "Owner role", "role code (optional)"),
        Field("definition", "Definition", "what is counted, and how"),
    )

    def __init__(self, values: dict | None = None, *, new: bool = True) -> None:
        defaults = {"aggregation": "sum", "frequency": "monthly", "decimals": "1"}
        super().__init__(defaults | (values or {}), new=new)
        self.TITLE = "Define a KPI" if new else f"Edit KPI {self.code}"
        self.NOTE = ("One definition serves every unit; needs edit_definitions group-wide." if new else
                     "Direction, UoM, aggregation and frequency are frozen once the KPI has approved values.")

    def store(self, conn, values, actor, now) -> dict:
        """Add or edit the KPI."""
        code = values["code"] if self.new else self.code
        kpi = ff.save_kpi(conn, code, new=self.new, actor=actor, now=now, name=values["name"], uom=values["uom"],
                          direction=values["direction"], perspective=values["perspective"],
                          aggregation=values["aggregation"] or None, frequency=values["frequency"] or None,
                          decimals=ff.whole(values["decimals"], "Decimals"), owner_role=values["owner_role"],
                          definition=values["definition"])
        return {"code": kpi["code"], "message": f"KPI {kpi['code']} {'defined' if self.new else 'saved'}."}


class ObjectiveDialog(FrameworkForm):
    """Add or change an objective with its KPI links (and weights), parent and causes, all in one write."""

    FIELDS = (
        Field("code", "Code", "e.g. GROW_A (A-Z, 0-9, _)"),
        Field("name", "Name", "e.g. Grow revenue"),
        Field("level", "Level", " / ".join(CHOICES["level"]), CHOICES["level"]),
        Field("unit", "Unit", "code of the unit it belongs to"),
        Field("perspective", "Perspective", "perspective code, e.g. FIN, CUS, INT, LRN", ("FIN", "CUS", "INT", "LRN")),
        Field("parent", "Parent", "objective it cascades from (optional)"),
        Field("weight", "Weight", "among its siblings, e.g. 1"),
        Field("kpis", "KPIs", "measured by, with weights: REV:1, COST:0.5"),
        Field("causes", "Causes", "objectives that drive it: A, B"),
        Field("owner_role", "Owner role", "role code (optional)"),
        Field("description", "Description", ""),
    )

    def __init__(self, values: dict | None = None, *, new: bool = True) -> None:
        values = dict(values or {})
        if isinstance(values.get("kpis"), list):
            values["kpis"] = ", ".join(f"{code}:{weight:g}" for code, weight in values["kpis"])
        if isinstance(values.get("causes"), list):
            values["causes"] = ", ".join(values["causes"])
        if isinstance(values.get("weight"), float):
            values["weight"] = f"{values['weight']:g}"
        super().__init__({"weight": "1"} | values, new=new)
        self.TITLE = "Add an objective" if new else f"Edit objective {self.code}"
        self.NOTE = "KPIs and causes become exactly what is listed. Needs edit_definitions at the unit."

    def store(self, conn, values, actor, now) -> dict:
        """Add or edit the objective, its links and causes (one transaction)."""
        code = values["code"] if self.new else self.code
        weight = ff.number(values["weight"], "Weight")
        objective = ff.save_objective(
            conn, code, new=self.new, name=values["name"], level=values["level"], unit=values["unit"],
            perspective=values["perspective"], parent=values["parent"], weight=1.0 if weight is None else weight,
            owner_role=values["owner_role"], description=values["description"],
            kpis=ff.weighted_codes(values["kpis"]), causes=ff.codes(values["causes"]), actor=actor, now=now)
        links = ", ".join(k["code"] for k in objective["kpis"]) or "no KPI yet"
        return {"code": objective["code"],
                "message": f"Objective {objective['code']} {'added' if self.new else 'saved'} ({links})."}


class TargetsDialog(FrameworkForm):
    """Propose a KPI's target at a unit for a range of periods (someone else approves them)."""

    TITLE = "Propose targets"
    NOTE = ("One target for every reporting period from..to; another person approves them"
            " ('pmtui targets approve'). Needs edit_targets at the unit.")
    FIELDS = (
        Field("kpi", "KPI", "KPI code"),
        Field("unit", "Unit", "unit code"),
        Field("first", "From", "YYYY-MM"),
        Field("last", "To", "YYYY-MM (inclusive)"),
        Field("target", "Target", "green from here"),
        Field("amber", "Amber", "amber from here (optional)"),
        Field("target_high", "Target high", "band KPIs: upper green edge"),
        Field("amber_high", "Amber high", "band KPIs: upper amber edge"),
    )
    SAVE = "Propose"

    def store(self, conn, values, actor, now) -> dict:
        """Propose the targets."""
        result = ff.propose_targets(
            conn, values["kpi"], values["unit"], values["first"], values["last"],
            ff.number(values["target"], "Target", required=True), ff.number(values["amber"], "Amber"),
            ff.number(values["target_high"], "Target high"), ff.number(values["amber_high"], "Amber high"),
            actor=actor, now=now)
        return {"code": result["kpi"],
                "message": f"{result['proposed']} target(s) of {result['kpi']} at {result['unit']} proposed"
                           f" ({result['from']}..{result['to']}; {result['unchanged']} unchanged);"
                           " another person approves them."}
