"""The allocation screen and decision dialog, driven by the pilot on the demo company."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from pmtui import actions
from pmtui.screens.allocation import AllocationScreen, bar
from pmtui.screens.allocation_decide import DecideDialog
from pmtui.store.db import connect
from tests.tui._pilot import make_app, press, settle, type_text

SMALL = (80, 24)


async def _open(pilot, *keys):
    await settle(pilot)
    await press(pilot, "b", *keys)


def test_every_action_of_the_area_has_a_handler_and_a_binding():
    owners = {"allocation": AllocationScreen, "allocation-decide": DecideDialog}
    for action in actions.ACTIONS:
        for scope in set(action.scopes) & set(owners):
            assert hasattr(owners[scope], f"action_{action.action}")
            assert action.id in {b.id for b in owners[scope].BINDINGS}


def test_bar_cells():
    assert bar(10, "").plain == "█████ 10.0"
    assert bar(5, "").plain == "██▌   5.0"
    assert bar(None, "").plain.strip() == "–"


async def test_b_opens_the_ranked_round_with_conflicts(db):
    app = make_app(db)
    async with app.run_test(size=SMALL) as pilot:
        await _open(pilot)
        assert isinstance(app.screen, AllocationScreen)
        table = app.screen.query_one("#alloc-requests", DataTable)
        assert table.row_count == 11 and table.has_focus
        assert "over budget" in str(app.screen.query_one("#alloc-conflicts", Static).render())
        await press(pilot, "escape")
        assert not isinstance(app.screen, AllocationScreen)


async def test_decide_records_the_decision(db):
    app = make_app(db, user="knakamura")
    async with app.run_test(size=SMALL) as pilot:
        await _open(pilot)
        first = app.screen.ranking.requests[0].request.code
        await press(pilot, "d")
        assert isinstance(app.screen, DecideDialog)
        await type_text(pilot, "Fits the plan")
        await press(pilot, "enter")
        assert isinstance(app.screen, AllocationScreen)
        assert app.screen.ranking.requests[0].place == "approved"
    row = connect(db).execute("SELECT status, decided_by, rationale FROM allocation_requests WHERE code = ?",
                              [first]).fetchone()
    assert tuple(row) == ("approved", "knakamura", "Fits the plan")


async def test_refusal_stays_in_the_dialog(db):
    app = make_app(db)  # "demo" may not approve
    async with app.run_test(size=SMALL) as pilot:
        await _open(pilot, "d")
        await type_text(pilot, "x")
        await press(pilot, "enter")
        assert isinstance(app.screen, DecideDialog)
        assert "lacks permission" in str(app.screen.query_one("#decide-error", Static).render())
        assert app.screen.query_one("#decide-rationale", Input).value == "x"
        await press(pilot, "escape")
        assert isinstance(app.screen, AllocationScreen)


async def test_decided_requests_cannot_be_decided_again(db):
    app = make_app(db, user="knakamura")
    async with app.run_test(size=SMALL) as pilot:
        await _open(pilot)
        approved = [r.request.code for r in app.screen.ranking.requests].index("CX_FS_MOBILE")
        app.screen.query_one("#alloc-requests", DataTable).move_cursor(row=approved)
        await press(pilot, "d")
        assert isinstance(app.screen, AllocationScreen)


class TestAllocationSnapshots:
    def test_allocation_at_80x24(self, snap_compare, db):
        assert snap_compare(make_app(db), terminal_size=SMALL, run_before=_open)

    def test_decide_dialog_at_80x24(self, snap_compare, db):
        async def run_before(pilot):
            await _open(pilot, "d")

        assert snap_compare(make_app(db, user="knakamura"), terminal_size=SMALL, run_before=run_before)
