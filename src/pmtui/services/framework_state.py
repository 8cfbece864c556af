"""The framework the database holds, in the shape of a framework file (for apply and export)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from datetime import date

from pmtui.core import framework_spec as spec


@dataclass
class State:
    """What the database holds.

    Attributes:
        framework: Every element, as :func:`pmtui.core.framework_spec.normalise` would give it.
        approved: KPI code -> number of approved values (their scoring fields are locked).
        locked_targets: Target keys that are approved (only a revision changes them).
    """

    framework: spec.Framework
    approved: dict[str, int] = field(default_factory=dict)
    locked_targets: set[str] = field(default_factory=set)


def read(conn: sqlite3.Connection, today: date) -> State:
    """Read the whole framework; roles held are those current on ``today``."""
    fw = spec.empty()
    settings = dict(conn.execute("SELECT key, value FROM settings WHERE key IN ('company_name', 'currency')").fetchall())
    if "company_name" in settings:
        fw["company"]["company"] = {"name": settings["company_name"], "currency": settings.get("currency") or "EUR"}
    for r in conn.execute("SELECT code, name, weight, sort_order FROM perspectives"):
        fw["perspectives"][r["code"]] = {"code": r["code"], "name": r["name"], "weight": float(r["weight"]),
                                         "sort_order": r["sort_order"]}
    for r in conn.execute("SELECT code, name, permissions FROM roles"):
        held = r["permissions"].split()
        fw["roles"][r["code"]] = {"code": r["code"], "name": r["name"],
                                  "permissions": [p for p in spec.PERMISSIONS if p in held]}
    for r in conn.execute("SELECT u.code, u.name, u.kind, p.code AS parent, u.confidentiality, u.active"
                          " FROM units u LEFT JOIN units p ON p.id = u.parent_id"):
        fw["units"][r["code"]] = dict(r) | {"active": bool(r["active"])}
    _users(conn, fw, today)
    for r in conn.execute(
            """SELECT k.code, k.name, k.definition, k.uom, k.direction, k.aggregation, k.frequency, k.lead_lag,
                      k.financial, p.code AS perspective, r.code AS owner_role, k.decimals, k.confidentiality,
                      k.formula, k.min_value AS min, k.max_value AS max
               FROM kpis k LEFT JOIN perspectives p ON p.id = k.perspective_id
               LEFT JOIN roles r ON r.id = k.owner_role_id"""):
        fw["kpis"][r["code"]] = dict(r) | {"financial": bool(r["financial"]), "formula": r["formula"] or None}
    _objectives(conn, fw)
    locked = _targets(conn, fw)
    approved = dict(conn.execute("SELECT k.code, count(*) FROM measurements m JOIN kpis k ON k.id = m.kpi_id"
                                 " WHERE m.status = 'approved' GROUP BY k.code").fetchall())
    return State(fw, approved, locked)


def _users(conn, fw: spec.Framework, today: date) -> None:
    for r in conn.execute("SELECT name, display_name, email, active FROM users"):
        fw["users"][r["name"]] = {"name": r["name"], "display_name": r["display_name"], "email": r["email"],
                                  "active": bool(r["active"]), "roles": []}
    day = today.isoformat()
    for r in conn.execute(
            """SELECT p.name, r.code AS role, u.code AS unit, a.valid_from FROM role_assignments a
               JOIN users p ON p.id = a.user_id JOIN roles r ON r.id = a.role_id LEFT JOIN units u ON u.id = a.unit_id
               WHERE a.valid_from <= ? AND (a.valid_to IS NULL OR a.valid_to >= ?)""", [day, day]):
        fw["users"][r["name"]]["roles"].append({"role": r["role"], "unit": r["unit"], "from": r["valid_from"]})
    for user in fw["users"].values():
        user["roles"].sort(key=lambda h: (h["role"], h["unit"] or ""))


def _objectives(conn, fw: spec.Framework) -> None:
    for r in conn.execute(
            """SELECT o.code, o.name, o.description, o.level, u.code AS unit, p.code AS perspective,
                      par.code AS parent, r.code AS owner_role, o.weight, o.confidentiality
               FROM objectives o JOIN units u ON u.id = o.unit_id JOIN perspectives p ON p.id = o.perspective_id
               LEFT JOIN objectives par ON par.id = o.parent_id LEFT JOIN roles r ON r.id = o.owner_role_id"""):
        fw["objectives"][r["code"]] = dict(r) | {"weight": float(r["weight"]), "kpis": [], "causes": []}
    for r in conn.execute("SELECT o.code AS objective, k.code AS kpi, l.weight FROM objective_kpis l"
                          " JOIN objectives o ON o.id = l.objective_id JOIN kpis k ON k.id = l.kpi_id"
                          " ORDER BY o.code, k.code"):
        fw["objectives"][r["objective"]]["kpis"].append({"code": r["kpi"], "weight": float(r["weight"])})
    for r in conn.execute("SELECT c.code AS cause, e.code AS effect FROM objective_links l"
                          " JOIN objectives c ON c.id = l.cause_id JOIN objectives e ON e.id = l.effect_id"
                          " ORDER BY e.code, c.code"):
        fw["objectives"][r["effect"]]["causes"].append(r["cause"])


def _targets(conn, fw: spec.Framework) -> set[str]:
    """Approved targets and open proposals; returns the keys of the approved (locked) ones."""
    locked = set()
    sql = """SELECT k.code AS kpi, u.code AS unit, t.period, t.target, t.amber, t.target_high, t.amber_high
             FROM {table} t JOIN kpis k ON k.id = t.kpi_id JOIN units u ON u.id = t.unit_id {where}"""
    for table, where in (("target_proposals", "WHERE t.status = 'proposed'"), ("targets", "")):
        for r in conn.execute(sql.format(table=table, where=where)):
            key = spec.target_key(r["kpi"], r["unit"], r["period"])
            fw["targets"][key] = dict(r)
            if table == "targets":
                locked.add(key)
    return locked


def export_order(kind: str, elements: dict[str, dict]) -> list[str]:
    """Keys in a stable order where every reference points backwards (parents first)."""
    if kind == "perspectives":
        return sorted(elements, key=lambda c: (elements[c]["sort_order"], c))
    if kind not in ("units", "objectives"):
        return sorted(elements)
    children: dict[str | None, list[str]] = {}
    for key, element in elements.items():
        parent = element["parent"] if element["parent"] in elements else None
        children.setdefault(parent, []).append(key)
    out: list[str] = []
    stack = sorted(children.get(None, []), reverse=True)
    while stack:
        key = stack.pop()
        out.append(key)
        stack.extend(sorted(children.get(key, []), reverse=True))
    return out
