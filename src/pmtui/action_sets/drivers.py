"""Keys of the leading/lagging area: l opens KPI assessments and driver links."""

from __future__ import annotations

from pmtui.actions import PmAction

SCOPES = {"drivers": "Leading and lagging KPIs"}

ACTIONS = (
    PmAction("open-drivers", "l", "open_screen('drivers')", "Lead/lag", ("app",),
             "KPIs classed leading or lagging, their assessments, and driver links measured by lagged correlation."),
    PmAction("drivers-back", "escape", "close", "Back", ("drivers",), "Close this screen.", palette=False),
)
