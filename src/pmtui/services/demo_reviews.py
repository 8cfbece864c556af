"""Demo data of review meetings: PLANT_A's monthly reviews and a few other units'.

Everything goes through the review services as the demo's people would have done it,
on the dates they would have done it (so the audit trail reads as a history):

* PLANT_A monthly reviews of 2026-07, 2026-08 and 2026-09: prepared by ``demo`` on the
  9th of the next month, held and finalised by the chair ``jvandijk`` on the 12th, with
  members, a rotating participant chosen from the rotation suggestions, a decision on
  every item (one raising an action) and minutes;
* the showcase ``PLANT_A-2026-10``: created with its agenda but not held yet (planned),
  chaired by ``jvandijk``, facilitated by ``demo``; its agenda carries SPC concerns, the
  milestone the initiatives demo makes slip and the actions the actions demo leaves overdue;
* PLANT_B 2026-09 (finalised), PACKAGING 2026-09 (a confidential unit: finalised, never
  published) and DC_NORTH 2026-10 (planned).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import NamedTuple

from pmtui.core import periods
from pmtui.services import actions, meeting_people, reviews

FACILITATOR = "demo"


class Review(NamedTuple):
    """A review to stage: who chairs, who else sits in, who owns the action it raises, whether it is held.

    ``done``: the day the owner closed that action, or None (it stays open, maybe overdue).
    """

    unit: str
    period: str
    chair: str
    members: tuple[str, ...]
    owner: str
    held: bool = True
    absent: tuple[str, ...] = ()
    done: str | None = None


REVIEWS = (
    Review("PLANT_A", "2026-07", "jvandijk", ("demo", "iholm"), "iholm", done="2026-09-03"),
    Review("PLANT_A", "2026-08", "jvandijk", ("demo", "iholm"), "jvandijk", absent=("iholm",)),
    Review("PLANT_A", "2026-09", "jvandijk", ("demo", "iholm"), "iholm"),
    Review("PLANT_B", "2026-09", "fweber", ("demo", "glambert"), "glambert"),
    Review("PACKAGING", "2026-09", "ebianchi", ("vconti",), "vconti"),
    Review("PLANT_A", "2026-10", "jvandijk", ("demo",), "iholm", held=False),
    Review("DC_NORTH", "2026-10", "ahansen", ("demo", "bnovak"), "bnovak", held=False),
)

#: What the demo's chairs decide on an item of each kind (the first SPC concern or red KPI is acted on).
POLICY = {
    "spc_concern": ("watch", "Signal noted; check next month whether it persists before acting"),
    "red_kpi": ("watch", "One period below target; the owner explains the gap at the next review"),
    "slipped_milestone": ("escalate", "Recovery plan needed: escalated to the regional head"),
    "overdue_action": ("watch", "Owner gave a new date; chase it at the next review"),
    "stale_data": ("watch", "Data steward to submit the missing value this week"),
}
ACT_NOTE = "Find the cause of {title} and report back"


def _day(period: str, day: int, hour: int = 9) -> datetime:
    """A moment in the month after ``period`` (reviews look back at a closed month)."""
    year, month = periods.parse(periods.shift(period, 1))
    return datetime(year, month, day, hour, 0, tzinfo=timezone.utc)


def _prepare(conn, review: Review, now: datetime) -> str:
    """Create the meeting with its agenda and members, and pick the rotating seat (held reviews).

    A review not held yet is prepared at ``now``: its agenda shows today's exceptions.
    """
    prepared = _day(review.period, 9) if review.held else now
    m = reviews.create(conn, review.unit, review.period, chair=review.chair, actor=FACILITATOR, now=prepared)
    for user in review.members:
        meeting_people.invite(conn, m["code"], user, actor=FACILITATOR, now=prepared)
    if review.held:
        suggested = meeting_people.suggest(conn, m["code"], today=prepared.date())["suggested"]
        if suggested:
            meeting_people.choose(conn, m["code"], [suggested[0]["user"]], actor=review.chair, now=prepared)
    return m["code"]


def _hold(conn, code: str, review: Review, acted_on: set[str]) -> None:
    """Decide every item (the first KPI signal not acted on before raises an action), write minutes, finalise."""
    held = _day(review.period, 12)
    acted = None
    for item in reviews.show(conn, code)["items"]:
        moment = held + timedelta(minutes=5 * item["seq"])
        subject = f"{item['kpi']} at {item['unit']}"
        if acted is None and item["kind"] in ("spc_concern", "red_kpi") and subject not in acted_on:
            done = reviews.decide(conn, code, item["seq"], "act", ACT_NOTE.format(title=subject),
                                  owner=review.owner, due_on=(held + timedelta(days=40)).date().isoformat(),
                                  actor=review.chair, now=moment)
            acted = subject
            acted_on.add(subject)
            if review.done:
                actions.close(conn, done["action"]["id"], "Cause found and reported to the review",
                              actor=review.owner, now=datetime.fromisoformat(review.done + "T10:00:00+00:00"))
            continue
        decision, note = POLICY[item["kind"]]
        reviews.decide(conn, code, item["seq"], decision, note, actor=review.chair, now=moment)
    for user in review.absent:
        meeting_people.set_attendance(conn, code, user, False, actor=review.chair, now=held)
    minutes = (f"Review of {review.unit} for {review.period}, chaired by {review.chair}. "
               + (f"Action raised on {acted}. " if acted else "No KPI signal needed an action. ")
               + "Slipped milestones escalated, other exceptions watched until the next review.")
    reviews.write_minutes(conn, code, minutes, actor=review.chair, now=held + timedelta(hours=1))
    reviews.finalise(conn, code, actor=review.chair, now=held + timedelta(hours=1, minutes=5))


def populate(conn, *, now: datetime) -> None:
    """Stage the reviews of :data:`REVIEWS`; those not held yet are prepared at ``now``."""
    acted_on: set[str] = set()
    for review in REVIEWS:
        code = _prepare(conn, review, now)
        if review.held:
            _hold(conn, code, review, acted_on)
