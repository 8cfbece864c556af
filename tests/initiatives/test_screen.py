"""The initiatives timeline screen, driven by the pilot on the demo company (today 2026-11-26)."""

from __future__ import annotations

from datetime import date

from textual.widgets import DataTable, Static

from pmtui import actions
from pmtui.core.timeline import Window
from pmtui.screens.initiatives import InitiativesScreen
from pmtui.widgets.gantt import bar, dots
from tests.tui._pilot import make_app, press, settle

SMALL = (80, 24)


def _keys(screen) -> list[str]:
    table = screen.query_one(DataTable)
    return [table.coordinate_to_cell_key((i, 0)).row_key.value for i in range(table.row_count)]


def _detail(screen) -> str:
    return str(screen.query_one("#initiatives-detail", Static).render())


async def _open_plant_a(pilot):
    await settle(pilot)
    pilot.app.push_screen(InitiativesScreen(unit="PLANT_A", kpi="OEE_PCT", period="2026-10"))
    await settle(pilot)


def test_every_action_of_the_area_has_a_handler_and_a_binding():
    for action in actions.ACTIONS:
        if "initiatives" in action.scopes:
            assert hasattr(InitiativesScreen, f"action_{action.action}")
            assert action.id in {b.id for b in InitiativesScreen.BINDINGS}
    assert actions.by_id("open-initiatives").key == "g"


def test_bar_halves_and_today():
    window = Window(date(2026, 1, 1), date(2026, 7, 1))  # six months, two cells each
    text = bar(window, 12, planned=("2026-01-01", "2026-02-28"), actual=("2026-02-01", "2026-03-31"),
               colour="red", today=date(2026, 5, 10))
    assert text.plain == "▀▀▀▀▄▄  │   "
    assert "on red1" in str(text.spans[2].style)  # plan over actual: both halves
    assert bar(window, 12, planned=(None, None), actual=(None, None), colour="grey", today=date(2027, 1, 1)).plain \
        == " " * 12
    assert dots([{"status": "green"}, {"status": None}, {"status": "red"}]).plain == "●○●"


async def test_g_opens_every_initiative_from_the_group_scorecard_in_pages(db):
    app = make_app(db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await press(pilot, "g")
        screen = app.screen
        assert isinstance(screen, InitiativesScreen)
        assert screen.page["total"] == 9
        initiatives = [k for k in _keys(screen) if k.startswith("I:")]
        assert initiatives == ["I:DCN_AUTOSTORE", "I:ECOM_REPLATFORM", "I:FS_MOBILE_WO", "I:GRP_MASTER_DATA",
                               "I:PKG_CARVE_OUT", "I:PA_LINE3_LEAN"]
        await press(pilot, "right_square_bracket")
        assert [k for k in _keys(screen) if k.startswith("I:")] == ["I:PA_PREDICT_MAINT", "I:PB_SMED",
                                                                   "I:RET_SELF_CHECKOUT"]
        await press(pilot, "right_square_bracket")  # no page after the last
        assert screen.page_offset == 6
        await press(pilot, "left_square_bracket")
        assert screen.page_offset == 0
        await press(pilot, "escape")
        assert not isinstance(app.screen, InitiativesScreen)


async def test_filtered_by_unit_and_kpi_with_alert_evidence(db):
    app = make_app(db)
    async with app.run_test(size=SMALL) as pilot:
        await _open_plant_a(pilot)
        screen = app.screen
        assert _keys(screen) == ["I:PA_LINE3_LEAN", *(f"M:PA_LINE3_LEAN/M{i}" for i in range(1, 6))]
        assert "unit PLANT_A · KPI OEE_PCT" in str(screen.query_one("#initiatives-title", Static).render())
        assert "OEE_PCT" in _detail(screen) and "U_OPS_MFG_PLANT_A" in _detail(screen)
        screen.query_one(DataTable).move_cursor(row=4)  # M4: started 27 days late
        await settle(pilot)
        detail = _detail(screen)
        assert "PA_LINE3_LEAN/M4" in detail and "RED slip since" in detail
        # The numbers have not moved since the late start was recorded (2026-09-28, entered the next day).
        assert "slip_days=27" in detail and "threshold=20" in detail and "today=2026-09-29" in detail
        table = screen.query_one(DataTable)
        assert table.get_row_at(4)[1].plain == "+27"
        await press(pilot, "c")
        assert screen.page["total"] == 9 and screen.unit is None


async def test_evaluate_alerts_writes_or_refuses(db):
    app = make_app(db, readonly=True)
    async with app.run_test(size=SMALL) as pilot:
        await _open_plant_a(pilot)
        await press(pilot, "e")
        assert any("Read-only session" in str(n.message) for n in app._notifications)
    app = make_app(db)
    async with app.run_test(size=SMALL) as pilot:
        await _open_plant_a(pilot)
        await press(pilot, "e", "y")
        assert any("9 initiatives on 2026-11-26" in str(n.message) for n in app._notifications)


class TestInitiativesSnapshots:
    def test_timeline_at_80x24(self, snap_compare, db):
        assert snap_compare(make_app(db), terminal_size=SMALL, run_before=_open_plant_a)

    def test_milestone_evidence_at_80x24(self, snap_compare, db):
        async def run_before(pilot):
            await _open_plant_a(pilot)
            await press(pilot, "down", "down", "down", "down")

        assert snap_compare(make_app(db), terminal_size=SMALL, run_before=run_before)
