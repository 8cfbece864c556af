"""Published views of the reviews area (migration step ``create_reviews_views``).

``pub_meetings`` lists review meetings (minutes only once finalised: drafts change) and
``pub_agenda_items`` their agenda items with the decision and its note. Left out:
confidential meetings and items, meetings of confidential units, and items about a
confidential unit, KPI, initiative or action. Codes and names, never ids (the agenda's
``action_id`` is the register's public action number). Evidence stays out: titles carry
the approved values they are about.
"""

#: An agenda item ``a`` (with its meeting ``m``) that may be published.
_ITEM_VISIBLE = """a.confidentiality != 'confidential'
  AND NOT EXISTS (SELECT 1 FROM kpis k WHERE k.id = a.kpi_id AND k.confidentiality = 'confidential')
  AND NOT EXISTS (SELECT 1 FROM units u WHERE u.id = a.unit_id AND u.confidentiality = 'confidential')
  AND NOT EXISTS (SELECT 1 FROM milestones ms JOIN initiatives i ON i.id = ms.initiative_id
                  WHERE ms.id = a.milestone_id AND i.confidentiality = 'confidential')
  AND NOT EXISTS (SELECT 1 FROM actions x WHERE x.id = a.action_id AND x.confidentiality = 'confidential')"""

#: A meeting ``m`` that may be published.
_MEETING_VISIBLE = """m.confidentiality != 'confidential'
  AND (SELECT mu.confidentiality FROM units mu WHERE mu.id = m.unit_id) != 'confidential'"""

VIEWS = f"""
CREATE VIEW pub_meetings AS
SELECT
    m.code AS meeting,
    u.code AS unit,
    u.name AS unit_name,
    m.cycle AS cycle,
    m.period AS period,
    m.title AS title,
    m.status AS status,
    m.held_on AS held_on,
    m.chair AS chair,
    CASE WHEN m.status = 'finalised' THEN m.minutes END AS minutes,
    m.finalised_by AS finalised_by,
    m.finalised_at AS finalised_at,
    (SELECT count(*) FROM agenda_items a WHERE a.meeting_id = m.id AND {_ITEM_VISIBLE}) AS items,
    (SELECT count(*) FROM agenda_items a WHERE a.meeting_id = m.id AND a.decision IS NOT NULL
       AND {_ITEM_VISIBLE}) AS decided,
    (SELECT count(*) FROM meeting_participants p WHERE p.meeting_id = m.id) AS participants
FROM meetings m
JOIN units u ON u.id = m.unit_id
WHERE {_MEETING_VISIBLE};

CREATE VIEW pub_agenda_items AS
SELECT
    m.code AS meeting,
    mu.code AS meeting_unit,
    m.period AS meeting_period,
    m.status AS meeting_status,
    a.seq AS seq,
    a.kind AS kind,
    a.severity AS severity,
    a.title AS title,
    k.code AS kpi,
    k.name AS kpi_name,
    u.code AS unit,
    a.period AS period,
    i.code AS initiative,
    ms.code AS milestone,
    a.action_id AS action_id,
    a.decision AS decision,
    a.decision_note AS decision_note,
    a.decided_by AS decided_by,
    a.decided_at AS decided_at,
    (SELECT group_concat(x.id, ' ') FROM actions x WHERE x.agenda_item_id = a.id
       AND x.confidentiality != 'confidential') AS actions_raised
FROM agenda_items a
JOIN meetings m ON m.id = a.meeting_id
JOIN units mu ON mu.id = m.unit_id
LEFT JOIN kpis k ON k.id = a.kpi_id
LEFT JOIN units u ON u.id = a.unit_id
LEFT JOIN milestones ms ON ms.id = a.milestone_id
LEFT JOIN initiatives i ON i.id = ms.initiative_id
WHERE {_MEETING_VISIBLE} AND {_ITEM_VISIBLE};
"""
