"""Leading and lagging KPIs: recorded assessments and driver links measured from history (M1.3).

An assessment scores a KPI's data availability, predictability and actionability 1-5
and flags regulated KPIs. A driver link says a leading KPI should move a lagging one
within ``max_lag`` months; :func:`measure` checks that claim on approved history with
:mod:`pmtui.core.correlation`, per unit that measures both KPIs and pooled. Writes
need ``edit_definitions`` at group level.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from pmtui.core import correlation
from pmtui.services import users
from pmtui.services.errors import NotFound, PmError
from pmtui.services.framework import id_of
from pmtui.store import audit
from pmtui.store.audit import utc_text
from pmtui.store.db import atomic

#: Largest lag a driver link may ask for (months; the schema's limit).
MAX_LAG = 24


def _root_unit(conn: sqlite3.Connection) -> int | None:
    row = conn.execute("SELECT id FROM units WHERE parent_id IS NULL ORDER BY id LIMIT 1").fetchone()
    return row[0] if row else None


def assess(conn, kpi: str, *, availability: int, predictability: int, actionability: int, regulated: bool = False,
           notes: str = "", actor: str, now: datetime) -> dict:
    """Record (or replace) the assessment of a KPI; scores run 1-5."""
    for name, value in (("availability", availability), ("predictability", predictability),
                        ("actionability", actionability)):
        if not isinstance(value, int) or not 1 <= value <= 5:
            raise PmError(f"{name} must be a whole number from 1 to 5, not {value!r}")
    kpi_id = id_of(conn, "kpis", kpi, "KPI")
    values = {"availability": availability, "predictability": predictability, "actionability": actionability,
              "regulated": int(bool(regulated)), "notes": (notes or "").strip(), "assessed_by": actor,
              "assessed_at": utc_text(now)}
    users.require(conn, actor, "edit_definitions", _root_unit(conn), now=now, entity="kpi_assessments", key=kpi,
                  attempted=values)
    with atomic(conn):
        old = conn.execute("SELECT id FROM kpi_assessments WHERE kpi_id = ?", [kpi_id]).fetchone()
        if old:
            return audit.update(conn, "kpi_assessments", old[0], values, actor=actor, now=now, action="kpi.assess")
        key = audit.insert(conn, "kpi_assessments", {"kpi_id": kpi_id} | values, actor=actor, now=now,
                           action="kpi.assess")
        return audit.fetch_row(conn, "kpi_assessments", key)


def assessments(conn: sqlite3.Connection, *, published: bool = False, limit: int = 500, offset: int = 0) -> list[dict]:
    """Active KPIs with their lead/lag class and assessment (None fields where not yet assessed)."""
    hidden = "AND k.confidentiality != 'confidential'" if published else ""
    rows = conn.execute(
        f"""SELECT k.code AS kpi, k.name, k.lead_lag, k.direction, a.availability, a.predictability,
                   a.actionability, a.regulated, a.notes, a.assessed_by, a.assessed_at
            FROM kpis k LEFT JOIN kpi_assessments a ON a.kpi_id = k.id
            WHERE k.active = 1 {hidden}
            ORDER BY a.id IS NULL, k.lead_lag DESC, k.code LIMIT ? OFFSET ?""", [limit, offset])
    return [dict(r) | {"regulated": None if r["regulated"] is None else bool(r["regulated"])} for r in rows]


def add_driver(conn, leading: str, lagging: str, max_lag: int = 6, *, actor: str, now: datetime) -> int:
    """Link a leading KPI to the lagging KPI it should drive within ``max_lag`` months."""
    if leading == lagging:
        raise PmError("a KPI cannot drive itself")
    if not 0 <= max_lag <= MAX_LAG:
        raise PmError(f"--max-lag must be 0 to {MAX_LAG} months")
    lead_id = id_of(conn, "kpis", leading, "KPI")
    lag_id = id_of(conn, "kpis", lagging, "KPI")
    users.require(conn, actor, "edit_definitions", _root_unit(conn), now=now, entity="kpi_drivers",
                  key=f"{leading}|{lagging}", attempted={"max_lag": max_lag})
    with atomic(conn):
        if conn.execute("SELECT 1 FROM kpi_drivers WHERE leading_kpi_id = ? AND lagging_kpi_id = ?",
                        [lead_id, lag_id]).fetchone():
            raise PmError(f"{leading} -> {lagging} is already linked")
        return audit.insert(conn, "kpi_drivers", {"leading_kpi_id": lead_id, "lagging_kpi_id": lag_id,
                            "max_lag": max_lag}, actor=actor, now=now, action="kpi.driver_add")


@dataclass(frozen=True)
class DriverResult:
    """A driver link with its measured predictability."""

    leading: str
    lagging: str
    leading_class: str
    lagging_class: str
    max_lag: int
    expected_sign: int | None
    pooled: correlation.Profile
    units: tuple[correlation.Profile, ...]

    def to_dict(self, *, by_unit: bool = False) -> dict:
        """JSON-ready form: the pooled best lag, r, n and strength (and the units' profiles on request)."""
        out = {"leading": self.leading, "lagging": self.lagging, "leading_class": self.leading_class,
               "lagging_class": self.lagging_class, "max_lag": self.max_lag, "expected_sign": self.expected_sign,
               "units": [p.unit for p in self.units]} | self.pooled.to_dict()
        del out["unit"]
        if by_unit:
            out["by_unit"] = [p.to_dict() for p in self.units]
        return out


def _series(conn, kpi_id: int, unit_id: int) -> dict[str, float]:
    return dict(conn.execute("SELECT period, value FROM measurements WHERE kpi_id = ? AND unit_id = ?"
                             " AND status = 'approved'", [kpi_id, unit_id]).fetchall())


def measure(conn: sqlite3.Connection, leading: str, lagging: str, max_lag: int | None = None, *,
            published: bool = False) -> DriverResult:
    """Correlate the leading KPI (shifted 0..max_lag months) with the lagging one at every unit measuring both."""
    kpis = {r["code"]: r for r in conn.execute(
        "SELECT id, code, direction, lead_lag, confidentiality FROM kpis WHERE code IN (?, ?)", [leading, lagging])}
    for code in (leading, lagging):
        if code not in kpis:
            raise NotFound(f"unknown KPI {code!r}")
    if max_lag is None:
        row = conn.execute("SELECT max_lag FROM kpi_drivers WHERE leading_kpi_id = ? AND lagging_kpi_id = ?",
                           [kpis[leading]["id"], kpis[lagging]["id"]]).fetchone()
        max_lag = row[0] if row else 6
    hidden = "AND u.confidentiality != 'confidential'" if published else ""
    units = conn.execute(
        f"""SELECT u.id, u.code FROM units u
            WHERE EXISTS (SELECT 1 FROM measurements m WHERE m.unit_id = u.id AND m.kpi_id = ? AND m.status = 'approved')
              AND EXISTS (SELECT 1 FROM measurements m WHERE m.unit_id = u.id AND m.kpi_id = ? AND m.status = 'approved')
              {hidden}
            ORDER BY u.code""", [kpis[leading]["id"], kpis[lagging]["id"]]).fetchall()
    sign = correlation.expected_sign(kpis[leading]["direction"], kpis[lagging]["direction"])
    profiles = tuple(correlation.lag_profile(_series(conn, kpis[leading]["id"], u["id"]),
                                             _series(conn, kpis[lagging]["id"], u["id"]), max_lag,
                                             unit=u["code"], sign=sign) for u in units)
    return DriverResult(leading, lagging, kpis[leading]["lead_lag"], kpis[lagging]["lead_lag"], max_lag, sign,
                        correlation.pooled(profiles, max_lag, sign=sign), profiles)


def links(conn: sqlite3.Connection, *, published: bool = False) -> list[tuple[str, str, int]]:
    """(leading, lagging, max_lag) of every driver link (``published`` leaves out confidential KPIs)."""
    hidden = "WHERE a.confidentiality != 'confidential' AND b.confidentiality != 'confidential'" if published else ""
    return [tuple(r) for r in conn.execute(
        f"""SELECT a.code, b.code, d.max_lag FROM kpi_drivers d JOIN kpis a ON a.id = d.leading_kpi_id
            JOIN kpis b ON b.id = d.lagging_kpi_id {hidden} ORDER BY a.code, b.code""")]


def drivers(conn: sqlite3.Connection, *, published: bool = False) -> list[DriverResult]:
    """Every driver link measured on history."""
    return [measure(conn, lead, lag, max_lag, published=published) for lead, lag, max_lag in
            links(conn, published=published)]
