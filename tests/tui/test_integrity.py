"""At start the TUI verifies the file and warns about writes made outside pmtui."""

from __future__ import annotations

import sqlite3

from tests.tui._pilot import make_app, settle


def _tamper(db) -> None:
    # What a user with the sqlite3 shell could do after defining the guard function.
    conn = sqlite3.connect(db)
    conn.create_function("pmtui_guard", 0, lambda: 1)
    # (approved values are also locked by triggers; a submitted one is guarded only)
    conn.execute("UPDATE measurements SET value = value + 1 WHERE id = (SELECT min(id) FROM measurements WHERE status != 'approved')")
    conn.commit()
    conn.close()


def _warnings(app) -> list:
    return [n for n in app._notifications if n.severity == "warning" and n.title == "Integrity warning"]


async def test_intact_file_shows_no_warning(db):
    app = make_app(db, verify=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.integrity_report is not None and app.integrity_report.ok
        assert not _warnings(app)


async def test_outside_write_is_reported_at_start_and_stays(db):
    _tamper(db)
    app = make_app(db, verify=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert not app.integrity_report.ok
        [warning] = _warnings(app)
        assert "changed outside pmtui" in warning.message
        assert "measurements id=" in warning.message and "pmtui audit verify" in warning.message
        assert warning.timeout >= 3600  # persistent: it must not disappear before it is read


async def test_readonly_session_still_verifies(db):
    _tamper(db)
    app = make_app(db, readonly=True, verify=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert len(_warnings(app)) == 1


async def test_warning_is_cleared_from_the_keyboard(db):
    _tamper(db)
    app = make_app(db, verify=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert _warnings(app)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert not _warnings(app)
