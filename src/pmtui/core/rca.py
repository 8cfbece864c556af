"""Root-cause analysis on standard templates (M5.2): five whys and fishbone (pure).

A record states the problem, then works it through one template:

* **five whys**: one to five answers, each answering "why?" to the one before. The
  chain has no gaps (why 3 cannot be filled while why 2 is empty) and does not go
  round in circles (an answer may not repeat an earlier one).
* **fishbone**: causes sorted into fixed categories (people, process, technology,
  data, external), so that reviews across units can be compared.

A record is closed only with a stated root cause and a classification: ``process``
(the system failed: fix the process, escalate along the process path) or
``individual`` (a person's accountability: escalate to the line manager). The
classification drives the escalation path (M3.2), so it is required, never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pmtui.core.validation import check_text

TEMPLATES = ("five_whys", "fishbone")
CATEGORIES = ("people", "process", "technology", "data", "external")
CLASSIFICATIONS = ("process", "individual")
MAX_WHYS = 5
#: Longest single why or cause (characters); the problem and root cause take the default.
MAX_ITEM = 500


def check_template(template: str) -> str:
    """The template name, or ValueError listing the templates."""
    if template not in TEMPLATES:
        raise ValueError(f"template must be one of {', '.join(TEMPLATES)}, not {template!r}")
    return template


def check_classification(classification: str | None) -> str | None:
    """None or a known classification."""
    if classification is not None and classification not in CLASSIFICATIONS:
        raise ValueError(f"classification must be process or individual, not {classification!r}")
    return classification


def clean_whys(whys: Iterable[str]) -> list[str]:
    """The chain of whys, stripped, with empty trailing answers dropped.

    Raises:
        ValueError: more than five, a gap in the chain, a repeated answer, unsafe text.
    """
    items = [(w or "").strip() for w in whys]
    while items and not items[-1]:
        items.pop()
    if len(items) > MAX_WHYS:
        raise ValueError(f"five whys takes at most {MAX_WHYS} answers, not {len(items)}")
    seen: dict[str, int] = {}
    for number, why in enumerate(items, start=1):
        if not why:
            raise ValueError(f"why {number} is empty but why {number + 1} is filled:"
                             " each why answers the one before it")
        check_text(why, field=f"why {number}", max_length=MAX_ITEM)
        key = " ".join(why.lower().split())
        if key in seen:
            raise ValueError(f"why {number} repeats why {seen[key]}: the chain goes round in a circle")
        seen[key] = number
    return items


def clean_fishbone(fishbone: Mapping[str, Iterable[str]] | None) -> dict[str, list[str]]:
    """Causes per category, stripped, empty causes and categories dropped, in category order.

    Raises:
        ValueError: an unknown category or unsafe text.
    """
    fishbone = fishbone or {}
    unknown = sorted(set(fishbone) - set(CATEGORIES))
    if unknown:
        raise ValueError(f"fishbone category {unknown[0]!r} is not one of {', '.join(CATEGORIES)}")
    out: dict[str, list[str]] = {}
    for category in CATEGORIES:
        raw = fishbone.get(category) or []
        if isinstance(raw, str):  # one cause given as text rather than a list
            raw = [raw]
        causes = [(c or "").strip() for c in raw]
        causes = [c for c in causes if c]
        for number, cause in enumerate(causes, start=1):
            check_text(cause, field=f"{category} cause {number}", max_length=MAX_ITEM)
        if causes:
            out[category] = causes
    return out


def closing_problems(template: str, whys: list[str], fishbone: dict[str, list[str]], root_cause: str,
                     classification: str | None) -> list[str]:
    """What is still missing before a record can be closed (empty list: it can be)."""
    problems = []
    if template == "five_whys" and not whys:
        problems.append("five whys needs at least why 1 answered")
    if template == "fishbone" and not any(fishbone.values()):
        problems.append("a fishbone needs at least one cause in a category")
    if not (root_cause or "").strip():
        problems.append("the root cause must be stated")
    if classification not in CLASSIFICATIONS:
        problems.append("the root cause must be classified as process or individual")
    return problems

