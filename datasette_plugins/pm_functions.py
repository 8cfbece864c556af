"""Datasette plugin: pmtui's SQL functions on every Datasette connection.

The published views (``pub_kpi_results``, ``pub_unit_scorecard``) call ``pm_score`` and
``pm_status``; without this plugin they fail with "no such function". ``pmtui_guard()``
is deliberately *not* registered here: the guard triggers call it, so any write
attempted through Datasette fails instead of bypassing the audit trail.
"""

from datasette import hookimpl

from pmtui.store import functions


@hookimpl
def prepare_connection(conn):
    """Register ``pm_score`` and ``pm_status`` (the one scoring rule of pmtui)."""
    functions.register(conn)
