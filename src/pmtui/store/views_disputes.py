"""Published views of the disputes area (migration step ``create_disputes_views``).

Every ``pub_*`` view leaves out confidential rows and rows of confidential units and KPIs.
Commentaries are published only on approved values (the value itself is published
only once approved).
"""

VIEWS = """
CREATE VIEW pub_committees AS
SELECT c.code AS committee, c.name, c.purpose, c.active,
       (SELECT group_concat(name, ', ') FROM (SELECT p.display_name AS name FROM committee_members cm
         JOIN users p ON p.id = cm.user_id WHERE cm.committee_id = c.id ORDER BY p.display_name)) AS members,
       (SELECT count(*) FROM disputes d JOIN kpis k ON k.id = d.kpi_id LEFT JOIN units u ON u.id = d.unit_id
         WHERE d.committee_id = c.id AND d.status IN ('raised', 'heard') AND k.confidentiality != 'confidential'
           AND coalesce(u.confidentiality, 'public') != 'confidential') AS open_disputes,
       (SELECT count(*) FROM disputes d JOIN kpis k ON k.id = d.kpi_id LEFT JOIN units u ON u.id = d.unit_id
         WHERE d.committee_id = c.id AND d.status = 'decided' AND k.confidentiality != 'confidential'
           AND coalesce(u.confidentiality, 'public') != 'confidential') AS decided_disputes
FROM committees c;

CREATE VIEW pub_disputes AS
SELECT d.code AS dispute, d.kind, k.code AS kpi, k.name AS kpi_name, u.code AS unit, r.code AS proposed_role,
       o.code AS current_owner_role, c.code AS committee, d.claim, d.status, d.raised_by, d.raised_at,
       d.heard_by, d.heard_at, d.hearing_notes, d.outcome, d.decision, d.decided_by, d.decided_at, d.applied
FROM disputes d
JOIN kpis k ON k.id = d.kpi_id
LEFT JOIN units u ON u.id = d.unit_id
LEFT JOIN roles r ON r.id = d.proposed_role_id
LEFT JOIN roles o ON o.id = k.owner_role_id
LEFT JOIN committees c ON c.id = d.committee_id
WHERE k.confidentiality != 'confidential' AND coalesce(u.confidentiality, 'public') != 'confidential';

CREATE VIEW pub_commentaries AS
SELECT u.code AS unit, u.name AS unit_name, k.code AS kpi, k.name AS kpi_name, c.period, m.value, t.target,
       pm_status(pm_score(k.direction, m.value, t.target, t.amber, t.target_high, t.amber_high)) AS status,
       c.what_happened, c.why, c.what_next, c.written_by, c.written_at
FROM commentaries c
JOIN kpis k ON k.id = c.kpi_id
JOIN units u ON u.id = c.unit_id
JOIN measurements m ON m.kpi_id = c.kpi_id AND m.unit_id = c.unit_id AND m.period = c.period
LEFT JOIN targets t ON t.kpi_id = c.kpi_id AND t.unit_id = c.unit_id AND t.period = c.period
WHERE m.status = 'approved' AND k.confidentiality != 'confidential' AND u.confidentiality != 'confidential';
"""
