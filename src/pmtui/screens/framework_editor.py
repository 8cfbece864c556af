"""The framework editor: the unit tree, and the highlighted unit's objectives with the KPIs measuring them.

``u`` adds a unit below the highlighted one, ``K`` defines a KPI, ``o`` adds an objective
at the unit (with its KPI links, weights, parent and causes), ``e`` (or Enter on a row)
edits what is under the cursor: the unit in the tree, an objective or a KPI in the
table. ``T`` proposes targets for the highlighted KPI at the unit over a range of
periods. ``V`` switches the table to the catalogue of every KPI (capitals: ``k t v``
work everywhere). Rows are read a page at
a time (``[``/``]``), so a file with thousands of KPIs opens as fast as a small one.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static, Tree

from pmtui import actions
from pmtui.screens.framework_dialogs import (
    CHILD_KIND,
    LEVEL_OF_KIND,
    KpiDialog,
    ObjectiveDialog,
    TargetsDialog,
    UnitDialog,
)
from pmtui.screens.register_form import refusal
from pmtui.services import framework_browse as fb
from pmtui.services.errors import PmError
from pmtui.widgets.footer import PmFooter
from pmtui.widgets.pager import PagedScreen, Pager

#: Rows per page of the table (objective and KPI lines, or KPI definitions).
PAGE = 100
#: Columns of the two views: (title, width); the name column takes what is left.
UNIT_COLUMNS = (("Objective/KPI", 13), ("Name", 0), ("Level/UoM", 9), ("Persp", 6), ("Weight", 6))
KPI_COLUMNS = (("KPI", 13), ("Name", 0), ("UoM", 7), ("Dir", 6), ("Freq", 9), ("Units", 5))


def year_range(period: str) -> tuple[str, str]:
    """The rest of ``period``'s calendar year: the default range of new targets."""
    return period, f"{period[:4]}-12"


class FrameworkScreen(PagedScreen, Screen):
    """Tree of units on the left; the unit's objectives and KPI links (or every KPI) on the right."""

    SCOPE = "framework"
    ACCEPTS_CONTEXT = True
    BINDINGS = actions.bindings("framework")

    @dataclass
    class TreeLoaded(Message):
        """The unit tree."""

        units: list[fb.UnitNode]

    @dataclass
    class PageLoaded(Message):
        """A page of the table, for ``unit`` (None in the KPI catalogue)."""

        unit: str | None
        page: fb.Page

    @dataclass
    class FormRead(Message):
        """An element's current values, read for its edit form."""

        kind: str
        values: dict

    @dataclass
    class Failed(Message):
        """A read failed."""

        text: str

    def __init__(self, *, kpi: str | None = None, unit: str | None = None, period: str | None = None) -> None:
        super().__init__()
        self.unit = unit
        self.kpi = kpi
        self.period = period
        self.catalogue = False
        self.units: list[fb.UnitNode] = []
        self.rows: list = []
        self.pager = Pager(PAGE)

    def compose(self) -> ComposeResult:
        """Title, tree and table side by side, the highlighted row's detail, the keys."""
        yield Header()
        yield Static("Reading the framework…", id="fw-title")
        with Horizontal(id="fw-body"):
            tree: Tree[str] = Tree("Units", id="fw-units")
            tree.show_root = False
            tree.auto_expand = False
            tree.guide_depth = 2
            yield tree
            with Vertical(id="fw-right"):
                yield DataTable(id="fw-lines", cursor_type="row", zebra_stripes=True)
                yield Static("", id="fw-detail")
        yield PmFooter()

    def on_mount(self) -> None:
        """Read the tree (its first highlighted unit then reads the table)."""
        self.reload()

    # --- reading ---------------------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the tree and the table again (after a save, or ``r``)."""
        self._load_tree()
        self.show_page()

    def show_page(self) -> None:
        """Read the page of the table the pager points at."""
        if self.catalogue or self.unit:
            self._load_page(None if self.catalogue else self.unit, self.pager.offset)

    @work(thread=True, exclusive=True, group="framework-tree", exit_on_error=False)
    def _load_tree(self) -> None:
        try:
            with self.app.database() as conn:
                units = fb.unit_tree(conn)
        except (PmError, sqlite3.Error) as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.TreeLoaded(units))

    @work(thread=True, exclusive=True, group="framework-page", exit_on_error=False)
    def _load_page(self, unit: str | None, offset: int) -> None:
        try:
            with self.app.database() as conn:
                page = fb.unit_lines(conn, unit, offset=offset, limit=PAGE) if unit else fb.kpi_catalogue(
                    conn, offset=offset, limit=PAGE)
        except (PmError, sqlite3.Error) as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.PageLoaded(unit, page))

    def on_framework_screen_failed(self, message: Failed) -> None:
        """Say why nothing is shown."""
        self.query_one("#fw-title", Static).update(Text(message.text, style="bold red"))

    def on_framework_screen_tree_loaded(self, message: TreeLoaded) -> None:
        """Draw the tree (only when it changed, so the cursor stays put) and read the unit's rows."""
        if message.units == self.units:
            return
        self.units = message.units
        codes = [u.code for u in self.units]
        if self.unit not in codes:
            self.unit = codes[0] if codes else None
        tree = self.query_one(Tree)
        tree.clear()
        nodes = {}
        for u in self.units:
            parent = nodes.get(u.parent, tree.root)
            label = Text.assemble((u.code, "bold" if u.active else "dim strike"), " ", (u.name, "dim"))
            nodes[u.code] = parent.add(label, data=u.code, expand=True, allow_expand=False)
        for node in nodes.values():
            node.allow_expand = bool(node.children)
        tree.root.expand()
        if self.unit in nodes:
            tree.move_cursor(nodes[self.unit])
        self.show_page()

    @on(Tree.NodeHighlighted, "#fw-units")
    def _unit_highlighted(self, event: Tree.NodeHighlighted) -> None:
        event.stop()
        code = event.node.data
        if code and code != self.unit:
            self.unit = code
            if not self.catalogue:
                self.pager.offset = 0
                self.show_page()

    @on(Tree.NodeSelected, "#fw-units")
    def _unit_selected(self, event: Tree.NodeSelected) -> None:
        event.stop()
        self.query_one(DataTable).focus()

    def on_framework_screen_page_loaded(self, message: PageLoaded) -> None:
        """Fill the table with the page."""
        if (message.unit is None) != self.catalogue or (message.unit and message.unit != self.unit):
            return  # the view moved on while this page was read
        self.pager.total = message.page.total
        self.rows = message.page.rows
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        columns = KPI_COLUMNS if self.catalogue else UNIT_COLUMNS
        rest = max(12, self.query_one("#fw-right").size.width - sum(w + 2 for _, w in columns) - 4)
        for title, width in columns:
            table.add_column(title, width=width or rest)
        for r in self.rows:
            table.add_row(*(self._catalogue_cells(r) if self.catalogue else self._unit_cells(r)))
        if self.rows:
            table.move_cursor(row=min(row, len(self.rows) - 1))
        self._title()
        self._detail()

    @staticmethod
    def _unit_cells(r: fb.Line) -> tuple:
        if r.kind == "objective":
            return (Text(r.code, style="bold"), Text(r.name, style="bold"), r.level, r.perspective, f"{r.weight:g}")
        return (Text(f" └ {r.code}", style="cyan"), r.name, r.uom, r.direction, f"{r.weight:g}")

    @staticmethod
    def _catalogue_cells(r: fb.KpiRow) -> tuple:
        return (Text(r.code, style="bold"), r.name, r.uom, r.direction, r.frequency, str(r.units))

    def _title(self) -> None:
        if self.catalogue:
            what = Text.assemble(("every KPI", "bold"), f"  {self.pager.label()}")
        else:
            unit = next((u for u in self.units if u.code == self.unit), None)
            where = f" {unit.name} ({unit.kind.replace('_', ' ')})" if unit else ""
            what = Text.assemble((self.unit or "", "bold"), where, f"  rows {self.pager.label()}")
        self.query_one("#fw-title", Static).update(Text.assemble(("Framework ", "bold cyan"), what))

    @on(DataTable.RowHighlighted, "#fw-lines")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()
        self._detail()

    @on(DataTable.RowSelected, "#fw-lines")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit_item()

    def selected(self):
        """The table row under the cursor (a :class:`~fb.Line` or :class:`~fb.KpiRow`), or None."""
        row = self.query_one(DataTable).cursor_row
        return self.rows[row] if self.rows and 0 <= row < len(self.rows) else None

    def _detail(self) -> None:
        detail = self.query_one("#fw-detail", Static)
        r = self.selected()
        if r is None:
            detail.update(Text("No objectives at this unit yet: o adds one (K defines a KPI first)."
                               if not self.catalogue else "No KPIs yet: K defines one.", style="dim"))
        elif isinstance(r, fb.KpiRow):
            detail.update(Text.assemble(
                (r.code, "bold"), f" {r.name}\n", f"{r.uom or 'no unit of measure'} · {r.direction} is better ·"
                f" {r.frequency} · perspective {r.perspective or '–'} · measured at {r.units} unit(s)",
                ("\ne edits the definition, t proposes targets at the unit.", "dim")))
        elif r.kind == "objective":
            facts = [f"{r.level} objective", r.perspective, f"weight {r.weight:g}"]
            facts += [f"cascaded from {r.parent}"] * bool(r.parent) + [f"owner {r.owner_role}"] * bool(r.owner_role)
            facts += [f"causes: {r.causes}"] * bool(r.causes)
            detail.update(Text.assemble(
                (r.code, "bold"), f" {r.name}\n", " · ".join(facts),
                ("\ne edits it with its KPIs, weights, parent and causes.", "dim")))
        else:
            detail.update(Text.assemble(
                (r.code, "bold"), f" {r.name}\n", f"measures {r.objective} with weight {r.weight:g} ·"
                f" {r.uom or 'no unit of measure'} · {r.direction} is better · {r.frequency}",
                ("\ne edits the KPI (its weight: the objective's form), t proposes targets.", "dim")))

    # --- actions ---------------------------------------------------------------------------------------------

    def _writable(self) -> bool:
        why = refusal(self.app)
        if why:
            self.notify(why, title="Framework", severity="error", markup=False)
        return why is None

    def _unit_node(self, code: str | None) -> fb.UnitNode | None:
        return next((u for u in self.units if u.code == code), None)

    def action_add_unit(self) -> None:
        """A new unit below the highlighted one."""
        if self._writable():
            parent = self._unit_node(self.unit)
            self.app.push_screen(UnitDialog({"parent": self.unit or "",
                                             "kind": CHILD_KIND.get(parent.kind, "") if parent else ""}), self._saved)

    def action_add_kpi(self) -> None:
        """A new KPI definition."""
        if self._writable():
            self.app.push_screen(KpiDialog(), self._saved)

    def action_add_objective(self) -> None:
        """A new objective at the highlighted unit."""
        if self._writable():
            unit = self._unit_node(self.unit)
            self.app.push_screen(ObjectiveDialog({"unit": self.unit or "",
                                                  "level": LEVEL_OF_KIND.get(unit.kind, "") if unit else ""}),
                                 self._saved)

    def action_edit_item(self) -> None:
        """Edit the unit (tree focused) or the objective or KPI under the table's cursor."""
        if not self._writable():
            return
        if self.focused is self.query_one(Tree) or self.selected() is None:
            if self.unit:
                self._read_form("unit", self.unit)
            return
        r = self.selected()
        if isinstance(r, fb.Line) and r.kind == "objective":
            self._read_form("objective", r.code)
        else:
            self._read_form("kpi", r.code)

    @work(thread=True, exclusive=True, group="framework-form-read", exit_on_error=False)
    def _read_form(self, kind: str, code: str) -> None:
        try:
            with self.app.database() as conn:
                values = getattr(fb, f"{kind}_form")(conn, code)
        except (PmError, sqlite3.Error) as exc:
            self.post_message(self.Failed(str(exc)))
            return
        self.post_message(self.FormRead(kind, values))

    def on_framework_screen_form_read(self, message: FormRead) -> None:
        """Open the edit form on the values just read."""
        dialog = {"unit": UnitDialog, "kpi": KpiDialog, "objective": ObjectiveDialog}[message.kind]
        self.app.push_screen(dialog(message.values, new=False), self._saved)

    def action_propose_targets(self) -> None:
        """Targets for the highlighted KPI at the highlighted unit over a range of periods."""
        if not self._writable():
            return
        r = self.selected()
        kpi = r.code if isinstance(r, fb.KpiRow) or (isinstance(r, fb.Line) and r.kind == "kpi") else ""
        first, last = year_range(self.app.clock().strftime("%Y-%m"))
        self.app.push_screen(TargetsDialog({"kpi": kpi, "unit": self.unit or "", "first": first, "last": last}),
                             self._saved)

    def _saved(self, result: dict | None) -> None:
        if result:
            self.notify(result["message"], title="Framework", markup=False)
            self.app.refresh_screens()

    def action_toggle_view(self) -> None:
        """Switch between the unit's objectives and the catalogue of every KPI."""
        self.catalogue = not self.catalogue
        self.pager.offset = 0
        self.rows = []
        self.query_one(DataTable).clear(columns=True)
        self.show_page()

    def action_reload(self) -> None:
        """Read everything again."""
        self.reload()
