"""The period a scorecard opens on: the latest one whose coverage is meaningful.

A period with one stray value (the first number of a new month) is not worth opening
on: its headline would read "coverage 1%". A unit's scorecard therefore opens on the
latest period in which at least :func:`min_coverage` of its weight is scored (setting
``scorecard_min_coverage``, default 0.5). Coverage is the headline's
(:func:`pmtui.services.tui_reads.coverage`): per objective the share of its KPI links
and cascaded objectives that carry a score, then weighted by objective and perspective
weight as the roll-up does. Here it is computed from one aggregate query per period
instead of building the scorecard, so stepping back over a few periods stays cheap on
large files.
"""

from __future__ import annotations

import math
import sqlite3
from dataclasses import dataclass

from pmtui.services import framework
from pmtui.services.scorecard import available_periods, unit_id
from pmtui.store import queries

#: Name of the setting and its default: the share of the weight that must be scored.
SETTING = "scorecard_min_coverage"
DEFAULT_MIN_COVERAGE = 0.5

#: Most periods looked at (latest first) before settling for the best-covered of them.
LOOKBACK = 24

#: Per objective of a unit's tree, the weight of its KPI links scored in one period.
_SCORED_SQL = """
WITH RECURSIVE tree(id) AS (
    SELECT id FROM objectives WHERE unit_id = :unit
    UNION SELECT o.id FROM objectives o JOIN tree ON o.parent_id = tree.id
)
SELECT ok.objective_id, sum(ok.weight)
FROM tree JOIN objectives o ON o.id = tree.id
JOIN objective_kpis ok ON ok.objective_id = o.id
JOIN kpis k ON k.id = ok.kpi_id
JOIN measurements m ON m.unit_id = o.unit_id AND m.period = :period AND m.kpi_id = ok.kpi_id
WHERE m.status = 'approved'
  AND (EXISTS (SELECT 1 FROM targets t WHERE t.kpi_id = ok.kpi_id AND t.unit_id = o.unit_id AND t.period = :period
                 AND (k.direction <> 'band' OR t.target_high IS NOT NULL))
       OR (k.spc_mode = 1 AND EXISTS (SELECT 1 FROM spc_results r WHERE r.unit_id = o.unit_id
                                        AND r.kpi_id = ok.kpi_id AND r.period = :period)))
GROUP BY ok.objective_id
"""

_LINK_WEIGHTS_SQL = """
WITH RECURSIVE tree(id) AS (
    SELECT id FROM objectives WHERE unit_id = :unit
    UNION SELECT o.id FROM objectives o JOIN tree ON o.parent_id = tree.id
)
SELECT ok.objective_id, sum(ok.weight) FROM tree JOIN objective_kpis ok ON ok.objective_id = tree.id
GROUP BY ok.objective_id
"""


@dataclass(frozen=True)
class Tree:
    """A unit's objectives as the roll-up sees them (read once, scored per period).

    Attributes:
        unit_id: The unit whose scorecard this is.
        objectives: ``(id, parent_id, unit_id, weight, perspective, perspective_weight)``.
        link_weight: Objective id -> total weight of its KPI links.
    """

    unit_id: int
    objectives: tuple[tuple, ...]
    link_weight: dict[int, float]


def min_coverage(conn: sqlite3.Connection) -> float:
    """The setting ``scorecard_min_coverage`` (a share from 0 to 1), or the default when unset or invalid."""
    text = framework.get_setting(conn, SETTING)
    try:
        value = float(text) if text is not None else DEFAULT_MIN_COVERAGE
    except ValueError:
        return DEFAULT_MIN_COVERAGE
    return value if math.isfinite(value) and 0.0 <= value <= 1.0 else DEFAULT_MIN_COVERAGE


def read_tree(conn: sqlite3.Connection, uid: int) -> Tree:
    """The unit's objectives (its own and those cascaded below them) and their KPI link weights."""
    rows = tuple((o["id"], o["parent_id"], o["unit_id"], o["weight"], o["perspective"], o["perspective_weight"])
                 for o in queries.objectives(conn, uid))
    weights = {r[0]: r[1] for r in conn.execute(_LINK_WEIGHTS_SQL, {"unit": uid})}
    return Tree(uid, rows, weights)


def scored_weights(conn: sqlite3.Connection, uid: int, period: str) -> dict[int, float]:
    """Objective id -> weight of its KPI links that carry a score in ``period`` (approved value and target)."""
    return {r[0]: r[1] for r in conn.execute(_SCORED_SQL, {"unit": uid, "period": period})}


def tree_coverage(tree: Tree, scored: dict[int, float]) -> float | None:
    """Coverage of the unit's scorecard given each objective's scored link weight (None: nothing to cover).

    Mirrors :func:`pmtui.services.scorecard.build` and
    :func:`pmtui.services.tui_reads.coverage`: a cascaded objective counts as scored
    in its parent when any of its own weight is scored.
    """
    ids = {o[0] for o in tree.objectives}
    children: dict[int, list[tuple]] = {}
    for o in tree.objectives:
        if o[1] in ids:
            children.setdefault(o[1], []).append(o)
    done: dict[int, tuple[float, float]] = {}

    def roll(oid: int) -> tuple[float, float]:  # (weight scored, weight total)
        if oid not in done:
            kids = children.get(oid, [])
            done[oid] = (scored.get(oid, 0.0) + math.fsum(c[3] for c in kids if roll(c[0])[0]),
                         tree.link_weight.get(oid, 0.0) + math.fsum(c[3] for c in kids))
        return done[oid]

    parts: dict[str, list] = {}
    for o in tree.objectives:
        if o[2] == tree.unit_id:
            got, total = roll(o[0])
            part = parts.setdefault(o[4], [o[5], 0.0, 0.0])
            part[1] += o[3] * (got / total if total else 0.0)
            part[2] += o[3]
    shares = [(covered / weight, pw) for pw, covered, weight in parts.values() if weight]
    total = math.fsum(pw for _, pw in shares)
    return math.fsum(share * pw for share, pw in shares) / total if total else None


def coverage(conn: sqlite3.Connection, unit: str, period: str) -> float | None:
    """The headline coverage of ``unit``'s scorecard in ``period`` (None when it has no weight)."""
    uid = unit_id(conn, unit)
    return tree_coverage(read_tree(conn, uid), scored_weights(conn, uid, period))


def opening_period(conn: sqlite3.Connection, unit: str, threshold: float | None = None) -> str | None:
    """The period ``unit``'s scorecard opens on.

    The latest period with data whose coverage reaches ``threshold`` (default: the
    setting); when none of the last :data:`LOOKBACK` does, the best-covered of them
    (the latest on ties); when nothing is scored at all, the latest period with data.
    None when the unit has no data.
    """
    choices = available_periods(conn, unit)
    if not choices:
        return None
    threshold = min_coverage(conn) if threshold is None else threshold
    uid = unit_id(conn, unit)
    tree = read_tree(conn, uid)
    # Nothing scores before it is approved: periods after the latest approved value cover nothing.
    latest = queries.latest_approved_period(conn, uid, choices[0])
    if not tree.objectives or latest is None:
        return choices[0]
    best: tuple[float, str] | None = None
    for period in choices[choices.index(latest):][:LOOKBACK]:
        share = tree_coverage(tree, scored_weights(conn, uid, period))
        if share is None:
            return choices[0]
        if share >= threshold - 1e-9:  # 0.5 computed as 0.4999… still counts as half
            return period
        if share > 0 and (best is None or share > best[0]):
            best = (share, period)
    return best[1] if best else choices[0]
