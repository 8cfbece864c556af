"""Creating, editing and listing framework elements through :mod:`pmtui.services.framework_edit` (mini company)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from pmtui.services import framework as fw
from pmtui.services import framework_edit as fe
from pmtui.services import people
from pmtui.services import measurements as ms
from pmtui.services import users
from pmtui.services.errors import NotFound, PermissionDenied, PmError
from tests.builders import NOW

A = {"actor": "admin", "now": NOW}


def head(conn) -> int:
    return conn.execute("SELECT max(seq) FROM audit_log").fetchone()[0]


def last(conn) -> dict:
    return dict(conn.execute("SELECT action, actor, entity, old, new, reason FROM audit_log"
                             " ORDER BY seq DESC LIMIT 1").fetchone())


def refused(conn, before: int, action: str, actor: str) -> None:
    """Exactly one entry was added since ``before``: the audited refusal."""
    assert head(conn) == before + 1
    entry = last(conn)
    assert (entry["action"], entry["actor"]) == (f"refused.{action}", actor)


# --- units -----------------------------------------------------------------------------------------------------

def test_list_units_in_tree_order(mini):
    fe.add_unit(mini, "AAA", name="Early", kind="region", parent="GROUP", **A)
    assert fe.list_units(mini) == [
        {"code": "GROUP", "name": "Mini Co", "kind": "group", "parent": None, "confidentiality": "public",
         "active": True, "depth": 0},
        {"code": "AAA", "name": "Early", "kind": "region", "parent": "GROUP", "confidentiality": "public",
         "active": True, "depth": 1},
        {"code": "NORTH", "name": "North", "kind": "region", "parent": "GROUP", "confidentiality": "public",
         "active": True, "depth": 1},
        {"code": "BU_A", "name": "Unit A", "kind": "business_unit", "parent": "NORTH", "confidentiality": "public",
         "active": True, "depth": 2},
        {"code": "BU_B", "name": "Unit B", "kind": "business_unit", "parent": "NORTH",
         "confidentiality": "confidential", "active": True, "depth": 2},
    ]


def test_add_unit_is_one_audited_insert(mini):
    before = head(mini)
    row = fe.add_unit(mini, "BU_C", name="Unit C", kind="business_unit", parent="NORTH",
                      confidentiality="internal", **A)
    assert row == {"code": "BU_C", "name": "Unit C", "kind": "business_unit", "parent": "NORTH",
                   "confidentiality": "internal", "active": True}
    assert head(mini) == before + 1 and last(mini)["action"] == "units.insert"


@pytest.mark.parametrize("kwargs, error, message", [
    ({"code": "BU_A", "kind": "team", "parent": "NORTH"}, PmError, "unit BU_A already exists"),
    ({"code": "bu_c", "kind": "team", "parent": "NORTH"}, PmError, "unit code 'bu_c' must be"),
    ({"code": "BU_C", "kind": "team", "parent": "SOUTH"}, NotFound, "unknown unit 'SOUTH'"),
    ({"code": "BU_C", "kind": "plant", "parent": "NORTH"}, PmError, "kind must be one of group, region"),
    ({"code": "BU_C", "kind": "team", "parent": None}, PmError, "must be of kind group; give its parent"),
    ({"code": "BU_C", "kind": "team", "parent": "NORTH", "name": "=cmd()"}, PmError, "spreadsheets run as a formula"),
    ({"code": "BU_C", "kind": "team", "parent": "NORTH", "name": "  "}, PmError, "name must not be empty"),
])
def test_add_unit_refusals_write_nothing(mini, kwargs, error, message):
    before = head(mini)
    with pytest.raises(error, match=message):
        fe.add_unit(mini, **({"name": "Unit C"} | kwargs), **A)
    assert head(mini) == before


def test_second_group_may_stand_at_the_top(mini):
    assert fe.add_unit(mini, "HOLDING", name="Holding", kind="group", **A)["parent"] is None


def test_edit_unit_renames_and_moves(mini):
    fe.add_unit(mini, "SOUTH", name="South", kind="region", parent="GROUP", **A)
    before = head(mini)
    row = fe.edit_unit(mini, "BU_B", name="Unit B (Lyon)", parent="SOUTH", confidentiality="internal", **A)
    assert row == {"code": "BU_B", "name": "Unit B (Lyon)", "kind": "business_unit", "parent": "SOUTH",
                   "confidentiality": "internal", "active": True}
    entry = last(mini)
    assert head(mini) == before + 1 and entry["action"] == "units.edit"
    old, new = json.loads(entry["old"]), json.loads(entry["new"])
    assert (old["name"], new["name"], new["parent_id"] != old["parent_id"]) == ("Unit B", "Unit B (Lyon)", True)


def test_edit_unit_without_change_writes_nothing(mini):
    before = head(mini)
    assert fe.edit_unit(mini, "BU_A", name="Unit A", parent="NORTH", **A)["name"] == "Unit A"
    assert head(mini) == before


@pytest.mark.parametrize("code, kwargs, message", [
    ("NORTH", {"parent": "BU_A"}, r"unit NORTH cannot go below BU_A, which is below it \(NORTH > BU_A\)"),
    ("NORTH", {"parent": "NORTH"}, "unit NORTH cannot be its own parent"),
    ("GROUP", {"parent": "NORTH"}, "GROUP is the top of its tree and stays there"),
    ("GROUP", {"kind": "region"}, "GROUP is the top of its tree: it stays of kind group"),
    ("BU_A", {"parent": ""}, "BU_A cannot move to the top"),
    ("BU_A", {"parent": "NOPE"}, "unknown unit 'NOPE'"),
    ("NOPE", {"name": "x"}, "unknown unit 'NOPE'"),
    ("BU_A", {"confidentiality": "secret"}, "confidentiality must be one of public, internal, confidential"),
])
def test_edit_unit_refusals_write_nothing(mini, code, kwargs, message):
    before = head(mini)
    with pytest.raises(PmError, match=message):
        fe.edit_unit(mini, code, **kwargs, **A)
    assert head(mini) == before


def test_unit_edits_need_edit_definitions_and_refusals_are_audited(mini):
    before = head(mini)
    with pytest.raises(PermissionDenied, match="ann lacks permission 'edit_definitions'"):
        fe.edit_unit(mini, "BU_A", name="Mine now", actor="ann", now=NOW)
    refused(mini, before, "edit_definitions", "ann")
    assert fe.get_unit(mini, "BU_A")["name"] == "Unit A"


def test_unit_scoped_editor_may_edit_below_but_not_above(mini):
    users.create_role(mini, "DESIGNER", "Designer", ["edit_definitions"], **A)
    users.assign_role(mini, "ann", "DESIGNER", "NORTH", date(2020, 1, 1), **A)
    assert fe.add_unit(mini, "TEAM_A", name="Team A", kind="team", parent="BU_A", actor="ann",
                       now=NOW)["parent"] == "BU_A"
    with pytest.raises(PermissionDenied):
        fe.add_unit(mini, "EAST", name="East", kind="region", parent="GROUP", actor="ann", now=NOW)


# --- KPIs ------------------------------------------------------------------------------------------------------

def test_add_kpi_with_every_field(mini):
    row = fe.add_kpi(mini, "MARGIN", name="Margin", direction="higher", uom="EUR k", definition="Revenue less defects",
                     aggregation="avg", frequency="quarterly", lead_lag="leading", financial=True,
                     perspective="FIN", owner_role="HEAD", decimals=2, confidentiality="internal",
                     formula="REV - DEFECTS", **A)
    assert row == {"code": "MARGIN", "name": "Margin", "definition": "Revenue less defects", "uom": "EUR k",
                   "direction": "higher", "aggregation": "avg", "frequency": "quarterly", "lead_lag": "leading",
                   "financial": True, "perspective": "FIN", "owner_role": "HEAD", "decimals": 2,
                   "confidentiality": "internal", "formula": "REV - DEFECTS", "active": True}


@pytest.mark.parametrize("fields, error, message", [
    ({"name": "X"}, PmError, "KPI NEW: direction is required"),
    ({"name": "X", "direction": "up"}, PmError, "direction must be one of higher, lower, band"),
    ({"name": "X", "direction": "higher", "formula": "REV +"}, PmError, "formula for NEW"),
    ({"name": "X", "direction": "higher", "formula": "REV + NOPE"}, PmError, "unknown KPI code"),
    ({"name": "X", "direction": "higher", "perspective": "NOPE"}, NotFound, "unknown perspective 'NOPE'"),
    ({"name": "X", "direction": "higher", "decimals": 9}, PmError, "decimals must be a whole number 0 to 6"),
    ({"name": "X", "direction": "higher", "colour": "red"}, PmError, "unknown field"),
])
def test_add_kpi_refusals_write_nothing(mini, fields, error, message):
    before = head(mini)
    with pytest.raises(error, match=message):
        fe.add_kpi(mini, "NEW", **fields, **A)
    assert head(mini) == before


def test_edit_kpi_changes_wording_owner_and_perspective_even_with_approved_values(mini):
    before = head(mini)
    row = fe.edit_kpi(mini, "REV", name="Net revenue", definition="Invoiced, net of returns", owner_role="HEAD",
                      perspective="CUS", decimals=2, confidentiality="internal", lead_lag="leading", **A)
    assert {k: row[k] for k in ("name", "definition", "owner_role", "perspective", "decimals", "confidentiality",
                                "lead_lag", "direction", "uom")} == {
        "name": "Net revenue", "definition": "Invoiced, net of returns", "owner_role": "HEAD", "perspective": "CUS",
        "decimals": 2, "confidentiality": "internal", "lead_lag": "leading", "direction": "higher", "uom": "EUR k"}
    assert head(mini) == before + 1 and last(mini)["action"] == "kpis.edit"
    assert fe.edit_kpi(mini, "REV", owner_role="", **A)["owner_role"] is None


@pytest.mark.parametrize("fields, shown", [
    ({"direction": "lower"}, "direction 'higher' -> 'lower'"),
    ({"uom": "EUR"}, "uom 'EUR k' -> 'EUR'"),
    ({"aggregation": "avg"}, "aggregation 'sum' -> 'avg'"),
    ({"frequency": "quarterly"}, "frequency 'monthly' -> 'quarterly'"),
    ({"formula": "DEFECTS * 2"}, "formula None -> 'DEFECTS \\* 2'"),
])
def test_scoring_fields_of_a_kpi_with_approved_values_need_a_change_request(mini, fields, shown):
    before = head(mini)
    with pytest.raises(PmError, match=f"KPI REV has 2 approved value\\(s\\): changing its {shown} would change how"
                                      " they score; not an edit, use a change request"):
        fe.edit_kpi(mini, "REV", name="Renamed too", **fields, **A)
    refused(mini, before, "edit_definitions", "admin")
    assert fe.get_kpi(mini, "REV")["name"] == "Revenue"  # nothing of the edit was written


def test_scoring_fields_change_freely_without_approved_values(mini):
    fe.add_kpi(mini, "NEW", name="New", direction="higher", **A)
    row = fe.edit_kpi(mini, "NEW", direction="band", uom="%", aggregation="last", frequency="yearly",
                      formula="REV / 2", **A)
    assert (row["direction"], row["uom"], row["aggregation"], row["frequency"], row["formula"]) == (
        "band", "%", "last", "yearly", "REV / 2")
    assert fe.edit_kpi(mini, "NEW", formula="", **A)["formula"] is None
    with pytest.raises(PmError, match="cycle"):
        fe.add_kpi(mini, "NEW2", name="New 2", direction="higher", formula="NEW", **A)
        fe.edit_kpi(mini, "NEW", formula="NEW2", **A)


def test_kpi_edits_need_group_wide_edit_definitions(mini):
    before = head(mini)
    with pytest.raises(PermissionDenied):
        fe.edit_kpi(mini, "REV", name="x", actor="bob", now=NOW)
    refused(mini, before, "edit_definitions", "bob")


# --- objectives and links --------------------------------------------------------------------------------------

def test_list_objectives_of_a_unit_with_links_and_causes(mini):
    fe.link_objectives(mini, "QUALITY_A", "GROW_A", **A)
    assert fe.list_objectives(mini, "BU_A") == [
        {"code": "GROW_A", "name": "Grow revenue in A", "description": "", "level": "unit", "unit": "BU_A",
         "perspective": "FIN", "parent": "GROW", "owner_role": None, "weight": 1.0, "confidentiality": "public",
         "kpis": [{"code": "REV", "weight": 1.0}], "causes": ["QUALITY_A"]},
        {"code": "QUALITY_A", "name": "Fewer defects in A", "description": "", "level": "unit", "unit": "BU_A",
         "perspective": "INT", "parent": "QUALITY", "owner_role": None, "weight": 1.0, "confidentiality": "public",
         "kpis": [{"code": "DEFECTS", "weight": 1.0}], "causes": []},
    ]
    assert [o["code"] for o in fe.list_objectives(mini)] == ["GROW", "GROW_A", "QUALITY", "QUALITY_A"]
    assert fe.list_objectives(mini, "NORTH") == []
    with pytest.raises(NotFound, match="unknown unit 'NOPE'"):
        fe.list_objectives(mini, "NOPE")


def test_add_and_edit_objective(mini):
    row = fe.add_objective(mini, "SHARE_A", name="Market share", level="unit", unit="BU_A", perspective="CUS",
                           parent="GROW", owner_role="HEAD", weight=2, description="Win share", **A)
    assert (row["parent"], row["owner_role"], row["weight"], row["kpis"]) == ("GROW", "HEAD", 2.0, [])
    before = head(mini)
    row = fe.edit_objective(mini, "SHARE_A", name="Market share in A", parent="", owner_role="", weight=0.5,
                            level="team", **A)
    assert (row["name"], row["parent"], row["owner_role"], row["weight"], row["level"]) == (
        "Market share in A", None, None, 0.5, "team")
    assert head(mini) == before + 1 and last(mini)["action"] == "objectives.edit"


@pytest.mark.parametrize("code, kwargs, error, message", [
    ("GROW", {"parent": "GROW_A"}, PmError, r"objective GROW cannot go below GROW_A, which is below it"
                                            r" \(GROW > GROW_A\)"),
    ("GROW", {"parent": "GROW"}, PmError, "objective GROW cannot be its own parent"),
    ("GROW", {"unit": "NOPE"}, NotFound, "unknown unit 'NOPE'"),
    ("GROW", {"perspective": "NOPE"}, NotFound, "unknown perspective 'NOPE'"),
    ("GROW", {"owner_role": "NOPE"}, NotFound, "unknown role 'NOPE'"),
    ("GROW", {"weight": -1}, PmError, "weight must be a positive number"),
        ("GROW", {"weight": 0}, PmError, "weight must be a positive number"),
    ("GROW", {"level": "global"}, PmError, "level must be one of corporate, unit, team"),
    ("NOPE", {"name": "x"}, NotFound, "unknown objective 'NOPE'"),
])
def test_edit_objective_refusals_write_nothing(mini, code, kwargs, error, message):
    before = head(mini)
    with pytest.raises(error, match=message):
        fe.edit_objective(mini, code, **kwargs, **A)
    assert head(mini) == before


def test_moving_an_objective_needs_edit_definitions_at_both_units(mini):
    users.create_role(mini, "DESIGNER", "Designer", ["edit_definitions"], **A)
    users.assign_role(mini, "ann", "DESIGNER", "BU_A", date(2020, 1, 1), **A)
    assert fe.edit_objective(mini, "GROW_A", weight=3, actor="ann", now=NOW)["weight"] == 3.0
    before = head(mini)
    with pytest.raises(PermissionDenied):
        fe.edit_objective(mini, "GROW_A", unit="BU_B", actor="ann", now=NOW)
    refused(mini, before, "edit_definitions", "ann")


def test_links_between_objectives_and_kpis(mini):
    assert fe.link_kpi(mini, "GROW_A", "DEFECTS", 0.5, **A) == {"objective": "GROW_A", "kpi": "DEFECTS", "weight": 0.5}
    with pytest.raises(PmError, match="KPI DEFECTS is already linked to objective GROW_A \\(weight 0.5\\)"):
        fe.link_kpi(mini, "GROW_A", "DEFECTS", **A)
    assert fe.set_link_weight(mini, "GROW_A", "DEFECTS", 2, **A)["weight"] == 2.0
    before = head(mini)
    fe.unlink_kpi(mini, "GROW_A", "DEFECTS", **A)
    entry = last(mini)
    assert head(mini) == before + 1 and entry["action"] == "objective_kpis.delete"
    assert json.loads(entry["old"])["weight"] == 2.0 and entry["new"] is None
    assert fe.get_objective(mini, "GROW_A")["kpis"] == [{"code": "REV", "weight": 1.0}]
    with pytest.raises(NotFound, match="KPI DEFECTS is not linked to objective GROW_A"):
        fe.unlink_kpi(mini, "GROW_A", "DEFECTS", **A)
    with pytest.raises(NotFound, match="unknown KPI 'NOPE'"):
        fe.link_kpi(mini, "GROW_A", "NOPE", **A)
    assert head(mini) == before + 1


def test_cause_and_effect_links(mini):
    assert fe.link_objectives(mini, "QUALITY", "GROW", **A) == {"cause": "QUALITY", "effect": "GROW"}
    with pytest.raises(PmError, match="QUALITY is already a cause of GROW"):
        fe.link_objectives(mini, "QUALITY", "GROW", **A)
    with pytest.raises(PmError, match="objective GROW cannot be its own cause"):
        fe.link_objectives(mini, "GROW", "GROW", **A)
    fe.unlink_objectives(mini, "QUALITY", "GROW", **A)
    assert last(mini)["action"] == "objective_links.delete"
    with pytest.raises(NotFound, match="QUALITY is not a cause of GROW"):
        fe.unlink_objectives(mini, "QUALITY", "GROW", **A)


# --- roles and users -------------------------------------------------------------------------------------------

def test_add_role_and_user_with_roles_in_one_transaction(mini):
    assert people.add_role(mini, "AUDITOR", name="Auditor", permissions=["approve", "view"], **A) == {
        "code": "AUDITOR", "name": "Auditor", "permissions": ["view", "approve"]}
    before = head(mini)
    row = people.add_user(mini, "carl", display_name="Carl C", email="carl@example.com",
                      roles=[("AUDITOR", "BU_A"), ("ANALYST", None)], **A)
    assert row == {"name": "carl", "display_name": "Carl C", "email": "carl@example.com", "active": True,
                   "roles": ["ANALYST", "AUDITOR@BU_A"]}
    assert head(mini) == before + 3  # the user and two assignments
    assert people.add_user(mini, "dora", **A)["display_name"] == "dora"


@pytest.mark.parametrize("kwargs, error, message", [
    ({"name": "ann"}, PmError, "user ann already exists"),
    ({"name": "carl", "roles": [("NOPE", None)]}, NotFound, "unknown role 'NOPE'"),
    ({"name": "carl", "roles": [("HEAD", "NOPE")]}, NotFound, "unknown unit 'NOPE'"),
    ({"name": "carl", "email": "not an address"}, PmError, "is not an address"),
    ({"name": "carl lee"}, PmError, "must be letters, digits"),
])
def test_add_user_refusals_write_nothing(mini, kwargs, error, message):
    before = head(mini)
    with pytest.raises(error, match=message):
        people.add_user(mini, **kwargs, **A)
    assert head(mini) == before


def test_roles_and_users_need_administer(mini):
    before = head(mini)
    with pytest.raises(PermissionDenied, match="bob lacks permission 'administer'"):
        people.add_role(mini, "X", name="X", permissions=["view"], actor="bob", now=NOW)
    refused(mini, before, "administer", "bob")
    with pytest.raises(PermissionDenied):
        people.edit_user(mini, "ann", email="a@b.c", actor="bob", now=NOW)


def test_edit_user(mini):
    row = people.edit_user(mini, "ann", display_name="Ann Andersen", email="ann@example.com", **A)
    assert (row["display_name"], row["email"]) == ("Ann Andersen", "ann@example.com")
    assert people.edit_user(mini, "ann", email="", **A)["email"] is None
    with pytest.raises(NotFound, match="unknown user 'zed'"):
        people.edit_user(mini, "zed", email="", **A)


def test_deactivate_user_ends_roles_and_stops_them_acting(mini):
    before = head(mini)
    row = people.deactivate_user(mini, "bob", reason="left the company", **A)
    assert row == {"name": "bob", "display_name": "Bob Head", "email": None, "active": False, "roles": []}
    actions = [r[0] for r in mini.execute("SELECT action FROM audit_log WHERE seq > ? ORDER BY seq", [before])]
    assert actions == ["users.deactivate", "role_assignments.end"]
    assert mini.execute("SELECT valid_to FROM role_assignments a JOIN users p ON p.id = a.user_id"
                        " WHERE p.name = 'bob'").fetchall()[0][0] == "2026-11-26"
    assert [u["name"] for u in users.list_users(mini, NOW.date())] == ["admin", "ann"]
    with pytest.raises(NotFound, match="user 'bob' is deactivated: a deactivated user can no longer act"):
        ms.decide(mini, "REV", "BU_A", "2026-09", approve=True, actor="bob", now=NOW)
    with pytest.raises(PmError, match="user bob is already deactivated"):
        people.deactivate_user(mini, "bob", **A)


def test_deactivate_refuses_yourself_and_the_last_administrator(mini):
    before = head(mini)
    with pytest.raises(PmError, match="you cannot deactivate yourself"):
        people.deactivate_user(mini, "admin", **A)
    with pytest.raises(PmError, match="admin is the last active user who administers the whole file"):
        people.deactivate_user(mini, "admin", actor=users.SYSTEM, now=NOW)
    assert head(mini) == before
    people.add_user(mini, "root", roles=[("ADMIN", None)], **A)
    assert people.deactivate_user(mini, "admin", actor="root", now=NOW)["active"] is False


def test_a_new_direction_must_fit_the_kpis_targets(mini):
    fe.add_kpi(mini, "NEW", name="New", direction="higher", **A)
    fw.set_target(mini, "NEW", "BU_A", "2026-10", 100, 90, actor=users.SYSTEM, now=NOW)
    before = head(mini)
    for direction, why in (("lower", "amber must be >= target"), ("band", "a band KPI needs target and target_high")):
        with pytest.raises(PmError, match=f"KPI NEW cannot become {direction}: its target for BU_A 2026-10 does not"
                                          f" fit \\(.*{why}"):
            fe.edit_kpi(mini, "NEW", direction=direction, **A)
    assert head(mini) == before
