"""The one registry of TUI actions: key bindings, the help screen and the command palette.

Each :class:`PmAction` names a Textual action (``action_<name>`` on the app or on a
screen), the key that runs it, and the scopes where it applies. Screens take their
``BINDINGS`` from :func:`bindings`, the help screen lists :data:`ACTIONS` and the
command palette offers them through :class:`pmtui.screens.palette.ActionsProvider`,
so a key cannot exist in one place and be missing from another.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

#: Scope names and how the help screen titles them, in display order.
SCOPES = {
    "app": "Everywhere",
    "scorecard": "Scorecard",
    "kpi": "KPI",
    "entry": "Data entry",
    "picker": "Unit picker",
    "help": "Help",
}


@dataclass(frozen=True)
class PmAction:
    """One user action.

    Attributes:
        id: Stable kebab-case id; also the Textual binding id, so a keymap can rebind it.
        key: Textual key name(s), comma separated (``"question_mark"``, ``"ctrl+s"``).
        action: The Textual action it runs (``action_<action>`` on the scope's node).
        description: Short label for the footer, the help screen and the palette.
        scopes: Where it applies: ``"app"`` or screen scopes from :data:`SCOPES`.
        help: One sentence for the palette and the help screen.
        show: Show in the footer.
        priority: Checked before the focused widget sees the key (e.g. Enter on a table).
        palette: Offer it in the command palette.
    """

    id: str
    key: str
    action: str
    description: str
    scopes: tuple[str, ...]
    help: str = ""
    show: bool = True
    priority: bool = False
    palette: bool = True


ACTIONS: tuple[PmAction, ...] = (
    PmAction("show-help", "question_mark", "show_help", "Help", ("app",), "List every key."),
    PmAction("command-palette", "ctrl+p", "command_palette", "Commands", ("app",),
             "Search and run any action.", show=False, priority=True, palette=False),
    PmAction("quit", "ctrl+q", "quit", "Quit", ("app",), "Leave pmtui.", priority=True),
    PmAction("open-item", "enter", "open_item", "Open", ("scorecard",),
             "On an objective list its KPIs; on a KPI open the KPI screen.", priority=True, palette=False),
    PmAction("pick-unit", "u", "pick_unit", "Unit", ("scorecard", "kpi"), "Choose the unit to show."),
    PmAction("previous-period", "p", "previous_period", "Prev period", ("scorecard",),
             "Show the period before the current one."),
    PmAction("next-period", "n", "next_period", "Next period", ("scorecard",),
             "Show the period after the current one."),
    PmAction("toggle-all", "x", "toggle_all", "Expand all", ("scorecard",),
             "Expand or collapse the KPIs of every objective.", show=False),
    PmAction("enter-value", "e", "enter_value", "Enter value", ("scorecard", "kpi"),
             "Enter a value for the selected KPI and unit."),
    PmAction("reload", "r", "reload", "Reload", ("scorecard", "kpi"),
             "Read the data again (e.g. after a CLI import).", show=False),
    PmAction("save-value", "ctrl+s", "save", "Save", ("entry",),
             "Validate and store the value (Enter in a field does the same).", priority=True, palette=False),
    PmAction("close", "escape", "close", "Back", ("kpi", "entry", "picker", "help"),
             "Close this screen or dialog.", palette=False),
)


def scoped(scope: str) -> list[PmAction]:
    """Actions that apply in ``scope``, in registry order."""
    return [a for a in ACTIONS if scope in a.scopes]


def bindings(scope: str) -> list[Binding]:
    """Textual bindings for a scope (use as a screen's or the app's ``BINDINGS``)."""
    return [Binding(a.key, a.action, a.description, show=a.show, priority=a.priority, id=a.id, tooltip=a.help)
            for a in scoped(scope)]


def by_id(action_id: str) -> PmAction:
    """The action with ``action_id`` (KeyError when unknown)."""
    for action in ACTIONS:
        if action.id == action_id:
            return action
    raise KeyError(action_id)
