"""Fixture for the Datasette plugin tests: Datasette over the mini company."""

from __future__ import annotations

import pytest

from tests.plugins.helpers import make_datasette


@pytest.fixture
def ds(mini_db):
    """Datasette over a file holding the mini company (database name ``mini``)."""
    instance = make_datasette(mini_db)
    yield instance
    for db in instance.databases.values():
        db.close()
