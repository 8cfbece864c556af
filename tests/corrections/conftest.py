"""Fixtures of the corrections area: the mini company with a correction, the demo for screens."""

from __future__ import annotations

import pytest

from pmtui.services import framework, users
from tests.builders import NOW


def add_steward(conn, now=NOW) -> None:
    """``carl`` enters data and approves in BU_A (so four eyes, not permissions, decides)."""
    users.create_user(conn, "carl", "Carl Both", actor="admin", now=now)
    users.create_role(conn, "BOTH", "Enters and approves", ["view", "enter_data", "approve"], actor="admin", now=now)
    users.assign_role(conn, "carl", "BOTH", "BU_A", now.date(), actor="admin", now=now)


@pytest.fixture
def corr(mini):
    """The mini company with ``carl`` (enters and approves in BU_A).

    The commentary rule (red values need a commentary before approval, another area's
    gate) is dated into the future here: these tests are about four eyes and corrections.
    """
    add_steward(mini)
    framework.set_setting(mini, "commentary_required_from", "2099-01-01", actor="system", now=NOW)
    return mini


@pytest.fixture
def db(demo_db):
    """Path of this test's copy of the demo company (for CLI, views and pilot tests)."""
    return demo_db
