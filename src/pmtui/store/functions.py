"""SQL functions that put the core scoring rule inside SQLite.

Published views call ``pm_score`` and ``pm_status`` so that Datasette, the TUI and
the CLI share one implementation of the scoring formula (``pmtui.core.scoring``).
The Datasette plugin ``pm_functions`` registers the same functions on its connections.
"""

from __future__ import annotations

import sqlite3

from pmtui.core import scoring


def _score(direction, value, target, amber, target_high, amber_high):
    try:
        score = scoring.kpi_score(direction, value, target, amber, target_high, amber_high)
    except (ValueError, TypeError):
        return None
    return None if score is None else round(score, 4)


def register(conn: sqlite3.Connection) -> None:
    """Register ``pm_score(direction, value, target, amber, target_high, amber_high)`` and ``pm_status(score)``."""
    conn.create_function("pm_score", 6, _score, deterministic=True)
    conn.create_function("pm_status", 1, scoring.status_for_score, deterministic=True)
