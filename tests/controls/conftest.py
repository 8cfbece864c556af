"""Fixtures of the controls area: the mini company, and the demo company for screens."""

from __future__ import annotations

import pytest


@pytest.fixture
def db(demo_db):
    """Path of this test's copy of the demo company (for the pilot tests)."""
    return demo_db
