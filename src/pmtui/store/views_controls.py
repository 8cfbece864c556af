"""Published views of the controls area (migration step ``create_controls_views``).

Every ``pub_*`` view leaves out confidential rows and rows of confidential units and KPIs:
a finding about a confidential unit or KPI is not published, and the counts on the
assessment count published findings only.

The step also indexes the audit log by actor and by time: the audit browser pages
through it filtered by user or date range, newest first, and must not scan millions
of entries to fill one page.
"""

VIEWS = """
CREATE INDEX audit_log_actor ON audit_log (actor);
CREATE INDEX audit_log_ts ON audit_log (ts);
CREATE VIEW pub_control_findings AS
SELECT f.id, a.id AS assessment_id, a.quarter, f.control, f.area, f.severity,
       CASE f.severity WHEN 'high' THEN 3 WHEN 'medium' THEN 2 WHEN 'low' THEN 1 ELSE 0 END AS severity_rank,
       f.element, f.detail, u.code AS unit, k.code AS kpi, f.entry_seq
FROM control_findings f
JOIN control_assessments a ON a.id = f.assessment_id
LEFT JOIN units u ON u.id = f.unit_id
LEFT JOIN kpis k ON k.id = f.kpi_id
WHERE (u.id IS NULL OR u.confidentiality != 'confidential')
  AND (k.id IS NULL OR k.confidentiality != 'confidential');

CREATE VIEW pub_control_assessments AS
SELECT a.id, a.quarter, a.status, a.run_by, a.run_at,
       (SELECT count(*) FROM pub_control_findings f WHERE f.assessment_id = a.id) AS findings,
       (SELECT count(*) FROM pub_control_findings f WHERE f.assessment_id = a.id AND f.severity = 'high') AS high,
       (SELECT count(*) FROM pub_control_findings f WHERE f.assessment_id = a.id AND f.severity = 'medium')
           AS medium,
       (SELECT count(*) FROM pub_control_findings f WHERE f.assessment_id = a.id AND f.severity = 'low') AS low,
       (SELECT count(*) FROM pub_control_findings f WHERE f.assessment_id = a.id AND f.severity = 'info') AS info,
       a.signed_off_by, a.signed_off_at, a.sign_off_note, a.audit_seq, a.audit_head,
       a.id = (SELECT max(b.id) FROM control_assessments b WHERE b.quarter = a.quarter) AS latest_for_quarter
FROM control_assessments a;
"""
