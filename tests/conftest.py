"""Shared fixtures: a frozen clock, a mini company in memory, and the demo company on disk.

Also the ``snapshot`` marker, put on every test that takes ``snap_compare`` (``make test-fast``
deselects them with ``-m "not snapshot"``).
"""

from __future__ import annotations

import shutil

import pytest

from pmtui.store.db import connect
from tests.build_cache import cache_root, cached_build, demo_digest
from tests.builders import NOW, build_mini


#: Seconds per step of Textual's idle wait (its default is 1/50; see :func:`pytest_configure`).
IDLE_STEP = 0.005


def pytest_configure(config):
    """Let the Textual pilot wait for idleness in 5 ms steps instead of 20 ms.

    After every key it sends, the pilot sleeps in steps until a step passes with almost no
    CPU used (at least two steps a key): typing a sentence into a form cost seconds of
    sleep. The checks that make a test deterministic are untouched: the pilot still waits
    for every message queue to drain, and ``settle`` for every worker.
    """
    from textual import _wait

    if hasattr(_wait, "SLEEP_GRANULARITY") and hasattr(_wait, "SLEEP_IDLE"):
        _wait.SLEEP_IDLE = IDLE_STEP * _wait.SLEEP_IDLE / _wait.SLEEP_GRANULARITY
        _wait.SLEEP_GRANULARITY = IDLE_STEP


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Mark the screen snapshot tests ``snapshot`` (before ``-m`` selects)."""
    for item in items:
        if "snap_compare" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.snapshot)


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
def _demo_cached(pytestconfig):
    """The folder holding the demo company, built once for its inputs (:func:`demo_digest`) and kept on disk."""
    from pmtui.services import demo

    def build(folder):
        demo.build_demo(folder / "demo.db", now=NOW)
    return cached_build(cache_root(pytestconfig), "demo", demo_digest(), build)


@pytest.fixture(scope="session")
def _demo_master(_demo_cached, tmp_path_factory):
    """This session's copy of the cached demo company (anchor included); never opened by tests."""
    folder = tmp_path_factory.mktemp("demo")
    for name in ("demo.db", "demo.db.anchor.json"):
        shutil.copy(_demo_cached / name, folder / name)
    return folder / "demo.db"


@pytest.fixture
def demo_db(_demo_master, tmp_path):
    """Path of a per-test copy of the demo company (built once, see ``_demo_master``), anchor included."""
    path = tmp_path / "demo.db"
    shutil.copy(_demo_master, path)
    anchor = _demo_master.with_name(_demo_master.name + ".anchor.json")
    if anchor.exists():
        shutil.copy(anchor, path.with_name(path.name + ".anchor.json"))
    return path
