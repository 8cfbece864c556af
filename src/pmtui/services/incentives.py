"""Incentive links between roles and KPIs, with weights (M3.4).

A link says that the pay of whoever holds ``role`` depends on ``kpi`` with ``weight``
(a share, 0 < weight <= 1). A role's weights add up to at most 1. The links matter to
gaming detection (:mod:`pmtui.services.gaming`): a sandbagged target or a hugged target
on an incentivised KPI is listed first. Changing links needs group-wide ``administer``.
"""

from __future__ import annotations

import math
import sqlite3
from datetime import datetime

from pmtui.services import users
from pmtui.services.errors import PmError
from pmtui.services.framework import id_of
from pmtui.store import audit
from pmtui.store.db import atomic


def links(conn: sqlite3.Connection, *, role: str | None = None, kpi: str | None = None) -> list[dict]:
    """Incentive links ``{"role", "kpi", "kpi_name", "weight"}`` by role, heaviest first."""
    where, params = [], []
    if role:
        where.append("i.role_id = ?")
        params.append(id_of(conn, "roles", role, "role"))
    if kpi:
        where.append("i.kpi_id = ?")
        params.append(id_of(conn, "kpis", kpi, "KPI"))
    rows = conn.execute(
        f"""SELECT r.code AS role, k.code AS kpi, k.name AS kpi_name, i.weight
            FROM incentives i JOIN roles r ON r.id = i.role_id JOIN kpis k ON k.id = i.kpi_id
            {'WHERE ' + ' AND '.join(where) if where else ''}
            ORDER BY r.code, i.weight DESC, k.code""", params)
    return [dict(r) for r in rows]


def by_kpi(conn: sqlite3.Connection) -> dict[str, list[dict]]:
    """KPI code -> its links ``[{"role", "weight"}]`` (for flagging gaming findings)."""
    out: dict[str, list[dict]] = {}
    for r in links(conn):
        out.setdefault(r["kpi"], []).append({"role": r["role"], "weight": r["weight"]})
    return out


def set_link(conn, role: str, kpi: str, weight: float | None, *, actor: str, now: datetime) -> list[dict]:
    """Link ``role`` to ``kpi`` with ``weight`` (None removes the link); returns the role's links.

    Raises:
        PmError: weight outside (0, 1], the role's weights would exceed 1, unknown codes,
            or no group-wide ``administer`` (the refusal is audited).
    """
    if weight is not None and not (math.isfinite(weight) and 0 < weight <= 1):
        raise PmError(f"weight must be above 0 and at most 1 (a share of the incentive), not {weight!r}")
    role_id = id_of(conn, "roles", role, "role")
    kpi_id = id_of(conn, "kpis", kpi, "KPI")
    others = conn.execute("SELECT coalesce(sum(weight), 0) FROM incentives WHERE role_id = ? AND kpi_id != ?",
                          [role_id, kpi_id]).fetchone()[0]
    if weight is not None and others + weight > 1 + 1e-9:
        raise PmError(f"{role}'s incentive weights would add up to {others + weight:.2f}; they may add up to"
                      f" at most 1 ({others:.2f} is used by its other KPIs)")
    users.require(conn, actor, "administer", None, now=now, entity="incentives", key=f"{role}:{kpi}",
                  attempted={"weight": weight})
    with atomic(conn):
        row = conn.execute("SELECT id, weight FROM incentives WHERE role_id = ? AND kpi_id = ?",
                           [role_id, kpi_id]).fetchone()
        if weight is None:
            if row is None:
                raise PmError(f"{role} has no incentive link to {kpi}")
            audit.delete(conn, "incentives", row["id"], actor=actor, now=now)
        elif row is None:
            audit.insert(conn, "incentives", {"role_id": role_id, "kpi_id": kpi_id, "weight": weight},
                         actor=actor, now=now)
        elif row["weight"] != weight:
            audit.update(conn, "incentives", row["id"], {"weight": weight}, actor=actor, now=now)
    return links(conn, role=role)
