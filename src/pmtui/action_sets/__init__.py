"""Actions of feature areas, merged into :data:`pmtui.actions.ACTIONS`.

Each module listed in :data:`MODULES` defines ``SCOPES`` (scope -> help-screen title)
and ``ACTIONS`` (a tuple of :class:`pmtui.actions.PmAction`), and ``DIALOGS`` when some
of its scopes are modal dialogs (see :data:`pmtui.actions.DIALOGS`). Keeping them apart lets
feature areas grow without editing one long tuple.
"""

from __future__ import annotations

import importlib

#: Feature-area modules, in the order their actions appear in help and the palette.
MODULES: tuple[str, ...] = ("strategy", "allocation", "drivers", "measurement", "spc", "initiatives", "reviews",
                            "register", "corrections", "accountability", "controls", "disputes", "framework")


def extra():
    """(scopes, dialog scopes, actions) contributed by every module in :data:`MODULES`."""
    scopes: dict[str, str] = {}
    dialogs: set[str] = set()
    found: list = []
    for name in MODULES:
        module = importlib.import_module(f"pmtui.action_sets.{name}")
        scopes.update(getattr(module, "SCOPES", {}))
        dialogs.update(getattr(module, "DIALOGS", ()))
        found.extend(module.ACTIONS)
    return scopes, dialogs, tuple(found)
