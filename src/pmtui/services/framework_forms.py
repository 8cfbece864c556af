"""What the TUI's framework forms submit: typed text parsed, checked, then written through the services.

The rules live in :mod:`pmtui.services.framework_edit` (units, KPIs, objectives, links)
and :mod:`pmtui.services.target_proposals` (targets); this module only turns form text
into their arguments and, for an objective, writes the objective and its KPI links
and causes as **one** audited transaction: either all of the form is stored or none
of it. Everything that can be checked is checked before anything is written, and the
permission is checked before the transaction so that a refusal stays in the audit trail.
"""

from __future__ import annotations

import math
import re
from datetime import datetime

from pmtui.services import framework_edit as fe
from pmtui.services import target_proposals, users
from pmtui.services.errors import PmError
from pmtui.services.framework import id_of
from pmtui.store.db import atomic

_SPLIT = re.compile(r"[,;\s]+")


def optional(text: str | None) -> str | None:
    """The stripped text, or None when empty."""
    text = (text or "").strip()
    return text or None


def number(text: str | None, field: str, *, required: bool = False) -> float | None:
    """A finite number typed in ``field`` (``.`` as decimal separator); None when empty and not required."""
    text = (text or "").strip()
    if not text:
        if required:
            raise PmError(f"{field}: a number is required")
        return None
    try:
        value = float(text)
    except ValueError:
        raise PmError(f"{field}: {text!r} is not a number (use . as the decimal separator)") from None
    if not math.isfinite(value):
        raise PmError(f"{field}: {text!r} is not a finite number")
    return value


def whole(text: str | None, field: str) -> int | None:
    """A whole number typed in ``field``; None when empty."""
    text = (text or "").strip()
    if not text:
        return None
    if not text.isdigit():
        raise PmError(f"{field}: {text!r} is not a whole number")
    return int(text)


def codes(text: str | None) -> list[str]:
    """Codes separated by commas or spaces (``"A, B C"``), in order, without repeats."""
    return list(dict.fromkeys(c for c in _SPLIT.split((text or "").strip()) if c))


def weighted_codes(text: str | None, field: str = "KPIs") -> list[tuple[str, float]]:
    """``"REV:2, COST"`` -> ``[("REV", 2.0), ("COST", 1.0)]`` (weight 1 when left out)."""
    out: dict[str, float] = {}
    for item in codes(text):
        code, sep, weight = item.partition(":")
        if not code:
            raise PmError(f"{field}: {item!r} has no code before the ':'")
        value = number(weight, f"{field} ({code} weight)", required=bool(sep))
        value = 1.0 if value is None else value
        if value < 0:
            raise PmError(f"{field}: the weight of {code} must be >= 0, not {weight}")
        if code in out:
            raise PmError(f"{field}: {code} is listed twice")
        out[code] = value
    return list(out.items())


def _allowed(conn, actor: str, unit_ids: list[int], *, now: datetime, key: str, attempted: dict) -> None:
    """``edit_definitions`` at each unit, checked (and a refusal audited) before any transaction."""
    if actor == users.SYSTEM:
        return
    for unit_id in dict.fromkeys(unit_ids):
        users.require(conn, actor, "edit_definitions", unit_id, now=now, entity="objectives", key=key,
                      attempted=attempted)


def save_objective(conn, code: str, *, new: bool, name: str, level: str, unit: str, perspective: str,
                   parent: str | None = None, weight: float = 1.0, owner_role: str | None = None,
                   description: str = "", kpis: list[tuple[str, float]] = (), causes: list[str] = (),
                   actor: str, now: datetime) -> dict:
    """Create (``new``) or change an objective together with its KPI links (and weights) and causes.

    The links become exactly ``kpis`` and the causes exactly ``causes``: missing ones are
    added, changed weights set, links no longer listed removed. One transaction.

    Raises:
        PmError: a bad value or unknown code (nothing written).
        PermissionDenied: no ``edit_definitions`` at the unit (audited, nothing written).
    """
    for kpi, link_weight in kpis:
        id_of(conn, "kpis", kpi, "KPI")
        if not (math.isfinite(link_weight) and link_weight >= 0):
            raise PmError(f"KPIs: the weight of {kpi} must be a finite number >= 0")
    for cause in causes:
        if cause == code:
            raise PmError(f"causes: objective {code} cannot be its own cause")
        id_of(conn, "objectives", cause, "objective")
    fields = {"name": name, "level": level, "unit": unit, "perspective": perspective, "parent": parent or "",
              "weight": weight, "owner_role": owner_role or "", "description": description or ""}
    unit_ids = [id_of(conn, "units", unit, "unit")]
    old = None
    if not new:
        old = conn.execute("SELECT id, unit_id FROM objectives WHERE code = ?", [code]).fetchone()
        if old is None:
            raise PmError(f"unknown objective {code!r}")
        unit_ids.insert(0, old["unit_id"])
    _allowed(conn, actor, unit_ids, now=now, key=code, attempted=fields | {"kpis": kpis, "causes": list(causes)})
    with atomic(conn):
        if new:
            fe.add_objective(conn, code, **fields, actor=actor, now=now)
        else:
            fe.edit_objective(conn, code, **fields, actor=actor, now=now)
        _sync_links(conn, code, dict(kpis), list(causes), actor=actor, now=now)
    return fe.get_objective(conn, code)


def _sync_links(conn, code: str, kpis: dict[str, float], causes: list[str], *, actor: str, now: datetime) -> None:
    have = {r[0]: r[1] for r in conn.execute(
        "SELECT k.code, ok.weight FROM objective_kpis ok JOIN kpis k ON k.id = ok.kpi_id"
        " JOIN objectives o ON o.id = ok.objective_id WHERE o.code = ?", [code])}
    for kpi in sorted(set(have) - set(kpis)):
        fe.unlink_kpi(conn, code, kpi, actor=actor, now=now)
    for kpi, weight in kpis.items():
        if kpi not in have:
            fe.link_kpi(conn, code, kpi, weight, actor=actor, now=now)
        elif have[kpi] != weight:
            fe.set_link_weight(conn, code, kpi, weight, actor=actor, now=now)
    had = {r[0] for r in conn.execute(
        "SELECT c.code FROM objective_links l JOIN objectives c ON c.id = l.cause_id"
        " JOIN objectives e ON e.id = l.effect_id WHERE e.code = ?", [code])}
    for cause in sorted(had - set(causes)):
        fe.unlink_objectives(conn, cause, code, actor=actor, now=now)
    for cause in causes:
        if cause not in had:
            fe.link_objectives(conn, cause, code, actor=actor, now=now)


def save_unit(conn, code: str, *, new: bool, name: str, kind: str, parent: str | None,
              confidentiality: str = "public", actor: str, now: datetime) -> dict:
    """Create (``new``) or change a unit (see :func:`pmtui.services.framework_edit.add_unit` for the rules)."""
    if new:
        return fe.add_unit(conn, code, name=name, kind=kind, parent=parent or None, confidentiality=confidentiality,
                           actor=actor, now=now)
    return fe.edit_unit(conn, code, name=name, kind=kind, parent=parent or "", confidentiality=confidentiality,
                        actor=actor, now=now)


def save_kpi(conn, code: str, *, new: bool, actor: str, now: datetime, **fields) -> dict:
    """Create (``new``) or change a KPI; ``fields`` as :data:`pmtui.services.framework_edit.KPI_EDIT_FIELDS`.

    On creation, empty fields take the defaults; on an edit, an empty perspective or
    owner role clears it.
    """
    if new:
        return fe.add_kpi(conn, code, actor=actor, now=now, **{k: v for k, v in fields.items() if v not in (None, "")})
    return fe.edit_kpi(conn, code, actor=actor, now=now, **fields)


def propose_targets(conn, kpi: str, unit: str, first: str, last: str, target: float, amber: float | None = None,
                    target_high: float | None = None, amber_high: float | None = None, *,
                    actor: str, now: datetime) -> dict:
    """Propose one target for every reporting period from ``first`` to ``last`` (another person approves)."""
    return target_proposals.propose_range(conn, kpi, unit, first, last or first, target, amber, target_high,
                                          amber_high, actor=actor, now=now)
