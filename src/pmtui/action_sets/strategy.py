"""Keys of the strategy area: the strategy map, the alignment report, target revisions
and the excluded-metrics register (app-wide keys m, a, t, z open them)."""

from __future__ import annotations

from pmtui.actions import PmAction

SCOPES = {
    "strategy-map": "Strategy map",
    "alignment": "Alignment report",
    "revisions": "Target revisions",
    "revision-form": "Target revision dialogs",
    "excluded": "Excluded metrics",
}

DIALOGS = ("revision-form",)

_BACK = ("strategy-map", "alignment", "revisions", "revision-form", "excluded")

ACTIONS = (
    PmAction("open-strategy-map", "m", "open_screen('strategy-map')", "Strategy map", ("app",),
             "Objectives by perspective, coloured by status, with cause-and-effect links."),
    PmAction("open-alignment", "a", "open_screen('alignment')", "Alignment", ("app",),
             "Unit KPIs reaching no corporate objective and corporate objectives no unit measures."),
    PmAction("open-target-revisions", "t", "open_screen('target-revisions')", "Revisions", ("app",),
             "Mid-cycle target revisions: request, approve or reject, original against revised."),
    PmAction("open-excluded-metrics", "z", "open_screen('excluded-metrics')", "Excluded", ("app",),
             "Metrics considered and left out: why, who decided, when."),
    PmAction("map-pick-unit", "o", "pick_unit", "Unit", ("strategy-map",), "Show another unit's strategy map."),
    PmAction("alignment-next-cycle", "c", "next_cycle", "Next cycle", ("alignment",),
             "Show the report for the next planning cycle."),
    PmAction("revision-request", "V", "request_revision", "Revise", ("revisions",),
             "Request a revision of a target (needs edit_targets)."),
    PmAction("revision-decide", "d", "decide_revision", "Decide", ("revisions",),
             "Approve or reject the selected pending revision (never your own)."),
    PmAction("revision-filter", "G", "cycle_filter", "Filter", ("revisions",),
             "Show all, pending, approved or rejected revisions."),
    PmAction("strategy-back", "escape", "close", "Back", _BACK, "Close this screen or dialog.", palette=False),
)
