"""Published views of the actions area (migration step ``create_actions_views``).

Every ``pub_*`` view leaves out confidential rows and rows of confidential units and
KPIs (and, for actions, of confidential initiatives and meetings). Codes and names are
shown, never ids of other tables. Whether an action is overdue depends on the day it is
judged, so no view claims it: the canned query ``overdue_actions`` asks with today.
"""

VIEWS = """
CREATE VIEW pub_actions AS
SELECT a.id, a.title, a.description, p.name AS owner, p.display_name AS owner_name, r.code AS owner_role,
       u.code AS unit, u.name AS unit_name, a.due_on, a.status, a.source, k.code AS kpi, i.code AS initiative,
       m.code AS meeting, a.created_at, a.closed_at, a.close_note, a.confidentiality
FROM actions a
JOIN users p ON p.id = a.owner_user_id
JOIN units u ON u.id = a.unit_id
LEFT JOIN roles r ON r.id = a.owner_role_id
LEFT JOIN kpis k ON k.id = a.kpi_id
LEFT JOIN initiatives i ON i.id = a.initiative_id
LEFT JOIN meetings m ON m.id = a.meeting_id
WHERE a.confidentiality != 'confidential' AND u.confidentiality != 'confidential'
  AND (k.id IS NULL OR k.confidentiality != 'confidential')
  AND (i.id IS NULL OR i.confidentiality != 'confidential')
  AND (m.id IS NULL OR m.confidentiality != 'confidential');

CREATE VIEW pub_action_notes AS
SELECT n.id, n.action_id, pa.title AS action_title, pa.unit, n.written_by, n.written_at, n.note
FROM action_notes n JOIN pub_actions pa ON pa.id = n.action_id;

CREATE VIEW pub_root_causes AS
SELECT c.id, k.code AS kpi, k.name AS kpi_name, u.code AS unit, u.name AS unit_name, c.period, c.template,
       c.problem, c.whys, c.fishbone, c.root_cause, c.classification, c.status, c.created_by, c.created_at,
       c.closed_by, c.closed_at
FROM root_causes c
JOIN kpis k ON k.id = c.kpi_id
JOIN units u ON u.id = c.unit_id
WHERE c.confidentiality != 'confidential' AND k.confidentiality != 'confidential'
  AND u.confidentiality != 'confidential';

CREATE VIEW pub_target_decisions AS
SELECT d.id, k.code AS kpi, k.name AS kpi_name, u.code AS unit, u.name AS unit_name, d.period,
       d.shift_origin AS origin, d.decision, d.rationale,
       json_extract(d.evidence, '$.summary') AS evidence_summary,
       json_extract(d.evidence, '$.sustained') AS sustained,
       json_extract(d.evidence, '$.run_start') AS shift_started,
       json_extract(d.evidence, '$.run_length') AS run_length,
       json_extract(d.evidence, '$.level_before') AS level_before,
       json_extract(d.evidence, '$.level_after') AS level_after,
       r.status AS revision_status, r.revised_target, d.decided_by, d.decided_at
FROM target_decisions d
JOIN kpis k ON k.id = d.kpi_id
JOIN units u ON u.id = d.unit_id
LEFT JOIN target_revisions r ON r.id = d.revision_id
WHERE k.confidentiality != 'confidential' AND u.confidentiality != 'confidential';
"""
