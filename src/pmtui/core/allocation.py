"""Resource allocation: weighted scoring of requests, ranking, the budget cut line and conflicts.

Pure: the service reads criteria, requests and scores and hands them in. Scores run
0-10 per criterion; weights are normalised so that only their ratios matter. A request
with a criterion left unscored gets no total (it is flagged, never scored as 0) and
stays out of the ranking until it is complete.

The cut line: approved requests are committed first (their decided amounts come off
the budget whatever their rank: the decision was made). The proposed requests are then
taken in rank order and their amounts added to the committed total; those whose running
total stays within the budget are above the line, the first one that breaks it and all
after it are below. Rejected and deferred requests no longer compete.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

#: The two kinds of criteria weighed against each other.
KINDS = ("financial", "non_financial")
#: Request statuses that no longer compete for the budget.
CLOSED_OUT = ("rejected", "deferred")
#: Decimals kept on scores, so that ranks and ties agree with the published SQL view.
DECIMALS = 4


@dataclass(frozen=True)
class Criterion:
    """One weighted criterion of a round."""

    code: str
    name: str
    kind: str
    weight: float


@dataclass(frozen=True)
class Request:
    """One request for money, with its scores (criterion code -> 0..10)."""

    code: str
    unit: str
    title: str
    budget_line: str
    amount: float
    status: str = "proposed"
    decided_amount: float | None = None
    scores: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Ranked:
    """A request with its scores and its place against the budget.

    Attributes:
        score: Weighted total 0..10, None while a criterion is unscored.
        financial: Weighted mean of the financial criteria (None when none or unscored).
        non_financial: Same for the non-financial criteria.
        missing: Criterion codes without a score.
        rank: 1 = best among complete live requests; None otherwise.
        cumulative: Approved amounts plus the proposed amounts ranked down to this one (None when not ranked).
        place: ``approved``, ``funded`` (above the cut line), ``below_line``, ``unscored``,
            ``rejected`` or ``deferred``.
    """

    request: Request
    score: float | None
    financial: float | None
    non_financial: float | None
    missing: tuple[str, ...]
    rank: int | None = None
    cumulative: float | None = None
    place: str = "unscored"

    @property
    def funded(self) -> bool:
        """Above the cut line or already approved."""
        return self.place in ("approved", "funded")


@dataclass(frozen=True)
class Conflict:
    """Something a decider must see: ``kind`` is budget_line, over_budget, trade_off or tie."""

    kind: str
    requests: tuple[str, ...]
    message: str


@dataclass(frozen=True)
class Ranking:
    """The outcome for one round."""

    budget: float
    requested: float
    funded_total: float
    financial_share: float
    requests: tuple[Ranked, ...]
    conflicts: tuple[Conflict, ...]
    cut_after: str | None

    def to_dict(self) -> dict:
        """JSON-ready form (for ``pmtui allocation ranking --json``)."""
        return {
            "budget": self.budget, "requested": self.requested, "funded_total": self.funded_total,
            "financial_share": round(self.financial_share, DECIMALS), "cut_after": self.cut_after,
            "requests": [{
                "code": r.request.code, "unit": r.request.unit, "title": r.request.title,
                "budget_line": r.request.budget_line, "amount": r.request.amount, "status": r.request.status,
                "decided_amount": r.request.decided_amount, "score": r.score, "financial": r.financial,
                "non_financial": r.non_financial, "missing": list(r.missing), "rank": r.rank,
                "cumulative": r.cumulative, "place": r.place, "funded": r.funded,
            } for r in self.requests],
            "conflicts": [{"kind": c.kind, "requests": list(c.requests), "message": c.message}
                          for c in self.conflicts],
        }


def normalised_weights(criteria: Sequence[Criterion]) -> dict[str, float]:
    """Weights scaled to sum to 1 (all equal when every weight is 0)."""
    if not criteria:
        return {}
    total = sum(c.weight for c in criteria)
    if total <= 0:
        return {c.code: 1 / len(criteria) for c in criteria}
    return {c.code: c.weight / total for c in criteria}


def _mean(scores: Mapping[str, float], criteria: Sequence[Criterion]) -> float | None:
    weights = normalised_weights(criteria)
    if not weights or any(c.code not in scores for c in criteria):
        return None
    return round(sum(scores[c] * w for c, w in weights.items()), DECIMALS)


def score_request(request: Request, criteria: Sequence[Criterion]) -> Ranked:
    """The weighted total and the financial / non-financial sub-scores of one request."""
    missing = tuple(c.code for c in criteria if c.code not in request.scores)
    total = None if missing or not criteria else _mean(request.scores, criteria)
    by_kind = {kind: [c for c in criteria if c.kind == kind] for kind in KINDS}
    return Ranked(request, total, _mean(request.scores, by_kind["financial"]),
                  _mean(request.scores, by_kind["non_financial"]), missing)


def _order(r: Ranked) -> tuple:
    # Best total first; on equal totals the better financial case, then the code, so the order is stable.
    return (-(r.score or 0.0), -(r.financial or 0.0), r.request.code)


def rank(criteria: Sequence[Criterion], requests: Sequence[Request], budget: float) -> Ranking:
    """Score, rank and place every request of a round against its budget, and list the conflicts."""
    scored = [score_request(r, criteria) for r in requests]
    live = sorted((s for s in scored if s.request.status not in CLOSED_OUT and s.score is not None), key=_order)
    committed = sum(_funded_amount(s) for s in scored if s.request.status == "approved")
    placed: dict[str, Ranked] = {}
    running, cut_after, broken = committed, None, False
    for position, item in enumerate(live, start=1):
        req = item.request
        if req.status == "approved":
            place = "approved"
        else:
            running += req.amount
            broken = broken or running > budget + 1e-9
            place = "below_line" if broken else "funded"
            if not broken:
                cut_after = req.code
        placed[req.code] = Ranked(req, item.score, item.financial, item.non_financial, item.missing,
                                  position, round(running, 2), place)
    others = [Ranked(s.request, s.score, s.financial, s.non_financial, s.missing, place=_unranked_place(s.request))
              for s in scored if s.request.code not in placed]
    ordered = tuple(placed.values()) + tuple(sorted(others, key=lambda r: (r.place, r.request.code)))
    weights = normalised_weights(criteria)
    share = sum(w for c in criteria if c.kind == "financial" for w in [weights[c.code]])
    return Ranking(
        budget=budget,
        requested=round(sum(_funded_amount(r) if r.request.status == "approved" else r.request.amount
                            for r in ordered if r.request.status not in CLOSED_OUT), 2),
        funded_total=round(sum(_funded_amount(r) for r in ordered if r.funded), 2),
        financial_share=share, requests=ordered, conflicts=tuple(conflicts(ordered, budget)), cut_after=cut_after)


def _unranked_place(req: Request) -> str:
    if req.status in CLOSED_OUT:
        return req.status
    return "approved" if req.status == "approved" else "unscored"


def _funded_amount(r: Ranked) -> float:
    req = r.request
    return req.decided_amount if req.status == "approved" and req.decided_amount is not None else req.amount


def conflicts(ranked: Sequence[Ranked], budget: float) -> list[Conflict]:
    """What a decider must weigh: shared budget lines, the budget overrun, trade-offs and ties.

    * ``budget_line``: two or more live requests draw on the same budget line.
    * ``over_budget``: the live requests ask for more than the budget; names those below the line.
    * ``trade_off``: a request above the line has a lower financial score than one below it:
      the non-financial criteria put it there.
    * ``tie``: live requests with the same total score (the financial score breaks the tie).
    """
    live = [r for r in ranked if r.request.status not in CLOSED_OUT]
    out: list[Conflict] = []
    lines: dict[str, list[Ranked]] = defaultdict(list)
    for r in live:
        lines[r.request.budget_line].append(r)
    for line, items in sorted(lines.items()):
        if len(items) > 1:
            total = sum(r.request.amount for r in items)
            out.append(Conflict("budget_line", tuple(r.request.code for r in items),
                                f"{len(items)} requests compete for budget line {line} ({total:,.0f} asked)"))
    asked = sum(_funded_amount(r) if r.request.status == "approved" else r.request.amount for r in live)
    below = [r for r in live if r.place == "below_line"]
    if asked > budget + 1e-9:
        out.append(Conflict("over_budget", tuple(r.request.code for r in below),
                            f"asked {asked:,.0f} > budget {budget:,.0f}: {len(below)} below the cut line"))
    above = [r for r in live if r.place in ("funded", "approved") and r.financial is not None]
    for low in below:
        if low.financial is None:
            continue
        for high in above:
            if high.financial < low.financial:
                out.append(Conflict("trade_off", (high.request.code, low.request.code),
                                    f"{high.request.code} (financial {high.financial:g}) is above the line ahead of"
                                    f" {low.request.code} (financial {low.financial:g}) on non-financial weight"))
    scores: dict[float, list[Ranked]] = defaultdict(list)
    for r in live:
        if r.score is not None:
            scores[r.score].append(r)
    for value, items in sorted(scores.items(), reverse=True):
        if len(items) > 1:
            out.append(Conflict("tie", tuple(r.request.code for r in items),
                                f"{', '.join(r.request.code for r in items)} tie at {value:g}"))
    return out
