"""SQL of the published (read-only) views that Datasette serves.

Views show approved data only and leave out confidential units and KPIs. Scores come
from ``pm_score`` / ``pm_status``, SQL functions backed by ``pmtui.core.scoring`` and
registered on every pmtui and Datasette connection, so there is one scoring rule.
"""

CREATE_VIEWS_V1 = """
CREATE VIEW pub_kpi_results AS
SELECT
    u.code AS unit,
    u.name AS unit_name,
    k.code AS kpi,
    k.name AS kpi_name,
    p.name AS perspective,
    m.period AS period,
    m.value AS value,
    k.uom AS uom,
    k.direction AS direction,
    t.target AS target,
    t.amber AS amber,
    pm_score(k.direction, m.value, t.target, t.amber, t.target_high, t.amber_high) AS score,
    pm_status(pm_score(k.direction, m.value, t.target, t.amber, t.target_high, t.amber_high)) AS status,
    m.comment AS comment,
    m.decided_by AS approved_by,
    m.decided_at AS approved_at
FROM measurements m
JOIN kpis k ON k.id = m.kpi_id
JOIN units u ON u.id = m.unit_id
LEFT JOIN perspectives p ON p.id = k.perspective_id
LEFT JOIN targets t ON t.kpi_id = m.kpi_id AND t.unit_id = m.unit_id AND t.period = m.period
WHERE m.status = 'approved'
  AND k.confidentiality != 'confidential'
  AND u.confidentiality != 'confidential';

CREATE VIEW pub_unit_scorecard AS
SELECT
    u.code AS unit,
    u.name AS unit_name,
    p.name AS perspective,
    o.code AS objective,
    o.name AS objective_name,
    o.level AS level,
    o.weight AS weight,
    m.period AS period,
    round(sum(ok.weight * pm_score(k.direction, m.value, t.target, t.amber, t.target_high, t.amber_high))
          / nullif(sum(CASE WHEN pm_score(k.direction, m.value, t.target, t.amber, t.target_high, t.amber_high)
                            IS NOT NULL THEN ok.weight END), 0), 2) AS score,
    pm_status(sum(ok.weight * pm_score(k.direction, m.value, t.target, t.amber, t.target_high, t.amber_high))
          / nullif(sum(CASE WHEN pm_score(k.direction, m.value, t.target, t.amber, t.target_high, t.amber_high)
                            IS NOT NULL THEN ok.weight END), 0)) AS status,
    count(m.id) AS kpis_reported
FROM objectives o
JOIN units u ON u.id = o.unit_id
JOIN perspectives p ON p.id = o.perspective_id
JOIN objective_kpis ok ON ok.objective_id = o.id
JOIN kpis k ON k.id = ok.kpi_id
JOIN measurements m ON m.kpi_id = k.id AND m.unit_id = o.unit_id AND m.status = 'approved'
LEFT JOIN targets t ON t.kpi_id = m.kpi_id AND t.unit_id = m.unit_id AND t.period = m.period
WHERE o.confidentiality != 'confidential'
  AND u.confidentiality != 'confidential'
  AND k.confidentiality != 'confidential'
GROUP BY o.id, m.period;

CREATE VIEW pub_audit_log AS
SELECT seq, ts, actor, action, entity, entity_key, reason,
       CASE WHEN length(old) > 2000 THEN substr(old, 1, 2000) || '…' ELSE old END AS old,
       CASE WHEN length(new) > 2000 THEN substr(new, 1, 2000) || '…' ELSE new END AS new,
       hash
FROM audit_log;
"""
