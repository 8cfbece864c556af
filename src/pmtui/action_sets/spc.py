"""Keys of the SPC area: ``i`` (icons-only SPC portfolio of the current unit, everywhere)
and ``c`` (the XmR chart of the KPI on the KPI screen)."""

from __future__ import annotations

from pmtui.actions import PmAction

SCOPES = {"spc-chart": "XmR chart", "spc-portfolio": "SPC portfolio"}

ACTIONS = (
    PmAction("open-spc-portfolio", "i", "open_screen('spc-portfolio')", "SPC icons", ("app",),
             "Variation and assurance icons (Making Data Count) of every KPI of the current unit."),
    PmAction("open-spc-chart", "c", "app.open_spc_chart", "XmR chart", ("kpi",),
             "The KPI's XmR chart: limits, special causes and the rule that fired per point."),
    PmAction("spc-close", "escape", "close", "Back", ("spc-chart", "spc-portfolio"), "Close this screen.",
             palette=False),
)
