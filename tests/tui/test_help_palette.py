"""The action registry feeds the keys, the help screen and the command palette."""

from __future__ import annotations

import re

from textual.command import CommandPalette
from textual.geometry import Region
from textual.widgets import Static

from pmtui import actions
from pmtui.app import PmApp
from pmtui.screens.entry import EntryDialog
from pmtui.screens.help import HelpScreen, key_label
from pmtui.screens.kpi import KpiScreen
from pmtui.screens.scorecard import ScorecardScreen
from pmtui.screens.unit_picker import UnitPicker
from pmtui.widgets.scorecard_table import ScorecardTable
from tests.tui._pilot import make_app, press, settle, type_text

#: Where each scope's actions are implemented (widget-bound actions are on the widget).
HANDLERS = {"app": PmApp, "scorecard": ScorecardScreen, "kpi": KpiScreen, "entry": EntryDialog,
            "picker": UnitPicker, "help": HelpScreen}
WIDGETS = {"table": ScorecardTable}


def test_registry_ids_are_unique_kebab_case():
    ids = [a.id for a in actions.ACTIONS]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", i) for i in ids)
    assert all(a.description and a.help and set(a.scopes) <= set(actions.SCOPES) for a in actions.ACTIONS)


def _scope_owners() -> dict:
    """Core scopes plus every screen or dialog class in pmtui.screens that declares a SCOPE."""
    import importlib
    import inspect
    import pkgutil

    import pmtui.screens

    owners = dict(HANDLERS)
    for info in pkgutil.iter_modules(pmtui.screens.__path__):
        module = importlib.import_module(f"pmtui.screens.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and isinstance(getattr(cls, "SCOPE", None), str):
                owners.setdefault(cls.SCOPE, cls)
    return owners


def test_every_action_has_a_handler_and_a_binding():
    from pmtui.screens import registry

    owners = _scope_owners()
    for action in actions.ACTIONS:
        for scope in action.scopes:
            owner = WIDGETS[action.widget] if action.widget else owners[scope]
            name, _, argument = action.action.partition("(")
            target = PmApp if name.startswith("app.") else owner
            assert hasattr(target, f"action_{name.removeprefix('app.')}"), (action.id, target)
            if name == "open_screen":  # the screen it names must be registered
                assert argument.strip("')\"") in registry.SCREENS, action.id
            bound = {b.id for b in owner.BINDINGS if hasattr(b, "id")}
            assert action.id in bound, (action.id, owner)


async def test_help_lists_every_action_of_the_registry(db):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        table = app.screen.query_one("#help-table", Static)
        # Render the whole table, also the part scrolled out of view.
        lines = [strip.text for strip in table.render_lines(Region(0, 0, *table.size))]
        rendered = "\n".join(lines)
        for action in actions.ACTIONS:
            assert any(key_label(app, action.key) in line and action.description in line for line in lines), \
                action.id
        for title in actions.SCOPES.values():
            assert title in rendered
        await press(pilot, "escape")
        assert isinstance(app.screen, ScorecardScreen)


async def test_palette_finds_and_runs_a_screen_action(db):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await press(pilot, "ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await type_text(pilot, "earlier")
        await pilot.pause(0.3)  # the palette searches in the background
        await press(pilot, "enter")
        assert isinstance(app.screen, ScorecardScreen)
        assert app.screen.card.periods.index(app.screen.period) == 1  # one period earlier than the latest


async def test_palette_offers_the_screens_actions_only(db):
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        provider = actions.ActionsProvider(app.screen)
        found = [hit.text async for hit in provider.discover()]
        assert "Earlier" in found and "Help" in found
        app.push_screen(KpiScreen("OPEX", "PLANT_A", "2026-09"))
        await settle(pilot)
        found = [hit.text async for hit in actions.ActionsProvider(app.screen).discover()]
        assert "Enter value" in found and "Earlier" not in found
