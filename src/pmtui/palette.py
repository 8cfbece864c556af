"""The command palette's jumps: type part of a code or name, choose, and that screen opens.

:class:`JumpProvider` asks :func:`pmtui.services.palette_search.search` (SQL, paged with
``LIMIT``) in a worker thread with its own connection, and offers what it finds: a unit
(its scorecard), a KPI (its KPI screen at the unit on screen), a meeting, an initiative
(the timeline of its unit, the cursor on it) or an action (the register of its unit, the
cursor on it). A jump is global navigation: it replaces the feature screen on top.
"""

from __future__ import annotations

import asyncio
import sqlite3
from functools import partial

from textual.command import Hit, Hits, Provider

from pmtui.services import palette_search
from pmtui.services.errors import PmError
from pmtui.services.palette_search import Found

#: How the palette names each kind.
LABELS = {"unit": "Unit", "kpi": "KPI", "meeting": "Meeting", "initiative": "Initiative", "action": "Action"}


def context(app, screen) -> tuple[str | None, str | None]:
    """(unit, period) of the screen the palette was opened from, else of the scorecard underneath."""
    base = app.base_screen
    for source in (screen, base):
        unit = getattr(source, "unit", None)
        if isinstance(unit, str) and unit:
            period = getattr(source, "period", None)
            return unit, period if isinstance(period, str) else None
    return None, None


def describe(found: Found, unit: str | None) -> tuple[str, str]:
    """(the line the palette shows, its help line) for one thing found."""
    if found.kind == "kpi":
        where = f" at {unit}" if unit else ""
        return f"KPI {found.key}{where}  {found.name}", f"Open the KPI screen of {found.key}{where}."
    if found.kind == "unit":
        return f"Unit {found.key}  {found.name}", f"Show the scorecard of {found.key}."
    label = f"{LABELS[found.kind]} {'#' if found.kind == 'action' else ''}{found.key}  {found.name}"
    return label, f"{found.extra}" if found.extra else f"Open {found.kind} {found.key}."


def jump(app, found: Found, unit: str | None, period: str | None) -> None:
    """Open what was chosen (see the module docstring)."""
    if found.kind == "unit":
        base = app.show_base()
        if hasattr(base, "show_unit"):
            base.show_unit(found.key)
        else:
            app.notify("Units have a scorecard once the framework measures an objective.", markup=False)
        return
    if found.kind == "kpi":
        from pmtui.screens.kpi import KpiScreen  # noqa: PLC0415 - screens load when opened

        if unit is None:
            app.notify("Open a unit's scorecard first: a KPI is shown at a unit.", severity="warning", markup=False)
            return
        app.show_feature(KpiScreen(found.key, unit, period))
    elif found.kind == "meeting":
        from pmtui.screens.meeting import MeetingScreen  # noqa: PLC0415

        app.show_feature(MeetingScreen(found.key))
    elif found.kind == "initiative":
        from pmtui.screens.initiatives import InitiativesScreen  # noqa: PLC0415

        app.show_feature(InitiativesScreen(unit=found.unit, focus=found.key))
    elif found.kind == "action":
        from pmtui.screens.actions import ActionsScreen  # noqa: PLC0415

        app.show_feature(ActionsScreen(unit=found.unit, focus=found.key))


class JumpProvider(Provider):
    """Command-palette provider: units, KPIs, meetings, initiatives and actions by code or name."""

    def _find(self, query: str) -> list[Found]:
        with self.app.database() as conn:
            return palette_search.search(conn, query)

    async def search(self, query: str) -> Hits:
        """What matches ``query``, read from SQL in a thread (nothing for an empty query)."""
        if not query.strip():
            return
        try:
            found = await asyncio.to_thread(self._find, query)
        except (PmError, sqlite3.Error):  # e.g. the file is busy: the palette still offers its commands
            return
        unit, period = context(self.app, self.screen)
        matcher = self.matcher(query)
        for item in found:
            text, help_text = describe(item, unit)
            # SQL chose and ranked them; the matcher highlights (and orders the close ones).
            score = max(matcher.match(text), 0.05) * (1 - 0.1 * item.rank)
            yield Hit(score, matcher.highlight(text), partial(jump, self.app, item, unit, period), text=text,
                      help=help_text)
