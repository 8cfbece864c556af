"""Errors have one road: a worker's unexpected error becomes a notice, a crash a log file and exit 70."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.app import App

from pmtui.app import PmApp
from pmtui.cli import cli
from pmtui.cli import tui as cli_tui
from pmtui.screens.kpi import KpiScreen
from pmtui.screens.scorecard import ScorecardScreen
from pmtui.services import scorecard, tui_reads
from tests.builders import NOW
from tests.tui._pilot import make_app, press, settle


def _errors(app) -> list[tuple[str, str]]:
    return [(n.title, n.message) for n in app._notifications if n.severity == "error"]


async def test_a_screen_worker_error_becomes_a_notice_and_the_app_goes_on(db, monkeypatch):
    def broken(*args, **kwargs):
        raise KeyError("definition")

    monkeypatch.setattr(scorecard, "kpi_detail", broken)
    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(KpiScreen("OPEX", "PLANT_A", "2026-09"))
        await settle(pilot)
        assert _errors(app) == [("Unexpected error", "KeyError: 'definition'")]
        assert app.return_code is None and app.crash is None
        await press(pilot, "escape")
        assert isinstance(app.screen, ScorecardScreen)


async def test_a_worker_error_goes_to_the_error_log_when_there_is_one(db, monkeypatch, tmp_path):
    logged = []

    def log(error):
        logged.append(error)
        return tmp_path / "error.log"

    def broken(*args, **kwargs):
        raise RuntimeError("no targets today")

    monkeypatch.setattr(tui_reads, "targets", broken)
    app = PmApp(str(db), "demo", lambda: NOW, cursor_blink=False, error_log=log)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.push_screen(KpiScreen("OPEX", "PLANT_A", "2026-09"))
        await settle(pilot)
    assert [str(e) for e in logged] == ["no targets today"]
    where = tmp_path / "error.log"
    assert _errors(app) == [("Unexpected error", f"RuntimeError: no targets today\nTraceback in {where}")]


@pytest.fixture
def tui(mini_db, monkeypatch, tmp_path):
    """``pmtui`` (no command: the TUI) on the mini company, headless, logging under ``tmp_path``."""
    monkeypatch.setenv("PMTUI_DB", str(mini_db))
    monkeypatch.setenv("PMTUI_USER", "ann")
    monkeypatch.setenv("PMTUI_NOW", "2026-11-26T09:00:00Z")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setattr(PmApp, "run", lambda self: App.run(self, headless=True, size=(80, 24)))
    return lambda: CliRunner().invoke(cli, [])


def test_a_crash_is_logged_printed_and_exits_70(tui, monkeypatch, tmp_path):
    def crash(conn):
        raise RuntimeError("crash test")

    monkeypatch.setattr(tui_reads, "company_name", crash)  # on_mount: an unexpected error ends the app
    result = tui()
    log = tmp_path / "state" / "pmtui" / "error.log"
    assert result.exit_code == cli_tui.EXIT_CRASH == 70
    assert result.output.splitlines()[-2:] == [
        "pmtui stopped on an unexpected error: RuntimeError: crash test",
        f"The traceback is in {log} (please attach it to a bug report)."]
    text = log.read_text()
    assert text.startswith("=== 2026-11-26T09:00:00+00:00 crash in pmtui ")
    assert "Traceback (most recent call last)" in text and "RuntimeError: crash test" in text


def test_an_error_outside_the_app_loop_is_handled_the_same_way(tui, monkeypatch, tmp_path):
    def fails(self):
        raise OSError("no terminal")

    monkeypatch.setattr(PmApp, "run", fails)
    result = tui()
    assert result.exit_code == 70
    assert "OSError: no terminal" in (tmp_path / "state" / "pmtui" / "error.log").read_text()


def test_a_clean_quit_exits_0(tui, monkeypatch):
    async def quit_at_once(self):
        self.app.exit()

    monkeypatch.setattr(ScorecardScreen, "on_mount", quit_at_once)
    result = tui()
    assert result.exit_code == 0, result.output


def test_the_log_falls_back_to_the_temporary_directory(tmp_path, monkeypatch):
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("")
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    path = cli_tui.write_error_log(ValueError("x"), what="crash", db_path="a.db", now=NOW,
                                   path=blocked / "pmtui" / "error.log")
    assert path == tmp_path / "pmtui-error.log" and "ValueError: x" in path.read_text()


def test_error_log_path_follows_xdg_state_home():
    assert cli_tui.error_log_path({"XDG_STATE_HOME": "/s"}) == Path("/s/pmtui/error.log")
    assert cli_tui.error_log_path({}) == Path.home() / ".local" / "state" / "pmtui" / "error.log"
