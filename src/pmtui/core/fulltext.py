"""Turning what a user types into a safe SQLite FTS5 query (pure).

User text is never handed to ``MATCH`` as it is: FTS5 has its own syntax (``AND``,
``NEAR``, ``-``, ``:``, ``^``, parentheses, column filters) and stray punctuation raises
"fts5: syntax error". Instead every word, and every ``"quoted phrase"``, becomes one
FTS5 string in double quotes, and the strings are combined with an implicit AND. A word
ending in ``*`` searches by prefix. Terms with no letter or digit are dropped, so
that input made only of punctuation finds nothing instead of failing.
"""

from __future__ import annotations

import re

#: Most terms taken from one query (the rest is ignored).
MAX_TERMS = 16
#: Longest term kept (characters).
MAX_TERM = 64

_TERMS = re.compile(r'"([^"]*)"|(\S+)')
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def terms(text: str) -> list[tuple[str, bool]]:
    """The ``(term, prefix)`` pairs in ``text``: quoted phrases whole, other words one by one."""
    out: list[tuple[str, bool]] = []
    text = _CONTROL.sub(" ", text or "")  # FTS5 strings stop at NUL; no control character is searchable
    for phrase, word in _TERMS.findall(text):
        raw = phrase if phrase else word.replace('"', "")
        prefix = not phrase and raw.endswith("*")
        term = " ".join(raw.rstrip("*" if prefix else "").split())[:MAX_TERM]
        if any(c.isalnum() for c in term):
            out.append((term, prefix))
        if len(out) == MAX_TERMS:
            break
    return out


def match_expression(text: str) -> str | None:
    """The FTS5 ``MATCH`` expression for ``text``, or None when it holds no searchable term.

    >>> match_expression('late "supplier audit" OTD*')
    '"late" "supplier audit" "OTD"*'
    """
    parts = [f'"{term}"' + ("*" if prefix else "") for term, prefix in terms(text)]
    return " ".join(parts) or None
