"""Keys: global keys mean the same everywhere, the keymap file, the footer at 80 columns, help order."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from textual.geometry import Region
from textual.screen import ModalScreen
from textual.widgets import Static
from textual.widgets._footer import FooterKey

import pmtui.screens
from pmtui import actions, keymap
from pmtui.keymap import Keymap
from pmtui.screens.actions import ActionsScreen
from pmtui.screens.help import HelpScreen
from pmtui.screens.scorecard import ScorecardScreen
from pmtui.widgets.footer import fit, key_width
from tests.tui._pilot import make_app, press, settle

SMALL = (80, 24)


def _owners() -> dict[str, type]:
    """Every screen or dialog class of pmtui.screens by the scope it declares."""
    owners = {}
    for info in pkgutil.iter_modules(pmtui.screens.__path__):
        module = importlib.import_module(f"pmtui.screens.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and isinstance(getattr(cls, "SCOPE", None), str):
                owners.setdefault(cls.SCOPE, cls)
    return owners


def test_dialog_scopes_are_exactly_the_modal_screens():
    owners = _owners()
    modal = {scope for scope, cls in owners.items() if issubclass(cls, ModalScreen)}
    assert modal == actions.DIALOGS
    assert set(owners) | {"app"} == set(actions.SCOPES)


def test_no_screen_key_shadows_a_global_key_with_another_meaning():
    global_keys = {k.strip(): a for a in actions.ACTIONS if "app" in a.scopes for k in a.key.split(",")}
    shadowing = [(scope, key, action.id, global_keys[key].id)
                 for action in actions.ACTIONS for scope in action.scopes
                 if scope != "app" and scope not in actions.DIALOGS
                 for key in (k.strip() for k in action.key.split(","))
                 if key in global_keys and global_keys[key].action != action.action]
    assert shadowing == []


def test_the_registry_has_no_collisions():
    assert keymap.collisions({}) == []


def test_the_collision_check_sees_a_screen_key_on_a_global_one():
    assert ("approvals", "a", ("approvals-approve", "open-alignment")) in keymap.collisions(
        {"approvals-approve": "a"})
    assert keymap.collisions({"confirm-yes": "a"}) == []  # a dialog: global keys do not reach it


# -- the keymap file ---------------------------------------------------------------------------


def test_keymap_paths(tmp_path):
    home = {"XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    assert keymap.locate(None, home) == (tmp_path / "cfg" / "pmtui" / "keymap.toml", False)
    assert keymap.locate(None, home | {"PMTUI_KEYMAP": "/k.toml"}) == (keymap.Path("/k.toml"), True)
    assert keymap.locate("/x.toml", home | {"PMTUI_KEYMAP": "/k.toml"}) == (keymap.Path("/x.toml"), True)
    assert keymap.load(None, home) == Keymap()  # no file at the default place: nothing to say
    assert keymap.load(str(tmp_path / "missing.toml"), home).problems[0].endswith("not found: default keys apply")


@pytest.mark.parametrize("text, keys, problem", [
    ('[keys]\n"open-action-register" = "ctrl+k"', {"open-action-register": "ctrl+k"}, None),
    ('[keys]\n"show-help" = "f1,?"', {"show-help": "f1,question_mark"}, None),
    ('[keys]\n"meeting-confirm" = "j"', {"confirm-yes": "j"}, None),  # a renamed id keeps working
    ('[keys]\n"open-nothing" = "x"', {}, "unknown binding id open-nothing"),
    ('[keys]\n"show-help" = "hyperdrive+x"', {}, "unknown modifier 'hyperdrive'"),
    ('[keys]\n"show-help" = "bogus"', {}, "'bogus' is not a key name"),
    ('[keys]\n"show-help" = 3', {}, "must be a key in quotes"),
    ('[keys\n', {}, "is not valid TOML"),
    ('[keyz]\n"show-help" = "f1"', {}, "unknown table [keyz]"),
    ('[keys]\n"approvals-approve" = "a"', {},
     "a would answer approvals-approve and open-alignment on Approvals inbox: approvals-approve keeps the default"),
    ('[keys]\n"open-action-register" = "A"', {}, "open-action-register keeps the default key"),
])
def test_keymap_entries(text, keys, problem):
    found = keymap.parse(text)
    assert found.keys == keys
    if problem is None:
        assert found.problems == ()
    else:
        assert any(problem in p for p in found.problems), found.problems


def test_swapping_two_keys_is_no_collision():
    found = keymap.parse('[keys]\n"open-strategy-map" = "z"\n"open-excluded-metrics" = "m"')
    assert found.problems == () and found.keys == {"open-strategy-map": "z", "open-excluded-metrics": "m"}


async def test_a_keymap_rebinds_the_key_and_help_shows_it(db, tmp_path):
    path = tmp_path / "keymap.toml"
    path.write_text('[keys]\n"open-action-register" = "ctrl+k"\n', encoding="utf-8")
    app = make_app(db)
    app.keymap = keymap.load(str(path))
    app.keymap_keys = dict(app.keymap.keys)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await press(pilot, "k")  # no longer bound
        assert isinstance(app.screen, ScorecardScreen)
        await press(pilot, "ctrl+k")
        assert isinstance(app.screen, ActionsScreen)
        assert actions.key_of(app, actions.by_id("open-action-register")) == "ctrl+k"
        assert not app._notifications


async def test_a_keymap_rebinds_a_screens_own_key(db):
    app = make_app(db, user="knakamura")
    app.keymap = keymap.parse('[keys]\n"approvals-approve" = "ctrl+a"\n"open-approvals" = "ctrl+o"')
    app.keymap_keys = dict(app.keymap.keys)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+o", "A")
        assert type(app.screen).__name__ == "ApprovalsScreen"
        assert "^a" in [k.key_display for k in app.screen.query(FooterKey)]
        await press(pilot, "ctrl+a")
        assert type(app.screen).__name__ == "ConfirmDialog"


async def test_an_unknown_id_is_a_notice_not_a_crash(db, tmp_path):
    path = tmp_path / "keymap.toml"
    path.write_text('[keys]\n"open-the-pod-bay-doors" = "p"\n"open-action-register" = "ctrl+k"\n', encoding="utf-8")
    app = make_app(db)
    app.keymap = keymap.load(str(path))
    app.keymap_keys = dict(app.keymap.keys)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        notices = [n for n in app._notifications if n.title == "Keymap"]
        assert len(notices) == 1 and "unknown binding id open-the-pod-bay-doors" in notices[0].message
        await press(pilot, "ctrl+k")  # the good entry still applies
        assert isinstance(app.screen, ActionsScreen)


# -- the footer ----------------------------------------------------------------------------------


def test_fit_keeps_the_highest_priorities_in_their_order():
    widths, priorities = [10, 10, 10, 8], [50, 20, 50, 100]
    assert fit(widths, priorities, 27) == [0, 3]  # 8 (priority 100) + 10 (first 50); the second 50 does not fit
    assert fit(widths, priorities, 9) == [3]
    assert fit(widths, priorities, 100) == [0, 1, 2, 3]
    assert key_width("?", "Help") == 1 + 2 + 4 + 1


def _footer(app) -> list[str]:
    return [k.description for k in app.screen.query(FooterKey) if k.region.right <= SMALL[0]]


@pytest.mark.parametrize("keys, screen", [
    ((), "ScorecardScreen"), (("k",), "ActionsScreen"), (("1",), "RaciScreen"), (("3",), "RolesScreen"),
    (("8",), "FrameworkScreen"), (("w",), "ApprovalsScreen"), (("v",), "MeetingsScreen"),
])
async def test_help_and_back_are_in_the_footer_at_80_columns(db, keys, screen):
    app = make_app(db, user="mvega")
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        await press(pilot, *keys)
        assert type(app.screen).__name__ == screen
        shown = _footer(app)
        assert "Help" in shown and "Commands" in shown
        assert screen == "ScorecardScreen" or "Back" in shown
        keys_shown = list(app.screen.query(FooterKey))
        assert all(k.region.right <= SMALL[0] for k in keys_shown), "a key is cut off at the right edge"


async def test_the_register_footer_keeps_start_status_and_reload_when_there_is_room(db):
    app = make_app(db)
    async with app.run_test(size=(160, 24)) as pilot:
        await settle(pilot)
        await press(pilot, "k")
        assert {"Start", "Status", "Reload", "Help", "Back"} <= set(
            k.description for k in app.screen.query(FooterKey))


# -- help ----------------------------------------------------------------------------------------


async def test_help_opens_on_the_current_screens_keys(db):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "k", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#help-table", Static)
        lines = [strip.text.strip() for strip in table.render_lines(Region(0, 0, *table.size))]
        titles = [line for line in lines if line in {f"{t} (this screen)" for t in actions.SCOPES.values()}
                  or line in actions.SCOPES.values()]
        assert titles[:2] == ["Action register (this screen)", "Everywhere"]


def test_the_keymap_page_lists_every_binding_id():
    page = (keymap.Path(__file__).parents[2] / "docs" / "keymap.md").read_text(encoding="utf-8")
    assert keymap.reference() in page, "docs/keymap.md is out of date: run .venv/bin/python -m pmtui.keymap"
