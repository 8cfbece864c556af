"""Rules of the action register (M5.4): statuses, due dates and overdue days (pure).

An action is *open* while its status is ``open`` or ``in_progress``; it is *overdue*
when it is open and its due date lies before today. ``today`` always comes from the
caller.
"""

from __future__ import annotations

from datetime import date

#: Every status an action can have, in the order lists show them.
STATUSES = ("open", "in_progress", "done", "cancelled")
#: Statuses of an action that still needs work.
OPEN_STATUSES = ("open", "in_progress")
#: Where an action came from.
SOURCES = ("meeting", "rca", "alert", "manual")
#: Latest due date accepted, in days after the action is raised (typos like 2062 for 2026).
MAX_HORIZON_DAYS = 3 * 366

#: Allowed status changes: (from, to) -> the verb a message uses.
TRANSITIONS = {
    ("open", "in_progress"): "start",
    ("open", "done"): "close",
    ("in_progress", "done"): "close",
    ("open", "cancelled"): "cancel",
    ("in_progress", "cancelled"): "cancel",
    ("done", "open"): "reopen",
    ("cancelled", "open"): "reopen",
}


def parse_due(text: str) -> date:
    """A due date written ``YYYY-MM-DD``.

    Raises:
        ValueError: with a message naming the field.
    """
    raw = text.strip() if isinstance(text, str) else ""
    if len(raw) == 10:  # fromisoformat also takes '20261231', which a typo could produce
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    raise ValueError(f"due date {text!r} is not a date in the form YYYY-MM-DD")


def check_due(due: date, raised_on: date) -> date:
    """A due date is on or after the day the action is raised, and within three years of it.

    Raises:
        ValueError: naming the date and the bound it breaks.
    """
    if due < raised_on:
        raise ValueError(f"due date {due.isoformat()} is before today ({raised_on.isoformat()}):"
                         " an action cannot be overdue when it is raised")
    if (due - raised_on).days > MAX_HORIZON_DAYS:
        raise ValueError(f"due date {due.isoformat()} is more than three years away: check the year")
    return due


def is_open(status: str) -> bool:
    """True while the action still needs work."""
    return status in OPEN_STATUSES


def days_overdue(status: str, due_on: str, today: date) -> int:
    """Days past the due date of an open action (0 when closed or not yet due)."""
    if not is_open(status):
        return 0
    return max(0, (today - date.fromisoformat(due_on)).days)


def check_transition(current: str, new: str) -> str:
    """The verb of a status change (``start``, ``close``, ``cancel``, ``reopen``).

    Raises:
        ValueError: when the change is not allowed, saying what is.
    """
    verb = TRANSITIONS.get((current, new))
    if verb is None:
        allowed = sorted(to for (frm, to) in TRANSITIONS if frm == current)
        raise ValueError(f"an action that is {current.replace('_', ' ')} cannot become {new.replace('_', ' ')}"
                         f" (possible: {', '.join(allowed) or 'nothing'})")
    return verb
