"""The footer of every screen: the keys that fit, the most important ones kept.

Textual's footer lays the keys out in binding order and cuts off whatever passes the
right edge, which at 80 columns loses the keys that work everywhere (``? Help`` comes
last). :class:`PmFooter` shows at most what fits: when the keys do not all fit, those
with the lowest :attr:`pmtui.actions.PmAction.footer_priority` give way first, and the
ones kept stay in their usual order. ``^p Commands`` keeps its place on the right.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.events import Resize
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from pmtui import actions

#: Cells a footer key takes besides its key and description: padding around the key, after the description.
KEY_PADDING, DESCRIPTION_PADDING = 2, 1
#: Cells the command-palette key (compact: ``^p Commands``) takes besides its key and description:
#: the space between them, its left border and its right padding.
PALETTE_EXTRA = 3


def key_width(key_display: str, description: str) -> int:
    """Cells one footer key takes (`` ? Help ``)."""
    return cell_len(key_display) + KEY_PADDING + (cell_len(description) + DESCRIPTION_PADDING if description else 0)


def palette_width(key_display: str, description: str) -> int:
    """Cells the command-palette key takes on the right (``▏^p Commands``)."""
    return cell_len(key_display) + cell_len(description) + PALETTE_EXTRA


def fit(widths: Sequence[int], priorities: Sequence[int], room: int) -> list[int]:
    """Indexes of the keys to show in ``room`` cells: highest priority first, then registry order.

    A key that does not fit is left out and the next ones are still tried, so the room is
    used; the indexes come back in their original order.
    """
    kept, used = [], 0
    for index in sorted(range(len(widths)), key=lambda i: (-priorities[i], i)):
        if used + widths[index] <= room:
            kept.append(index)
            used += widths[index]
    return sorted(kept)


class PmFooter(Footer):
    """A footer that keeps the most important keys when they do not all fit (see the module docstring)."""

    #: The width the keys were last chosen for.
    _fitted_width: int | None = None

    def compose(self) -> ComposeResult:
        """The keys that fit, in binding order, then the command-palette key on the right."""
        if not self._bindings_ready:
            return
        active = self.screen.active_bindings
        first: dict[str, tuple] = {}  # as Textual's footer: one key per action, the first bound
        for _node, binding, enabled, tooltip in active.values():
            if binding.show:
                first.setdefault(binding.action, (binding, enabled, tooltip))
        items = list(first.values())
        displays = [self.app.get_key_display(b) for b, _, _ in items]
        room = self.size.width or self.app.size.width
        palette = active.get(self.app.COMMAND_PALETTE_BINDING) if (
            self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE) else None
        if palette is not None:
            # The last key's trailing space may sit under the palette key's left border, as in Textual's footer.
            room -= palette_width(self.app.get_key_display(palette.binding), palette.binding.description)
            room += DESCRIPTION_PADDING
        widths = [key_width(d, b.description) for d, (b, _, _) in zip(displays, items)]
        for index in fit(widths, [actions.footer_priority(b.id) for b, _, _ in items], room):
            binding, enabled, tooltip = items[index]
            yield FooterKey(binding.key, displays[index], binding.description, binding.action,
                            disabled=not enabled, tooltip=tooltip).data_bind(compact=Footer.compact)
        if palette is not None:
            binding = palette.binding
            yield FooterKey(binding.key, self.app.get_key_display(binding), binding.description, binding.action,
                            classes="-command-palette", disabled=not palette.enabled,
                            tooltip=binding.tooltip or binding.description)

    def on_resize(self, event: Resize) -> None:
        """Choose the keys again for the new width."""
        if event.size.width != self._fitted_width:
            self._fitted_width = event.size.width
            self.call_after_refresh(self.recompose)
