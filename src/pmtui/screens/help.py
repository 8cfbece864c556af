"""The help screen: every key of the action registry, grouped by where it applies.

The keys of the screen it was opened from come first, then the keys that work
everywhere, then every other scope. Keys are shown as this session has them (the
user's keymap applied).
"""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from pmtui import actions

#: Column widths of the key and description columns.
KEY_WIDTH = 6
DESCRIPTION_WIDTH = 14


def key_label(app, key: str) -> str:
    """How the app displays ``key`` (several keys are joined with ``/``)."""
    return "/".join(app.get_key_display(Binding(k.strip(), "")) for k in key.split(","))


def scope_order(first: str | None) -> list[str]:
    """Scopes in help order: ``first`` (the screen the help was opened from), everywhere, the rest."""
    lead = [s for s in (first, "app") if s in actions.SCOPES]
    return list(dict.fromkeys([*lead, *actions.SCOPES]))


class HelpScreen(ModalScreen[None]):
    """A scrollable table generated from :data:`pmtui.actions.ACTIONS`.

    Args:
        scope: The scope of the screen the help was opened from: its keys come first.
    """

    SCOPE = "help"
    BINDINGS = actions.bindings("help")

    def __init__(self, scope: str | None = None) -> None:
        super().__init__()
        self.first = scope

    def compose(self) -> ComposeResult:
        """One table per scope, each row a key, its description and what it does."""
        sections = []
        for scope in scope_order(self.first):
            items = actions.scoped(scope)
            if not items:
                continue
            title = actions.SCOPES[scope]
            if scope == self.first:
                title = f"{title} (this screen)"
            table = Table(box=None, show_header=False, title=title, title_justify="left",
                          title_style="bold cyan", padding=(0, 1), expand=True)
            table.add_column("key", style="bold", no_wrap=True, width=KEY_WIDTH)
            table.add_column("action", no_wrap=True, width=DESCRIPTION_WIDTH)
            table.add_column("help", style="dim", ratio=1)
            for action in items:
                table.add_row(key_label(self.app, actions.key_of(self.app, action)), action.description, action.help)
            sections.append(table)
        with VerticalScroll(id="help-box") as box:
            box.border_title = "Keys"
            box.border_subtitle = "Esc closes · Ctrl+P searches commands · rebind keys: docs/keymap.md"
            yield Static(Group(*sections), id="help-table")

    def action_close(self) -> None:
        """Back to the previous screen."""
        self.dismiss(None)
