"""What one audit entry changed: old -> new per field (pure; entries come in as plain dicts).

Entries hold whole rows as JSON (see :mod:`pmtui.store.audit`): an insert has only
``new``, a delete only ``old``, an update both, a refusal ``{"attempted": {...}}`` as
``new``. A bulk import holds all its rows in one entry; :func:`imported_row` picks one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

#: Shown for a missing value (NULL, or a field the row did not have).
NONE = "∅"


@dataclass(frozen=True)
class Change:
    """One field's value before and after (``None`` where the row did not exist)."""

    field: str
    old: Any
    new: Any
    created: bool = False


def kind_of(action: str, old: Any, new: Any) -> str:
    """``insert``, ``update``, ``delete``, ``refused`` or ``import`` for an entry."""
    if action.startswith("refused."):
        return "refused"
    if action == "measurement.import":
        return "import"
    if old is None:
        return "insert"
    return "delete" if new is None else "update"


def changes(action: str, old: Any, new: Any, *, hide: tuple[str, ...] = ("id",),
            order: tuple[str, ...] = ()) -> list[Change]:
    """Fields that an entry set, changed or removed, in the table's column ``order`` when given.

    Updates list only fields whose value differs (``None`` and ``0`` differ); inserts and
    deletes list every field except those in ``hide`` and, for inserts, empty ones;
    refusals list what was attempted.
    """
    found = _changes(action, old, new, hide)
    if order:
        rank = {name: i for i, name in enumerate(order)}
        found.sort(key=lambda c: rank.get(c.field, len(rank)))
    return found


def _changes(action: str, old: Any, new: Any, hide: tuple[str, ...]) -> list[Change]:
    kind = kind_of(action, old, new)
    if kind == "refused":
        attempted = (new or {}).get("attempted")
        if isinstance(attempted, dict):
            return [Change(k, None, v, True) for k, v in attempted.items()]
        return [Change("attempted", None, attempted, True)]
    if kind == "import":
        return [Change("rows", None, len((new or {}).get("rows", [])), True)]
    if kind == "insert":
        return [Change(k, None, v, True) for k, v in new.items() if k not in hide and v is not None]
    if kind == "delete":
        return [Change(k, v, None) for k, v in old.items() if k not in hide]
    keys = list(old) + [k for k in new if k not in old]
    return [Change(k, old.get(k), new.get(k)) for k in keys
            if not _same(old.get(k), new.get(k)) and k not in hide]


def _same(a: Any, b: Any) -> bool:
    # 1 and 1.0 are the same value; None and 0 are not, nor True and 1.
    if a is None or b is None:
        return a is b
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return a == b


def imported_row(new: dict, row_id: int) -> dict | None:
    """The row with id ``row_id`` out of a bulk import entry's payload, or None when it is not in it."""
    offset = row_id - int(new.get("first_id", 0))
    rows = new.get("rows") or []
    if not 0 <= offset < len(rows):
        return None
    return {"id": row_id} | dict(zip(new["columns"], rows[offset])) | dict(new.get("common") or {})


def show(value: Any, width: int | None = None) -> str:
    """A value as people read it: ``∅`` for none, numbers without trailing zeros, JSON for structures."""
    if value is None:
        text = NONE
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float):
        text = f"{value:.10g}"
    elif isinstance(value, (dict, list)):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    else:
        text = str(value)
    if width is not None and len(text) > width:
        text = text[: max(width - 1, 0)] + "…"
    return text


def one_line(change: Change, width: int | None = None) -> str:
    """``field: old -> new`` (``field: new`` for a field an insert or an attempt set)."""
    if change.created:
        return f"{change.field}: {show(change.new, width)}"
    return f"{change.field}: {show(change.old, width)} -> {show(change.new, width)}"
