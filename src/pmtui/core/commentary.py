"""Standardised commentary rules (M7.5): what happened, why, what next (pure).

A commentary explains a result that needs explaining: a value that is red against its
target or an SPC special cause of concern. It is complete when each of its three parts

* is present and between :data:`MIN_LENGTH` and :data:`MAX_LENGTH` characters,
* passes :func:`pmtui.core.validation.check_text` (no formula-looking start, no control
  characters),
* says something: at least :data:`MIN_WORDS` distinct words once boilerplate phrases
  ('n/a', 'tbd', 'see above', '-', ...) are taken out, and letters make up at least
  half of its visible characters,

and no two parts say the same thing (compared without case, spacing and punctuation).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from pmtui.core.validation import check_text

#: The three parts: field name and how a person calls it.
PARTS: tuple[tuple[str, str], ...] = (("what_happened", "what happened"), ("why", "why"),
                                      ("what_next", "what next"))

#: Shortest and longest accepted part (characters, after trimming).
MIN_LENGTH = 20
MAX_LENGTH = 800

#: Distinct words a part needs once boilerplate is removed.
MIN_WORDS = 3

#: Phrases that say nothing; a part made only of these (and filler) is refused.
BOILERPLATE = (
    "n/a", "na", "n.a.", "tbd", "tbc", "to be confirmed", "to be determined", "to be defined", "see above",
    "see below", "as above", "same as above", "as before", "same as before", "same as last month", "idem",
    "ditto", "none", "nothing", "nothing to report", "no comment", "no comments", "not applicable", "todo",
    "to do", "pending", "unknown", "various", "ok", "fine", "xxx", "test", "lorem ipsum", "-", "--", "...",
    "?", "see comment", "see previous", "will follow", "follow up", "later",
)

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)
_NORMAL = re.compile(r"[\W_]+", re.UNICODE)


@dataclass(frozen=True)
class Finding:
    """One rule a commentary breaks: the part it concerns and why (the message names the part)."""

    part: str | None
    message: str

    def __str__(self) -> str:
        return self.message


def _normal(text: str) -> str:
    return _NORMAL.sub(" ", text.casefold()).strip()


_BOILERPLATE_WORDS = frozenset(w for phrase in BOILERPLATE for w in _normal(phrase).split())


def check_part(text: str | None, label: str = "text") -> list[str]:
    """Problems with one part (empty when it is acceptable), worded for ``label``."""
    text = (text or "").strip()
    if not text:
        return [f"{label} is missing"]
    problems = []
    try:
        check_text(text, field=label, max_length=MAX_LENGTH)
    except ValueError as exc:
        problems.append(str(exc))
    if len(text) < MIN_LENGTH:
        problems.append(f"{label} is {len(text)} characters long; write at least {MIN_LENGTH}")
    words = {w.casefold() for w in _WORD.findall(text)} - _BOILERPLATE_WORDS
    if len(words) < MIN_WORDS:
        problems.append(f"{label} says nothing specific (boilerplate such as 'n/a', 'tbd' or 'see above'"
                        f" does not count); use at least {MIN_WORDS} different words")
    visible = [c for c in text if not c.isspace()]
    if visible and sum(c.isalpha() for c in visible) * 2 < len(visible):
        problems.append(f"{label} is mostly symbols or digits; explain it in words")
    return problems


def check(parts: Mapping[str, str | None]) -> list[Finding]:
    """Every rule the three parts break; an empty list means the commentary is complete."""
    findings = [Finding(field, message) for field, label in PARTS
                for message in check_part(parts.get(field), label)]
    normal = {field: _normal(parts.get(field) or "") for field, _ in PARTS}
    seen: dict[str, str] = {}
    for field, label in PARTS:
        text = normal[field]
        if text and text in seen:
            findings.append(Finding(field, f"{label} repeats {seen[text]}; each part must say something different"))
        elif text:
            seen[text] = label
    return findings


def is_complete(parts: Mapping[str, str | None]) -> bool:
    """True when :func:`check` finds nothing."""
    return not check(parts)


def requirement(status: str | None, special_cause: str | None) -> str | None:
    """Why a value needs a commentary (None when it does not).

    Args:
        status: The value's status against its target (``green``, ``amber``, ``red`` or None).
        special_cause: The SPC verdict on the value's point (``concern``, ``improvement``,
            ``neutral`` or None).
    """
    reasons = []
    if status == "red":
        reasons.append("red against its target")
    if special_cause == "concern":
        reasons.append("an SPC special cause of concern")
    return " and ".join(reasons) or None


def summary(findings: list[Finding]) -> str:
    """One message naming the three parts and what is wrong (for refusals)."""
    names = ", ".join(f"'{label}'" for _, label in PARTS)
    return f"a complete commentary needs {names}: " + "; ".join(str(f) for f in findings)
