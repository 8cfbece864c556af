"""The disputes screen, the minutes search and the commentary dialog, driven by the pilot at 80x24."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static, TextArea

from pmtui import actions
from pmtui.screens import registry
from pmtui.screens.commentary import CommentaryDialog
from pmtui.screens.dispute_dialogs import ProceedDialog, RaiseDialog
from pmtui.screens.disputes import DisputesScreen
from pmtui.screens.kpi import KpiScreen
from pmtui.screens.minutes_record import MinutesRecordScreen
from pmtui.screens.minutes_search import MinutesSearchScreen, highlight
from pmtui.services import commentary, disputes
from pmtui.services import measurements as ms
from pmtui.store.db import connect
from tests.builders import NOW
from tests.tui._pilot import make_app, press, settle, type_text

SMALL = (80, 24)
WHY = "Heat warnings kept pickers at home for two weeks"


def _text(screen, selector):
    return str(screen.query_one(selector, Static).render())


def test_every_action_of_the_area_has_a_handler_and_a_binding():
    owners = {"disputes": DisputesScreen, "dispute-form": RaiseDialog, "minutes": MinutesSearchScreen,
              "minutes-record": MinutesRecordScreen, "commentary": CommentaryDialog}
    for action in actions.ACTIONS:
        for scope in set(action.scopes) & set(owners):
            owner = owners[scope]
            assert hasattr(owner, f"action_{action.action}"), (scope, action.id)
            assert action.id in {b.id for b in owner.BINDINGS}
    assert registry.load("commentary") is CommentaryDialog and CommentaryDialog.ACCEPTS_CONTEXT
    assert registry.load("disputes") is DisputesScreen and registry.load("minutes") is MinutesSearchScreen


def test_highlight_marks_hits():
    text = highlight("a \ue000hit\ue001 and \ue000two\ue001\nend")
    assert text.plain == "a hit and two end"
    assert [text.plain[s.start:s.end] for s in text.spans] == ["hit", "two"]


async def _disputes(pilot, *keys):
    await settle(pilot)
    await press(pilot, "5", *keys)


async def test_5_opens_the_register(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        await _disputes(pilot)
        assert isinstance(app.screen, DisputesScreen)
        table = app.screen.query_one(DataTable)
        assert [table.get_row_at(i)[0] for i in range(table.row_count)] == ["DSP-003", "DSP-002", "DSP-001"]
        assert "Performance Governance Committee: 6 members, 2 open" in _text(app.screen, "#dsp-committees")
        assert "Absence is managed day to day" in _text(app.screen, "#dsp-detail")
        await press(pilot, "down", "down")
        assert "Applied: owner role QUALITY_LEAD -> UNIT_HEAD" in _text(app.screen, "#dsp-detail")
        await press(pilot, "H")  # DSP-001 is decided: nothing to hear
        assert isinstance(app.screen, DisputesScreen)
        await press(pilot, "escape")
        assert not isinstance(app.screen, DisputesScreen)


async def test_a_member_hears_a_raised_dispute(demo_db):
    app = make_app(demo_db)  # demo sits on the committee
    async with app.run_test(size=SMALL) as pilot:
        await _disputes(pilot, "H")
        assert isinstance(app.screen, ProceedDialog)
        await type_text(pilot, "HR and two unit heads presented")
        await press(pilot, "enter")
        assert isinstance(app.screen, DisputesScreen)
        assert "heard" in str(app.screen.query_one(DataTable).get_row_at(0)[5])
    row = disputes.get(connect(demo_db), "DSP-003")
    assert (row["status"], row["heard_by"], row["hearing_notes"]) == ("heard", "demo", "HR and two unit heads presented")


async def test_a_member_decides_and_the_decision_is_applied(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        await _disputes(pilot, "down", "d")
        assert isinstance(app.screen, ProceedDialog) and app.screen.dispute["code"] == "DSP-002"
        await type_text(pilot, "Logistics answers for transport damage")
        await press(pilot, "enter")
        assert isinstance(app.screen, DisputesScreen)
    conn = connect(demo_db)
    assert disputes.get(conn, "DSP-002")["outcome"] == "upheld"
    assert conn.execute("SELECT r.letter FROM raci r JOIN kpis k ON k.id = r.kpi_id JOIN roles o ON o.id = r.role_id"
                        " WHERE k.code = 'COMPLAINTS_PER_K' AND r.activity = 'report' AND o.code = 'UNIT_HEAD'"
                        ).fetchone()[0] == "A"


async def test_a_refusal_stays_in_the_dialog(demo_db):
    app = make_app(demo_db, user="iholm")  # not on the committee
    async with app.run_test(size=SMALL) as pilot:
        await _disputes(pilot, "H")
        await type_text(pilot, "I heard it myself")
        await press(pilot, "enter")
        assert isinstance(app.screen, ProceedDialog)
        assert "does not sit on the committee" in _text(app.screen, "#dsp-error")
        assert app.screen.query_one("#dsp-text", Input).value == "I heard it myself"
        await press(pilot, "escape")
        assert isinstance(app.screen, DisputesScreen)


async def test_raise_a_dispute_from_the_dialog(demo_db):
    app = make_app(demo_db, user="jvandijk")
    async with app.run_test(size=SMALL) as pilot:
        await _disputes(pilot, "r")
        assert isinstance(app.screen, RaiseDialog)
        assert app.screen.query_one("#dsp-committee", Input).value == "PGC"
        await type_text(pilot, "scrap_pct")
        await press(pilot, "tab", "tab")
        await type_text(pilot, "UNIT_HEAD")
        await press(pilot, "tab", "tab")
        await type_text(pilot, "Scrap follows line set-up, which plant heads run")
        await press(pilot, "enter")
        assert isinstance(app.screen, DisputesScreen)
        assert app.screen.query_one(DataTable).get_row_at(0)[0] == "DSP-004"
    row = disputes.get(connect(demo_db), "DSP-004")
    assert (row["kind"], row["kpi"], row["proposed_role"], row["raised_by"]) == (
        "ownership", "SCRAP_PCT", "UNIT_HEAD", "jvandijk")


async def _minutes(pilot, query=None):
    await settle(pilot)
    await press(pilot, "6")
    if query is not None:
        await type_text(pilot, query)
        await press(pilot, "enter")


async def test_6_searches_the_archive_and_opens_a_record(mini_db):
    app = make_app(mini_db, user="bob")
    async with app.run_test(size=SMALL) as pilot:
        await _minutes(pilot)
        assert isinstance(app.screen, MinutesSearchScreen)
        assert "7 entries in the archive" in _text(app.screen, "#min-title")
        await type_text(pilot, '"supplier audit"')
        await press(pilot, "enter")
        table = app.screen.query_one(DataTable)
        assert table.row_count == 1 and table.has_focus
        assert "1 matches" in _text(app.screen, "#min-title")
        await press(pilot, "enter")
        assert isinstance(app.screen, MinutesRecordScreen)
        assert "Revenue dipped after the carrier strike" in _text(app.screen, "#min-record")
        await press(pilot, "escape", "slash")
        assert isinstance(app.screen, MinutesSearchScreen) and app.screen.query_one(Input).has_focus


async def test_typing_searches_after_a_pause_and_hostile_text_is_harmless(mini_db):
    app = make_app(mini_db, user="bob")
    async with app.run_test(size=SMALL) as pilot:
        await _minutes(pilot)
        await type_text(pilot, "carr*")
        await pilot.pause(0.5)
        await settle(pilot)
        assert app.screen.query_one(DataTable).row_count == 4
        await press(pilot, *["backspace"] * 5)
        await type_text(pilot, 'NEAR("(( a:b')
        await press(pilot, "enter")
        assert "0 matches" in _text(app.screen, "#min-title")
        assert "Nothing found" in _text(app.screen, "#min-detail")


async def test_7_on_the_kpi_screen_writes_the_commentary(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.push_screen(KpiScreen("ABSENTEEISM", "DC_SOUTH", "2026-09"))
        await press(pilot, "7")
        assert isinstance(app.screen, CommentaryDialog)
        assert (app.screen.kpi, app.screen.unit, app.screen.period) == ("ABSENTEEISM", "DC_SOUTH", "2026-09")
        assert "required: red against its target" in _text(app.screen, "#cmt-facts")
        assert "what happened is missing" in _text(app.screen, "#cmt-feedback")
        await type_text(pilot, "Absence 5.6%")
        assert "is 12 characters long" in _text(app.screen, "#cmt-feedback")
        await press(pilot, "ctrl+s")
        assert "refused" in _text(app.screen, "#dsp-error")
        await type_text(pilot, " in September, double the spring level")
        await press(pilot, "tab")
        await type_text(pilot, WHY)
        await press(pilot, "tab")
        await type_text(pilot, "Shifts start earlier during heat warnings")
        assert _text(app.screen, "#cmt-feedback").count("✓") == 3
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, KpiScreen)
    conn = connect(demo_db)
    row = commentary.get(conn, "ABSENTEEISM", "DC_SOUTH", "2026-09")
    assert (row["complete"], row["why"], row["written_by"]) == (True, WHY, "demo")
    assert ms.decide(conn, "ABSENTEEISM", "DC_SOUTH", "2026-09", approve=True, actor="lrossi", now=NOW)["status"] == (
        "approved")


async def test_7_without_a_kpi_says_what_to_do(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await press(pilot, "7")
        assert isinstance(app.screen, CommentaryDialog)
        assert "Open a KPI first" in _text(app.screen, "#cmt-none")
        await press(pilot, "ctrl+s", "escape")
        assert not isinstance(app.screen, CommentaryDialog)


async def test_commentary_in_a_read_only_session(demo_db):
    app = make_app(demo_db, readonly=True)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        app.push_screen(CommentaryDialog(kpi="OPEX", unit="PLANT_A", period="2026-10"))
        await settle(pilot)
        assert app.screen.query_one("#cmt-what_happened", TextArea).text.startswith("Operating expenses reached")
        await press(pilot, "ctrl+s")
        assert "Read-only session" in _text(app.screen, "#dsp-error")


class TestDisputesSnapshots:
    def test_disputes_at_80x24(self, snap_compare, demo_db):
        assert snap_compare(make_app(demo_db), terminal_size=SMALL, run_before=_disputes)

    def test_raise_dialog_at_80x24(self, snap_compare, demo_db):
        async def run_before(pilot):
            await _disputes(pilot, "r")

        assert snap_compare(make_app(demo_db), terminal_size=SMALL, run_before=run_before)

    def test_decide_dialog_at_80x24(self, snap_compare, demo_db):
        async def run_before(pilot):
            await _disputes(pilot, "down", "d")

        assert snap_compare(make_app(demo_db), terminal_size=SMALL, run_before=run_before)

    def test_minutes_results_at_80x24(self, snap_compare, mini_db):
        async def run_before(pilot):
            await _minutes(pilot, "carrier")

        assert snap_compare(make_app(mini_db, user="bob"), terminal_size=SMALL, run_before=run_before)

    def test_minutes_record_at_80x24(self, snap_compare, mini_db):
        async def run_before(pilot):
            await _minutes(pilot, "carrier")
            await press(pilot, "enter")

        assert snap_compare(make_app(mini_db, user="bob"), terminal_size=SMALL, run_before=run_before)

    # Both commentary snapshots open over the disputes screen, whose content is this area's own demo data.
    def test_commentary_dialog_at_80x24(self, snap_compare, demo_db):
        async def run_before(pilot):
            await _disputes(pilot)
            pilot.app.push_screen(CommentaryDialog(kpi="OPEX", unit="PLANT_A", period="2026-10"))
            await settle(pilot)

        assert snap_compare(make_app(demo_db), terminal_size=SMALL, run_before=run_before)

    def test_commentary_without_a_kpi_at_80x24(self, snap_compare, demo_db):
        async def run_before(pilot):
            await _disputes(pilot, "7")

        assert snap_compare(make_app(demo_db), terminal_size=SMALL, run_before=run_before)
