"""The data-source registry (M2.1): which system feeds each KPI, and how reliably.

Sources are group-wide definitions: adding one or linking a KPI to it needs the
``edit_definitions`` permission held group-wide.
"""

from __future__ import annotations

import math
import sqlite3
from datetime import datetime

from pmtui.core import validation
from pmtui.services import users
from pmtui.services.errors import PmError
from pmtui.services.framework import check_code, id_of
from pmtui.store import audit
from pmtui.store.db import atomic

RELIABILITY = ("high", "medium", "low")
REFRESH = ("realtime", "hourly", "daily", "weekly", "monthly")


def add_source(conn, code: str, name: str, *, system: str, domain: str, reliability: str = "medium",
               latency_hours: float = 24.0, refresh: str = "daily", actor: str, now: datetime) -> int:
    """Register a data source.

    Raises:
        PmError: bad code or field, duplicate code, or no ``edit_definitions`` permission.
    """
    check_code(code, "source")
    if reliability not in RELIABILITY:
        raise PmError(f"reliability must be one of {', '.join(RELIABILITY)}, not {reliability!r}")
    if refresh not in REFRESH:
        raise PmError(f"refresh must be one of {', '.join(REFRESH)}, not {refresh!r}")
    if not (math.isfinite(latency_hours) and latency_hours >= 0):
        raise PmError(f"latency must be a number of hours >= 0, not {latency_hours!r}")
    try:
        texts = {f: validation.check_text(v.strip(), field=f, max_length=200)
                 for f, v in (("name", name), ("system", system), ("domain", domain))}
    except ValueError as exc:
        raise PmError(str(exc)) from None
    if not all(texts.values()):
        raise PmError("name, system and domain must not be empty")
    users.require(conn, actor, "edit_definitions", None, now=now, entity="data_sources", key=code,
                  attempted={"code": code})
    with atomic(conn):
        if conn.execute("SELECT 1 FROM data_sources WHERE code = ?", [code]).fetchone():
            raise PmError(f"source {code} already exists")
        return audit.insert(conn, "data_sources", {
            "code": code, "name": texts["name"], "system": texts["system"], "it_domain": texts["domain"],
            "reliability": reliability, "latency_hours": latency_hours, "refresh": refresh},
            actor=actor, now=now, action="source.add")


def link_kpi(conn, kpi: str, source: str, *, actor: str, now: datetime) -> dict:
    """Record that ``kpi`` is fed by ``source``; returns the KPI row."""
    kpi_id = id_of(conn, "kpis", kpi, "KPI")
    source_id = id_of(conn, "data_sources", source, "source")
    users.require(conn, actor, "edit_definitions", None, now=now, entity="kpis", key=str(kpi_id),
                  attempted={"source": source})
    with atomic(conn):
        return audit.update(conn, "kpis", kpi_id, {"source_id": source_id}, actor=actor, now=now,
                            action="kpi.link_source")


def list_sources(conn: sqlite3.Connection) -> list[dict]:
    """Every source with the codes of the KPIs it feeds (``pmtui sources list --json``)."""
    rows = conn.execute(
        """SELECT s.code, s.name, s.system, s.it_domain AS domain, s.reliability, s.latency_hours, s.refresh,
                  (SELECT group_concat(code, ' ') FROM (SELECT k.code FROM kpis k WHERE k.source_id = s.id
                   ORDER BY k.code)) AS kpis
           FROM data_sources s ORDER BY s.code""")
    return [dict(r) | {"kpis": (r["kpis"] or "").split()} for r in rows]


def kpis_of(conn: sqlite3.Connection, source: str, limit: int = 200) -> list[dict]:
    """The KPIs a source feeds, with their reporting mode and due days (for the sources screen)."""
    rows = conn.execute(
        """SELECT k.code, k.name, k.reporting_mode, k.frequency, k.due_days FROM kpis k
           JOIN data_sources s ON s.id = k.source_id WHERE s.code = ? ORDER BY k.code LIMIT ?""",
        [source, limit])
    return [dict(r) for r in rows]


def set_reporting(conn, kpi: str, *, mode: str | None = None, due_days: int | None = None, actor: str,
                  now: datetime) -> dict:
    """Set a KPI's reporting mode (periodic submission or feed) and/or its due days after period end."""
    if mode is not None and mode not in ("periodic", "feed"):
        raise PmError(f"reporting mode must be periodic or feed, not {mode!r}")
    if due_days is not None and not 0 <= due_days <= 120:
        raise PmError(f"due days must be from 0 to 120, not {due_days}")
    changes = {k: v for k, v in (("reporting_mode", mode), ("due_days", due_days)) if v is not None}
    if not changes:
        raise PmError("nothing to change: give a reporting mode or due days")
    kpi_id = id_of(conn, "kpis", kpi, "KPI")
    users.require(conn, actor, "edit_definitions", None, now=now, entity="kpis", key=str(kpi_id), attempted=changes)
    with atomic(conn):
        return audit.update(conn, "kpis", kpi_id, changes, actor=actor, now=now, action="kpi.set_reporting")
