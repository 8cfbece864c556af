"""Writing an apply plan: every element added or changed, audited, inside the caller's transaction.

Small kinds (units, roles, users, KPIs, objectives) get one audit entry per row; the
large ones (objective-KPI links, targets) are inserted with ``executemany`` and audited
by one batch entry that carries every row (``audit verify`` replays it).
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from pmtui.core import framework_plan as fplan
from pmtui.core import framework_spec as spec
from pmtui.services import framework, target_proposals, users
from pmtui.services.framework_state import State
from pmtui.store import audit

#: Which permission each kind of change needs (targets: edit_targets for each unit, checked per unit).
PERMISSION = {"company": "administer", "perspectives": "edit_definitions", "roles": "administer",
              "units": "edit_definitions", "users": "administer", "kpis": "edit_definitions",
              "objectives": "edit_definitions"}


def check_permissions(conn, desired: spec.Framework, plan: dict[str, fplan.KindPlan], *, actor: str,
                      now: datetime) -> None:
    """Refuse (audited) unless the actor may make every change of the plan."""
    if actor == users.SYSTEM:
        return
    for kind, needed in PERMISSION.items():
        if plan[kind].changes:
            users.require(conn, actor, needed, None, now=now, entity=kind, key="framework-apply",
                          attempted={"added": len(plan[kind].added), "changed": len(plan[kind].changed)})
    keys = plan["targets"].added + list(plan["targets"].changed)
    if keys:
        unit_codes = {desired["targets"][k]["unit"] for k in keys}
        ids = [r[0] for r in conn.execute(f"SELECT id FROM units WHERE code IN ({','.join('?' * len(unit_codes))})",
                                          sorted(unit_codes))]
        target_proposals.require_units(conn, actor, ids, now=now, key="framework-apply")


class _Ids:
    """Code -> id of each referable kind, kept up to date as rows are inserted."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.maps = {t: dict(conn.execute(f"SELECT code, id FROM {t}").fetchall())
                     for t in ("units", "roles", "perspectives", "kpis", "objectives")}

    def of(self, table: str, code: str | None) -> int | None:
        return None if code is None else self.maps[table][code]


def write(conn, desired: spec.Framework, state: State, plan: dict[str, fplan.KindPlan], *, actor: str,
          now: datetime) -> None:
    """Write the plan (the caller holds the transaction)."""
    ids = _Ids(conn)
    a = {"actor": actor, "now": now}
    company = desired["company"].get("company")
    if company and plan["company"].changes:
        framework.set_setting(conn, "company_name", company["name"], **a)
        framework.set_setting(conn, "currency", company["currency"], **a)
    for kind, table, row_of in (("perspectives", "perspectives", _perspective), ("roles", "roles", _role),
                                ("units", "units", _unit), ("kpis", "kpis", _kpi),
                                ("objectives", "objectives", _objective)):
        for key in _parents_first(plan[kind].added, desired[kind], ids.maps[table]):
            ids.maps[table][key] = audit.insert(conn, table, row_of(desired[kind][key], ids), **a)
        for key, fields in plan[kind].changed.items():
            row = row_of(desired[kind][key], ids)
            changes = {c: row[c] for c in row if c in _columns(kind, fields)}
            if changes:
                audit.update(conn, table, ids.of(table, key), changes, **a)
        if kind == "units":
            _users(conn, desired, state, plan, ids, **a)
    _links(conn, desired, state, plan, ids, **a)
    _targets(conn, desired, plan, ids, **a)


def _parents_first(added: list[str], elements: dict, existing: dict) -> list[str]:
    """``added`` in file order, except that a child waits until its parent is created."""
    if not added or "parent" not in elements[added[0]]:
        return added
    out, placed, waiting = [], set(existing), list(added)
    while waiting:
        ready = [k for k in waiting if elements[k]["parent"] is None or elements[k]["parent"] in placed]
        if not ready:  # validation refuses cycles; anything left refers to nothing we can place
            raise AssertionError(f"cannot order {waiting[:3]}")
        out += ready
        placed |= set(ready)
        waiting = [k for k in waiting if k not in placed]
    return out


def _columns(kind: str, fields: dict) -> set[str]:
    rename = {"parent": "parent_id", "perspective": "perspective_id", "owner_role": "owner_role_id",
              "unit": "unit_id", "min": "min_value", "max": "max_value"}
    return {rename.get(f, f) for f in fields if f not in ("kpis", "causes", "roles")}


def _perspective(e: dict, ids: _Ids) -> dict:
    return {k: e[k] for k in ("code", "name", "weight", "sort_order")}


def _role(e: dict, ids: _Ids) -> dict:
    return {"code": e["code"], "name": e["name"], "permissions": " ".join(e["permissions"])}


def _unit(e: dict, ids: _Ids) -> dict:
    return {"code": e["code"], "name": e["name"], "kind": e["kind"], "parent_id": ids.of("units", e["parent"]),
            "confidentiality": e["confidentiality"], "active": int(e["active"])}


def _kpi(e: dict, ids: _Ids) -> dict:
    row = {f: e[f] for f in framework.KPI_FIELDS if f in e} | {"code": e["code"], "formula": e["formula"],
                                                              "min_value": e["min"], "max_value": e["max"]}
    return row | {"financial": int(e["financial"]), "perspective_id": ids.of("perspectives", e["perspective"]),
                  "owner_role_id": ids.of("roles", e["owner_role"])}


def _objective(e: dict, ids: _Ids) -> dict:
    return {"code": e["code"], "name": e["name"], "description": e["description"], "level": e["level"],
            "unit_id": ids.of("units", e["unit"]), "perspective_id": ids.of("perspectives", e["perspective"]),
            "parent_id": ids.of("objectives", e["parent"]), "owner_role_id": ids.of("roles", e["owner_role"]),
            "weight": e["weight"], "confidentiality": e["confidentiality"]}


def _users(conn, desired, state: State, plan, ids: _Ids, *, actor: str, now: datetime) -> None:
    a = {"actor": actor, "now": now}
    today = now.date().isoformat()
    for name in plan["users"].added + list(plan["users"].changed):
        user = desired["users"][name]
        row = {"name": name, "display_name": user["display_name"], "email": user["email"],
               "active": int(user["active"])}
        if name in plan["users"].added:
            user_id = audit.insert(conn, "users", row, **a)
            before: dict = {}
        else:
            user_id = conn.execute("SELECT id FROM users WHERE name = ?", [name]).fetchone()[0]
            fields = plan["users"].changed[name]
            if set(fields) - {"roles"}:
                audit.update(conn, "users", user_id, {k: row[k] for k in fields if k in row}, **a)
            before = {(h["role"], h["unit"]): h for h in state.framework["users"][name]["roles"]}
        after = {(h["role"], h["unit"]): h for h in user["roles"]}
        for (role, unit), held in after.items():
            old = before.get((role, unit))
            if old is None:
                audit.insert(conn, "role_assignments", {"user_id": user_id, "role_id": ids.of("roles", role),
                                                        "unit_id": ids.of("units", unit),
                                                        "valid_from": held["from"] or today}, **a)
            elif old["from"] != held["from"]:
                audit.update(conn, "role_assignments", _assignment(conn, user_id, ids, role, unit, today),
                             {"valid_from": held["from"]}, **a)
        ended = (now.date() - timedelta(days=1)).isoformat()
        for role, unit in sorted(set(before) - set(after), key=lambda k: (k[0], k[1] or "")):
            audit.update(conn, "role_assignments", _assignment(conn, user_id, ids, role, unit, today),
                         {"valid_to": ended}, action="role_assignments.end", reason="not in the framework file", **a)


def _assignment(conn, user_id: int, ids: _Ids, role: str, unit: str | None, today: str) -> int:
    return conn.execute("SELECT id FROM role_assignments WHERE user_id = ? AND role_id = ? AND unit_id IS ?"
                        " AND valid_from <= ? AND (valid_to IS NULL OR valid_to >= ?) ORDER BY valid_from DESC",
                        [user_id, ids.of("roles", role), ids.of("units", unit), today, today]).fetchone()[0]


def _links(conn, desired, state: State, plan, ids: _Ids, *, actor: str, now: datetime) -> None:
    a = {"actor": actor, "now": now}
    new_links: list[tuple] = []
    for code in plan["objectives"].added + list(plan["objectives"].changed):
        objective = desired["objectives"][code]
        old = state.framework["objectives"].get(code, {"kpis": [], "causes": []})
        oid = ids.of("objectives", code)
        before = {link["code"]: link["weight"] for link in old["kpis"]}
        after = {link["code"]: link["weight"] for link in objective["kpis"]}
        for kpi, weight in after.items():
            if kpi not in before:
                new_links.append((oid, ids.of("kpis", kpi), weight))
            elif before[kpi] != weight:
                audit.update(conn, "objective_kpis", _link_id(conn, oid, ids.of("kpis", kpi)), {"weight": weight}, **a)
        for kpi in sorted(set(before) - set(after)):
            audit.delete(conn, "objective_kpis", _link_id(conn, oid, ids.of("kpis", kpi)),
                         reason="not in the framework file", **a)
        for cause in [c for c in objective["causes"] if c not in old["causes"]]:
            audit.insert(conn, "objective_links", {"cause_id": ids.of("objectives", cause), "effect_id": oid}, **a)
        for cause in sorted(set(old["causes"]) - set(objective["causes"])):
            link = conn.execute("SELECT id FROM objective_links WHERE cause_id = ? AND effect_id = ?",
                                [ids.of("objectives", cause), oid]).fetchone()[0]
            audit.delete(conn, "objective_links", link, reason="not in the framework file", **a)
    if new_links:
        first = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM objective_kpis").fetchone()[0]
        conn.executemany("INSERT INTO objective_kpis (objective_id, kpi_id, weight) VALUES (?, ?, ?)", new_links)
        audit.append(conn, action="objective_kpis.batch", entity="objective_kpis", key=f"batch:{first}",
                     new={"first_id": first, "columns": ["objective_id", "kpi_id", "weight"],
                          "rows": [list(r) for r in new_links]}, **a)


def _link_id(conn, objective_id: int, kpi_id: int) -> int:
    return conn.execute("SELECT id FROM objective_kpis WHERE objective_id = ? AND kpi_id = ?",
                        [objective_id, kpi_id]).fetchone()[0]


def _targets(conn, desired, plan, ids: _Ids, *, actor: str, now: datetime) -> None:
    rows = []
    for key in plan["targets"].added + list(plan["targets"].changed):
        t = desired["targets"][key]
        kpi_id, unit_id = ids.of("kpis", t["kpi"]), ids.of("units", t["unit"])
        if key in plan["targets"].changed:
            target_proposals.withdraw(conn, kpi_id, unit_id, t["period"], actor=actor, now=now)
        rows.append((kpi_id, unit_id, t["period"], t["target"], t["amber"], t["target_high"], t["amber_high"]))
    target_proposals.propose_rows(conn, rows, actor=actor, now=now, source="framework apply")
