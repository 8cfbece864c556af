"""Word-level differences between a standard definition and a regional variant (difflib)."""

from __future__ import annotations

import difflib


def word_changes(standard: str, variant: str) -> list[tuple[str, str]]:
    """The variant as ``(op, words)`` runs: ``=`` kept, ``-`` removed from the standard, ``+`` added."""
    old, new = standard.split(), variant.split()
    out: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(("=", " ".join(old[i1:i2])))
            continue
        if i2 > i1:
            out.append(("-", " ".join(old[i1:i2])))
        if j2 > j1:
            out.append(("+", " ".join(new[j1:j2])))
    return out


def word_diff(standard: str, variant: str) -> str:
    """One line in ``git --word-diff`` style: ``kept [-removed-] {+added+} kept``."""
    marks = {"=": "{}", "-": "[-{}-]", "+": "{{+{}+}}"}
    return " ".join(marks[op].format(words) for op, words in word_changes(standard, variant))


def summary(standard: str, variant: str) -> str:
    """``"+7 -3 words"``: how much the variant adds and removes."""
    changes = word_changes(standard, variant)
    added = sum(len(w.split()) for op, w in changes if op == "+")
    removed = sum(len(w.split()) for op, w in changes if op == "-")
    return f"+{added} -{removed} words"
