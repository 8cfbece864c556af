"""Published views of resource allocation (M1.2).

``pub_allocation_ranking`` repeats :func:`pmtui.core.allocation.rank` in SQL, so that
stakeholders can query it: normalised weights, the weighted total and the financial /
non-financial sub-scores (NULL while a criterion is unscored), the rank among complete
live requests, the running total (approved amounts first, then proposed ones in rank
order) and the place against the budget's cut line. Requests
of confidential units are left out before ranking, as ``ranking(published=True)`` does
(a test checks that both agree).
"""

from __future__ import annotations

ALLOCATION_VIEWS = """
CREATE VIEW pub_allocation_ranking AS
WITH weights AS (
    SELECT c.id, c.round_id, c.kind,
           CASE WHEN t.total > 0 THEN c.weight / t.total ELSE 1.0 / t.n END AS w_all,
           CASE WHEN k.total > 0 THEN c.weight / k.total ELSE 1.0 / k.n END AS w_kind
    FROM allocation_criteria c
    JOIN (SELECT round_id, sum(weight) AS total, count(*) AS n FROM allocation_criteria GROUP BY round_id) t
      ON t.round_id = c.round_id
    JOIN (SELECT round_id, kind, sum(weight) AS total, count(*) AS n FROM allocation_criteria
          GROUP BY round_id, kind) k ON k.round_id = c.round_id AND k.kind = c.kind
),
sums AS (
    SELECT q.id AS request_id,
           count(w.id) AS criteria,
           count(s.id) AS scored,
           round(sum(w.w_all * s.score), 4) AS total,
           sum(w.kind = 'financial') AS fin_n, count(CASE WHEN w.kind = 'financial' THEN s.id END) AS fin_scored,
           round(sum(CASE WHEN w.kind = 'financial' THEN w.w_kind * s.score END), 4) AS fin,
           sum(w.kind = 'non_financial') AS non_n,
           count(CASE WHEN w.kind = 'non_financial' THEN s.id END) AS non_scored,
           round(sum(CASE WHEN w.kind = 'non_financial' THEN w.w_kind * s.score END), 4) AS non
    FROM allocation_requests q
    JOIN weights w ON w.round_id = q.round_id
    LEFT JOIN allocation_scores s ON s.request_id = q.id AND s.criterion_id = w.id
    GROUP BY q.id
),
scored AS (
    SELECT r.code AS round, r.name AS round_name, r.budget, u.code AS unit, u.name AS unit_name,
           q.code AS request, q.title, q.budget_line, q.amount, q.status, q.decided_amount, q.rationale,
           q.decided_by, q.decided_at,
           CASE WHEN s.scored = s.criteria AND s.criteria > 0 THEN s.total END AS score,
           CASE WHEN s.fin_n > 0 AND s.fin_scored = s.fin_n THEN s.fin END AS financial,
           CASE WHEN s.non_n > 0 AND s.non_scored = s.non_n THEN s.non END AS non_financial,
           coalesce(s.criteria, 0) - coalesce(s.scored, 0) AS unscored,
           CASE WHEN q.status = 'approved' AND q.decided_amount IS NOT NULL THEN q.decided_amount
                ELSE q.amount END AS counted
    FROM allocation_requests q
    JOIN allocation_rounds r ON r.id = q.round_id
    JOIN units u ON u.id = q.unit_id
    LEFT JOIN sums s ON s.request_id = q.id
    WHERE u.confidentiality != 'confidential'
),
live AS (
    SELECT *, (status = 'proposed' OR status = 'approved') AND score IS NOT NULL AS competing FROM scored
),
ranked AS (
    SELECT *,
           row_number() OVER (PARTITION BY round, competing
                              ORDER BY score DESC, coalesce(financial, 0) DESC, request) AS position,
           round(coalesce(sum(CASE WHEN status = 'approved' THEN counted END) OVER (PARTITION BY round), 0)
                 + sum(CASE WHEN status = 'proposed' THEN amount ELSE 0 END)
                       OVER (PARTITION BY round, competing
                             ORDER BY score DESC, coalesce(financial, 0) DESC, request
                             ROWS UNBOUNDED PRECEDING), 2) AS running
    FROM live
)
SELECT round, round_name, budget, unit, unit_name, request, title, budget_line, amount, status,
       score, financial, non_financial, unscored,
       CASE WHEN competing THEN position END AS rank,
       CASE WHEN competing THEN running END AS cumulative,
       CASE WHEN status = 'rejected' OR status = 'deferred' THEN status
            WHEN status = 'approved' THEN 'approved'
            WHEN score IS NULL THEN 'unscored'
            WHEN running > budget + 1e-9 THEN 'below_line'
            ELSE 'funded' END AS place,
       decided_amount, rationale, decided_by, decided_at
FROM ranked;

CREATE VIEW pub_allocation_rounds AS
SELECT r.code AS round, r.name, c.code AS cycle, r.budget, r.status,
       count(q.id) AS requests,
       coalesce(sum(q.amount), 0) AS requested,
       coalesce(sum(CASE WHEN q.status = 'approved' THEN q.decided_amount END), 0) AS approved,
       coalesce(sum(q.status = 'proposed'), 0) AS undecided
FROM allocation_rounds r
LEFT JOIN planning_cycles c ON c.id = r.cycle_id
LEFT JOIN allocation_requests q ON q.round_id = r.id
     AND q.unit_id IN (SELECT id FROM units WHERE confidentiality != 'confidential')
GROUP BY r.id;
"""


def create_allocation_views(db) -> None:
    """Published views of allocation rounds and their ranked requests."""
    from pmtui.store.schema import run_script  # noqa: PLC0415 - schema imports this module at its end

    run_script(db.conn, ALLOCATION_VIEWS)
