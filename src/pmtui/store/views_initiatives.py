"""Published views of the initiatives area (migration step ``create_initiatives_views``).

Every ``pub_*`` view leaves out confidential rows and rows of confidential units and KPIs:
confidential initiatives, initiatives of confidential units, and links to confidential
KPIs or objectives. Forecasts, slip and colours come from ``milestone_status``, the cache
that each evaluation of an initiative's alerts rewrites (``as_of`` says on which date);
the rules themselves live in ``pmtui.core.slippage``, not in SQL.
"""

VIEWS = """
CREATE VIEW pub_milestones AS
SELECT i.code AS initiative, u.code AS unit, m.code AS milestone, m.name, m.sort_order,
       m.planned_start, m.planned_finish, m.actual_start, m.actual_finish, m.percent_complete,
       (SELECT group_concat(code, ' ') FROM (SELECT o.code FROM milestone_dependencies d
         JOIN milestones o ON o.id = d.depends_on_id WHERE d.milestone_id = m.id ORDER BY o.code)) AS depends_on,
       s.state, s.planned_duration_days, s.forecast_start, s.forecast_finish, s.slip_days,
       coalesce(s.colour, 'grey') AS colour,
       (SELECT count(*) FROM execution_alerts a WHERE a.milestone_id = m.id AND a.cleared_on IS NULL) AS open_alerts,
       s.as_of
FROM milestones m
JOIN initiatives i ON i.id = m.initiative_id
JOIN units u ON u.id = i.unit_id
LEFT JOIN milestone_status s ON s.milestone_id = m.id
WHERE i.confidentiality != 'confidential' AND u.confidentiality != 'confidential';

CREATE VIEW pub_initiatives AS
SELECT i.code AS initiative, i.name, i.description, u.code AS unit, u.name AS unit_name,
       r.code AS owner_role, r.name AS owner_role_name, i.budget, i.status,
       i.late_start_grace_days, i.slip_amber_days, i.slip_red_days,
       (SELECT group_concat(code, ' ') FROM (SELECT k.code FROM initiative_links l JOIN kpis k ON k.id = l.kpi_id
         WHERE l.initiative_id = i.id AND k.confidentiality != 'confidential' ORDER BY k.code)) AS kpis,
       (SELECT group_concat(code, ' ') FROM (SELECT o.code FROM initiative_links l
         JOIN objectives o ON o.id = l.objective_id
         WHERE l.initiative_id = i.id AND o.confidentiality != 'confidential' ORDER BY o.code)) AS objectives,
       (SELECT count(*) FROM milestones m WHERE m.initiative_id = i.id) AS milestones,
       (SELECT min(m.planned_start) FROM milestones m WHERE m.initiative_id = i.id) AS planned_start,
       (SELECT max(m.planned_finish) FROM milestones m WHERE m.initiative_id = i.id) AS planned_finish,
       (SELECT max(s.forecast_finish) FROM milestones m JOIN milestone_status s ON s.milestone_id = m.id
         WHERE m.initiative_id = i.id) AS forecast_finish,
       (SELECT count(*) FROM execution_alerts a JOIN milestones m ON m.id = a.milestone_id
         WHERE m.initiative_id = i.id AND a.cleared_on IS NULL) AS open_alerts,
       (SELECT count(*) FROM execution_alerts a JOIN milestones m ON m.id = a.milestone_id
         WHERE m.initiative_id = i.id AND a.cleared_on IS NULL AND a.severity = 'red') AS red_alerts,
       (SELECT max(s.as_of) FROM milestones m JOIN milestone_status s ON s.milestone_id = m.id
         WHERE m.initiative_id = i.id) AS as_of
FROM initiatives i
JOIN units u ON u.id = i.unit_id
LEFT JOIN roles r ON r.id = i.owner_role_id
WHERE i.confidentiality != 'confidential' AND u.confidentiality != 'confidential';

CREATE VIEW pub_execution_alerts AS
SELECT a.id, i.code AS initiative, u.code AS unit, m.code AS milestone, m.name AS milestone_name,
       a.rule, a.severity, a.message, a.evidence, a.raised_on, a.cleared_on,
       CASE WHEN a.cleared_on IS NULL THEN 'open' ELSE 'cleared' END AS status
FROM execution_alerts a
JOIN milestones m ON m.id = a.milestone_id
JOIN initiatives i ON i.id = m.initiative_id
JOIN units u ON u.id = i.unit_id
WHERE i.confidentiality != 'confidential' AND u.confidentiality != 'confidential';
"""
