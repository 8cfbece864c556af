"""``pmtui actions``, ``pmtui rca`` and ``pmtui targets evidence|hold-or-revise`` on the mini company file."""

from __future__ import annotations

import json

import pytest

from pmtui.store.db import connect
from tests.actions.conftest import add_otd_series

KEYS = {"id", "title", "owner", "owner_role", "unit", "due_on", "status", "source", "kpi", "initiative", "overdue",
        "days_overdue"}


def _counts(path) -> tuple[int, int, int]:
    conn = connect(path)
    try:
        return tuple(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                     for t in ("actions", "root_causes", "audit_log"))
    finally:
        conn.close()


def _json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _add(run, *extra, user="ann"):
    return run("actions", "add", "--title", "Fix the press", "--owner", "ann", "--due", "2026-12-10",
               "--unit", "BU_A", *extra, "--json", user=user)


def test_add_list_show_note_close(run):
    added = _json(_add(run, "--kpi", "REV"))
    assert KEYS <= set(added) and (added["owner_role"], added["source"], added["kpi"]) == ("ANALYST", "manual", "REV")
    listed = _json(run("actions", "list", "--owner", "ann", "--json"))
    assert [r["id"] for r in listed] == [added["id"]] and KEYS <= set(listed[0])
    assert _json(run("actions", "note", str(added["id"]), "--note", "Parts ordered", "--json", user="ann"))[
        "note"] == "Parts ordered"
    closed = _json(run("actions", "close", str(added["id"]), "--note", "Press fixed", "--json", user="bob"))
    assert (closed["status"], closed["closed_by"], closed["close_note"]) == ("done", "bob", "Press fixed")
    shown = _json(run("actions", "show", str(added["id"]), "--json"))
    assert [n["note"] for n in shown["notes"]] == ["Parts ordered"] and shown["status"] == "done"
    text = run("actions", "show", str(added["id"]))
    assert "closed 2026-11-26T09:00:00Z by bob: Press fixed" in text.output


def test_list_filters(run):
    _add(run)
    _json(run("actions", "add", "--title", "Group plan", "--owner", "bob", "--due", "2026-12-01", "--unit", "GROUP",
              "--json", user="bob"))
    assert [r["title"] for r in _json(run("actions", "list", "--unit", "BU_A", "--json"))] == ["Fix the press"]
    assert [r["title"] for r in _json(run("actions", "list", "--mine", "--json", user="bob"))] == ["Group plan"]
    assert _json(run("actions", "list", "--overdue", "--json")) == []
    assert _json(run("actions", "list", "--source", "rca", "--json")) == []
    assert len(_json(run("actions", "list", "--status", "active", "--json"))) == 2
    assert "Fix the press" in run("actions", "list").output


@pytest.mark.parametrize("args, user, message", [
    (["--due", "2026-11-01"], "ann", "before today"),
    (["--owner-role", "HEAD"], "ann", "does not hold role HEAD"),
    (["--meeting", "NOPE"], "ann", "unknown meeting 'NOPE'"),
    (["--rca", "7"], "ann", "no root cause 7"),
    ([], None, "no acting user"),
])
def test_add_refusals_exit_1_and_change_nothing(run, mini_db, args, user, message):
    before = _counts(mini_db)
    base = ["actions", "add", "--title", "T", "--owner", "ann", "--due", "2026-12-10", "--unit", "BU_A"]
    # A later --due or --owner-role overrides the default given first.
    result = run(*base, *args, user=user)
    assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output
    assert _counts(mini_db) == before


def test_close_permissions_and_usage_errors(run):
    added = _json(_add(run))
    result = run("actions", "close", str(added["id"]), "--note", "done", user="admin")
    assert result.exit_code == 0  # admin holds approve group-wide
    other = _json(_add(run))
    refused = run("actions", "close", str(other["id"]), "--note", "x", user="nobody")
    assert refused.exit_code == 1 and "unknown user 'nobody'" in refused.output
    missing_note = run("actions", "close", str(other["id"]), user="ann")
    assert missing_note.exit_code == 2 and "--note" in missing_note.output


def test_status_commands(run):
    a = _json(_add(run))
    assert _json(run("actions", "start", str(a["id"]), "--json", user="ann"))["status"] == "in_progress"
    cancelled = _json(run("actions", "cancel", str(a["id"]), "--note", "moot", "--json", user="bob"))
    assert cancelled["status"] == "cancelled"
    assert _json(run("actions", "reopen", str(a["id"]), "--note", "back", "--json", user="ann"))["status"] == "open"


def test_rca_add_show_close(run, mini_db):
    made = _json(run("rca", "add", "--kpi", "REV", "--unit", "BU_A", "--period", "2026-09", "--template", "fishbone",
                     "--problem", "Revenue down 20%", "--cause", "people=New sales staff",
                     "--cause", "external=Competitor price cut", "--json", user="ann"))
    assert made["fishbone"] == {"people": ["New sales staff"], "external": ["Competitor price cut"]}
    _add(run, "--rca", str(made["id"]))
    shown = _json(run("rca", "show", str(made["id"]), "--json"))
    assert [a["title"] for a in shown["actions"]] == ["Fix the press"]
    refused = run("rca", "close", str(made["id"]), "--root-cause", "Pricing", "--classification", "process", user="ann")
    assert refused.exit_code == 1 and "lacks permission 'approve'" in refused.output
    closed = _json(run("rca", "close", str(made["id"]), "--root-cause", "Pricing", "--classification", "process",
                       "--json", user="bob"))
    assert (closed["status"], closed["classification"]) == ("closed", "process")
    assert [r["id"] for r in _json(run("rca", "list", "--kpi", "REV", "--unit", "NORTH", "--json"))] == [made["id"]]
    bad = run("rca", "add", "--kpi", "REV", "--unit", "BU_A", "--period", "2026-09", "--template", "fishbone",
              "--problem", "x", "--cause", "nocategory", user="ann")
    assert bad.exit_code == 1 and "must be CATEGORY=TEXT" in bad.output


def test_rca_update_and_text_output(run):
    made = _json(run("rca", "add", "--kpi", "REV", "--unit", "BU_A", "--period", "2026-09", "--template", "five_whys",
                     "--problem", "Down", "--why", "Orders fell", "--json", user="ann"))
    out = run("rca", "update", str(made["id"]), "--why", "Orders fell", "--why", "Price rise", user="ann").output
    assert "why 2: Price rise" in out
    gap = run("rca", "update", str(made["id"]), "--why", "a", "--why", "", "--why", "c", user="ann")
    assert gap.exit_code == 1 and "why 2 is empty but why 3 is filled" in gap.output


@pytest.fixture
def otd_file(mini_db):
    conn = connect(mini_db)
    add_otd_series(conn)
    conn.close()
    return mini_db


def test_targets_evidence_and_hold(run, otd_file):
    e = _json(run("targets", "evidence", "--kpi", "OTD", "--unit", "BU_A", "--period", "2026-10", "--json"))
    assert (e["sustained"], e["run_start"], e["run_length"], e["target"]) == (True, "2025-12", 10, 94)
    assert "if the origin is external: revise" in run("targets", "evidence", "--kpi", "OTD", "--unit", "BU_A",
                                                      "--period", "2026-10").output
    held = _json(run("targets", "hold-or-revise", "--kpi", "OTD", "--unit", "BU_A", "--period", "2026-10",
                     "--decision", "hold", "--origin", "internal", "--rationale", "Fix planning", "--json", user="bob"))
    assert (held["decision"], held["origin"], held["revision_id"]) == ("hold", "internal", None)


def test_targets_revise_and_refusals(run, otd_file):
    refused = run("targets", "hold-or-revise", "--kpi", "OTD", "--unit", "BU_A", "--period", "2026-11",
                  "--decision", "revise", "--origin", "external", "--rationale", "tolls", user="admin")
    assert refused.exit_code == 1 and "needs the new target (--target)" in refused.output
    revised = run("targets", "hold-or-revise", "--kpi", "OTD", "--unit", "BU_A", "--period", "2026-11",
                  "--decision", "revise", "--origin", "external", "--rationale", "tolls", "--target", "89",
                  user="admin")
    assert revised.exit_code == 0 and "revision 1 submitted, awaiting someone else's approval" in revised.output
    listed = _json(run("targets", "revisions", "--status", "submitted", "--json"))
    assert [(r["kpi"], r["revised_target"]) for r in listed] == [("OTD", 89.0)]
