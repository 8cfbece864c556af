"""The demo company's accountability story, as the README tells it."""

from __future__ import annotations

from pmtui.services import escalation, gaming, raci, roles
from pmtui.store.db import connect
from tests.accountability.conftest import TODAY


def test_gaming_shows_sandbagging_and_hugging_on_incentivised_kpis(demo_db):
    conn = connect(demo_db)
    findings = gaming.scan(conn, today=TODAY)["findings"]
    linked = {(f["kind"], f["kpi"], f["unit"]) for f in findings if f["incentivised"]}
    assert ("sandbagging", "LTIF", "PLANT_A") in linked
    assert ("hugging", "OPEX_RATIO", "LOGISTICS") in linked
    assert findings[0]["incentivised"] and not findings[-1]["incentivised"]  # incentivised first
    hug = next(f for f in findings if f["kind"] == "hugging")
    assert hug["evidence"]["hits"] == 10 and hug["evidence"]["n"] == 12
    writers = {r[0] for r in conn.execute(
        "SELECT DISTINCT actor FROM audit_log WHERE entity = 'targets' AND entity_key IN"
        " (SELECT t.id FROM targets t JOIN kpis k ON k.id = t.kpi_id WHERE k.code = 'OPEX_RATIO')"
        " AND action = 'targets.insert'")}
    assert "kschmidt" in writers


def test_someone_left_and_a_step_has_no_holder(demo_db):
    conn = connect(demo_db)
    assert [(u["kind"], u["element"], u["role"], u["units"]) for u in roles.unheld(conn, TODAY)] == [
        ("escalation", "process step 1", "PROCESS_OWNER", ["PLANT_B_MOULD"])]
    assert roles.unheld(conn, TODAY)[0]["last_holder"] == {"user": "mlarsen", "held_at": "PLANT_B",
                                                           "valid_to": "2026-10-15"}
    history = roles.role_history(conn, "PROCESS_OWNER", today=TODAY)
    assert ("mlarsen", "PLANT_B", "2025-01-01", "2026-10-15") in {
        (h["user"], h["unit"], h["valid_from"], h["valid_to"]) for h in history}
    path = escalation.path(conn, "process", "PLANT_B_MOULD", 12, TODAY)
    assert [(s["unit"], [h["user"] for h in s["holders"]]) for s in path["steps"]] == [
        ("PLANT_B_MOULD", []), ("PLANT_B", ["fweber"]), ("RGN_CENTRAL", ["cmoreau"])]
    assert {r["classification"] for r in escalation.rules(conn)} == {"process", "individual"}
    assert len(escalation.rules(conn, "individual")) == 3


def test_raci_covers_most_kpis_and_breaks_a_few_rules_on_purpose(demo_db):
    conn = connect(demo_db)
    found = raci.check(conn)
    assert {(v.kpi, v.rule) for v in found} >= {
        ("OTD_PCT", "several_accountable"), ("NPS", "no_responsible"), ("DSO", "creator_validates"),
        ("CSAT_PCT", "no_accountable"), ("RESTRUCT_COST", "no_raci")}
    active = conn.execute("SELECT count(*) FROM kpis WHERE active = 1").fetchone()[0]
    assert sum(v.rule == "no_raci" for v in found) <= 3 < active
