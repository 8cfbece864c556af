"""Services of the action register, root causes and revise-or-hold on the mini company."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from pmtui.services import actions, root_causes, target_decisions, target_revisions, users
from pmtui.services.errors import NotFound, PermissionDenied, PmError
from tests.builders import NOW

TODAY = NOW.date()
A = {"now": NOW}


def _add(conn, title="Fix the press", **kw):
    args = {"owner": "ann", "due_on": "2026-12-10", "unit": "BU_A", "source": "manual", "actor": "ann"} | kw
    return actions.add(conn, title, now=args.pop("now", NOW), **args)


def _audit(conn, action):
    return conn.execute("SELECT count(*) FROM audit_log WHERE action = ?", [action]).fetchone()[0]


class TestAdd:
    def test_the_action_carries_codes_role_and_overdue(self, mini):
        row = _add(mini, kpi="REV", description="Line 3")
        assert {k: row[k] for k in ("title", "owner", "owner_name", "owner_role", "unit", "due_on", "status",
                                    "source", "kpi", "initiative", "overdue", "days_overdue", "created_by")} == {
            "title": "Fix the press", "owner": "ann", "owner_name": "Ann Analyst", "owner_role": "ANALYST",
            "unit": "BU_A", "due_on": "2026-12-10", "status": "open", "source": "manual", "kpi": "REV",
            "initiative": None, "overdue": False, "days_overdue": 0, "created_by": "ann"}
        assert _audit(mini, "action.add") == 1

    def test_a_group_wide_role_counts_as_above_the_unit(self, mini):
        assert _add(mini, owner="bob")["owner_role"] == "HEAD"
        assert _add(mini, owner="bob", owner_role="HEAD")["owner_role"] == "HEAD"

    @pytest.mark.parametrize("changes, message", [
        ({"owner": "ann", "unit": "BU_B", "actor": "bob"}, "ann holds no role at BU_B or a unit above it"),
        ({"owner": "ann", "owner_role": "HEAD"}, "does not hold role HEAD at BU_A or above (holds: ANALYST)"),
        ({"owner": "zed"}, "unknown user 'zed'"),
        ({"due_on": "2026-11-25"}, "before today"),
        ({"due_on": "26/12/2026"}, "YYYY-MM-DD"),
        ({"title": "  "}, "title is required"),
        ({"title": "=cmd()"}, "title starts with '='"),
        ({"source": "email"}, "source must be one of"),
        ({"source": "meeting"}, "needs the review meeting it came from (--meeting)"),
        ({"source": "rca"}, "needs the root-cause record"),
        ({"source": "alert"}, "needs the execution alert"),
        ({"root_cause_id": 99, "source": "rca"}, "no root cause 99"),
        ({"kpi": "NOPE"}, "unknown KPI 'NOPE'"),
        ({"unit": "NOPE"}, "unknown unit 'NOPE'"),
        ({"confidentiality": "secret"}, "confidentiality must be one of"),
    ])
    def test_refusals_name_the_problem_and_write_nothing(self, mini, changes, message):
        with pytest.raises(PmError, match=message.replace("(", r"\(").replace(")", r"\)")):
            _add(mini, **changes)
        assert mini.execute("SELECT count(*) FROM actions").fetchone()[0] == 0

    def test_a_user_without_view_is_refused_and_audited(self, mini):
        with pytest.raises(PermissionDenied, match="lacks permission 'view'"):
            _add(mini, unit="BU_B", owner="bob", actor="ann")
        assert _audit(mini, "refused.view") == 1

    def test_an_rca_action_links_its_record(self, mini):
        rc = root_causes.create(mini, "REV", "BU_A", "2026-08", template="five_whys", problem="Down",
                                actor="ann", now=NOW)
        row = _add(mini, source="rca", root_cause_id=rc["id"])
        assert row["root_cause_id"] == rc["id"]
        assert root_causes.get(mini, rc["id"])["actions"] == 1


class TestLifecycle:
    def test_owner_starts_notes_and_closes(self, mini):
        a = _add(mini)
        assert actions.start(mini, a["id"], note="on it", actor="ann", now=NOW)["status"] == "in_progress"
        actions.note(mini, a["id"], "half done", actor="ann", now=NOW)
        done = actions.close(mini, a["id"], "Press fixed", actor="ann", now=NOW)
        assert (done["status"], done["closed_by"], done["close_note"]) == ("done", "ann", "Press fixed")
        assert [n["note"] for n in actions.notes(mini, a["id"])] == ["start: on it", "half done"]

    def test_an_approver_may_close_someone_elses_action(self, mini):
        a = _add(mini)
        assert actions.close(mini, a["id"], "Closed in review", actor="bob", now=NOW)["closed_by"] == "bob"

    def test_others_may_not_close_and_the_refusal_is_audited(self, mini):
        users.create_user(mini, "carl", "Carl", actor="system", now=NOW)
        users.assign_role(mini, "carl", "ANALYST", "BU_A", date(2020, 1, 1), actor="system", now=NOW)
        a = _add(mini)
        with pytest.raises(PermissionDenied, match=r"only the owner \(ann\) or a user with 'approve'"):
            actions.close(mini, a["id"], "done", actor="carl", now=NOW)
        assert actions.get(mini, a["id"], today=TODAY)["status"] == "open"
        assert _audit(mini, "refused.approve") == 1

    @pytest.mark.parametrize("call, message", [
        (lambda c, i: actions.close(c, i, "", actor="ann", now=NOW), "close note is required"),
        (lambda c, i: actions.reopen(c, i, "again", actor="ann", now=NOW), "open cannot become open"),
        (lambda c, i: actions.cancel(c, i, "not needed", actor="ann", now=NOW), "lacks permission 'approve'"),
        (lambda c, i: actions.note(c, i, "\x07bell", actor="ann", now=NOW), "control character"),
        (lambda c, i: actions.close(c, 999, "x", actor="ann", now=NOW), "no action 999"),
    ])
    def test_refused_changes(self, mini, call, message):
        a = _add(mini)
        with pytest.raises(PmError, match=message):
            call(mini, a["id"])

    def test_cancel_and_reopen(self, mini):
        a = _add(mini)
        assert actions.cancel(mini, a["id"], "superseded", actor="bob", now=NOW)["status"] == "cancelled"
        with pytest.raises(PmError, match="reopen it before adding notes"):
            actions.note(mini, a["id"], "late note", actor="ann", now=NOW)
        again = actions.reopen(mini, a["id"], "needed after all", actor="ann", now=NOW)
        assert (again["status"], again["closed_by"], again["close_note"]) == ("open", None, None)
        assert actions.notes(mini, a["id"])[-1]["note"] == "reopen: needed after all"


class TestLists:
    @pytest.fixture
    def register(self, mini):
        """Four BU_A actions raised 30 days ago: two overdue (one closed), one bob's; one group action."""
        then = NOW - timedelta(days=30)
        rows = [_add(mini, "Late one", due_on="2026-11-01", now=then),
                _add(mini, "Late but closed", due_on="2026-11-10", now=then),
                _add(mini, "Bob's", owner="bob", due_on="2026-12-01", kpi="REV", now=then),
                _add(mini, "Group wide", owner="bob", unit="GROUP", actor="bob", due_on="2026-11-20", now=then)]
        actions.close(mini, rows[1]["id"], "done", actor="ann", now=NOW)
        return mini

    def test_overdue_is_open_past_due_with_days(self, register):
        rows = actions.overdue(register, today=TODAY)
        assert [(r["title"], r["days_overdue"]) for r in rows] == [("Late one", 25), ("Group wide", 6)]
        assert {"id", "title", "owner", "due_on", "unit", "kpi", "days_overdue"} <= set(rows[0])

    def test_overdue_of_a_unit_includes_units_below_not_above(self, register):
        assert [r["title"] for r in actions.overdue(register, unit="NORTH", today=TODAY)] == ["Late one"]
        assert len(actions.overdue(register, unit="GROUP", today=TODAY)) == 2
        assert actions.overdue(register, unit="BU_B", today=TODAY) == []

    @pytest.mark.parametrize("filters, titles", [
        ({}, ["Late one", "Group wide", "Bob's", "Late but closed"]),
        ({"owner": "bob"}, ["Group wide", "Bob's"]),
        ({"status": "done"}, ["Late but closed"]),
        ({"status": "active", "unit": "BU_A"}, ["Late one", "Bob's"]),
        ({"kpi": "REV"}, ["Bob's"]),
        ({"source": "rca"}, []),
        ({"overdue": True, "owner": "ann"}, ["Late one"]),
    ])
    def test_search_filters_and_count(self, register, filters, titles):
        assert [r["title"] for r in actions.search(register, today=TODAY, **filters)] == titles
        assert actions.count(register, today=TODAY, **filters) == len(titles)

    def test_pages(self, register):
        first = actions.search(register, today=TODAY, limit=2)
        second = actions.search(register, today=TODAY, limit=2, offset=2)
        assert [r["title"] for r in first + second] == ["Late one", "Group wide", "Bob's", "Late but closed"]

    def test_for_kpi_and_bad_filters(self, register):
        assert [r["title"] for r in actions.for_kpi(register, "REV", today=TODAY)] == ["Bob's"]
        with pytest.raises(PmError, match="status must be one of active, open"):
            actions.search(register, today=TODAY, status="late")


class TestRootCauses:
    def _create(self, conn, **kw):
        args = {"template": "five_whys", "problem": "Revenue fell 20%", "whys": ["Fewer orders", "Late deliveries"],
                "actor": "ann", "now": NOW} | kw
        return root_causes.create(conn, "REV", "BU_A", "2026-09", **args)

    def test_create_update_close(self, mini):
        rc = self._create(mini)
        assert (rc["status"], rc["whys"], rc["fishbone"], rc["kpi"], rc["period"]) == (
            "open", ["Fewer orders", "Late deliveries"], {}, "REV", "2026-09")
        rc = root_causes.update(mini, rc["id"], whys=["Fewer orders", "Late deliveries", "Carrier failed"],
                                actor="ann", now=NOW)
        assert len(rc["whys"]) == 3
        closed = root_causes.close(mini, rc["id"], root_cause="Single carrier", classification="process",
                                   actor="bob", now=NOW)
        assert (closed["status"], closed["classification"], closed["closed_by"]) == ("closed", "process", "bob")
        with pytest.raises(PmError, match="is closed: it can no longer change"):
            root_causes.update(mini, rc["id"], problem="x", actor="bob", now=NOW)

    def test_closing_needs_approve_and_everything_the_template_needs(self, mini):
        rc = self._create(mini, whys=[])
        with pytest.raises(PmError, match="five whys needs at least why 1 answered; the root cause must be stated;"
                                          " the root cause must be classified"):
            root_causes.close(mini, rc["id"], actor="bob", now=NOW)
        root_causes.update(mini, rc["id"], whys=["Fewer orders"], root_cause="Pricing", classification="individual",
                           actor="ann", now=NOW)
        with pytest.raises(PermissionDenied):
            root_causes.close(mini, rc["id"], actor="ann", now=NOW)
        assert root_causes.close(mini, rc["id"], actor="bob", now=NOW)["classification"] == "individual"

    @pytest.mark.parametrize("changes, message", [
        ({"template": "pareto"}, "template must be one of five_whys, fishbone"),
        ({"problem": ""}, "problem is required"),
        ({"whys": ["a", "", "c"]}, "why 2 is empty but why 3 is filled"),
        ({"template": "fishbone", "whys": [], "fishbone": {"money": ["x"]}}, "'money' is not one of"),
        ({"classification": "system"}, "classification must be process or individual"),
    ])
    def test_refusals(self, mini, changes, message):
        with pytest.raises(PmError, match=message):
            self._create(mini, **changes)
        assert mini.execute("SELECT count(*) FROM root_causes").fetchone()[0] == 0

    def test_search_by_unit_tree_and_classification(self, mini):
        a = self._create(mini)
        self._create(mini, template="fishbone", whys=[], fishbone={"people": ["new staff"]})
        root_causes.close(mini, a["id"], root_cause="x", classification="process", actor="bob", now=NOW)
        assert len(root_causes.search(mini, unit="NORTH")) == 2
        assert [r["id"] for r in root_causes.search(mini, classification="process")] == [a["id"]]
        assert root_causes.count(mini, status="open") == 1
        assert root_causes.search(mini, unit="BU_B") == []


class TestTargetDecisions:
    def test_evidence_of_the_sustained_drop(self, otd):
        e = target_decisions.evidence(otd, "OTD", "BU_A", "2026-10")
        assert (e["points"], e["last_period"], e["sustained"], e["run_start"], e["run_length"]) == (
            26, "2026-09", True, "2025-12", 10)
        assert (e["target"], e["amber"], e["met_before"], e["met_after"], e["effect"]) == (94, 90, True, False,
                                                                                          "concern")
        assert e["recommendations"]["external"]["decision"] == "revise"
        assert e["recommendations"]["internal"]["decision"] == "hold"
        assert len(e["series"]) == 24 and e["series"][-1] == ["2026-09", 88.0]

    def test_evidence_stops_at_the_period(self, otd):
        e = target_decisions.evidence(otd, "OTD", "BU_A", "2025-12")
        assert (e["points"], e["run_length"], e["sustained"]) == (17, 1, False)

    def test_hold_records_the_evidence_and_changes_no_target(self, otd):
        row = target_decisions.decide(otd, "OTD", "BU_A", "2026-10", decision="hold", origin="internal",
                                      rationale="Fix the process", actor="bob", now=NOW)
        assert (row["decision"], row["origin"], row["revision_id"], row["decided_by"]) == ("hold", "internal", None,
                                                                                          "bob")
        assert row["evidence"]["run_start"] == "2025-12"
        assert target_revisions.revisions(otd) == []

    def test_revise_files_a_revision_someone_else_approves(self, otd):
        row = target_decisions.decide(otd, "OTD", "BU_A", "2026-11", decision="revise", origin="external",
                                      rationale="New customs checks at the border", target=89, actor="admin",
                                      now=NOW)
        assert row["revision_status"] == "submitted"
        revision = target_revisions.get(otd, row["revision_id"])
        assert (revision["original_target"], revision["revised_target"], revision["revised_amber"]) == (94, 89, 85)
        assert revision["reason"] == "revise-or-hold: New customs checks at the border"
        with pytest.raises(PmError, match="four-eyes"):
            target_revisions.decide(otd, row["revision_id"], approve=True, actor="admin", now=NOW)
        assert target_revisions.decide(otd, row["revision_id"], approve=True, actor="bob", now=NOW)[
            "current_target"] == 89
        assert target_decisions.get(otd, row["id"])["revision_status"] == "approved"

    def test_a_pending_revision_refuses_a_second_revise(self, otd):
        kw = {"decision": "revise", "origin": "external", "rationale": "tolls", "target": 89, "actor": "admin",
              "now": NOW}
        target_decisions.decide(otd, "OTD", "BU_A", "2026-11", **kw)
        with pytest.raises(PmError, match="still pending"):
            target_decisions.decide(otd, "OTD", "BU_A", "2026-11", **kw)
        assert len(target_decisions.decisions(otd, kpi="OTD")) == 1

    @pytest.mark.parametrize("kw, error, message", [
        ({"decision": "revise", "origin": "external", "target": 89, "actor": "ann"}, PermissionDenied,
         "lacks permission 'edit_targets'"),
        ({"decision": "hold", "origin": "internal", "actor": "ann"}, PermissionDenied, "lacks permission 'approve'"),
        ({"decision": "revise", "origin": "none", "target": 89}, PmError, "judge the shift's origin"),
        ({"decision": "hold", "origin": "internal", "rationale": ""}, PmError, "needs a rationale"),
        ({"decision": "hold", "origin": "internal", "agenda_item_id": 5}, NotFound, "no agenda item 5"),
    ])
    def test_refusals_write_no_decision(self, otd, kw, error, message):
        args = {"rationale": "because", "actor": "bob", "now": NOW} | kw
        with pytest.raises(error, match=message):
            target_decisions.decide(otd, "OTD", "BU_A", "2026-10", **args)
        assert otd.execute("SELECT count(*) FROM target_decisions").fetchone()[0] == 0
        assert otd.execute("SELECT count(*) FROM target_revisions").fetchone()[0] == 0
