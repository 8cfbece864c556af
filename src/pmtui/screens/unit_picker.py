"""A modal unit picker: units in tree order, indented by depth, filtered as you type."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.events import Key
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from pmtui import actions
from pmtui.services.tui_reads import UnitItem

#: Keys typed in the filter field that move the list instead.
_LIST_KEYS = {"up": "cursor_up", "down": "cursor_down", "pageup": "page_up", "pagedown": "page_down"}


def _prompt(unit: UnitItem, flat: bool) -> Text:
    indent = "" if flat else "  " * unit.depth
    return Text.assemble(indent, (unit.code, "bold"), "  ", unit.name, no_wrap=True, overflow="ellipsis")


class UnitPicker(ModalScreen[str | None]):
    """Choose one of ``units``; dismisses with its code, or None on Escape.

    Args:
        units: Units in tree order (the caller reads them in its worker).
        current: Code of the unit shown now (highlighted first).
        title: Border title of the dialog.
    """

    SCOPE = "picker"
    BINDINGS = actions.bindings("picker")

    def __init__(self, units: list[UnitItem], current: str | None, title: str = "Choose a unit") -> None:
        super().__init__()
        self.units = units
        self.current = current
        self.title_text = title

    def compose(self) -> ComposeResult:
        """Filter field above the list."""
        with Vertical(id="picker-box") as box:
            box.border_title = self.title_text
            yield Input(placeholder="type to filter by code or name", id="picker-filter", compact=True)
            yield OptionList(id="picker-list")

    def on_mount(self) -> None:
        """Fill the list and put the cursor on the current unit."""
        self.query_one(Input).cursor_blink = self.app.cursor_blink
        self._fill("")
        self.query_one(Input).focus()

    def _fill(self, text: str) -> None:
        needle = text.strip().lower()
        shown = [u for u in self.units if needle in u.code.lower() or needle in u.name.lower()]
        options = self.query_one(OptionList)
        options.clear_options()
        # A filtered list loses its parents, so indentation would mislead: show it flat.
        options.add_options(Option(_prompt(u, bool(needle)), id=u.code) for u in shown)
        codes = [u.code for u in shown]
        if codes:
            options.highlighted = codes.index(self.current) if self.current in codes else 0

    @on(Input.Changed, "#picker-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def on_key(self, event: Key) -> None:
        """Arrow keys in the filter field move the list, so the keyboard never leaves the field."""
        action = _LIST_KEYS.get(event.key)
        if action and isinstance(self.focused, Input):
            getattr(self.query_one(OptionList), f"action_{action}")()
            event.stop()

    @on(Input.Submitted, "#picker-filter")
    def _choose_highlighted(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            self.dismiss(options.get_option_at_index(options.highlighted).id)

    @on(OptionList.OptionSelected)
    def _choose(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_close(self) -> None:
        """Keep the current unit."""
        self.dismiss(None)
