"""Published views of the accountability area (migration step ``create_accountability_views``).

Every ``pub_*`` view leaves out confidential rows and rows of confidential units and KPIs,
and shows codes and names, never ids. :data:`UNHELD_SQL` is shared with the service
(:func:`pmtui.services.roles.unheld`), which passes the day as ``:today``; the view asks
with ``date('now')``. ``pub_raci_violations`` is the SQL version of
:func:`pmtui.core.raci.check` (a test keeps the two in step).
"""

from __future__ import annotations

#: Roles that someone holds on ``{today}``, spread to the units each assignment covers
#: (its unit and every unit below it; a group-wide assignment covers every unit).
COVERED_CTE = """
live AS (SELECT a.role_id, a.unit_id FROM role_assignments a JOIN users p ON p.id = a.user_id
         WHERE p.active = 1 AND a.valid_from <= {today} AND (a.valid_to IS NULL OR a.valid_to >= {today})),
covered(role_id, unit_id) AS (
    SELECT l.role_id, u.id FROM live l JOIN units u ON (l.unit_id IS NULL AND u.parent_id IS NULL) OR u.id = l.unit_id
    UNION
    SELECT c.role_id, u.id FROM covered c JOIN units u ON u.parent_id = c.unit_id)"""

#: Where each element needs its role held: one row per element, role and unit. A KPI is
#: measured at the units of the objectives it is linked to and of its targets.
NEEDS_CTE = """
kpi_units(kpi_id, unit_id) AS (
    SELECT ok.kpi_id, o.unit_id FROM objective_kpis ok JOIN objectives o ON o.id = ok.objective_id
    UNION SELECT kpi_id, unit_id FROM targets),
needs(kind, element, detail, role_id, unit_id, confidential) AS (
    SELECT 'kpi', k.code, 'owner', k.owner_role_id, ku.unit_id, k.confidentiality = 'confidential'
    FROM kpis k JOIN kpi_units ku ON ku.kpi_id = k.id WHERE k.owner_role_id IS NOT NULL AND k.active = 1
    UNION ALL
    SELECT 'objective', o.code, 'owner', o.owner_role_id, o.unit_id, o.confidentiality = 'confidential'
    FROM objectives o WHERE o.owner_role_id IS NOT NULL
    UNION ALL
    SELECT 'raci', k.code, r.activity || ' ' || r.letter, r.role_id, ku.unit_id, k.confidentiality = 'confidential'
    FROM raci r JOIN kpis k ON k.id = r.kpi_id JOIN kpi_units ku ON ku.kpi_id = r.kpi_id WHERE k.active = 1
    UNION ALL
    SELECT 'escalation', e.classification || ' step ' || e.step, e.level, e.role_id, u.id, 0
    FROM escalation_rules e JOIN units u ON u.kind = e.level
    UNION ALL
    SELECT 'initiative', i.code, 'owner', i.owner_role_id, i.unit_id, i.confidentiality = 'confidential'
    FROM initiatives i WHERE i.owner_role_id IS NOT NULL AND i.status != 'done' AND i.status != 'cancelled')"""

#: Elements whose role nobody holds for their unit (or a unit above it) on ``{today}``.
UNHELD_SQL = f"""
WITH RECURSIVE {COVERED_CTE},{NEEDS_CTE}
SELECT n.kind, n.element, n.detail, r.code AS role, r.name AS role_name, u.code AS unit, u.name AS unit_name,
       n.confidential, u.confidentiality = 'confidential' AS confidential_unit
FROM needs n JOIN roles r ON r.id = n.role_id JOIN units u ON u.id = n.unit_id
WHERE u.active = 1 AND NOT EXISTS (SELECT 1 FROM covered c WHERE c.role_id = n.role_id AND c.unit_id = n.unit_id)
ORDER BY CASE n.kind WHEN 'kpi' THEN 1 WHEN 'objective' THEN 2 WHEN 'raci' THEN 3 WHEN 'escalation' THEN 4 ELSE 5 END,
         n.element, n.detail, r.code, u.code"""

#: The RACI rules in SQL: per active KPI and activity, exactly one A and at least one R;
#: a KPI without any entry once; and the role creating the data must not validate it.
RACI_VIOLATIONS_SQL = """
WITH activities(activity, ord) AS (VALUES ('create', 1), ('validate', 2), ('report', 3), ('challenge', 4)),
counted AS (
    SELECT k.id AS kpi_id, a.activity, a.ord,
           (SELECT count(*) FROM raci r WHERE r.kpi_id = k.id AND r.activity = a.activity AND r.letter = 'A') AS accountable,
           (SELECT count(*) FROM raci r WHERE r.kpi_id = k.id AND r.activity = a.activity AND r.letter = 'R') AS responsible
    FROM kpis k CROSS JOIN activities a
    WHERE k.active = 1 AND EXISTS (SELECT 1 FROM raci r WHERE r.kpi_id = k.id)),
found(kpi_id, activity, ord, rule) AS (
    SELECT kpi_id, activity, ord, 'no_accountable' FROM counted WHERE accountable = 0
    UNION ALL SELECT kpi_id, activity, ord, 'several_accountable' FROM counted WHERE accountable > 1
    UNION ALL SELECT kpi_id, activity, ord, 'no_responsible' FROM counted WHERE responsible = 0
    UNION ALL SELECT k.id, NULL, 0, 'no_raci' FROM kpis k
        WHERE k.active = 1 AND NOT EXISTS (SELECT 1 FROM raci r WHERE r.kpi_id = k.id)
    UNION ALL SELECT DISTINCT c.kpi_id, 'validate', 2, 'creator_validates' FROM raci c JOIN raci v
        ON v.kpi_id = c.kpi_id AND v.role_id = c.role_id AND v.activity = 'validate' AND (v.letter = 'R' OR v.letter = 'A')
        WHERE c.activity = 'create' AND c.letter = 'R')"""

VIEWS = f"""
CREATE VIEW pub_raci AS
SELECT k.code AS kpi, k.name AS kpi_name, p.code AS perspective, r.activity, ro.code AS role, ro.name AS role_name,
       r.letter
FROM raci r JOIN kpis k ON k.id = r.kpi_id JOIN roles ro ON ro.id = r.role_id
LEFT JOIN perspectives p ON p.id = k.perspective_id
WHERE k.confidentiality != 'confidential' AND k.active = 1
ORDER BY k.code, CASE r.activity WHEN 'create' THEN 1 WHEN 'validate' THEN 2 WHEN 'report' THEN 3 ELSE 4 END,
         CASE r.letter WHEN 'R' THEN 1 WHEN 'A' THEN 2 WHEN 'C' THEN 3 ELSE 4 END, ro.code;

CREATE VIEW pub_raci_violations AS
{RACI_VIOLATIONS_SQL}
SELECT k.code AS kpi, k.name AS kpi_name, f.activity, f.rule
FROM found f JOIN kpis k ON k.id = f.kpi_id
WHERE k.confidentiality != 'confidential'
ORDER BY k.code, f.ord, f.rule;

CREATE VIEW pub_role_holders AS
SELECT r.code AS role, r.name AS role_name, p.name AS user, p.display_name, u.code AS unit, u.name AS unit_name,
       a.valid_from, a.valid_to,
       a.valid_from <= date('now') AND (a.valid_to IS NULL OR a.valid_to >= date('now')) AS current
FROM role_assignments a JOIN roles r ON r.id = a.role_id JOIN users p ON p.id = a.user_id
LEFT JOIN units u ON u.id = a.unit_id
WHERE u.id IS NULL OR u.confidentiality != 'confidential'
ORDER BY r.code, u.code, a.valid_from, p.name;

CREATE VIEW pub_unheld_roles AS
SELECT kind, element, detail, role, role_name, unit, unit_name FROM (
{UNHELD_SQL.format(today="date('now')")}
) WHERE confidential = 0 AND confidential_unit = 0;

CREATE VIEW pub_permissions AS
WITH RECURSIVE split(role_id, permission, rest) AS (
    SELECT id, '', trim(permissions) || ' ' FROM roles
    UNION ALL
    SELECT role_id, substr(rest, 1, instr(rest, ' ') - 1), ltrim(substr(rest, instr(rest, ' ') + 1))
    FROM split WHERE rest != '')
SELECT r.code AS role, r.name AS role_name, s.permission
FROM split s JOIN roles r ON r.id = s.role_id
WHERE s.permission != ''
ORDER BY r.code, s.permission;

CREATE VIEW pub_escalation_rules AS
SELECT e.classification, e.step, e.after_days, e.level, r.code AS role, r.name AS role_name
FROM escalation_rules e JOIN roles r ON r.id = e.role_id
ORDER BY e.classification, e.step;

CREATE VIEW pub_incentives AS
SELECT r.code AS role, r.name AS role_name, k.code AS kpi, k.name AS kpi_name, i.weight
FROM incentives i JOIN roles r ON r.id = i.role_id JOIN kpis k ON k.id = i.kpi_id
WHERE k.confidentiality != 'confidential'
ORDER BY r.code, i.weight DESC, k.code;
"""
