"""Fixtures for TUI tests: the demo company (built once, cached on disk) in a per-test file."""

from __future__ import annotations

import pytest


@pytest.fixture
def db(demo_db):
    """Path of this test's copy of the demo company, with its audit anchor."""
    return demo_db
