"""Authoring the framework without writing Python: create, edit and list units, KPIs and objectives.

The raw builders of :mod:`pmtui.services.framework` and :mod:`pmtui.services.users`
check no permission (setup and the demo use them as ``system``); these functions are
the ones people reach through the CLI and the TUI forms. Each one resolves the codes it
is given (:class:`NotFound` naming the code), validates the values, checks the actor's
permission (a refusal is audited by :func:`pmtui.services.users.require`; the pseudo-user
:data:`pmtui.services.users.SYSTEM` needs no role), then writes one audited transaction.
Bad input leaves the file exactly as it was. Edits return the element as a dict keyed by
codes; keyword arguments left ``None`` keep what the element has, ``""`` clears an
optional reference (parent, owner role, perspective, formula, email). An edit that
changes nothing writes nothing.

Permissions:

* units: ``edit_definitions`` at the unit (creating: at the parent; moving: at the new
  parent too);
* KPIs: ``edit_definitions`` group-wide (one definition serves every unit);
* objectives and their links: ``edit_definitions`` at the objective's unit (moving: at
  the new unit too; cause-and-effect links: at the effect's unit);

Rules decided here:

* Units form trees whose tops are of kind ``group`` (``pmtui init`` creates ``GROUP``). Only
  a ``group`` unit is created without a parent; a top stays a top (it is never given a
  parent and keeps kind ``group``), and no unit is moved to the top. A unit moves below
  any unit that is neither itself nor below it.
* A KPI's scoring fields (:data:`pmtui.core.framework_spec.SCORING_FIELDS`: formula,
  direction, unit of measure, aggregation) and its frequency (which decides the reporting
  periods and how months add up) are frozen once the KPI has approved values: changing
  them would re-score history, which is a change request, not an edit (the refusal is
  audited). Name, definition, owner role, perspective, decimals, confidentiality,
  financial and lead/lag stay editable. A new direction must fit the KPI's targets.

Roles and users are in :mod:`pmtui.services.people`, with the same conventions.
"""

from __future__ import annotations

import math
import sqlite3
from datetime import datetime
from typing import Any

from pmtui.core import scoring, validation
from pmtui.core import framework_spec as spec
from pmtui.core.framework_spec import CHOICES
from pmtui.services import formulas, framework, users
from pmtui.services.errors import NotFound, PmError
from pmtui.services.framework import KPI_FIELDS, check_code, id_of
from pmtui.store import audit
from pmtui.store.db import atomic

#: KPI fields frozen once the KPI has approved values (the same rule as framework apply).
LOCKED_KPI_FIELDS = spec.LOCKED_FIELDS

#: Fields :func:`edit_kpi` and :func:`add_kpi` accept.
KPI_EDIT_FIELDS = (*KPI_FIELDS, "perspective", "owner_role", "formula")

_TEXT_LIMITS = {"name": 200, "display_name": 200, "uom": 40, "definition": 2000, "description": 2000}


# --- reading ---------------------------------------------------------------------------------------------------

def get_unit(conn: sqlite3.Connection, code: str) -> dict:
    """One unit: ``{"code", "name", "kind", "parent", "confidentiality", "active"}``."""
    row = conn.execute("SELECT u.code, u.name, u.kind, p.code AS parent, u.confidentiality, u.active"
                       " FROM units u LEFT JOIN units p ON p.id = u.parent_id WHERE u.code = ?", [code]).fetchone()
    if row is None:
        raise NotFound(f"unknown unit {code!r}")
    return dict(row) | {"active": bool(row["active"])}


def list_units(conn: sqlite3.Connection) -> list[dict]:
    """Every unit in tree order (each below its parent, siblings by code), with its ``depth`` (top = 0)."""
    rows = conn.execute(
        """WITH RECURSIVE tree(id, depth, path) AS (
               SELECT id, 0, code FROM units WHERE parent_id IS NULL
               UNION ALL
               SELECT u.id, t.depth + 1, t.path || '/' || u.code FROM units u JOIN tree t ON u.parent_id = t.id)
           SELECT u.code, u.name, u.kind, p.code AS parent, u.confidentiality, u.active, t.depth
           FROM tree t JOIN units u ON u.id = t.id LEFT JOIN units p ON p.id = u.parent_id ORDER BY t.path""")
    return [dict(r) | {"active": bool(r["active"])} for r in rows]


_KPI_SQL = """SELECT k.code, k.name, k.definition, k.uom, k.direction, k.aggregation, k.frequency, k.lead_lag,
                     k.financial, p.code AS perspective, r.code AS owner_role, k.decimals, k.confidentiality,
                     k.formula, k.active
              FROM kpis k LEFT JOIN perspectives p ON p.id = k.perspective_id
              LEFT JOIN roles r ON r.id = k.owner_role_id WHERE k.code = ?"""


def get_kpi(conn: sqlite3.Connection, code: str) -> dict:
    """One KPI definition, references as codes (``perspective``, ``owner_role``)."""
    row = conn.execute(_KPI_SQL, [code]).fetchone()
    if row is None:
        raise NotFound(f"unknown KPI {code!r}")
    return dict(row) | {"financial": bool(row["financial"]), "active": bool(row["active"])}


def list_objectives(conn: sqlite3.Connection, unit: str | None = None) -> list[dict]:
    """Objectives (of exactly ``unit``, or all) by code, with their KPIs and weights, parent and causes.

    Each: ``{"code", "name", "description", "level", "unit", "perspective", "parent",
    "owner_role", "weight", "confidentiality", "kpis": [{"code", "weight"}], "causes": [codes]}``.
    """
    unit_id = id_of(conn, "units", unit, "unit") if unit else None
    return _objectives(conn, "WHERE ? IS NULL OR o.unit_id = ?", [unit_id, unit_id])


def get_objective(conn: sqlite3.Connection, code: str) -> dict:
    """One objective, shaped as :func:`list_objectives` lists it."""
    found = _objectives(conn, "WHERE o.code = ?", [code])
    if not found:
        raise NotFound(f"unknown objective {code!r}")
    return found[0]


def _objectives(conn: sqlite3.Connection, where: str, params: list) -> list[dict]:
    rows = conn.execute(
        f"""SELECT o.id, o.code, o.name, o.description, o.level, u.code AS unit, p.code AS perspective,
                   par.code AS parent, r.code AS owner_role, o.weight, o.confidentiality
            FROM objectives o JOIN units u ON u.id = o.unit_id JOIN perspectives p ON p.id = o.perspective_id
            LEFT JOIN objectives par ON par.id = o.parent_id LEFT JOIN roles r ON r.id = o.owner_role_id
            {where} ORDER BY o.code""", params).fetchall()
    if not rows:
        return []
    # Only the links of the objectives found: the big file has 20,000 of them.
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS _objective_ids (id INTEGER PRIMARY KEY)")
    conn.execute("DELETE FROM temp._objective_ids")
    conn.executemany("INSERT INTO temp._objective_ids VALUES (?)", [(r["id"],) for r in rows])
    kpis: dict[int, list[dict]] = {}
    for r in conn.execute("SELECT ok.objective_id, k.code, ok.weight FROM temp._objective_ids i"
                          " JOIN objective_kpis ok ON ok.objective_id = i.id JOIN kpis k ON k.id = ok.kpi_id"
                          " ORDER BY k.code"):
        kpis.setdefault(r[0], []).append({"code": r[1], "weight": r[2]})
    causes: dict[int, list[str]] = {}
    for r in conn.execute("SELECT l.effect_id, c.code FROM temp._objective_ids i JOIN objective_links l"
                          " ON l.effect_id = i.id JOIN objectives c ON c.id = l.cause_id ORDER BY c.code"):
        causes.setdefault(r[0], []).append(r[1])
    return [{k: r[k] for k in r.keys() if k != "id"}
            | {"kpis": kpis.get(r["id"], []), "causes": causes.get(r["id"], [])} for r in rows]


# --- validating ------------------------------------------------------------------------------------------------

def _require(conn, actor: str, permission: str, unit_id: int | None, *, now: datetime, entity: str, key: Any,
             attempted: Any) -> None:
    """Permission check (audited refusal); ``system`` needs no role. Call it before the transaction."""
    if actor != users.SYSTEM:
        users.require(conn, actor, permission, unit_id, now=now, entity=entity, key=key, attempted=attempted)


def _text(value: Any, field: str, *, required: bool = True) -> str:
    if not isinstance(value, str):
        raise PmError(f"{field} must be text, not {value!r}")
    value = value.strip()
    if required and not value:
        raise PmError(f"{field} must not be empty")
    try:
        return validation.check_text(value, field=field, max_length=_TEXT_LIMITS.get(field, 200))
    except ValueError as exc:
        raise PmError(str(exc)) from None


def _choice(value: Any, field: str) -> str:
    if value not in CHOICES[field]:
        raise PmError(f"{field} must be one of {', '.join(CHOICES[field])}, not {value!r}")
    return value


def _weight(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (math.isfinite(value) and value > 0):
        raise PmError(f"weight must be a positive number, not {value!r}")
    return float(value)


def _ref(conn: sqlite3.Connection, table: str, code: str | None, what: str) -> int | None:
    """The id behind an optional reference; ``""`` or None means none."""
    return id_of(conn, table, code, what) if code else None


def _new(conn: sqlite3.Connection, table: str, code: str, what: str) -> str:
    check_code(code, what)
    if conn.execute(f"SELECT 1 FROM {table} WHERE code = ?", [code]).fetchone():
        raise PmError(f"{what} {code} already exists")
    return code


def _row(conn: sqlite3.Connection, table: str, code: str, what: str) -> sqlite3.Row:
    row = conn.execute(f"SELECT * FROM {table} WHERE code = ?", [code]).fetchone()
    if row is None:
        raise NotFound(f"unknown {what} {code!r}")
    return row


def _changed(row: sqlite3.Row, values: dict) -> dict:
    """The values that differ from the row's."""
    return {k: v for k, v in values.items() if row[k] != v}


def _ancestors(conn: sqlite3.Connection, table: str, start_id: int) -> list[tuple[int, str]]:
    """(id, code) of ``start_id`` and every parent above it (``table``: units or objectives)."""
    return [tuple(r) for r in conn.execute(
        f"""WITH RECURSIVE up(id, n) AS (SELECT ?, 0 UNION ALL
                SELECT t.parent_id, up.n + 1 FROM {table} t JOIN up ON t.id = up.id
                WHERE t.parent_id IS NOT NULL AND up.n < 10000)
            SELECT up.id, t.code FROM up JOIN {table} t ON t.id = up.id ORDER BY up.n""", [start_id])]


def _refuse_cycle(conn: sqlite3.Connection, table: str, what: str, code: str, own_id: int, parent: str,
                  parent_id: int) -> None:
    """Refuse making ``parent`` the parent of ``code`` when ``parent`` is ``code`` or below it."""
    chain = _ancestors(conn, table, parent_id)
    ids = [i for i, _ in chain]
    if own_id not in ids:
        return
    if parent == code:
        raise PmError(f"{what} {code} cannot be its own parent")
    path = [c for _, c in reversed(chain[:ids.index(own_id) + 1])]
    raise PmError(f"{what} {code} cannot go below {parent}, which is below it ({' > '.join(path)}):"
                  " that would make a cycle")


# --- units -----------------------------------------------------------------------------------------------------

def add_unit(conn, code: str, *, name: str, kind: str, parent: str | None = None,
             confidentiality: str = "public", actor: str, now: datetime) -> dict:
    """Create a unit below ``parent`` (needs ``edit_definitions`` there); only a ``group`` sits at the top."""
    _new(conn, "units", code, "unit")
    values = {"name": _text(name, "name"), "kind": _choice(kind, "kind"),
              "confidentiality": _choice(confidentiality, "confidentiality")}
    parent_id = _ref(conn, "units", parent, "unit")
    if parent_id is None and kind != "group":
        raise PmError(f"unit {code}: a unit without a parent is the top of a tree and must be of kind group;"
                      " give its parent (--parent)")
    _require(conn, actor, "edit_definitions", parent_id, now=now, entity="units", key=code,
             attempted=values | {"parent": parent})
    framework.create_unit(conn, code, values["name"], kind, parent or None, confidentiality, actor=actor, now=now)
    return get_unit(conn, code)


def edit_unit(conn, code: str, *, name: str | None = None, kind: str | None = None, parent: str | None = None,
              confidentiality: str | None = None, actor: str, now: datetime) -> dict:
    """Rename, re-classify or move a unit (see the module's rules on tops of trees and cycles)."""
    row = _row(conn, "units", code, "unit")
    values: dict[str, Any] = {}
    if name is not None:
        values["name"] = _text(name, "name")
    if kind is not None:
        values["kind"] = _choice(kind, "kind")
    if confidentiality is not None:
        values["confidentiality"] = _choice(confidentiality, "confidentiality")
    top = row["parent_id"] is None
    if parent is not None:
        if parent == "":
            if not top:
                raise PmError(f"unit {code} cannot move to the top: the top of a tree is a group unit")
        elif top:
            raise PmError(f"unit {code} is the top of its tree and stays there: it cannot go below {parent}")
        else:
            values["parent_id"] = id_of(conn, "units", parent, "unit")
            _refuse_cycle(conn, "units", "unit", code, row["id"], parent, values["parent_id"])
    if top and values.get("kind", "group") != "group":
        raise PmError(f"unit {code} is the top of its tree: it stays of kind group")
    changes = _changed(row, values)
    asked = {"name": name, "kind": kind, "parent": parent, "confidentiality": confidentiality}
    attempted = {k: v for k, v in asked.items() if v is not None}
    _require(conn, actor, "edit_definitions", row["id"], now=now, entity="units", key=row["id"], attempted=attempted)
    if "parent_id" in changes:
        _require(conn, actor, "edit_definitions", changes["parent_id"], now=now, entity="units", key=row["id"],
                 attempted=attempted)
    if changes:
        with atomic(conn):
            audit.update(conn, "units", row["id"], changes, actor=actor, now=now, action="units.edit")
    return get_unit(conn, code)


# --- KPIs ------------------------------------------------------------------------------------------------------

def _kpi_values(conn: sqlite3.Connection, code: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Validated column values for the given KPI fields (None values skipped)."""
    unknown = set(fields) - set(KPI_EDIT_FIELDS)
    if unknown:
        raise PmError(f"KPI {code}: unknown field(s) {', '.join(sorted(unknown))}; use {', '.join(KPI_EDIT_FIELDS)}")
    out: dict[str, Any] = {}
    for field, value in fields.items():
        if value is None:
            continue
        if field in ("name", "definition", "uom"):
            out[field] = _text(value, field, required=field == "name")
        elif field == "direction":
            if value not in scoring.DIRECTIONS:
                raise PmError(f"KPI {code}: direction must be one of {', '.join(scoring.DIRECTIONS)}")
            out[field] = value
        elif field in ("aggregation", "frequency", "lead_lag", "confidentiality"):
            out[field] = _choice(value, field)
        elif field == "financial":
            if value not in (True, False, 0, 1):
                raise PmError(f"KPI {code}: financial must be true or false, not {value!r}")
            out[field] = int(bool(value))
        elif field == "decimals":
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 6:
                raise PmError(f"KPI {code}: decimals must be a whole number 0 to 6, not {value!r}")
            out[field] = value
        elif field == "perspective":
            out["perspective_id"] = _ref(conn, "perspectives", value, "perspective")
        elif field == "owner_role":
            out["owner_role_id"] = _ref(conn, "roles", value, "role")
        else:  # formula
            if not isinstance(value, str):
                raise PmError(f"KPI {code}: formula must be text, not {value!r}")
            text = value.strip()
            if text:
                formulas.validate(conn, code, text)
            out["formula"] = text or None
    return out


def add_kpi(conn, code: str, *, actor: str, now: datetime, **fields: Any) -> dict:
    """Create a KPI (``name`` and ``direction`` required; other fields as :data:`KPI_EDIT_FIELDS`)."""
    _new(conn, "kpis", code, "KPI")
    for needed in ("name", "direction"):
        if fields.get(needed) is None:
            raise PmError(f"KPI {code}: {needed} is required")
    values = _kpi_values(conn, code, fields)
    _require(conn, actor, "edit_definitions", None, now=now, entity="kpis", key=code, attempted=fields)
    with atomic(conn):
        audit.insert(conn, "kpis", values | {"code": code}, actor=actor, now=now)
    return get_kpi(conn, code)


def edit_kpi(conn, code: str, *, actor: str, now: datetime, **fields: Any) -> dict:
    """Change a KPI's definition; scoring fields only while it has no approved values (see the module).

    Raises:
        PmError: unknown field or code, a bad value, or a locked field changed (audited,
            "use a change request").
    """
    row = _row(conn, "kpis", code, "KPI")
    changes = _changed(row, _kpi_values(conn, code, fields))
    _require(conn, actor, "edit_definitions", None, now=now, entity="kpis", key=row["id"],
             attempted={k: v for k, v in fields.items() if v is not None})
    if not changes:
        return get_kpi(conn, code)
    locked = [f for f in LOCKED_KPI_FIELDS if f in changes]
    approved = conn.execute("SELECT count(*) FROM measurements WHERE kpi_id = ? AND status = 'approved'",
                            [row["id"]]).fetchone()[0] if locked else 0
    if approved:
        what = ", ".join(f"{f} {row[f]!r} -> {changes[f]!r}" for f in locked)
        reason = (f"KPI {code} has {approved:,} approved value(s): changing its {what} would change how they score;"
                  " not an edit, use a change request")
        audit.record_refusal(conn, actor=actor, now=now, action="edit_definitions", entity="kpis", key=row["id"],
                             attempted={f: changes[f] for f in locked}, reason=reason)
        raise PmError(reason)
    if "direction" in changes:
        _check_targets_fit(conn, code, row["id"], changes["direction"])
    with atomic(conn):
        audit.update(conn, "kpis", row["id"], changes, actor=actor, now=now, action="kpis.edit")
    return get_kpi(conn, code)


def _check_targets_fit(conn: sqlite3.Connection, code: str, kpi_id: int, direction: str) -> None:
    """Refuse a new direction that the KPI's targets do not fit (e.g. ``band`` without ``target_high``)."""
    for t in conn.execute("SELECT u.code AS unit, t.period, t.target, t.amber, t.target_high, t.amber_high"
                          " FROM targets t JOIN units u ON u.id = t.unit_id WHERE t.kpi_id = ?"
                          " ORDER BY t.period, u.code", [kpi_id]):
        try:
            if direction == "band" and t["target_high"] is None:
                raise ValueError("a band KPI needs target and target_high")
            scoring.kpi_score(direction, None, t["target"], t["amber"], t["target_high"], t["amber_high"])
        except ValueError as exc:
            raise PmError(f"KPI {code} cannot become {direction}: its target for {t['unit']} {t['period']}"
                          f" does not fit ({exc})") from None


# --- objectives and their links --------------------------------------------------------------------------------

def add_objective(conn, code: str, *, name: str, level: str, unit: str, perspective: str,
                  parent: str | None = None, owner_role: str | None = None, weight: float = 1.0,
                  description: str = "", confidentiality: str = "public", actor: str, now: datetime) -> dict:
    """Create an objective of ``unit`` (needs ``edit_definitions`` there), optionally cascaded from ``parent``."""
    _new(conn, "objectives", code, "objective")
    values = {"name": _text(name, "name"), "level": _choice(level, "level"), "weight": _weight(weight),
              "description": _text(description or "", "description", required=False),
              "confidentiality": _choice(confidentiality, "confidentiality")}
    unit_id = id_of(conn, "units", unit, "unit")
    id_of(conn, "perspectives", perspective, "perspective")
    _ref(conn, "objectives", parent, "objective")
    _ref(conn, "roles", owner_role, "role")
    _require(conn, actor, "edit_definitions", unit_id, now=now, entity="objectives", key=code,
             attempted=values | {"unit": unit, "perspective": perspective, "parent": parent, "owner_role": owner_role})
    framework.create_objective(conn, code, values["name"], level=level, unit=unit, perspective=perspective,
                               parent=parent or None, owner_role=owner_role or None, weight=values["weight"],
                               description=values["description"], confidentiality=confidentiality,
                               actor=actor, now=now)
    return get_objective(conn, code)


def edit_objective(conn, code: str, *, name: str | None = None, description: str | None = None,
                   level: str | None = None, unit: str | None = None, perspective: str | None = None,
                   parent: str | None = None, owner_role: str | None = None, weight: float | None = None,
                   confidentiality: str | None = None, actor: str, now: datetime) -> dict:
    """Change an objective; a new ``parent`` must not be the objective or one cascaded from it."""
    row = _row(conn, "objectives", code, "objective")
    values: dict[str, Any] = {}
    if name is not None:
        values["name"] = _text(name, "name")
    if description is not None:
        values["description"] = _text(description, "description", required=False)
    if level is not None:
        values["level"] = _choice(level, "level")
    if weight is not None:
        values["weight"] = _weight(weight)
    if confidentiality is not None:
        values["confidentiality"] = _choice(confidentiality, "confidentiality")
    if unit is not None:
        values["unit_id"] = id_of(conn, "units", unit, "unit")
    if perspective is not None:
        values["perspective_id"] = id_of(conn, "perspectives", perspective, "perspective")
    if owner_role is not None:
        values["owner_role_id"] = _ref(conn, "roles", owner_role, "role")
    if parent is not None:
        values["parent_id"] = _ref(conn, "objectives", parent, "objective")
        if parent:
            _refuse_cycle(conn, "objectives", "objective", code, row["id"], parent, values["parent_id"])
    changes = _changed(row, values)
    shown = {"name": name, "description": description, "level": level, "unit": unit, "perspective": perspective,
             "parent": parent, "owner_role": owner_role, "weight": weight, "confidentiality": confidentiality}
    attempted = {k: v for k, v in shown.items() if v is not None}
    _require(conn, actor, "edit_definitions", row["unit_id"], now=now, entity="objectives", key=row["id"],
             attempted=attempted)
    if "unit_id" in changes:
        _require(conn, actor, "edit_definitions", changes["unit_id"], now=now, entity="objectives", key=row["id"],
                 attempted=attempted)
    if changes:
        with atomic(conn):
            audit.update(conn, "objectives", row["id"], changes, actor=actor, now=now, action="objectives.edit")
    return get_objective(conn, code)


def _link(conn: sqlite3.Connection, objective: str, kpi: str) -> tuple[sqlite3.Row, int, sqlite3.Row | None]:
    """(objective row, KPI id, the objective_kpis row or None)."""
    obj = _row(conn, "objectives", objective, "objective")
    kpi_id = id_of(conn, "kpis", kpi, "KPI")
    link = conn.execute("SELECT id, weight FROM objective_kpis WHERE objective_id = ? AND kpi_id = ?",
                        [obj["id"], kpi_id]).fetchone()
    return obj, kpi_id, link


def link_kpi(conn, objective: str, kpi: str, weight: float = 1.0, *, actor: str, now: datetime) -> dict:
    """Measure ``objective`` by ``kpi`` with a weight; returns ``{"objective", "kpi", "weight"}``."""
    obj, _kpi_id, link = _link(conn, objective, kpi)
    weight = _weight(weight)
    if link is not None:
        raise PmError(f"KPI {kpi} is already linked to objective {objective} (weight {link['weight']:g});"
                      " change the weight instead")
    _require(conn, actor, "edit_definitions", obj["unit_id"], now=now, entity="objective_kpis",
             key=f"{objective}|{kpi}", attempted={"weight": weight})
    framework.link_kpi(conn, objective, kpi, weight, actor=actor, now=now)
    return {"objective": objective, "kpi": kpi, "weight": weight}


def set_link_weight(conn, objective: str, kpi: str, weight: float, *, actor: str, now: datetime) -> dict:
    """Change the weight of ``kpi`` in ``objective``'s roll-up; returns ``{"objective", "kpi", "weight"}``."""
    obj, _kpi_id, link = _link(conn, objective, kpi)
    weight = _weight(weight)
    if link is None:
        raise NotFound(f"KPI {kpi} is not linked to objective {objective}")
    _require(conn, actor, "edit_definitions", obj["unit_id"], now=now, entity="objective_kpis", key=link["id"],
             attempted={"weight": weight})
    if link["weight"] != weight:
        with atomic(conn):
            audit.update(conn, "objective_kpis", link["id"], {"weight": weight}, actor=actor, now=now)
    return {"objective": objective, "kpi": kpi, "weight": weight}


def unlink_kpi(conn, objective: str, kpi: str, *, actor: str, now: datetime) -> None:
    """Stop measuring ``objective`` by ``kpi`` (the link row is deleted, audited with its old state)."""
    obj, _kpi_id, link = _link(conn, objective, kpi)
    if link is None:
        raise NotFound(f"KPI {kpi} is not linked to objective {objective}")
    _require(conn, actor, "edit_definitions", obj["unit_id"], now=now, entity="objective_kpis", key=link["id"],
             attempted={"unlink": f"{objective}|{kpi}"})
    with atomic(conn):
        audit.delete(conn, "objective_kpis", link["id"], actor=actor, now=now)


def _cause_link(conn: sqlite3.Connection, cause: str, effect: str) -> tuple[sqlite3.Row, sqlite3.Row | None]:
    """(effect row, the objective_links row or None)."""
    cause_id = id_of(conn, "objectives", cause, "objective")
    eff = _row(conn, "objectives", effect, "objective")
    link = conn.execute("SELECT id FROM objective_links WHERE cause_id = ? AND effect_id = ?",
                        [cause_id, eff["id"]]).fetchone()
    return eff, link


def link_objectives(conn, cause: str, effect: str, *, actor: str, now: datetime) -> dict:
    """Record that ``cause`` drives ``effect`` on the strategy map; returns ``{"cause", "effect"}``."""
    eff, link = _cause_link(conn, cause, effect)
    if cause == effect:
        raise PmError(f"objective {cause} cannot be its own cause")
    if link is not None:
        raise PmError(f"{cause} is already a cause of {effect}")
    _require(conn, actor, "edit_definitions", eff["unit_id"], now=now, entity="objective_links",
             key=f"{cause}->{effect}", attempted={"link": f"{cause}->{effect}"})
    framework.link_objectives(conn, cause, effect, actor=actor, now=now)
    return {"cause": cause, "effect": effect}


def unlink_objectives(conn, cause: str, effect: str, *, actor: str, now: datetime) -> None:
    """Remove the cause-and-effect link from ``cause`` to ``effect`` (audited delete)."""
    eff, link = _cause_link(conn, cause, effect)
    if link is None:
        raise NotFound(f"{cause} is not a cause of {effect}")
    _require(conn, actor, "edit_definitions", eff["unit_id"], now=now, entity="objective_links", key=link["id"],
             attempted={"unlink": f"{cause}->{effect}"})
    with atomic(conn):
        audit.delete(conn, "objective_links", link["id"], actor=actor, now=now)
