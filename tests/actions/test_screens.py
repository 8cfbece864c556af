"""The action register, root-cause screen and revise-or-hold dialog, driven by the pilot on the demo."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from pmtui import actions as keys
from pmtui.screens import register_list
from pmtui.screens.action_dialogs import AddActionDialog, CloseDialog, NoteDialog
from pmtui.screens.actions import ActionsScreen
from pmtui.screens.kpi import KpiScreen
from pmtui.screens.rca_editor import RcaEditorDialog
from pmtui.screens.register_form import RegisterForm
from pmtui.screens.revise_hold import ReviseHoldDialog
from pmtui.screens.root_causes import RootCausesScreen
from pmtui.store.db import connect
from tests.tui._pilot import make_app, press, settle, type_text

SMALL = (80, 24)
#: The demo's first action: PLANT_A, owned by jvandijk, overdue.
FIRST_ACTION = 1
#: Problem of the demo's open root-cause analysis at PLANT_A.
OPEN_PROBLEM = "Complaints per thousand units have stayed above the centre line since spring 2026"


def _cursor_to(screen, action_id: int) -> None:
    index = [r["id"] for r in screen.rows].index(action_id)
    screen.query_one(DataTable).move_cursor(row=index)


def _open_record(db) -> dict:
    from pmtui.services import root_causes

    conn = connect(db)
    try:
        rca_id = conn.execute("SELECT id FROM root_causes WHERE problem = ?", [OPEN_PROBLEM]).fetchone()[0]
        return root_causes.get(conn, rca_id)
    finally:
        conn.close()


def _error(screen) -> str:
    return str(screen.query_one(".register-error", Static).render())


async def _push(pilot, screen):
    await settle(pilot)
    pilot.app.push_screen(screen)
    await settle(pilot)


def test_every_action_of_the_area_has_a_handler_and_a_binding():
    owners = {"register": ActionsScreen, "rca": RootCausesScreen, "register-form": RegisterForm}
    for action in keys.ACTIONS:
        for scope in set(action.scopes) & set(owners):
            assert hasattr(owners[scope], f"action_{action.action}"), action.id
            assert action.id in {b.id for b in owners[scope].BINDINGS}, action.id


async def test_k_opens_the_register_with_overdue_actions_first(db):
    app = make_app(db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await press(pilot, "k")
        screen = app.screen
        assert isinstance(screen, ActionsScreen) and screen.unit == "GROUP"
        assert len(screen.rows) == min(screen.total, register_list.PAGE) and screen.total >= 25
        overdue = [r for r in screen.rows if r["overdue"]]
        assert overdue == screen.rows[:len(overdue)] and len(overdue) >= 5
        assert str(screen.query_one("#actions-detail", Static).render()).startswith(f"#{overdue[0]['id']} ")
        await press(pilot, "o")
        assert all(r["overdue"] for r in screen.rows) and len(screen.rows) == len(overdue)
        await press(pilot, "o", "S", "S")
        assert screen.source == "rca" and {r["source"] for r in screen.rows} == {"rca"}
        await press(pilot, "c", "T")
        assert screen.status == "active" and screen.unit is None
        await press(pilot, "escape")
        assert not isinstance(app.screen, ActionsScreen)


async def test_mine_and_paging(db, monkeypatch):
    monkeypatch.setattr(register_list, "PAGE", 5)
    app = make_app(db, user="jvandijk")
    async with app.run_test(size=SMALL) as pilot:
        await _push(pilot, ActionsScreen())
        screen = app.screen
        first = [r["id"] for r in screen.rows]
        await press(pilot, "right_square_bracket")
        assert len(screen.rows) == 5 and not set(first) & {r["id"] for r in screen.rows}
        assert "6-10 of" in str(screen.query_one("#actions-title", Static).render())
        await press(pilot, "left_square_bracket", "M")
        assert screen.page == 0 and {r["owner"] for r in screen.rows} == {"jvandijk"}


async def test_opened_from_the_kpi_screen_it_filters_to_the_kpi_and_unit(db):
    app = make_app(db)
    async with app.run_test(size=SMALL) as pilot:
        await _push(pilot, KpiScreen("COMPLAINTS_PER_K", "PLANT_A", "2026-10"))
        await press(pilot, "k")
        screen = app.screen
        assert (screen.kpi, screen.unit) == ("COMPLAINTS_PER_K", "PLANT_A")
        assert "Clear the X2 connector complaints backlog" in [r["title"] for r in screen.rows]
        assert {(r["kpi"], r["unit"][:7]) for r in screen.rows} == {("COMPLAINTS_PER_K", "PLANT_A")}
        await press(pilot, "y")
        assert isinstance(app.screen, RootCausesScreen) and app.screen.rows
        assert {r["kpi"] for r in app.screen.rows} == {"COMPLAINTS_PER_K"}


async def test_add_note_and_close_through_the_dialogs(db):
    app = make_app(db, user="jvandijk")
    async with app.run_test(size=SMALL) as pilot:
        await _push(pilot, ActionsScreen(kpi="COMPLAINTS_PER_K", unit="PLANT_A"))
        await press(pilot, "A")
        assert isinstance(app.screen, AddActionDialog)
        await type_text(pilot, "Audit crimp tools")
        await press(pilot, "tab")
        await type_text(pilot, "iholm")
        await press(pilot, "enter")
        assert isinstance(app.screen, ActionsScreen)
        assert "Audit crimp tools" in [r["title"] for r in app.screen.rows]
        _cursor_to(app.screen, FIRST_ACTION)
        await press(pilot, "n")
        assert isinstance(app.screen, NoteDialog)
        await type_text(pilot, "Backlog at 20")
        await press(pilot, "enter")
        await press(pilot, "d")
        assert isinstance(app.screen, CloseDialog)
        await press(pilot, "enter")
        assert "close note is required" in _error(app.screen)
        await type_text(pilot, "Backlog cleared")
        await press(pilot, "enter")
        assert isinstance(app.screen, ActionsScreen)
    conn = connect(db)
    added = conn.execute("SELECT a.title, p.name, a.due_on, a.kpi_id IS NOT NULL FROM actions a JOIN users p"
                         " ON p.id = a.owner_user_id WHERE a.title = 'Audit crimp tools'").fetchone()
    assert tuple(added) == ("Audit crimp tools", "iholm", "2026-12-10", 1)
    closed = conn.execute("SELECT status, close_note, (SELECT note FROM action_notes n WHERE n.action_id = a.id"
                          " ORDER BY n.id DESC LIMIT 1) FROM actions a WHERE id = 1").fetchone()
    assert tuple(closed) == ("done", "Backlog cleared", "Backlog at 20")


async def test_a_refused_close_stays_in_the_dialog(db):
    app = make_app(db)  # demo neither owns the action nor may approve
    async with app.run_test(size=SMALL) as pilot:
        await _push(pilot, ActionsScreen(unit="PLANT_A"))
        _cursor_to(app.screen, FIRST_ACTION)
        await press(pilot, "d")
        await type_text(pilot, "done")
        await press(pilot, "enter")
        assert isinstance(app.screen, CloseDialog)
        assert "only the owner (jvandijk)" in _error(app.screen)
        assert app.screen.query_one("#action-note", Input).value == "done"


async def test_root_causes_edit_and_close(db):
    app = make_app(db, user="jvandijk")
    record = _open_record(db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await press(pilot, "y")
        screen = app.screen
        assert isinstance(screen, RootCausesScreen) and screen.total >= 6
        screen.query_one(DataTable).move_cursor(row=[r["id"] for r in screen.rows].index(record["id"]))
        await press(pilot, "e")
        assert isinstance(app.screen, RcaEditorDialog) and app.screen.record["id"] == record["id"]
        await type_text(pilot, "Tool changes are not logged")  # the first empty field: why 3
        app.screen.query_one("#rca-root", Input).value = "No tool-wear monitoring on crimp presses"
        app.screen.query_one("#rca-class").query("RadioButton")[1].value = True
        await pilot.click("#rca-close")
        await settle(pilot)
        assert isinstance(app.screen, RootCausesScreen)
    closed = _open_record(db)
    assert (closed["status"], closed["classification"], closed["closed_by"]) == ("closed", "process", "jvandijk")
    assert closed["whys"][2] == "Tool changes are not logged"


async def test_closing_a_record_needs_approve(db):
    app = make_app(db)
    async with app.run_test(size=SMALL) as pilot:
        await _push(pilot, RcaEditorDialog(_open_record(db)))
        app.screen.query_one("#rca-root", Input).value = "Tool wear"
        app.screen.query_one("#rca-class").query("RadioButton")[2].value = True
        await pilot.click("#rca-close")
        await settle(pilot)
        assert isinstance(app.screen, RcaEditorDialog) and "lacks permission 'approve'" in _error(app.screen)


async def test_revise_hold_dialog_records_a_hold(db):
    app = make_app(db, user="fweber")
    result = {}
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.push_screen(ReviseHoldDialog("OTD_PCT", "PLANT_B", "2026-10"), lambda r: result.setdefault("row", r))
        await settle(pilot)
        dialog = app.screen
        assert "sustained shift below the centre line since 2025-11" in str(
            dialog.query_one("#rh-evidence", Static).render())
        assert "HOLD" in str(dialog.query_one("#rh-advice", Static).render())
        await press(pilot, "enter")
        assert "needs a rationale" in _error(dialog)
        await type_text(pilot, "Still our own planning")
        await press(pilot, "enter")
    assert (result["row"]["decision"], result["row"]["origin"], result["row"]["decided_by"]) == (
        "hold", "internal", "fweber")


async def test_revise_hold_from_the_rca_screen_needs_a_target(db):
    app = make_app(db, user="fweber")
    async with app.run_test(size=SMALL) as pilot:
        await _push(pilot, RootCausesScreen(unit="PLANT_B"))
        await press(pilot, "H")
        dialog = app.screen
        assert isinstance(dialog, ReviseHoldDialog) and (dialog.kpi, dialog.period) == ("OTD_PCT", "2025-12")
        dialog.query_one("#rh-decision").query("RadioButton")[1].value = True
        dialog.query_one("#rh-origin").query("RadioButton")[0].value = True
        await settle(pilot)
        assert not dialog.query_one("#rh-target", Input).disabled
        await type_text(pilot, "ERP")
        await press(pilot, "enter")
        assert "needs the new target" in _error(dialog)


async def test_read_only_sessions_cannot_open_the_forms(db):
    app = make_app(db, user=None)
    async with app.run_test(size=SMALL) as pilot:
        await _push(pilot, ActionsScreen())
        await press(pilot, "A")
        assert isinstance(app.screen, ActionsScreen)


class TestSnapshots:
    def test_register_at_80x24(self, snap_compare, db):
        async def run_before(pilot):
            await _push(pilot, ActionsScreen(unit="RGN_SOUTH"))
        assert snap_compare(make_app(db), terminal_size=SMALL, run_before=run_before)

    def test_add_dialog_at_80x24(self, snap_compare, db):
        async def run_before(pilot):
            await _push(pilot, ActionsScreen(kpi="OPEX", unit="PLANT_A"))
            await press(pilot, "A")
        assert snap_compare(make_app(db, user="jvandijk"), terminal_size=SMALL, run_before=run_before)

    def test_close_dialog_at_80x24(self, snap_compare, db):
        async def run_before(pilot):
            await _push(pilot, ActionsScreen(unit="DC_SOUTH"))
            await press(pilot, "d")
        assert snap_compare(make_app(db, user="mgarcia"), terminal_size=SMALL, run_before=run_before)

    def test_note_dialog_at_80x24(self, snap_compare, db):
        async def run_before(pilot):
            await _push(pilot, ActionsScreen(unit="DC_NORTH"))
            await press(pilot, "n")
        assert snap_compare(make_app(db, user="bnovak"), terminal_size=SMALL, run_before=run_before)

    def test_root_causes_at_80x24(self, snap_compare, db):
        async def run_before(pilot):
            await _push(pilot, RootCausesScreen(unit="RGN_CENTRAL"))
            await press(pilot, "down")
        assert snap_compare(make_app(db), terminal_size=SMALL, run_before=run_before)

    def test_rca_editor_at_80x24(self, snap_compare, db):
        async def run_before(pilot):
            await _push(pilot, RcaEditorDialog(_open_record(db)))
        assert snap_compare(make_app(db), terminal_size=SMALL, run_before=run_before)

    def test_revise_hold_at_80x24(self, snap_compare, db):
        async def run_before(pilot):
            await _push(pilot, ReviseHoldDialog("OTD_PCT", "PLANT_B", "2026-10"))
        assert snap_compare(make_app(db, user="fweber"), terminal_size=SMALL, run_before=run_before)
