"""Published views and target locks of the corrections area (migration step ``create_corrections_views``).

Every ``pub_*`` view leaves out confidential rows and rows of confidential units and KPIs,
and publishes no value that is not approved:

- ``pub_measurement_corrections``: decided corrections of approved values (the corrected
  value only when the correction was approved; a rejected proposal's value never was);
- ``pub_awaiting_decision``: values, corrections and target revisions waiting for a second
  person, without their values.

Targets are locked here too: once set, a target (the baseline a period is scored
against) changes only through an approved target revision carrying exactly that change,
is never deleted, and a decided revision is final. One revision per target may be
pending at a time, so revisions are decided in the order of their ids.
"""

VIEWS = """
CREATE VIEW pub_measurement_corrections AS
SELECT k.code AS kpi, k.name AS kpi_name, u.code AS unit, m.period, c.old_value,
       CASE WHEN c.status = 'approved' THEN c.value END AS value, k.uom, c.reason, c.status,
       c.entered_by, c.entered_at, c.decided_by, c.decided_at, c.decision_reason
FROM measurement_corrections c JOIN measurements m ON m.id = c.measurement_id
JOIN kpis k ON k.id = m.kpi_id JOIN units u ON u.id = m.unit_id
WHERE c.status <> 'submitted' AND m.status = 'approved'
  AND k.confidentiality != 'confidential' AND u.confidentiality != 'confidential';

CREATE VIEW pub_awaiting_decision AS
SELECT 'value' AS kind, k.code AS kpi, u.code AS unit, m.period, m.submitted_by, m.submitted_at
FROM measurements m JOIN kpis k ON k.id = m.kpi_id JOIN units u ON u.id = m.unit_id
WHERE m.status = 'submitted' AND k.confidentiality != 'confidential' AND u.confidentiality != 'confidential'
UNION ALL
SELECT 'correction', k.code, u.code, m.period, c.entered_by, c.entered_at
FROM measurement_corrections c JOIN measurements m ON m.id = c.measurement_id
JOIN kpis k ON k.id = m.kpi_id JOIN units u ON u.id = m.unit_id
WHERE c.status = 'submitted' AND k.confidentiality != 'confidential' AND u.confidentiality != 'confidential'
UNION ALL
SELECT 'target revision', k.code, u.code, t.period, r.requested_by, r.requested_at
FROM target_revisions r JOIN targets t ON t.id = r.target_id
JOIN kpis k ON k.id = t.kpi_id JOIN units u ON u.id = t.unit_id
WHERE r.status = 'submitted' AND k.confidentiality != 'confidential' AND u.confidentiality != 'confidential';

CREATE UNIQUE INDEX target_revisions_open ON target_revisions (target_id) WHERE status = 'submitted';

CREATE TRIGGER targets_locked BEFORE UPDATE OF kpi_id, unit_id, period, target, amber, target_high, amber_high
ON targets
WHEN (NEW.kpi_id IS NOT OLD.kpi_id OR NEW.unit_id IS NOT OLD.unit_id OR NEW.period IS NOT OLD.period
      OR NEW.target IS NOT OLD.target OR NEW.amber IS NOT OLD.amber
      OR NEW.target_high IS NOT OLD.target_high OR NEW.amber_high IS NOT OLD.amber_high)
 AND NOT EXISTS (
    SELECT 1 FROM target_revisions r
    WHERE r.id = (SELECT max(x.id) FROM target_revisions x WHERE x.target_id = OLD.id AND x.status = 'approved')
      AND NEW.kpi_id = OLD.kpi_id AND NEW.unit_id = OLD.unit_id AND NEW.period = OLD.period
      AND r.original_target IS OLD.target AND r.original_amber IS OLD.amber
      AND r.original_target_high IS OLD.target_high AND r.original_amber_high IS OLD.amber_high
      AND r.revised_target IS NEW.target AND r.revised_amber IS NEW.amber
      AND r.revised_target_high IS NEW.target_high AND r.revised_amber_high IS NEW.amber_high)
BEGIN SELECT RAISE(ABORT, 'targets are locked once set: a target changes only through an approved target revision (a reason and another person''s approval)'); END;

CREATE TRIGGER targets_no_delete BEFORE DELETE ON targets
BEGIN SELECT RAISE(ABORT, 'targets are locked once set and cannot be deleted'); END;

CREATE TRIGGER target_revisions_final BEFORE UPDATE ON target_revisions
WHEN OLD.status <> 'submitted'
BEGIN SELECT RAISE(ABORT, 'a decided target revision is final: request a new revision instead'); END;

CREATE TRIGGER target_revisions_fixed BEFORE UPDATE OF target_id, original_target, original_amber,
    original_target_high, original_amber_high, revised_target, revised_amber, revised_target_high,
    revised_amber_high, reason, requested_by, requested_at ON target_revisions
WHEN NEW.target_id IS NOT OLD.target_id OR NEW.original_target IS NOT OLD.original_target
  OR NEW.original_amber IS NOT OLD.original_amber OR NEW.original_target_high IS NOT OLD.original_target_high
  OR NEW.original_amber_high IS NOT OLD.original_amber_high OR NEW.revised_target IS NOT OLD.revised_target
  OR NEW.revised_amber IS NOT OLD.revised_amber OR NEW.revised_target_high IS NOT OLD.revised_target_high
  OR NEW.revised_amber_high IS NOT OLD.revised_amber_high OR NEW.reason IS NOT OLD.reason
  OR NEW.requested_by IS NOT OLD.requested_by OR NEW.requested_at IS NOT OLD.requested_at
BEGIN SELECT RAISE(ABORT, 'a target revision cannot be edited: reject it and request a new one'); END;
"""
