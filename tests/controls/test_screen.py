"""The control assessments screen and the audit browser, driven by the pilot on the demo company."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input, Static

from pmtui import actions
from pmtui.screens.audit_browser import AuditBrowserScreen
from pmtui.screens import audit_dialogs
from pmtui.screens.audit_dialogs import ExportDialog, FilterDialog
from pmtui.screens.controls import ControlsScreen
from pmtui.screens.controls_dialogs import RunDialog, SignOffDialog
from pmtui.screens.kpi import KpiScreen
from pmtui.services import controls
from pmtui.services.audit_browse import Filter as AuditFilter
from pmtui.store.db import connect
from tests.builders import NOW
from tests.tui._pilot import make_app, press, settle, type_text

SMALL = (80, 24)


def _text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def _open(pilot, key="4", *keys):
    await settle(pilot)
    await press(pilot, key, *keys)


def test_every_action_of_the_area_has_a_handler_and_a_binding():
    owners = {"controls": ControlsScreen, "controls-run": RunDialog, "controls-sign-off": SignOffDialog,
              "audit-browser": AuditBrowserScreen, "audit-filter": FilterDialog, "audit-export": ExportDialog}
    for action in actions.ACTIONS:
        for scope in set(action.scopes) & set(owners):
            assert hasattr(owners[scope], f"action_{action.action}"), action.id
            assert action.id in {b.id for b in owners[scope].BINDINGS}, action.id
    keys = {a.key: a.action for a in actions.ACTIONS if "app" in a.scopes}
    assert keys["4"] == "open_screen('controls')" and keys["h"] == "open_screen('audit-browser')"


async def test_4_shows_the_signed_off_assessment_and_its_findings(db):
    app = make_app(db)
    async with app.run_test(size=SMALL) as pilot:
        await _open(pilot)
        screen = app.screen
        assert isinstance(screen, ControlsScreen)
        assert screen.query_one("#controls-assessments", DataTable).row_count == 1
        assert screen.selected["quarter"] == "2026Q3" and screen.selected["status"] == "signed_off"
        assert "signed off by knakamura on 2026-10-21" in _text(screen, "#controls-summary")
        findings = screen.query_one("#controls-findings", DataTable)
        assert findings.row_count == len(screen.selected["findings"]) > 0
        assert "dormant_accounts" in _text(screen, "#controls-detail")
        await press(pilot, "G")  # high only: none in the demo
        assert findings.row_count == 0 and "high findings only" in _text(screen, "#controls-summary")
        await press(pilot, "G")
        assert findings.row_count == sum(f["severity"] == "medium" for f in screen.selected["findings"]) > 0
        await press(pilot, "escape")
        assert not isinstance(app.screen, ControlsScreen)


async def test_a_signed_off_assessment_cannot_be_signed_again(db):
    app = make_app(db, user="knakamura")
    async with app.run_test(size=SMALL) as pilot:
        await _open(pilot, "4", "S")
        assert isinstance(app.screen, ControlsScreen)
        assert any("it is final" in n.message for n in app._notifications)


async def test_run_then_sign_off_refused_then_signed_by_a_controller(db):
    app = make_app(db)  # demo: group-wide view, may run but not sign off
    async with app.run_test(size=SMALL) as pilot:
        await _open(pilot, "4", "n")
        assert isinstance(app.screen, RunDialog)
        assert app.screen.query_one("#quarter", Input).value == "2026Q4"
        await press(pilot, "enter")
        assert isinstance(app.screen, ControlsScreen)
        assert app.screen.selected["quarter"] == "2026Q4" and app.screen.selected["run_by"] == "demo"
        assert app.screen.query_one("#controls-assessments", DataTable).row_count == 2
        await press(pilot, "S")
        assert isinstance(app.screen, SignOffDialog)
        await type_text(pilot, "looks fine")
        await press(pilot, "enter")
        assert isinstance(app.screen, SignOffDialog)
        assert "lacks permission 'approve' group-wide or 'administer'" in _text(app.screen, ".controls-form-error")
        assert app.screen.query_one("#note", Input).value == "looks fine"
        await press(pilot, "escape")
        assert isinstance(app.screen, ControlsScreen)
    app = make_app(db, user="knakamura")
    async with app.run_test(size=SMALL) as pilot:
        await _open(pilot, "4", "S")
        assert isinstance(app.screen, SignOffDialog)
        await type_text(pilot, "Q4 to date reviewed")
        await press(pilot, "enter")
        assert isinstance(app.screen, ControlsScreen)
        assert app.screen.selected["status"] == "signed_off"
    row = connect(db).execute("SELECT quarter, run_by, signed_off_by, sign_off_note FROM control_assessments"
                              " ORDER BY id DESC LIMIT 1").fetchone()
    assert tuple(row) == ("2026Q4", "demo", "knakamura", "Q4 to date reviewed")


async def test_a_bad_quarter_stays_in_the_dialog(db):
    app = make_app(db)
    async with app.run_test(size=SMALL) as pilot:
        await _open(pilot, "4", "n")
        for _ in range(6):
            await pilot.press("backspace")
        await type_text(pilot, "2031Q1")
        await press(pilot, "enter")
        assert isinstance(app.screen, RunDialog)
        assert "2031Q1 has not started yet" in _text(app.screen, ".controls-form-error")


async def test_a_finding_opens_the_audit_history_of_its_user(db):
    app = make_app(db)
    async with app.run_test(size=SMALL) as pilot:
        await _open(pilot)
        screen = app.screen
        index = [f["element"] for f in screen.selected["findings"]].index("user:hmeyer")
        screen.query_one("#controls-findings", DataTable).move_cursor(row=index)
        await press(pilot, "o")
        assert isinstance(app.screen, AuditBrowserScreen)
        assert app.screen.filter.actor == "hmeyer"
        assert {r["action"] for r in app.screen.page.rows} >= {"control.run", "control.finding"}


async def test_browser_pages_and_shows_changes(db):
    app = make_app(db)
    async with app.run_test(size=SMALL) as pilot:
        await _open(pilot, "h")
        screen = app.screen
        assert isinstance(screen, AuditBrowserScreen)
        assert screen.filter.unit == "GROUP"  # opened from the scorecard of the group
        await press(pilot, "c")
        first = [r["seq"] for r in screen.page.rows]
        total = connect(db).execute("SELECT max(seq) FROM audit_log").fetchone()[0]
        assert first == list(range(total, total - 50, -1)) and screen.page.more
        await press(pilot, "right_square_bracket")
        assert [r["seq"] for r in screen.page.rows][0] == first[-1] - 1
        assert "page 2" in _text(screen, "#audit-title")
        await press(pilot, "left_square_bracket")
        assert [r["seq"] for r in screen.page.rows] == first
        assert f"#{total} " in _text(screen, "#audit-detail")


async def test_opened_from_the_kpi_screen_it_filters_to_that_kpi(db):
    app = make_app(db)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        app.push_screen(KpiScreen("OTD_PCT", "PLANT_A", "2026-10"))
        await settle(pilot)
        await press(pilot, "h")
        screen = app.screen
        assert isinstance(screen, AuditBrowserScreen)
        assert (screen.filter.kpi, screen.filter.unit, screen.filter.period) == ("OTD_PCT", "PLANT_A", "")
        conn = connect(db)
        ids = {str(r[0]) for r in conn.execute(
            "SELECT m.id FROM measurements m JOIN kpis k ON k.id = m.kpi_id JOIN units u ON u.id = m.unit_id"
            " WHERE k.code = 'OTD_PCT' AND u.code = 'PLANT_A'")}
        kpi_id = str(conn.execute("SELECT id FROM kpis WHERE code = 'OTD_PCT'").fetchone()[0])
        for r in screen.page.rows:
            assert (r["entity"] == "kpis" and r["entity_key"] == kpi_id) or r["entity"] != "kpis"
        assert any(r["entity"] == "measurements" and r["entity_key"] in ids for r in screen.page.rows)


async def test_filter_dialog_applies_and_refuses_bad_input(db):
    app = make_app(db)
    async with app.run_test(size=SMALL) as pilot:
        await _open(pilot, "h", "F")
        assert isinstance(app.screen, FilterDialog)
        dialog = app.screen
        dialog.query_one("#unit", Input).value = ""
        dialog.query_one("#actor", Input).value = "knakamura"
        dialog.query_one("#date_from", Input).value = "2026-13-01"
        await press(pilot, "enter")
        assert isinstance(app.screen, FilterDialog)
        assert "must be a date YYYY-MM-DD" in _text(app.screen, ".controls-form-error")
        dialog.query_one("#date_from", Input).value = "2026-10-21"
        dialog.query_one("#date_to", Input).value = "2026-10-21"
        await press(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, AuditBrowserScreen)
        assert screen.filter.describe() == "user knakamura · from 2026-10-21 · to 2026-10-21"
        assert [r["action"] for r in screen.page.rows] == ["control.sign_off"]


async def test_export_writes_the_history_and_shows_the_path(db, tmp_path):
    app = make_app(db)
    async with app.run_test(size=SMALL) as pilot:
        await _open(pilot, "h")
        app.screen.apply(AuditFilter(entity="control_assessments", key="1"))
        await settle(pilot)
        await press(pilot, "x")
        assert isinstance(app.screen, ExportDialog)
        field = app.screen.query_one("#path", Input)
        assert field.value == str(Path(db).parent / "exports" / "history-control_assessments-1.html")
        target = tmp_path / "out" / "assessment-1.md"
        field.value = str(target)
        await press(pilot, "enter")
        assert isinstance(app.screen, AuditBrowserScreen)
        assert any(str(target) in n.message for n in app._notifications)
    text = target.read_text()
    assert text.startswith("# History of control_assessments 1 (2026Q3)")
    assert "control.run" in text and "control.sign_off" in text and "status: open -\\> signed_off" in text


async def _browse_perspectives(pilot, *keys):
    """The browser filtered to the perspectives table: entries of the core demo, stable across areas."""
    await _open(pilot, "h")
    pilot.app.screen.apply(AuditFilter(entity="perspectives"))
    await settle(pilot)
    await press(pilot, *keys) if keys else None


class TestControlsSnapshots:
    def test_controls_at_80x24(self, snap_compare, db):
        assert snap_compare(make_app(db), terminal_size=SMALL, run_before=_open)

    def test_run_dialog_at_80x24(self, snap_compare, db):
        async def run_before(pilot):
            await _open(pilot, "4", "n")

        assert snap_compare(make_app(db), terminal_size=SMALL, run_before=run_before)

    def test_sign_off_dialog_at_80x24(self, snap_compare, db):
        conn = connect(db)
        controls.run(conn, "2026Q4", actor="hmeyer", now=NOW)
        conn.close()

        async def run_before(pilot):
            await _open(pilot, "4", "S")

        assert snap_compare(make_app(db, user="knakamura"), terminal_size=SMALL, run_before=run_before)

    def test_audit_browser_at_80x24(self, snap_compare, db):
        assert snap_compare(make_app(db), terminal_size=SMALL, run_before=_browse_perspectives)

    def test_filter_dialog_at_80x24(self, snap_compare, db):
        async def run_before(pilot):
            await _browse_perspectives(pilot, "F")

        assert snap_compare(make_app(db), terminal_size=SMALL, run_before=run_before)

    def test_export_dialog_at_80x24(self, snap_compare, db, monkeypatch):
        # the default path lies in the test's temporary folder, which differs on every run
        monkeypatch.setattr(audit_dialogs, "default_path", lambda _db, entity, key: f"exports/{entity}-{key}.html")

        async def run_before(pilot):
            await _browse_perspectives(pilot, "x")

        assert snap_compare(make_app(db), terminal_size=SMALL, run_before=run_before)
