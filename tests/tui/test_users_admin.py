"""Users and roles administration (9): administrators change, everyone else reads."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from pmtui import actions
from pmtui.screens.users_admin import UsersScreen
from pmtui.screens.users_dialogs import (
    AddUserDialog,
    DeactivateUserDialog,
    EndRoleDialog,
    GrantRoleDialog,
)
from pmtui.store.db import connect
from tests.builders import NOW
from tests.tui._pilot import make_app, press, settle
from tests.tui.framework_driver import fill, form_error, save

SMALL = (80, 24)


def _text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def _move_to(pilot, name: str) -> None:
    screen = pilot.app.screen
    screen.query_one(DataTable).move_cursor(row=[u.name for u in screen.rows].index(name))


def test_every_action_of_the_screen_has_a_handler_and_a_binding():
    for action in actions.ACTIONS:
        if "users" in action.scopes:
            assert hasattr(UsersScreen, f"action_{action.action}"), action.id
            assert action.id in {b.id for b in UsersScreen.BINDINGS}, action.id


async def test_an_administrator_adds_grants_ends_and_deactivates(mini_db):
    app = make_app(mini_db, user="admin")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await press(pilot, "9")
        screen = app.screen
        assert isinstance(screen, UsersScreen)
        assert [(u.name, u.roles) for u in screen.rows] == [("admin", ("ADMIN",)), ("ann", ("ANALYST@BU_A",)),
                                                            ("bob", ("HEAD",))]
        assert "read-only" not in _text(screen, "#users-title")

        await press(pilot, "A")
        assert isinstance(app.screen, AddUserDialog)
        await fill(pilot, {"name": "cara", "display_name": "Cara Controller", "email": "cara@example.com",
                           "role": "ANALYST@BU_B"})
        await save(pilot)
        assert ("cara", ("ANALYST@BU_B",)) in [(u.name, u.roles) for u in screen.rows]

        _move_to(pilot, "cara")
        await press(pilot, "G")
        assert isinstance(app.screen, GrantRoleDialog) and app.screen.query_one("#user", Input).value == "cara"
        await fill(pilot, {"role": "HEAD", "unit": "NORTH"})
        await save(pilot)

        _move_to(pilot, "cara")
        await press(pilot, "x")
        assert isinstance(app.screen, EndRoleDialog)
        assert (app.screen.query_one("#role", Input).value, app.screen.query_one("#unit", Input).value) == (
            "ANALYST", "BU_B")
        await fill(pilot, {"reason": "moved to NORTH"})
        await save(pilot)
        cara = next(u for u in screen.rows if u.name == "cara")
        assert cara.roles == ("ANALYST@BU_B", "HEAD@NORTH")  # the end is today: held until tonight

        _move_to(pilot, "admin")
        await press(pilot, "d")
        assert isinstance(app.screen, DeactivateUserDialog)
        await press(pilot, "ctrl+s")
        assert "cannot deactivate yourself" in form_error(pilot)
        await press(pilot, "escape")
        _move_to(pilot, "cara")
        await press(pilot, "d")
        await save(pilot)
        assert [u.name for u in screen.rows][-1] == "cara" and not screen.rows[-1].active

    conn = connect(mini_db)
    row = conn.execute("SELECT display_name, email, active FROM users WHERE name = 'cara'").fetchone()
    assert tuple(row) == ("Cara Controller", "cara@example.com", 0)
    ended = conn.execute("SELECT r.code, a.valid_to FROM role_assignments a JOIN roles r ON r.id = a.role_id"
                         " JOIN users p ON p.id = a.user_id WHERE p.name = 'cara' ORDER BY r.code").fetchall()
    assert [tuple(r) for r in ended] == [("ANALYST", NOW.date().isoformat()), ("HEAD", NOW.date().isoformat())]
    conn.close()


async def test_others_see_the_users_read_only(mini_db):
    app = make_app(mini_db, user="ann")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await press(pilot, "9")
        screen = app.screen
        assert len(screen.rows) == 3
        assert "read-only: changes need the administer permission group-wide" in _text(screen, "#users-title")
        await press(pilot, "A")
        assert app.screen is screen
        assert any("Read-only" in n.message for n in app._notifications)
