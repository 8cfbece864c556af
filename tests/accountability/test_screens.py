"""The RACI, gaming and roles screens driven by the pilot on the demo company, with snapshots at 80x24."""

from __future__ import annotations

from textual.widgets import DataTable, Select, Static, TabbedContent

from pmtui import actions
from pmtui.screens.gaming import GamingScreen
from pmtui.screens.kpi import KpiScreen
from pmtui.screens.raci import RaciScreen, broken_cells, cell_text
from pmtui.screens.raci_edit import RaciEditDialog
from pmtui.screens.roles import RolesScreen
from pmtui.store.db import connect
from tests.tui._pilot import make_app, press, settle

SMALL = (80, 24)


def text_of(screen, selector) -> str:
    return str(screen.query_one(selector, Static).render())


def test_every_action_of_the_area_has_a_handler_and_a_binding():
    owners = {"raci": RaciScreen, "raci-edit": RaciEditDialog, "gaming": GamingScreen, "roles": RolesScreen}
    for action in actions.ACTIONS:
        for scope in set(action.scopes) & set(owners):
            assert hasattr(owners[scope], f"action_{action.action.partition('(')[0]}")
            assert action.id in {b.id for b in owners[scope].BINDINGS}


def test_cells_show_letters_in_raci_order():
    assert cell_text([{"role": "X", "letter": "I"}, {"role": "Y", "letter": "R"}, {"role": "Z", "letter": "A"}],
                     False).plain == "R A I"
    assert cell_text([], False).plain == "–"
    row = {"violations": [{"activity": None, "rule": "no_raci"}]}
    assert broken_cells(row) == {"create", "validate", "report", "challenge"}


async def test_raci_from_the_kpi_screen_shows_that_kpi(db):
    app = make_app(db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.push_screen(KpiScreen("OTD_PCT", "PLANT_A", "2026-10"))
        await press(pilot, "1")  # the app-wide key passes the KPI screen's KPI and unit on
        screen = app.screen
        assert isinstance(screen, RaciScreen) and (screen.kpi, screen.unit) == ("OTD_PCT", "PLANT_A")
        assert [r["kpi"] for r in screen.rows] == ["OTD_PCT"]
        await press(pilot, "n")  # to the broken validate cell
        assert screen.query_one(DataTable).cursor_coordinate.column == 2
        assert "more than one Accountable role (FINANCE_CONTROLLER, UNIT_HEAD)" in text_of(screen, "#raci-detail")
        await press(pilot, "c")
        assert len(screen.rows) == 40 and screen.pager.total > 90
        await press(pilot, "right_square_bracket")
        assert screen.pager.offset == 40


async def test_raci_edit_saves_a_letter(db):
    app = make_app(db, user="mvega")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.push_screen(RaciScreen(kpi="NPS"))
        await settle(pilot)
        app.screen.query_one(DataTable).move_cursor(row=0, column=3)  # report: nobody Responsible
        await press(pilot, "e")
        dialog = app.screen
        assert isinstance(dialog, RaciEditDialog) and dialog.activity == "report"
        dialog.query_one(Select).value = "ANALYST"
        await settle(pilot)
        assert dialog.letter() == "R"
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, RaciScreen)
        assert app.screen.rows[0]["violations"] == []
    rows = connect(db).execute("SELECT r.letter FROM raci r JOIN kpis k ON k.id = r.kpi_id JOIN roles o"
                               " ON o.id = r.role_id WHERE k.code = 'NPS' AND o.code = 'ANALYST'"
                               " AND r.activity = 'report'").fetchall()
    assert [r[0] for r in rows] == ["R"]


async def test_raci_edit_refusal_stays_in_the_dialog(db):
    app = make_app(db, user="jvandijk")  # a unit head may not edit definitions
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await press(pilot, "1", "e")
        assert isinstance(app.screen, RaciEditDialog)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, RaciEditDialog)
        assert "lacks permission 'edit_definitions'" in text_of(app.screen, "#raci-edit-error")
        await press(pilot, "escape")
        assert isinstance(app.screen, RaciScreen)


async def test_gaming_lists_incentivised_findings_first_with_evidence(db):
    app = make_app(db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await press(pilot, "2")
        screen = app.screen
        assert isinstance(screen, GamingScreen)
        assert screen.selected()["kpi"] == "LTIF" and screen.selected()["incentivised"]
        assert "target 2.99 vs demonstrated 2.147: easier by 39%" in text_of(screen, "#gaming-detail")
        total = len(screen.shown)
        await press(pilot, "o")
        assert all(f["incentivised"] for f in screen.shown) and len(screen.shown) < total
        kinds = {f["kind"] for f in screen.shown}
        assert kinds == {"sandbagging", "hugging"}


async def test_roles_tabs_and_a_refused_permission_change(db):
    app = make_app(db)  # demo does not administer
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await press(pilot, "3")
        screen = app.screen
        assert isinstance(screen, RolesScreen)
        assert screen.query_one("#roles-unheld", DataTable).row_count == 1
        await press(pilot, "p", "space", "y")
        assert screen.query_one(TabbedContent).active == "permissions"
        assert "refused: user demo lacks permission 'administer'" in text_of(screen, "#roles-perm-message")
        await press(pilot, "x")
        escalation = screen.query_one("#roles-escalation", DataTable)
        assert escalation.row_count == 6 and escalation.has_focus


async def test_an_administrator_grants_from_the_matrix(db):
    app = make_app(db, user="mvega")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await press(pilot, "3", "p")
        screen = app.screen
        table = screen.query_one("#roles-permissions", DataTable)
        table.move_cursor(row=0, column=4)  # ANALYST x approve
        await press(pilot, "space", "y")
        assert "approve granted to ANALYST" in text_of(screen, "#roles-perm-message")
        assert screen.matrix["roles"][0]["granted"]["approve"] is True
    assert "approve" in connect(db).execute("SELECT permissions FROM roles WHERE code = 'ANALYST'").fetchone()[0]


class TestAccountabilitySnapshots:
    def test_raci_at_80x24(self, snap_compare, db):
        async def run_before(pilot):
            await settle(pilot)
            await press(pilot, "1", "n")
        assert snap_compare(make_app(db), terminal_size=SMALL, run_before=run_before)

    def test_raci_edit_dialog_at_80x24(self, snap_compare, db):
        async def run_before(pilot):
            await settle(pilot)
            await press(pilot, "1", "n", "e")
        assert snap_compare(make_app(db, user="mvega"), terminal_size=SMALL, run_before=run_before)

    def test_gaming_at_80x24(self, snap_compare, db):
        async def run_before(pilot):
            await settle(pilot)
            await press(pilot, "2")
            while pilot.app.screen.selected()["kind"] != "hugging":  # the hugging case, with its evidence
                await press(pilot, "down")
        assert snap_compare(make_app(db), terminal_size=SMALL, run_before=run_before)

    def test_roles_unheld_at_80x24(self, snap_compare, db):
        async def run_before(pilot):
            await settle(pilot)
            await press(pilot, "3", "u")
        assert snap_compare(make_app(db), terminal_size=SMALL, run_before=run_before)

    def test_roles_permissions_refused_at_80x24(self, snap_compare, db):
        async def run_before(pilot):
            await settle(pilot)
            await press(pilot, "3", "p", "space", "y")
        assert snap_compare(make_app(db), terminal_size=SMALL, run_before=run_before)

    def test_roles_escalation_at_80x24(self, snap_compare, db):
        async def run_before(pilot):
            await settle(pilot)
            await press(pilot, "3", "x")
        assert snap_compare(make_app(db), terminal_size=SMALL, run_before=run_before)


async def test_gaming_from_a_kpi_starts_on_its_finding(db):
    app = make_app(db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.push_screen(KpiScreen("OPEX_RATIO", "LOGISTICS", "2026-10"))
        await press(pilot, "2")
        screen = app.screen
        assert isinstance(screen, GamingScreen) and screen.unit == "LOGISTICS"
        assert {f["unit"] for f in screen.shown} == {"LOGISTICS"}
        assert (screen.selected()["kpi"], screen.selected()["kind"]) == ("OPEX_RATIO", "hugging")
