"""The meetings list, a meeting run end to end and its dialogs, driven by the pilot on the demo company."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, SelectionList, Static

from pmtui import actions
from pmtui.screens.meeting import MeetingScreen, evidence_text
from pmtui.screens.confirm import ConfirmDialog
from pmtui.screens.meeting_dialogs import DecisionDialog, MinutesDialog, RotationDialog
from pmtui.screens.meetings import MeetingsScreen
from pmtui.services import reviews
from pmtui.services.errors import PmError
from pmtui.store.db import connect
from tests.builders import NOW
from tests.tui._pilot import make_app, press, settle, type_text

SMALL = (80, 24)
SHOWCASE = "PLANT_A-2026-10"


async def open_showcase(pilot):
    """From the scorecard: v, the showcase meeting's row, Enter."""
    await settle(pilot)
    await press(pilot, "v")
    screen = pilot.app.screen
    screen.query_one(DataTable).move_cursor(row=[r["code"] for r in screen.rows].index(SHOWCASE))
    await press(pilot, "enter")


def test_every_action_of_the_area_has_a_handler_and_a_binding():
    owners = {"meetings": MeetingsScreen, "meeting": MeetingScreen, "meeting-decide": DecisionDialog,
              "meeting-minutes": MinutesDialog, "meeting-rotation": RotationDialog}
    for action in actions.ACTIONS:
        for scope in set(action.scopes) & set(owners):
            assert hasattr(owners[scope], f"action_{action.action.partition('(')[0]}"), action.id
            assert action.id in {b.id for b in owners[scope].BINDINGS}, action.id


@pytest.mark.parametrize("evidence, text", [
    ({"value": 1720.0, "target": 1544.0, "rule": "outside_limits"}, "value 1720 · target 1544 · rule outside limits"),
    ({"rules": ["late_start", "slip"], "messages": ["x"]}, "alerts: late start, slip"),
    ({"missed": [{"period": "2026-09", "due": "2026-10-04", "status": "draft"}]}, "2026-09 due 2026-10-04 (draft)"),
    ({"owner": "iholm", "due_on": "2026-10-31", "days_overdue": 26},
     "owner iholm · due 2026-10-31 · days overdue 26"),
    ({}, "no further evidence"),
])
def test_evidence_text(evidence, text):
    assert evidence_text({"evidence": evidence}) == text


async def test_v_lists_meetings_of_the_scorecard_unit_and_enter_opens_one(db):
    app = make_app(db, user="jvandijk")
    async with app.run_test(size=SMALL) as pilot:
        await open_showcase(pilot)
        assert isinstance(app.screen, MeetingScreen) and app.screen.code == SHOWCASE
        kinds = {i["kind"] for i in app.screen.meeting["items"]}
        assert {"spc_concern", "slipped_milestone", "overdue_action"} <= kinds
        assert app.screen.query_one(DataTable).row_count == len(app.screen.meeting["items"])
        await press(pilot, "n", "n")
        assert app.screen.current()["seq"] == 3
        await press(pilot, "p")
        assert app.screen.current()["seq"] == 2
        await press(pilot, "escape")
        assert isinstance(app.screen, MeetingsScreen)


async def test_the_list_takes_the_unit_it_is_opened_for_and_pages(db):
    app = make_app(db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.push_screen(MeetingsScreen(unit="PLANT_A"))
        await settle(pilot)
        assert [r["code"] for r in app.screen.rows] == [SHOWCASE, "PLANT_A-2026-09", "PLANT_A-2026-08",
                                                         "PLANT_A-2026-07"]
        await press(pilot, "right_square_bracket")  # a single page: nothing moves
        assert app.screen.page_start == 0
        await press(pilot, "x")
        assert len(app.screen.rows) == app.screen.total >= 7


async def test_running_the_showcase_meeting_end_to_end(db):
    app = make_app(db, user="jvandijk")
    async with app.run_test(size=SMALL) as pilot:
        await open_showcase(pilot)
        screen = app.screen
        n = len(screen.meeting["items"])
        await press(pilot, "A")
        assert isinstance(app.screen, DecisionDialog)
        await type_text(pilot, "Run a five whys on the signal")
        await press(pilot, "enter")  # on to the owner
        await type_text(pilot, "iholm")
        await press(pilot, "enter", "enter")  # keep the proposed due date, record
        assert app.screen is screen and screen.current()["seq"] == 2
        for _ in range(n - 1):
            await press(pilot, "W")
            await type_text(pilot, "watch")
            await press(pilot, "enter")
        assert all(i["decision"] for i in screen.meeting["items"])
        await press(pilot, "M")
        await type_text(pilot, "Signal root-caused by iholm; the rest watched.")
        await press(pilot, "ctrl+s")
        await press(pilot, "o")
        assert isinstance(app.screen, RotationDialog)
        first = app.screen.query_one(SelectionList).get_option_at_index(0).value
        await press(pilot, "space", "ctrl+s")
        await press(pilot, "F")
        assert isinstance(app.screen, ConfirmDialog)
        assert f"{n} of {n} items decided" in str(app.screen.query_one("#confirm-text", Static).render())
        await press(pilot, "y")
        assert app.screen is screen and screen.meeting["status"] == "finalised"
        await press(pilot, "W")  # a finalised meeting takes no decision
        assert app.screen is screen
    conn = connect(db)
    m = reviews.show(conn, SHOWCASE)
    assert (m["status"], m["finalised_by"], m["minutes"]) == ("finalised", "jvandijk",
                                                                "Signal root-caused by iholm; the rest watched.")
    first_item = m["items"][0]
    assert (first_item["decision"], first_item["decision_note"]) == ("act", "Run a five whys on the signal")
    action = conn.execute("SELECT a.source, p.name, a.due_on FROM actions a JOIN users p ON p.id = a.owner_user_id"
                          " WHERE a.id = ?", [first_item["actions_created"][0]]).fetchone()
    assert tuple(action) == ("meeting", "iholm", "2026-12-24")
    assert [i["decision"] for i in m["items"][1:]] == ["watch"] * (n - 1)
    assert (first, "rotating") in {(p["user"], p["role"]) for p in m["participants"]}
    with pytest.raises(PmError, match="is finalised"):
        reviews.decide(conn, SHOWCASE, 2, "close", "late change", actor="jvandijk", now=NOW)


async def test_a_refusal_stays_in_the_dialog(db):
    app = make_app(db, user="iholm")  # a data steward may not run the review
    async with app.run_test(size=SMALL) as pilot:
        await open_showcase(pilot)
        await press(pilot, "W")
        await type_text(pilot, "watch")
        await press(pilot, "enter")
        assert isinstance(app.screen, DecisionDialog)
        assert "may not run meeting" in str(app.screen.query_one("#meeting-decide-error", Static).render())
        assert app.screen.query_one(Input).value == "watch"
        await press(pilot, "escape")
        assert isinstance(app.screen, MeetingScreen)


async def test_a_browse_only_session_cannot_decide(db):
    app = make_app(db, user=None)
    async with app.run_test(size=SMALL) as pilot:
        await open_showcase(pilot)
        await press(pilot, "A")
        assert isinstance(app.screen, MeetingScreen)


class TestMeetingSnapshots:
    def test_meetings_list_at_80x24(self, snap_compare, db):
        async def run_before(pilot):
            await settle(pilot)
            await press(pilot, "v")

        assert snap_compare(make_app(db, user="jvandijk"), terminal_size=SMALL, run_before=run_before)

    def test_meeting_agenda_at_80x24(self, snap_compare, db):
        assert snap_compare(make_app(db, user="jvandijk"), terminal_size=SMALL, run_before=open_showcase)

    def test_act_dialog_at_80x24(self, snap_compare, db):
        async def run_before(pilot):
            await open_showcase(pilot)
            await press(pilot, "A")
            await type_text(pilot, "Run a five whys")

        assert snap_compare(make_app(db, user="jvandijk"), terminal_size=SMALL, run_before=run_before)

    def test_minutes_dialog_at_80x24(self, snap_compare, db):
        async def run_before(pilot):
            await open_showcase(pilot)
            await press(pilot, "M")
            await type_text(pilot, "Decisions as recorded.")

        assert snap_compare(make_app(db, user="jvandijk"), terminal_size=SMALL, run_before=run_before)

    def test_rotation_dialog_at_80x24(self, snap_compare, db):
        async def run_before(pilot):
            await open_showcase(pilot)
            await press(pilot, "o")

        assert snap_compare(make_app(db, user="jvandijk"), terminal_size=SMALL, run_before=run_before)
