"""The one confirmation dialog: every key that writes at once asks here first.

``y`` or Enter answers yes, ``n`` or Escape answers no (nothing is written). The dialog
only asks: the screen that opened it makes the change, so a refusal still reaches the
user the way that screen shows refusals. Use :func:`ask`::

    ask(self.app, "Approve this value?", describe(item), lambda: self._approve(item), yes="Approve")
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from pmtui import actions


class ConfirmDialog(ModalScreen[bool]):
    """A question with Yes / No; dismisses with True (go ahead) or False.

    Args:
        title: The question, as the box title (``"Approve value?"``).
        text: What will be written, in words.
        yes: The label of the button that goes ahead (``"Approve"``).
    """

    SCOPE = "confirm"
    BINDINGS = actions.bindings("confirm")
    #: Nothing takes the focus: Enter and the letters reach the dialog's own keys.
    AUTO_FOCUS = None

    def __init__(self, title: str, text: str, *, yes: str = "Yes") -> None:
        super().__init__()
        self.question = title
        self.text = text
        self.yes = yes

    def compose(self) -> ComposeResult:
        """The question, what it writes, the two buttons and their keys."""
        with Vertical(id="confirm-box") as box:
            box.border_title = self.question
            yield Static(self.text, id="confirm-text", markup=False)
            with Horizontal(id="confirm-buttons"):
                yield Button(self.yes, variant="primary", id="confirm-yes", compact=True)
                yield Button("Cancel", id="confirm-no", compact=True)
            yield Static(Text(f"y or Enter: {self.yes.lower()} · n or Esc: cancel", style="dim"), id="confirm-keys")

    def action_answer(self, yes: bool) -> None:
        """Close with the answer."""
        self.dismiss(yes)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")


def ask(app, title: str, text: str, then: Callable[[], object], *, yes: str = "Yes") -> None:
    """Open a :class:`ConfirmDialog`; call ``then()`` only when the answer is yes."""
    app.push_screen(ConfirmDialog(title, text, yes=yes), lambda answer: then() if answer else None)
