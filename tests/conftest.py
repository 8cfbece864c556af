"""Shared fixtures: a frozen clock, a mini company in memory, and the demo company on disk."""

from __future__ import annotations

import shutil

import pytest

from pmtui.store.db import connect
from tests.builders import NOW, build_mini


@pytest.fixture
def now():
    """The frozen time of every test: 2026-11-26 09:00 UTC."""
    return NOW


@pytest.fixture
def mini():
    """An in-memory connection holding the mini company."""
    conn = connect(":memory:")
    build_mini(conn)
    yield conn
    conn.close()


@pytest.fixture
def mini_db(tmp_path):
    """Path of a file holding the mini company (with its anchor)."""
    from pmtui.services import anchor

    path = tmp_path / "mini.db"
    conn = connect(path)
    build_mini(conn)
    anchor.write(conn, path, NOW)
    conn.close()
    return path


@pytest.fixture
def run(mini_db, monkeypatch):
    """Invoke ``pmtui`` on the mini company file: ``run(*args, user=None)`` returns the click result."""
    from click.testing import CliRunner

    from pmtui.cli import cli

    monkeypatch.setenv("PMTUI_NOW", "2026-11-26T09:00:00Z")
    monkeypatch.setenv("PMTUI_DB", str(mini_db))
    monkeypatch.delenv("PMTUI_USER", raising=False)
    runner = CliRunner()

    def invoke(*args, user=None):
        prefix = ["--user", user] if user else []
        return runner.invoke(cli, [*prefix, *args], catch_exceptions=False)
    return invoke


@pytest.fixture(scope="session")
def _demo_master(tmp_path_factory):
    from pmtui.services import demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    demo.build_demo(path, now=NOW)
    return path


@pytest.fixture
def demo_db(_demo_master, tmp_path):
    """Path of a per-test copy of the demo company (built once per session), anchor included."""
    path = tmp_path / "demo.db"
    shutil.copy(_demo_master, path)
    anchor = _demo_master.with_name(_demo_master.name + ".anchor.json")
    if anchor.exists():
        shutil.copy(anchor, path.with_name(path.name + ".anchor.json"))
    return path
