"""Canonical JSON and the SHA-256 hash chain of the audit trail.

Every audit entry is hashed over a canonical JSON form of its fields plus the hash of
the entry before it, so that editing, inserting or deleting an entry breaks the chain
from that point on. Pure functions only: the store decides where entries live.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

#: Hash of the (non-existent) entry before the first one.
GENESIS = "0" * 64

#: Fields of an audit entry that the hash covers, in a fixed order.
HASHED_FIELDS = ("seq", "ts", "actor", "action", "entity", "entity_key", "old", "new", "reason")


def dumps(value: Any) -> str:
    """Serialise ``value`` as canonical JSON: sorted keys, no spaces, UTF-8 kept.

    NaN and infinities are refused: they have no JSON form and never enter pmtui.
    """
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _text_digest(text: str | None) -> str | None:
    return None if text is None else hashlib.sha256(text.encode("utf-8")).hexdigest()


def entry_hash(prev_hash: str, entry: dict[str, Any]) -> str:
    """SHA-256 (hex) of ``prev_hash`` joined to the canonical JSON of the entry's hashed fields.

    ``old`` and ``new`` (already canonical JSON text) enter through their own SHA-256, so
    an import entry carrying a million rows is hashed once rather than re-escaped.
    """
    fields = {field: entry.get(field) for field in HASHED_FIELDS}
    fields["old"], fields["new"] = _text_digest(fields["old"]), _text_digest(fields["new"])
    body = dumps(fields)
    return hashlib.sha256((prev_hash + "\n" + body).encode("utf-8")).hexdigest()
