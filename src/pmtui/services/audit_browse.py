"""Browsing the audit log page by page, filtered by element, user and time (M7.2).

Pages are read newest first with keyset paging on ``seq`` (``seq < before ORDER BY seq
DESC LIMIT n``, no OFFSET): a later page costs no more than the first, and the
log (tens of thousands of entries in the demo, millions in large files) is never loaded
whole. List rows carry no old/new JSON; :func:`pmtui.services.audit_history.entry`
reads one entry's changes when it is selected.

An element filter is either ``entity`` (+ ``key``) or business codes: ``kpi`` and/or
``unit`` (optionally ``period``) select the KPI's or unit's own row and every audited
row that refers to them through ``kpi_id``/``unit_id`` (narrowed by ``period`` where a
table has one), plus target revisions and corrections of those targets and values,
the bulk imports that created those values and (when a KPI is given) refused attempts
on them. The audit log itself is only ever searched through its indexes (``audit_entity``,
and ``audit_log_actor``/``audit_log_ts`` from ``create_controls_views``).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, replace
from datetime import date, timedelta

from pmtui.core.periods import parse as parse_period
from pmtui.services.audit_history import check_entity, columns
from pmtui.services.errors import PmError
from pmtui.services.framework import id_of
from pmtui.store.schema import GUARDED_TABLES

#: Entries per page.
PAGE = 50
#: Tables reached through a row of another table: (table, its column, the table it points at).
_SECOND_HOP = (("target_revisions", "target_id", "targets"), ("measurement_corrections", "measurement_id",
                                                              "measurements"))


@dataclass(frozen=True)
class Filter:
    """What to show; empty fields match everything. Dates are ``YYYY-MM-DD``, ``date_to`` inclusive."""

    entity: str = ""
    key: str = ""
    kpi: str = ""
    unit: str = ""
    period: str = ""
    actor: str = ""
    date_from: str = ""
    date_to: str = ""

    def cleaned(self) -> Filter:
        """Fields stripped; codes upper-cased."""
        return replace(self, entity=self.entity.strip(), key=self.key.strip(), kpi=self.kpi.strip().upper(),
                       unit=self.unit.strip().upper(), period=self.period.strip(), actor=self.actor.strip(),
                       date_from=self.date_from.strip(), date_to=self.date_to.strip())

    def describe(self) -> str:
        """``kpi OTD_PCT · unit PLANT_A · user jvandijk · from 2026-07-01`` or ``everything``."""
        parts = [f"{name} {value}" for name, value in (
            ("entity", self.entity), ("key", self.key), ("kpi", self.kpi), ("unit", self.unit),
            ("period", self.period), ("user", self.actor), ("from", self.date_from), ("to", self.date_to)) if value]
        return " · ".join(parts) or "everything"


@dataclass(frozen=True)
class Page:
    """One page of entries (newest first) and whether older ones follow."""

    rows: list[dict]
    more: bool

    @property
    def last_seq(self) -> int | None:
        """The oldest entry on the page: the next page starts below it."""
        return self.rows[-1]["seq"] if self.rows else None


def _day(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise PmError(f"{field} {text!r} must be a date YYYY-MM-DD") from None


def where_clause(conn: sqlite3.Connection, flt: Filter) -> tuple[str, list]:
    """SQL conditions (joined by AND) and parameters for a filter (validated; PmError on bad input)."""
    flt = flt.cleaned()
    conds, params = [], []
    if flt.actor:
        conds.append("actor = ?")
        params.append(flt.actor)
    if flt.date_from:
        conds.append("ts >= ?")
        params.append(f"{_day(flt.date_from, 'from').isoformat()}T00:00:00Z")
    if flt.date_to:
        conds.append("ts < ?")
        params.append(f"{(_day(flt.date_to, 'to') + timedelta(days=1)).isoformat()}T00:00:00Z")
    if flt.period:
        try:
            parse_period(flt.period)
        except ValueError as exc:
            raise PmError(str(exc)) from None
    if flt.entity or flt.key:
        if not flt.entity:
            raise PmError("a key needs its entity (the audited table, e.g. measurements)")
        conds.append("entity = ?")
        params.append(check_entity(flt.entity))
        if flt.key:
            conds.append("entity_key = ?")
            params.append(flt.key)
    elif flt.kpi or flt.unit:
        sql, more = _family(conn, flt)
        conds.append(sql)
        params += more
    elif flt.period:
        raise PmError("a period narrows a KPI or unit: give a KPI or unit code with it")
    return (" AND ".join(conds) or "1 = 1"), params


def _family(conn, flt: Filter) -> tuple[str, list]:
    """The KPI's and/or unit's own rows and the rows that refer to them."""
    kpi_id = id_of(conn, "kpis", flt.kpi, "KPI") if flt.kpi else None
    unit_id = id_of(conn, "units", flt.unit, "unit") if flt.unit else None
    terms, params = [], []
    own = ("kpis", kpi_id) if kpi_id is not None else ("units", unit_id)
    terms.append("(entity = ? AND entity_key = ?)")
    params += [own[0], str(own[1])]
    subqueries: dict[str, tuple[str, list]] = {}
    for table in GUARDED_TABLES:
        cols = set(columns(conn, table))
        if (kpi_id is not None and "kpi_id" not in cols) or (unit_id is not None and "unit_id" not in cols):
            continue
        sub, args = [], []
        for column, value in (("kpi_id", kpi_id), ("unit_id", unit_id)):
            if value is not None:
                sub.append(f"{column} = ?")
                args.append(value)
        if flt.period and "period" in cols:
            sub.append("period = ?")
            args.append(flt.period)
        subqueries[table] = (f"SELECT id FROM {table} WHERE {' AND '.join(sub)}", args)
    for table, column, parent in _SECOND_HOP:
        if parent in subqueries:
            sql, args = subqueries[parent]
            subqueries[table] = (f"SELECT id FROM {table} WHERE {column} IN ({sql})", list(args))
    for table, (sql, args) in sorted(subqueries.items()):
        terms.append(f"(entity = ? AND entity_key IN (SELECT CAST(id AS TEXT) FROM ({sql})))")
        params += [table, *args]
    if "measurements" in subqueries:
        sql, args = subqueries["measurements"]
        terms.append("(entity = 'measurements' AND entity_key IN (SELECT 'batch:' || batch_seq FROM measurements"
                     f" WHERE batch_seq IS NOT NULL AND id IN ({sql})))")
        params += args
        if flt.kpi:  # refusals are keyed KPI|UNIT|PERIOD: with the KPI first the key prefix is indexed
            pattern = "|".join([flt.kpi, flt.unit or "*", flt.period or "*"])
            terms.append("(entity = 'measurements' AND entity_key GLOB ? AND action LIKE 'refused.%')")
            params.append(pattern)
    return "(" + " OR ".join(terms) + ")", params


def page(conn: sqlite3.Connection, flt: Filter, *, before: int | None = None, limit: int = PAGE) -> Page:
    """Entries matching ``flt`` older than ``before`` (newest first)."""
    where, params = where_clause(conn, flt)
    if before is not None:
        where += " AND seq < ?"
        params.append(before)
    rows = conn.execute(f"SELECT seq, ts, actor, action, entity, entity_key, reason FROM audit_log WHERE {where}"
                        " ORDER BY seq DESC LIMIT ?", [*params, limit + 1]).fetchall()
    return Page([dict(r) for r in rows[:limit]], len(rows) > limit)
