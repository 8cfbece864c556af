"""Published views of the strategy area: planning cycles, alignment, target revisions,
revision counts and the excluded-metrics register (migration step ``create_strategy_views``).

Like the core views they leave out confidential units, objectives and KPIs, and publish
decisions only: pending revision requests stay internal until someone decides them.
"""

from __future__ import annotations

STRATEGY_VIEWS = """
CREATE VIEW pub_planning_cycles AS
SELECT code, name, start_period, end_period, status,
       (SELECT count(*) FROM objectives o WHERE o.cycle_id = c.id AND o.confidentiality != 'confidential')
           AS cycle_objectives
FROM planning_cycles c;

CREATE VIEW pub_alignment AS
WITH RECURSIVE up(start_id, id, level, depth) AS (
    SELECT id, id, level, 0 FROM objectives WHERE (level = 'unit' OR level = 'team') AND cycle_id IS NULL
    UNION ALL
    SELECT up.start_id, p.id, p.level, up.depth + 1
    FROM up JOIN objectives o ON o.id = up.id JOIN objectives p ON p.id = o.parent_id
    WHERE up.level != 'corporate' AND up.depth < 32 AND p.cycle_id IS NULL
),
roots AS (SELECT start_id, min(id) AS root_id FROM up WHERE level = 'corporate' GROUP BY start_id)
SELECT u.code AS unit, u.name AS unit_name, o.code AS objective, o.name AS objective_name, o.level AS level,
       k.code AS kpi, k.name AS kpi_name, c.code AS corporate_objective, c.name AS corporate_objective_name,
       cp.name AS corporate_perspective,
       CASE WHEN c.id IS NULL THEN 'unaligned' ELSE 'aligned' END AS alignment
FROM objective_kpis ok
JOIN objectives o ON o.id = ok.objective_id
JOIN kpis k ON k.id = ok.kpi_id
JOIN units u ON u.id = o.unit_id
LEFT JOIN roots r ON r.start_id = o.id
LEFT JOIN objectives c ON c.id = r.root_id
LEFT JOIN perspectives cp ON cp.id = c.perspective_id
WHERE (o.level = 'unit' OR o.level = 'team') AND o.cycle_id IS NULL AND k.active = 1
  AND o.confidentiality != 'confidential' AND k.confidentiality != 'confidential'
  AND u.confidentiality != 'confidential'
  AND (c.id IS NULL OR c.confidentiality != 'confidential');

CREATE VIEW pub_corporate_coverage AS
SELECT p.name AS perspective, c.code AS objective, c.name AS objective_name,
       (SELECT count(*) FROM pub_alignment a WHERE a.corporate_objective = c.code) AS measuring_kpis,
       (SELECT count(DISTINCT a.unit) FROM pub_alignment a WHERE a.corporate_objective = c.code) AS measuring_units
FROM objectives c JOIN perspectives p ON p.id = c.perspective_id
WHERE c.level = 'corporate' AND c.cycle_id IS NULL AND c.confidentiality != 'confidential';

CREATE VIEW pub_target_revisions AS
SELECT r.id, u.code AS unit, u.name AS unit_name, k.code AS kpi, k.name AS kpi_name, t.period,
       r.original_target, r.original_amber, r.revised_target, r.revised_amber,
       r.original_target_high, r.revised_target_high, r.reason, r.status,
       r.requested_by, r.requested_at, r.decided_by, r.decided_at, r.decision_note
FROM target_revisions r
JOIN targets t ON t.id = r.target_id
JOIN kpis k ON k.id = t.kpi_id
JOIN units u ON u.id = t.unit_id
WHERE r.status != 'submitted'
  AND k.confidentiality != 'confidential' AND u.confidentiality != 'confidential';

CREATE VIEW pub_revision_counts AS
SELECT unit, unit_name, count(*) AS decided, sum(status = 'approved') AS approved,
       sum(status = 'rejected') AS rejected
FROM pub_target_revisions GROUP BY unit, unit_name;

CREATE VIEW pub_excluded_metrics AS
SELECT e.name, e.description, e.reason, c.code AS cycle, e.decided_by, e.decided_on
FROM excluded_metrics e LEFT JOIN planning_cycles c ON c.id = e.cycle_id
WHERE e.confidentiality != 'confidential';
"""


def create_strategy_views(db) -> None:
    """Published views of planning cycles, alignment, target revisions and excluded metrics."""
    from pmtui.store.schema import run_script  # noqa: PLC0415 - schema imports this module's siblings

    run_script(db.conn, STRATEGY_VIEWS)
