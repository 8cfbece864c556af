"""Published views over the SPC caches (migration step ``create_spc_views``).

The caches only ever hold results computed from approved values; the views leave out
confidential units and KPIs, as every ``pub_*`` view does.
"""

from __future__ import annotations

SPC_VIEWS = """
CREATE VIEW pub_spc_summary AS
SELECT
    u.code AS unit,
    u.name AS unit_name,
    k.code AS kpi,
    k.name AS kpi_name,
    k.direction AS direction,
    k.spc_mode AS spc_mode,
    s.points AS points,
    s.variation AS variation,
    s.assurance AS assurance,
    s.last_rule AS last_rule,
    s.warning AS warning
FROM spc_summary s
JOIN kpis k ON k.id = s.kpi_id
JOIN units u ON u.id = s.unit_id
WHERE k.confidentiality != 'confidential'
  AND u.confidentiality != 'confidential';

CREATE VIEW pub_spc_points AS
SELECT
    u.code AS unit,
    k.code AS kpi,
    r.period AS period,
    r.value AS value,
    r.mean AS mean,
    r.upl AS upl,
    r.lpl AS lpl,
    r.special_cause AS special_cause,
    r.rule AS rule
FROM spc_results r
JOIN kpis k ON k.id = r.kpi_id
JOIN units u ON u.id = r.unit_id
WHERE k.confidentiality != 'confidential'
  AND u.confidentiality != 'confidential';
"""


def create_spc_views(db) -> None:
    """``pub_spc_summary`` (one row per KPI x unit) and ``pub_spc_points`` (one row per point)."""
    from pmtui.store.schema import run_script  # noqa: PLC0415

    run_script(db.conn, SPC_VIEWS)
