"""Published views of KPI assessments and driver links (M1.3).

``pub_kpi_driver_lags`` repeats :mod:`pmtui.core.correlation` in SQL: for each driver
link, unit measuring both KPIs and lag 0..max_lag, the number of aligned pairs of
approved values (lagging at ``t``, leading at ``t - lag``) and Pearson's r (NULL below
12 pairs or on a flat series). ``pub_kpi_drivers`` pools the units per lag with Fisher's
z weighted by n - 3 and keeps the lag with the largest |r|. Confidential KPIs and
units are left out; a test checks the views against ``drivers.measure(published=True)``.
"""

from __future__ import annotations

DRIVERS_VIEWS = """
CREATE VIEW pub_kpi_assessments AS
SELECT k.code AS kpi, k.name AS kpi_name, k.lead_lag, k.direction, k.financial,
       a.availability, a.predictability, a.actionability,
       CASE WHEN a.id IS NULL THEN NULL ELSE a.regulated END AS regulated,
       a.notes, a.assessed_by, a.assessed_at
FROM kpis k
LEFT JOIN kpi_assessments a ON a.kpi_id = k.id
WHERE k.active = 1 AND k.confidentiality != 'confidential';

CREATE VIEW pub_kpi_driver_lags AS
WITH RECURSIVE lags(lag) AS (SELECT 0 UNION ALL SELECT lag + 1 FROM lags WHERE lag < 24),
pairs AS (
    -- CROSS JOIN fixes the join order: drivers, then their lagging values, then one
    -- unique-index probe per lag for the leading value. Left to itself the planner
    -- started from every approved value and took ten seconds on the demo file.
    SELECT d.id AS driver_id, m2.unit_id, l.lag, m1.value AS x, m2.value AS y
    FROM kpi_drivers d
    CROSS JOIN measurements m2
    CROSS JOIN lags l
    CROSS JOIN measurements m1
    WHERE m2.kpi_id = d.lagging_kpi_id AND m2.status = 'approved'
      AND l.lag <= d.max_lag
      AND m1.unit_id = m2.unit_id AND m1.kpi_id = d.leading_kpi_id AND m1.status = 'approved'
      AND m1.period = strftime('%Y-%m', m2.period || '-01', '-' || l.lag || ' months')
),
moments AS (
    SELECT driver_id, unit_id, lag, count(*) AS n,
           avg(x) AS mx, avg(y) AS my, avg(x * x) AS mxx, avg(y * y) AS myy, avg(x * y) AS mxy
    FROM pairs GROUP BY driver_id, unit_id, lag
)
SELECT a.code AS leading, b.code AS lagging, u.code AS unit, m.lag, m.n,
       CASE WHEN m.n >= 12 AND (m.mxx - m.mx * m.mx) > 1e-12 * (1 + m.mxx)
                           AND (m.myy - m.my * m.my) > 1e-12 * (1 + m.myy)
            THEN round(max(-1.0, min(1.0, (m.mxy - m.mx * m.my)
                 / sqrt((m.mxx - m.mx * m.mx) * (m.myy - m.my * m.my)))), 4) END AS r
FROM moments m
JOIN kpi_drivers d ON d.id = m.driver_id
JOIN kpis a ON a.id = d.leading_kpi_id
JOIN kpis b ON b.id = d.lagging_kpi_id
JOIN units u ON u.id = m.unit_id
WHERE a.confidentiality != 'confidential' AND b.confidentiality != 'confidential'
  AND u.confidentiality != 'confidential';

CREATE VIEW pub_kpi_drivers AS
WITH pooled AS (
    SELECT leading, lagging, lag, sum(n) AS n, count(*) AS units,
           round(tanh(sum((n - 3) * atanh(max(-0.999999, min(0.999999, r)))) / sum(n - 3)), 4) AS r
    FROM pub_kpi_driver_lags WHERE r IS NOT NULL AND n > 3
    GROUP BY leading, lagging, lag
),
best AS (
    SELECT *, row_number() OVER (PARTITION BY leading, lagging ORDER BY abs(r) DESC, lag) AS pick FROM pooled
)
SELECT a.code AS leading, a.name AS leading_name, b.code AS lagging, b.name AS lagging_name,
       a.lead_lag AS leading_class, b.lead_lag AS lagging_class, d.max_lag,
       CASE WHEN a.direction = 'band' OR b.direction = 'band' THEN NULL
            WHEN a.direction = b.direction THEN 1 ELSE -1 END AS expected_sign,
       best.lag AS best_lag, best.r, coalesce(best.n, 0) AS n, best.units,
       CASE WHEN best.r IS NULL THEN 'not enough data' WHEN abs(best.r) >= 0.7 THEN 'strong'
            WHEN abs(best.r) >= 0.4 THEN 'moderate' ELSE 'weak' END AS strength
FROM kpi_drivers d
JOIN kpis a ON a.id = d.leading_kpi_id
JOIN kpis b ON b.id = d.lagging_kpi_id
LEFT JOIN best ON best.leading = a.code AND best.lagging = b.code AND best.pick = 1
WHERE a.confidentiality != 'confidential' AND b.confidentiality != 'confidential';
"""


def create_drivers_views(db) -> None:
    """Published views of KPI assessments, driver links and their lagged correlations."""
    from pmtui.store.schema import run_script  # noqa: PLC0415 - schema imports this module at its end

    run_script(db.conn, DRIVERS_VIEWS)
