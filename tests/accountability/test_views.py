"""Published accountability views: the SQL rules agree with the core, nothing confidential leaks."""

from __future__ import annotations

from datetime import date

import pytest

from pmtui.services import framework as fw
from pmtui.services import incentives, raci, roles
from pmtui.store.db import connect
from tests.accountability.conftest import TODAY, build_governance
from tests.builders import NOW, build_mini
from tests.plugins.helpers import make_datasette


def view(conn, name, columns="*"):
    return [tuple(r) for r in conn.execute(f"SELECT {columns} FROM {name}")]


def core_violations(conn, *, published):
    hidden = {r[0] for r in conn.execute("SELECT code FROM kpis WHERE confidentiality = 'confidential'")}
    return sorted((v.kpi, v.activity or "", v.rule) for v in raci.check(conn) if not (published and v.kpi in hidden))


def sql_violations(conn):
    return sorted((k, a or "", r) for k, a, r in view(conn, "pub_raci_violations", "kpi, activity, rule"))


def test_raci_views_on_the_mini_company(gov):
    rows = view(gov, "pub_raci", "kpi, activity, role, letter")
    assert ("REV", "create", "ANALYST", "R") in rows and len(rows) == 3 * 8 + 1
    assert sql_violations(gov) == core_violations(gov, published=True) == [
        ("DEFECTS", "", "no_raci"), ("SAND", "validate", "creator_validates"), ("SAND", "validate", "several_accountable")]


def test_confidential_kpis_and_units_stay_out(gov):
    a = {"actor": "admin", "now": NOW}
    fw.create_kpi(gov, "SECRET", name="Secret", direction="higher", confidentiality="confidential", **a)
    raci.set_entry(gov, kpi="SECRET", activity="create", role="HEAD", letter="R", **a)
    incentives.set_link(gov, "ADMIN", "SECRET", 0.5, **a)
    roles.assign(gov, "bob", "HEAD", "BU_B", date(2026, 1, 1), **a)
    for name in ("pub_raci", "pub_raci_violations", "pub_incentives"):
        assert all(r[0] != "SECRET" for r in view(gov, name, "kpi")), name
    assert ("SECRET", "", "no_accountable") not in sql_violations(gov)
    assert all(r[0] != "BU_B" for r in view(gov, "pub_role_holders", "unit"))
    assert roles.unheld(gov, TODAY)[0]["units"] == ["BU_B"]  # the service sees BU_B's gap ...
    assert view(gov, "pub_unheld_roles") == []  # ... the published view does not


def test_permissions_escalation_and_incentive_views(gov):
    assert view(gov, "pub_permissions", "role, permission") == [
        ("ADMIN", "administer"), ("ADMIN", "approve"), ("ADMIN", "edit_definitions"), ("ADMIN", "edit_targets"),
        ("ADMIN", "enter_data"), ("ADMIN", "view"), ("ANALYST", "enter_data"), ("ANALYST", "view"),
        ("HEAD", "approve"), ("HEAD", "view")]
    assert view(gov, "pub_escalation_rules", "classification, step, after_days, level, role") == [
        ("individual", 1, 0, "business_unit", "HEAD"), ("individual", 2, 3, "group", "ADMIN"),
        ("process", 1, 0, "business_unit", "ANALYST"), ("process", 2, 5, "region", "HEAD")]
    assert view(gov, "pub_incentives", "role, kpi, weight") == [("HEAD", "HUG", 0.5)]
    assert view(gov, "pub_role_holders", "role, user, unit, current") == [
        ("ADMIN", "admin", None, 1), ("ANALYST", "ann", "BU_A", 1), ("HEAD", "bob", None, 1)]


@pytest.fixture
def gov_ds(tmp_path):
    path = tmp_path / "mini.db"
    conn = connect(path)
    build_mini(conn)
    build_governance(conn)
    conn.close()
    ds = make_datasette(path)
    yield ds
    for db in ds.databases.values():
        db.close()


async def test_views_and_queries_through_datasette(gov_ds):
    rows = (await gov_ds.client.get("/mini/pub_raci.json?_shape=array&kpi=SAND&activity=validate")).json()
    assert sorted((r["role"], r["letter"]) for r in rows) == [("ADMIN", "A"), ("ANALYST", "A"), ("HEAD", "R")]
    counts = (await gov_ds.client.get("/mini/raci_problems_by_rule.json?_shape=array")).json()
    assert {r["rule"]: r["kpis"] for r in counts} == {"no_raci": 1, "several_accountable": 1, "creator_validates": 1}
    gaps = (await gov_ds.client.get("/mini/incentivised_kpis_without_accountable.json?_shape=array")).json()
    assert gaps == []  # HUG, the incentivised KPI, has a complete RACI


def test_demo_views_agree_with_the_services(demo_db):
    conn = connect(demo_db)
    assert sql_violations(conn) == core_violations(conn, published=True)
    assert {r for _, _, r in sql_violations(conn)} == {"no_raci", "several_accountable", "no_responsible",
                                                       "no_accountable", "creator_validates"}
    unheld = view(conn, "pub_unheld_roles", "kind, element, role, unit")
    assert ("escalation", "process step 1", "PROCESS_OWNER", "PLANT_B_MOULD") in unheld
    assert all(u != "PACKAGING" for *_, u in unheld)
    assert len(view(conn, "pub_escalation_rules")) == 6
    assert {r[0] for r in view(conn, "pub_incentives", "role")} == {"UNIT_HEAD", "EXECUTIVE"}


async def test_hugging_screen_query_on_the_demo(demo_db):
    ds = make_datasette(demo_db, company="Northwind Industries")
    rows = (await ds.client.get("/demo/incentivised_target_hugging.json?_shape=array")).json()
    top = rows[0]
    assert (top["kpi"], top["unit"], top["n"], top["just_met"], top["incentives"]) == (
        "OPEX_RATIO", "LOGISTICS", 12, 10, "UNIT_HEAD 0.2")
    assert all(r["unit"] != "PACKAGING" for r in rows)
    for db in ds.databases.values():
        db.close()
