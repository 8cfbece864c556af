"""Helpers shared by the action register, root causes and revise-or-hold decisions."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from pmtui.core import validation
from pmtui.services import users
from pmtui.services.errors import PermissionDenied, PmError

#: Confidentiality levels of a row.
LEVELS = ("public", "internal", "confidential")

#: ``unit_id IN (...)``: the unit bound to ``?`` and every unit below it.
UNIT_AND_BELOW = """(WITH RECURSIVE below(id) AS (SELECT ? UNION SELECT u.id FROM units u JOIN below
                     ON u.parent_id = below.id) SELECT id FROM below)"""


def clean_text(text: str | None, field: str, *, required: bool = False, max_length: int | None = None) -> str:
    """Stripped free text, checked against spreadsheet formulas and control characters.

    Raises:
        PmError: empty when required, or unsafe text, naming ``field``.
    """
    text = (text or "").strip()
    if required and not text:
        raise PmError(f"{field} is required and cannot be empty")
    try:
        if max_length is None:
            return validation.check_text(text, field=field)
        return validation.check_text(text, field=field, max_length=max_length)
    except ValueError as exc:
        raise PmError(str(exc)) from None


def check_level(confidentiality: str) -> str:
    """A known confidentiality level."""
    if confidentiality not in LEVELS:
        raise PmError(f"confidentiality must be one of {', '.join(LEVELS)}, not {confidentiality!r}")
    return confidentiality


def unit_id(conn: sqlite3.Connection, code: str) -> int:
    """The id of a unit code, or NotFound."""
    from pmtui.services.framework import id_of  # noqa: PLC0415

    return id_of(conn, "units", code, "unit")


def require_owner_or(conn, actor: str, owner: str, permission: str, unit: int, *, what: str, now: datetime,
                     entity: str, key: str, attempted: object) -> None:
    """Let the owner through, or a user holding ``permission`` for the unit (refusals audited).

    Raises:
        PermissionDenied: naming who may do ``what``.
    """
    users.user_id_of(conn, actor)
    if actor == owner:
        return
    try:
        users.require(conn, actor, permission, unit, now=now, entity=entity, key=key, attempted=attempted)
    except PermissionDenied as exc:
        raise PermissionDenied(f"only the owner ({owner}) or a user with {permission!r} for the unit may {what};"
                               f" {exc}") from None
