"""Snapshots of setting a file up: the welcome screen, the framework editor, its forms, users and roles.

Same conventions as ``test_snapshots.py``: fixed sizes, frozen clock, fixed user, no
cursor blink; the empty file is made by ``pmtui init`` in ``tmp_path``, the editor shows
the mini company.
"""

from __future__ import annotations

import pytest

from tests.tui._pilot import make_app, press, settle
from tests.tui.framework_driver import make_empty_file, select_unit

SMALL, LARGE = (80, 24), (120, 40)


@pytest.fixture
def empty(tmp_path):
    """A file straight after ``pmtui init --company "Empty Co" --admin admin``."""
    return make_empty_file(tmp_path / "empty.db")


async def _editor_at_bu_a(pilot) -> None:
    await settle(pilot)
    await press(pilot, "8")
    await select_unit(pilot, "BU_A")


class TestWelcomeSnapshots:
    def test_welcome_at_80x24(self, snap_compare, empty):
        assert snap_compare(make_app(empty, user="admin"), terminal_size=SMALL, run_before=settle)

    def test_welcome_at_120x40(self, snap_compare, empty):
        assert snap_compare(make_app(empty, user="admin"), terminal_size=LARGE, run_before=settle)


class TestFrameworkEditorSnapshots:
    def test_editor_at_80x24(self, snap_compare, mini_db):
        assert snap_compare(make_app(mini_db, user="admin"), terminal_size=SMALL, run_before=_editor_at_bu_a)

    def test_editor_at_120x40(self, snap_compare, mini_db):
        assert snap_compare(make_app(mini_db, user="admin"), terminal_size=LARGE, run_before=_editor_at_bu_a)

    def test_objective_form_at_80x24(self, snap_compare, mini_db):
        async def run_before(pilot):
            await _editor_at_bu_a(pilot)
            pilot.app.screen.query_one("#fw-lines").focus()
            await press(pilot, "e")

        assert snap_compare(make_app(mini_db, user="admin"), terminal_size=SMALL, run_before=run_before)

    def test_kpi_form_with_a_refusal_at_80x24(self, snap_compare, empty):
        async def run_before(pilot):
            await settle(pilot)
            await press(pilot, "K")
            await press(pilot, *"rev", "ctrl+s")

        assert snap_compare(make_app(empty, user="admin"), terminal_size=SMALL, run_before=run_before)


class TestUsersSnapshots:
    def test_users_read_only_at_80x24(self, snap_compare, mini_db):
        async def run_before(pilot):
            await settle(pilot)
            await press(pilot, "9")

        assert snap_compare(make_app(mini_db, user="ann"), terminal_size=SMALL, run_before=run_before)
