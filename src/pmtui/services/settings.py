"""Company-wide settings read and changed by name (``pmtui settings get/set``).

Known settings are validated; any other lower-case name is stored as free text so
that feature areas can add their own. Changing a setting needs ``administer``.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from datetime import datetime

from pmtui.core import freshness, validation
from pmtui.services import framework, users
from pmtui.services.errors import PmError

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")

#: Default cap on KPIs in one scorecard view (cognitive load, M2.6).
DEFAULT_SCORECARD_CAP = 20


def _cap(text: str) -> str:
    if not text.strip().isdigit() or not 1 <= int(text) <= 500:
        raise ValueError(f"scorecard_cap must be a whole number from 1 to 500, not {text!r}")
    return str(int(text))


def _tolerance(text: str) -> str:
    return repr(freshness.check_tolerance(text))


def _share(text: str) -> str:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"scorecard_min_coverage must be a share from 0 to 1 (e.g. 0.5), not {text!r}")
    return repr(value)


def _choice(text: str, name: str, choices: tuple[str, ...]) -> str:
    if text not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}, not {text!r}")
    return text


#: Settings with a rule: name -> (validator returning the stored text, one-line description).
KNOWN: dict[str, tuple[Callable[[str], str], str]] = {
    "scorecard_cap": (_cap, f"most KPIs one scorecard view should hold (default {DEFAULT_SCORECARD_CAP})"),
    "conflict_tolerance": (_tolerance, "relative difference at which source readings conflict (default 0.02)"),
    "scorecard_min_coverage": (_share, ("share of a scorecard's weight that must be scored for the TUI to open on"
                                        " a period (default 0.5)")),
    "company_name": (lambda t: t, "the company's name, shown in titles"),
    "currency": (lambda t: t, "the reporting currency"),
    "user_switch": (lambda t: _choice(t, "user_switch", ("administrators", "anyone")),
                    "who may switch the TUI's acting user: administrators (default) or anyone (demo files)"),
}


def get(conn: sqlite3.Connection, name: str) -> str | None:
    """A setting's stored text, or None."""
    return framework.get_setting(conn, name)


def set_value(conn, name: str, value: str, *, actor: str, now: datetime) -> str:
    """Validate and store a setting; returns the stored text.

    Raises:
        PmError: bad name or value, or no ``administer`` permission.
    """
    if not _NAME.match(name or ""):
        raise PmError(f"setting name {name!r} must be lower-case letters, digits or '_'")
    try:
        text = validation.check_text(value.strip(), field=name, max_length=200)
        rule = KNOWN.get(name)
        text = rule[0](text) if rule else text
    except ValueError as exc:
        raise PmError(str(exc)) from None
    users.require(conn, actor, "administer", None, now=now, entity="settings", key=name, attempted={"value": text})
    framework.set_setting(conn, name, text, actor=actor, now=now)
    return text


def scorecard_cap(conn: sqlite3.Connection) -> int:
    """The cap on KPIs per scorecard view."""
    text = get(conn, "scorecard_cap")
    return int(text) if text and text.isdigit() else DEFAULT_SCORECARD_CAP


def conflict_tolerance(conn: sqlite3.Connection) -> float:
    """The relative tolerance for conflicting readings."""
    try:
        return freshness.check_tolerance(get(conn, "conflict_tolerance") or str(freshness.DEFAULT_TOLERANCE))
    except ValueError:
        return freshness.DEFAULT_TOLERANCE


def listing(conn: sqlite3.Connection) -> list[dict]:
    """Every stored setting and every known one, with its description."""
    stored = dict(conn.execute("SELECT key, value FROM settings ORDER BY key").fetchall())
    names = sorted(set(stored) | set(KNOWN))
    return [{"name": n, "value": stored.get(n), "about": KNOWN[n][1] if n in KNOWN else ""} for n in names]
