"""Helpers for driving :class:`pmtui.app.PmApp` in tests: a fixed user, clock and no blinking."""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from pmtui.app import PmApp
from tests.builders import NOW

#: The demo's analyst (enters data group-wide).
USER = "demo"


def make_app(db: str | Path, user: str | None = USER, readonly: bool = False, *, verify: bool = False) -> PmApp:
    """The app as the CLI builds it, with the frozen clock and cursor blink off.

    The start-up integrity check (a child interpreter re-hashing the whole audit trail,
    about a second of CPU per start) runs only with ``verify=True``: the tests of that
    check ask for it; elsewhere it would only verify a fresh copy of an intact file again.
    """
    app = PmApp(str(db), user, lambda: NOW, readonly=readonly, cursor_blink=False)
    app._integrity_started = not verify  # as if the first scorecard had already started it
    return app


async def settle(pilot: Pilot) -> None:
    """Wait until no worker has run for a few rounds and their results are on screen.

    A worker's result can start another worker (the first scorecard starts the
    integrity check, a save reloads the screens), so one wait is not enough.
    """
    quiet = 0
    for _ in range(200):
        await pilot.pause(0.01)
        if list(pilot.app.workers):
            quiet = 0
            try:
                await pilot.app.workers.wait_for_complete()
            except WorkerCancelled:  # a screen closed by a global key cancels its workers
                pass
        else:
            quiet += 1
            if quiet == 3:
                break
    await pilot.pause()


async def press(pilot: Pilot, *keys: str) -> None:
    """Press keys, then settle."""
    await pilot.press(*keys)
    await settle(pilot)


async def type_text(pilot: Pilot, text: str) -> None:
    """Type ``text`` into the focused field (the pilot takes printable characters as keys)."""
    await pilot.press(*text)
