"""The one registry of TUI actions: key bindings, the help screen and the command palette.

Each :class:`PmAction` names a Textual action (``action_<name>`` on the app or on a
screen), the key that runs it, and the scopes where it applies. Screens take their
``BINDINGS`` from :func:`bindings`, the help screen lists :data:`ACTIONS` and the
command palette offers them through :class:`ActionsProvider`,
so a key cannot exist in one place and be missing from another.

Screens declare their scope in a ``SCOPE`` class attribute; the palette offers the
app's actions plus those of the screen it was opened from.

Two rules keep the keys predictable (``tests/tui/test_keys.py`` checks both):

* a key of the ``"app"`` scope means the same on every screen: a screen's own key never
  reuses it for something else (where a screen's natural letter is a global key, the
  screen uses the capital: ``A`` approves in the inbox, ``a`` opens the alignment report);
* scopes listed in :data:`DIALOGS` are modal dialogs, which app keys do not reach, so
  their keys (``y``/``n`` in a confirmation) may reuse global letters.

Users rebind keys by id in a keymap file (:mod:`pmtui.keymap`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

#: Scope names and how the help screen titles them, in display order.
SCOPES = {
    "app": "Everywhere",
    "scorecard": "Scorecard",
    "kpi": "KPI",
    "entry": "Data entry",
    "picker": "Unit picker",
    "help": "Help",
    "confirm": "Confirmation",
}

#: Scopes that are modal dialogs: the app's keys do not reach them (Textual stops the
#: binding chain at a modal screen), so their keys may reuse global letters.
DIALOGS: set[str] = {"entry", "picker", "help", "confirm"}

#: Footer priorities: when the footer is too narrow, keys of lower priority give way first.
#: Help 100; Back and a screen's main write 70; most keys 50; Quit and paging 30 (the
#: palette offers Quit, titles say "[ ] pages"); reload 20.
FOOTER_HIGHEST, FOOTER_HIGH, FOOTER_NORMAL, FOOTER_MINOR, FOOTER_LOW = 100, 70, 50, 30, 20
#: Actions that page through a list: they give way in a narrow footer (FOOTER_MINOR).
PAGING = frozenset({"next_page", "previous_page", "older_page", "newer_page"})


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
        priority: Checked before the focused widget sees the key. Only for keys that no
            widget uses: a priority key overtakes keys still queued for the focused widget.
        palette: Offer it in the command palette.
        widget: Bind on this widget of the scope instead of the screen (its own queue
            then orders the key after the arrows typed before it).
        footer_priority: Which keys the footer keeps when it cannot show them all: higher
            first (``? Help`` and ``Esc Back`` are kept longest); the kept keys stay in
            registry order.
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
    widget: str | None = None
    footer_priority: int = FOOTER_NORMAL


ACTIONS: tuple[PmAction, ...] = (
    PmAction("show-help", "question_mark", "show_help", "Help", ("app",),
             "List every key, the current screen's first.", footer_priority=FOOTER_HIGHEST),
    PmAction("command-palette", "ctrl+p", "command_palette", "Commands", ("app",),
             "Search and run any action.", show=False, priority=True, palette=False),
    PmAction("clear-notices", "ctrl+l", "clear_notifications", "Clear notices", ("app",),
             "Dismiss the notices shown, including the integrity warning.", show=False),
    PmAction("quit", "ctrl+q", "quit", "Quit", ("app",), "Leave pmtui.", priority=True,
             palette=False, footer_priority=FOOTER_MINOR),  # Textual's own palette commands already offer Quit
    PmAction("open-item", "enter", "select_cursor", "Open", ("scorecard",),
             "On an objective list its KPIs and cascaded objectives; on a KPI open the KPI screen;"
             " on a cascaded objective open its unit.", palette=False, widget="table"),
    PmAction("pick-unit", "u", "pick_unit", "Unit", ("scorecard", "kpi"), "Choose the unit to show."),
    PmAction("previous-period", "p", "previous_period", "Earlier", ("scorecard",),
             "Show the period before the current one."),
    PmAction("next-period", "n", "next_period", "Later", ("scorecard",),
             "Show the period after the current one."),
    PmAction("toggle-all", "x", "toggle_all", "Expand all", ("scorecard",),
             "Expand or collapse the KPIs of every objective.", show=False),
    PmAction("enter-value", "e", "enter_value", "Enter value", ("scorecard", "kpi"),
             "Enter a value for the selected KPI and unit."),
    PmAction("reload", "r", "reload", "Reload", ("scorecard", "kpi"),
             "Read the data again (e.g. after a CLI import).", footer_priority=FOOTER_LOW),
    PmAction("save-value", "ctrl+s", "save", "Save", ("entry",),
             "Validate and store the value (Enter in a field does the same).", palette=False),
    PmAction("close", "escape", "close", "Back", ("kpi", "entry", "picker", "help"),
             "Close this screen or dialog.", palette=False, footer_priority=FOOTER_HIGH),
    PmAction("confirm-yes", "y,enter", "answer(True)", "Yes", ("confirm",),
             "Go ahead: make the change the dialog describes.", palette=False),
    PmAction("confirm-no", "n,escape", "answer(False)", "No", ("confirm",),
             "Cancel: nothing is written.", palette=False),
)


def scoped(scope: str) -> list[PmAction]:
    """Actions that apply in ``scope``, in registry order."""
    return [a for a in ACTIONS if scope in a.scopes]


def bindings(scope: str, widget: str | None = None) -> list[Binding]:
    """Textual bindings for a scope's screen (or for one of its widgets), for ``BINDINGS``."""
    return [Binding(a.key, a.action, a.description, show=a.show, priority=a.priority, id=a.id, tooltip=a.help)
            for a in scoped(scope) if a.widget == widget]


def by_id(action_id: str) -> PmAction:
    """The action with ``action_id`` (KeyError when unknown)."""
    for action in ACTIONS:
        if action.id == action_id:
            return action
    raise KeyError(action_id)


def footer_priority(binding_id: str | None) -> int:
    """The footer priority of the action bound under ``binding_id`` (Textual's own bindings: normal)."""
    action = _BY_ID.get(binding_id or "")
    return action.footer_priority if action else FOOTER_NORMAL


def key_of(app, action: PmAction) -> str:
    """The key(s) of ``action`` in this session: the user's keymap, else the registry's."""
    return getattr(app, "keymap_keys", {}).get(action.id, action.key)


class ActionsProvider(Provider):
    """Command-palette provider fed by :data:`ACTIONS`."""

    def _candidates(self) -> Iterator[PmAction]:
        scope = getattr(self.screen, "SCOPE", None)
        for action in ACTIONS:
            if action.palette and ("app" in action.scopes or scope in action.scopes):
                yield action

    def _runner(self, action: PmAction):
        # App actions run on the app; screen actions on the screen the palette was opened from.
        node = self.app if "app" in action.scopes else self.screen
        return partial(node.run_action, action.action)

    async def discover(self) -> Hits:
        """Every applicable action, shown when the palette opens."""
        for action in self._candidates():
            yield DiscoveryHit(action.description, self._runner(action), help=action.help)

    async def search(self, query: str) -> Hits:
        """Actions whose description or id fuzzily matches ``query``."""
        matcher = self.matcher(query)
        for action in self._candidates():
            score = max(matcher.match(action.description), matcher.match(action.id))
            if score > 0:
                yield Hit(score, matcher.highlight(action.description), self._runner(action),
                          text=action.description, help=action.help)


def _merge_feature_areas() -> None:
    global ACTIONS
    from pmtui.action_sets import extra  # noqa: PLC0415 - those modules import PmAction from here

    from dataclasses import replace  # noqa: PLC0415

    scopes, dialogs, found = extra()
    SCOPES.update(scopes)
    DIALOGS.update(dialogs)
    # App-wide keys of feature areas would crowd every footer: help (?) and the palette list them.
    # In a narrow footer every screen's Back keeps its place after Help; paging gives way.
    ACTIONS = ACTIONS + tuple(replace(a, show=False) if "app" in a.scopes else
                              replace(a, footer_priority=FOOTER_HIGH) if a.action == "close" else
                              replace(a, footer_priority=FOOTER_MINOR) if a.action in PAGING else a for a in found)


_merge_feature_areas()
#: Actions by id (the footer looks bindings up by their id).
_BY_ID = {a.id: a for a in ACTIONS}
