"""Published views of the measurement architecture (issue 3, M2.1-M2.5).

Data sources with their KPIs, approved regional variants beside the standard
definition, qualitative assessments, conflicting source readings and each KPI's
reporting status (last approved value, last reading, due date of the next period).
Confidential units and KPIs are left out, and only approved values are published.

Staleness depends on *today*, so no view claims it: ``pub_reporting_status`` gives the
facts (the next period and, for units on calendar months, its due date) and
``pmtui freshness`` applies the rule for a given day with every fiscal calendar.
"""

from __future__ import annotations

MEASUREMENT_VIEWS = """
CREATE VIEW pub_data_sources AS
SELECT s.code AS source, s.name, s.system, s.it_domain, s.reliability, s.latency_hours, s.refresh,
       (SELECT group_concat(k.code, ', ') FROM kpis k
         WHERE k.source_id = s.id AND k.confidentiality != 'confidential') AS kpis
FROM data_sources s;

CREATE VIEW pub_kpi_variants AS
SELECT k.code AS kpi, k.name AS kpi_name, u.code AS unit, u.name AS unit_name,
       k.definition AS standard_definition, v.definition AS variant_definition,
       v.regulation, v.approved_by, v.approved_on
FROM kpi_variants v JOIN kpis k ON k.id = v.kpi_id JOIN units u ON u.id = v.unit_id
WHERE k.confidentiality != 'confidential' AND u.confidentiality != 'confidential';

CREATE VIEW pub_assessments AS
SELECT u.code AS unit, k.code AS kpi, k.name AS kpi_name, a.period, a.rating,
       CASE a.rating WHEN 1 THEN 'critical' WHEN 2 THEN 'concern' WHEN 3 THEN 'on track with risks'
                     WHEN 4 THEN 'on track' WHEN 5 THEN 'ahead' END AS rating_label,
       a.commentary, a.author, a.created_at
FROM assessments a JOIN kpis k ON k.id = a.kpi_id JOIN units u ON u.id = a.unit_id
WHERE k.confidentiality != 'confidential' AND u.confidentiality != 'confidential';

CREATE VIEW pub_conflicting_readings AS
WITH tolerance(t) AS (
    SELECT coalesce((SELECT CAST(value AS REAL) FROM settings WHERE key = 'conflict_tolerance'), 0.02)
), pairs AS (
    SELECT a.kpi_id, a.unit_id, a.period, sa.code AS first, a.value AS first_value,
           sb.code AS second, b.value AS second_value
    FROM source_readings a JOIN source_readings b
      ON b.kpi_id = a.kpi_id AND b.unit_id = a.unit_id AND b.period = a.period AND b.source_id > a.source_id
    JOIN data_sources sa ON sa.id = a.source_id JOIN data_sources sb ON sb.id = b.source_id
    UNION ALL
    SELECT r.kpi_id, r.unit_id, r.period, s.code, r.value, 'approved value', m.value
    FROM source_readings r JOIN data_sources s ON s.id = r.source_id
    JOIN measurements m ON m.kpi_id = r.kpi_id AND m.unit_id = r.unit_id AND m.period = r.period
                       AND m.status = 'approved'
)
SELECT k.code AS kpi, u.code AS unit, p.period, p.first, p.first_value, p.second, p.second_value,
       round(abs(p.first_value - p.second_value) / max(abs(p.first_value), abs(p.second_value)), 4) AS gap
FROM pairs p JOIN kpis k ON k.id = p.kpi_id JOIN units u ON u.id = p.unit_id
WHERE k.confidentiality != 'confidential' AND u.confidentiality != 'confidential'
  AND abs(p.first_value - p.second_value) > (SELECT t FROM tolerance) * max(abs(p.first_value), abs(p.second_value));

CREATE VIEW pub_reporting_status AS
WITH measured AS (
    SELECT DISTINCT ok.kpi_id, o.unit_id FROM objective_kpis ok JOIN objectives o ON o.id = ok.objective_id
), last AS (
    SELECT x.kpi_id, x.unit_id,
           (SELECT max(m.period) FROM measurements m WHERE m.kpi_id = x.kpi_id AND m.unit_id = x.unit_id
              AND m.status = 'approved') AS last_period,
           (SELECT max(r.received_at) FROM source_readings r
             WHERE r.kpi_id = x.kpi_id AND r.unit_id = x.unit_id) AS last_reading_at
    FROM measured x
)
SELECT k.code AS kpi, u.code AS unit, k.reporting_mode, k.frequency, k.due_days, s.code AS source, s.refresh,
       coalesce(c.pattern, 'calendar months') AS calendar,
       l.last_period AS last_approved_period,
       (SELECT m.value FROM measurements m WHERE m.kpi_id = l.kpi_id AND m.unit_id = l.unit_id
          AND m.period = l.last_period) AS last_approved_value,
       l.last_reading_at,
       CASE WHEN c.pattern IS NULL OR c.pattern = 'monthly' THEN
            date(coalesce(l.last_period, '1990-01') || '-01',
                 '+' || CASE k.frequency WHEN 'quarterly' THEN 4 WHEN 'yearly' THEN 13 ELSE 2 END || ' months', '-1 day',
                 '+' || CASE k.reporting_mode WHEN 'feed' THEN 1 ELSE k.due_days END || ' days')
       END AS next_due_date
FROM last l JOIN kpis k ON k.id = l.kpi_id JOIN units u ON u.id = l.unit_id
LEFT JOIN data_sources s ON s.id = k.source_id
LEFT JOIN unit_calendars c ON c.unit_id = u.id
WHERE k.active = 1 AND u.active = 1
  AND k.confidentiality != 'confidential' AND u.confidentiality != 'confidential';
"""


def create_measurement_views(db) -> None:
    """Published views of data sources, variants, assessments, conflicts and reporting status."""
    from pmtui.store.schema import run_script  # noqa: PLC0415 - schema imports this module at its end

    run_script(db.conn, MEASUREMENT_VIEWS)
