"""Screens the app opens by name (``action_open_screen('strategy-map')``).

Feature areas add an entry here and an app-scoped action in their
:mod:`pmtui.action_sets` module whose action is ``open_screen('<name>')``.
Values are ``"module:Class"`` so that screens load only when opened.
"""

from __future__ import annotations

import importlib

SCREENS: dict[str, str] = {
    "spc-portfolio": "pmtui.screens.spc_portfolio:SpcPortfolioScreen",
    "allocation": "pmtui.screens.allocation:AllocationScreen",
    "drivers": "pmtui.screens.drivers:DriversScreen",
    "strategy-map": "pmtui.screens.strategy_map:StrategyMapScreen",
    "alignment": "pmtui.screens.alignment:AlignmentScreen",
    "target-revisions": "pmtui.screens.revisions:RevisionsScreen",
    "excluded-metrics": "pmtui.screens.excluded:ExcludedScreen",
    "freshness": "pmtui.screens.freshness:FreshnessScreen",
    "sources": "pmtui.screens.sources:SourcesScreen",
    "initiatives": "pmtui.screens.initiatives:InitiativesScreen",
    "meetings": "pmtui.screens.meetings:MeetingsScreen",
    "actions": "pmtui.screens.actions:ActionsScreen",
    "root-causes": "pmtui.screens.root_causes:RootCausesScreen",
    "approvals": "pmtui.screens.approvals:ApprovalsScreen",
    "user-switch": "pmtui.screens.approvals_dialogs:UserSwitchDialog",
    "raci": "pmtui.screens.raci:RaciScreen",
    "gaming": "pmtui.screens.gaming:GamingScreen",
    "roles": "pmtui.screens.roles:RolesScreen",
    "controls": "pmtui.screens.controls:ControlsScreen",
    "audit-browser": "pmtui.screens.audit_browser:AuditBrowserScreen",
    "disputes": "pmtui.screens.disputes:DisputesScreen",
    "minutes": "pmtui.screens.minutes_search:MinutesSearchScreen",
    "commentary": "pmtui.screens.commentary:CommentaryDialog",
    "framework": "pmtui.screens.framework_editor:FrameworkScreen",
    "users": "pmtui.screens.users_admin:UsersScreen",
}


def load(name: str):
    """The screen class registered under ``name`` (KeyError when unknown)."""
    module, _, cls = SCREENS[name].partition(":")
    return getattr(importlib.import_module(module), cls)
