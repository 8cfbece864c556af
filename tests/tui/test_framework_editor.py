"""From an empty file to a scorecard in the TUI: the welcome screen, the framework editor and its forms."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Static

from pmtui import actions
from pmtui.screens.framework_dialogs import (
    KpiDialog,
    ObjectiveDialog,
    TargetsDialog,
    UnitDialog,
)
from pmtui.screens.framework_editor import FrameworkScreen
from pmtui.screens.scorecard import ScorecardScreen
from pmtui.screens.welcome import WelcomeScreen
from pmtui.store import audit
from pmtui.store.db import connect
from tests.tui._pilot import make_app, press, settle
from tests.tui.framework_driver import (
    build_small_framework_via_tui,
    fill,
    form_error,
    framework_rows,
    make_empty_file,
    save,
    select_unit,
)

SMALL = (80, 24)


@pytest.fixture
def empty(tmp_path):
    """A file straight after ``pmtui init --company "Empty Co" --admin admin``."""
    return make_empty_file(tmp_path / "empty.db")


def _rows(path):
    conn = connect(path)
    try:
        return framework_rows(conn), audit.head(conn)[0]
    finally:
        conn.close()


def _text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def test_every_action_of_the_area_has_a_handler_and_a_binding():
    owners = {"welcome": WelcomeScreen, "framework": FrameworkScreen, "framework-form": UnitDialog}
    for action in actions.ACTIONS:
        for scope in set(action.scopes) & set(owners):
            assert hasattr(owners[scope], f"action_{action.action}"), action.id
            assert action.id in {b.id for b in owners[scope].BINDINGS}, action.id
    keys = {a.key: a.action for a in actions.ACTIONS if "app" in a.scopes}
    assert keys["8"] == "open_screen('framework')" and keys["9"] == "open_screen('users')"


async def test_an_empty_file_opens_on_the_welcome_screen(empty):
    app = make_app(empty, user="admin", verify=True)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        text = _text(app.screen, "#welcome-text")
        assert "pmtui --db empty.db --user admin framework apply FILE.toml" in text
        assert "add a unit below GROUP" in text and "units: 1" in text and "KPIs: 0" in text
        assert app.integrity_report is not None and app.integrity_report.ok  # the check ran here too


async def test_the_forms_build_the_small_framework_and_the_scorecard_takes_over(empty):
    before, head = _rows(empty)
    app = make_app(empty, user="admin")
    async with app.run_test(size=SMALL) as pilot:
        await build_small_framework_via_tui(pilot)
        await settle(pilot)
        assert isinstance(app.screen, ScorecardScreen)
        assert app.screen.unit == "GROUP" and app.screen.card.perspectives[0].objectives[0].code == "GROW"
    after, head_after = _rows(empty)
    assert after["units"] == [
        ("BU_A", "Unit A", "business_unit", "NORTH", "public", 1),
        ("GROUP", "Empty Co", "group", None, "public", 1),
        ("NORTH", "North", "region", "GROUP", "public", 1),
    ]
    assert after["kpis"] == [("REV", "Revenue", "", "EUR k", "higher", "sum", "monthly", "lagging", 0, "FIN", None, 1,
                              "public", None, 1)]
    assert after["objectives"] == [
        ("GROW", "Grow revenue", "", "corporate", "GROUP", "FIN", None, None, 1.0, "public"),
        ("GROW_A", "Grow revenue in A", "", "unit", "BU_A", "FIN", "GROW", None, 1.0, "public"),
    ]
    assert after["links"] == [("GROW_A", "REV", 1.0)] and after["causes"] == []
    # Five forms, one audited write each, and the link in the same transaction as its objective.
    assert head_after - head == 6
    assert before["kpis"] == before["objectives"] == []


async def test_after_framework_apply_r_opens_the_scorecard(empty):
    from pathlib import Path

    from pmtui.services import framework_code
    from tests.builders import NOW

    app = make_app(empty, user="admin")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, WelcomeScreen)
        conn = connect(empty)  # as 'pmtui framework apply' in another terminal would
        framework_code.apply(conn, (Path(__file__).parents[1] / "framework" / "small.toml").read_text(),
                             actor="admin", now=NOW)
        conn.close()
        await press(pilot, "r")
        assert isinstance(app.screen, ScorecardScreen) and app.screen.unit == "GROUP"


async def test_a_bad_code_is_refused_in_the_form_and_nothing_is_written(empty):
    before = _rows(empty)
    app = make_app(empty, user="admin")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await press(pilot, "u")
        assert isinstance(app.screen, UnitDialog)
        await fill(pilot, {"code": "north", "name": "North"})
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, UnitDialog)  # still open, with what was typed
        assert "unit code 'north' must be 1-32 upper-case letters" in form_error(pilot)
        assert app.screen.query_one("#code", Input).value == "north"
        await fill(pilot, {"code": "NORTH", "parent": "NOWHERE"})
        await press(pilot, "ctrl+s")
        assert "unknown unit 'NOWHERE'" in form_error(pilot)
        await press(pilot, "escape")
        assert isinstance(app.screen, WelcomeScreen)
    assert _rows(empty) == before


async def test_an_objective_naming_an_unknown_kpi_writes_nothing_at_all(empty):
    before = _rows(empty)
    app = make_app(empty, user="admin")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await press(pilot, "o")
        assert isinstance(app.screen, ObjectiveDialog)
        assert app.screen.query_one("#unit", Input).value == "GROUP"
        await fill(pilot, {"code": "GROW", "name": "Grow", "perspective": "FIN", "kpis": "REV:x"})
        await press(pilot, "ctrl+s")
        assert "is not a number" in form_error(pilot)
        await fill(pilot, {"kpis": "REV"})
        await press(pilot, "ctrl+s")
        assert "unknown KPI 'REV'" in form_error(pilot)
    assert _rows(empty) == before


async def test_without_a_user_the_forms_do_not_open(empty):
    app = make_app(empty, user=None)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert "No acting user" in _text(app.screen, "#welcome-text")
        await press(pilot, "K")
        assert isinstance(app.screen, WelcomeScreen)
        assert any("No acting user" in n.message for n in app._notifications)


async def test_editing_an_objective_changes_links_weights_and_causes_in_one_transaction(mini_db):
    app = make_app(mini_db, user="admin")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "8")
        await select_unit(pilot, "BU_A")
        screen = app.screen
        assert [(r.kind, r.code) for r in screen.rows] == [("objective", "GROW_A"), ("kpi", "REV"),
                                                           ("objective", "QUALITY_A"), ("kpi", "DEFECTS")]
        table = screen.query_one("#fw-lines", DataTable)
        table.focus()
        await press(pilot, "e")
        assert isinstance(app.screen, ObjectiveDialog)
        assert app.screen.query_one("#kpis", Input).value == "REV:1"
        assert app.screen.query_one("#parent", Input).value == "GROW"
        conn = connect(mini_db)
        head = audit.head(conn)[0]
        await fill(pilot, {"kpis": "REV:2, DEFECTS:0.5", "causes": "QUALITY_A", "weight": "3"})
        await save(pilot)
        rows = framework_rows(conn)
        assert ("GROW_A", "DEFECTS", 0.5) in rows["links"] and ("GROW_A", "REV", 2.0) in rows["links"]
        assert rows["causes"] == [("QUALITY_A", "GROW_A")]
        assert next(o for o in rows["objectives"] if o[0] == "GROW_A")[8] == 3.0
        entries = conn.execute("SELECT action FROM audit_log WHERE seq > ? ORDER BY seq", [head]).fetchall()
        assert [e[0] for e in entries] == ["objectives.edit", "objective_kpis.update", "objective_kpis.insert",
                                          "objective_links.insert"]
        conn.close()
        await settle(pilot)
        assert [r.code for r in screen.rows if r.kind == "kpi"][:2] == ["DEFECTS", "REV"]
        assert "causes: QUALITY_A" in _text(screen, "#fw-detail")


async def test_a_kpi_with_approved_values_keeps_its_direction(mini_db):
    app = make_app(mini_db, user="admin")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await press(pilot, "8")
        await select_unit(pilot, "BU_A")
        app.screen.query_one("#fw-lines", DataTable).focus()
        await press(pilot, "down", "enter")  # the REV row: Enter edits like e
        assert isinstance(app.screen, KpiDialog) and app.screen.code == "REV"
        assert app.screen.query_one("#uom", Input).value == "EUR k"
        await fill(pilot, {"direction": "lower"})
        await press(pilot, "ctrl+s")
        assert "approved value(s): changing its direction" in form_error(pilot)
        await fill(pilot, {"direction": "higher", "name": "Net revenue"})
        await save(pilot)
        assert any("KPI REV saved" in n.message for n in app._notifications)


async def test_targets_are_proposed_for_a_period_range(mini_db):
    app = make_app(mini_db, user="admin")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await press(pilot, "8")
        await select_unit(pilot, "BU_A")
        app.screen.query_one("#fw-lines", DataTable).focus()
        await press(pilot, "down", "T")
        assert isinstance(app.screen, TargetsDialog)
        values = {i.id: i.value for i in app.screen.query(Input)}
        assert (values["kpi"], values["unit"], values["first"], values["last"]) == ("REV", "BU_A", "2026-11",
                                                                                   "2026-12")
        await fill(pilot, {"first": "2027-01", "last": "2027-03", "target": "110", "amber": "100"})
        await save(pilot)
    conn = connect(mini_db)
    rows = conn.execute("SELECT period, target, amber, status FROM target_proposals ORDER BY period").fetchall()
    conn.close()
    assert [tuple(r) for r in rows] == [(p, 110.0, 100.0, "proposed") for p in ("2027-01", "2027-02", "2027-03")]


async def test_the_kpi_catalogue_pages_from_sql(mini_db, monkeypatch):
    from pmtui.screens import framework_editor

    monkeypatch.setattr(framework_editor, "PAGE", 1)
    app = make_app(mini_db, user="admin")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await press(pilot, "8", "V")
        screen = app.screen
        assert [r.code for r in screen.rows] == ["DEFECTS"] and "1-1 of 2" in _text(screen, "#fw-title")
        await press(pilot, "right_square_bracket")
        assert [r.code for r in screen.rows] == ["REV"] and "2-2 of 2" in _text(screen, "#fw-title")
        await press(pilot, "V")
        assert screen.rows[0].code == "GROW" and "rows 1-1 of 2" in _text(screen, "#fw-title")
