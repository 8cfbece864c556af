"""The scale of qualitative assessments (manager ratings) shown beside the numbers."""

from __future__ import annotations

#: Rating -> meaning, worst first.
SCALE = {1: "critical", 2: "concern", 3: "on track with risks", 4: "on track", 5: "ahead"}

#: Rating -> RAG-like colour for displays (colour never carries the meaning alone).
COLOUR = {1: "red", 2: "red", 3: "amber", 4: "green", 5: "green"}


def parse(value: int | str) -> int:
    """A rating 1..5 from a number or its text.

    Raises:
        ValueError: outside the scale, with the scale in the message.
    """
    try:
        rating = int(str(value).strip())
    except ValueError:
        rating = 0
    if rating not in SCALE:
        scale = ", ".join(f"{k} {v}" for k, v in SCALE.items())
        raise ValueError(f"rating {value!r} is not on the scale ({scale})")
    return rating


def label(rating: int | None) -> str:
    """``"3 on track with risks"``, or ``"–"`` when there is no rating."""
    return f"{rating} {SCALE[rating]}" if rating in SCALE else "–"
