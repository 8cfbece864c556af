"""framework apply and export on files built from scratch (services, in-memory SQLite)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from pmtui.services import framework_code as fc
from pmtui.services import measurements as ms
from pmtui.services import setup, target_proposals
from pmtui.services.errors import PermissionDenied, PmError
from pmtui.services.verify import verify
from pmtui.store import audit
from pmtui.store.db import connect
from tests.builders import NOW

SMALL = (Path(__file__).parent / "small.toml").read_text()


def fresh():
    conn = connect(":memory:")
    setup.initialise(conn, company="Example", admin="admin", now=NOW)
    return conn


def head(conn) -> int:
    return audit.head(conn)[0]


def test_apply_then_apply_again_changes_nothing():
    conn = fresh()
    first = fc.apply(conn, SMALL, actor="admin", now=NOW)
    assert first.changes == 24 and first.head_after > first.head_before
    assert first.plan["kpis"].added == ["ATTENDANCES", "BREACHES", "PCT_4H"]
    assert first.plan["perspectives"].changed == {"CUS": {"name": ("Customer", "Patients"), "sort_order": (2, 0)}}
    assert first.plan["units"].not_in_file == ["GROUP"]
    again = fc.apply(conn, SMALL, actor="admin", now=NOW + timedelta(days=3))
    assert again.changes == 0
    assert again.head_before == again.head_after == first.head_after
    assert again.plan["targets"].unchanged == 12
    assert verify(conn).ok


def test_dry_run_writes_nothing():
    conn = fresh()
    before = head(conn)
    result = fc.apply(conn, SMALL, actor="admin", now=NOW, dry_run=True)
    assert result.changes == 24 and head(conn) == before
    assert conn.execute("SELECT count(*) FROM kpis").fetchone()[0] == 0


def test_export_round_trip_is_byte_identical():
    conn = fresh()
    fc.apply(conn, SMALL, actor="admin", now=NOW)
    exported = fc.export(conn, today=NOW.date())
    other = fresh()
    fc.apply(other, exported, actor="admin", now=NOW)
    assert fc.export(other, today=NOW.date()) == exported
    assert fc.apply(other, exported, actor="admin", now=NOW).changes == 0


def test_a_bad_file_changes_nothing_and_lists_every_problem():
    conn = fresh()
    before = head(conn)
    bad = SMALL.replace('direction = "lower"', 'direction = "down"').replace('parent = "GROUP"', 'parent = "NOWHERE"')
    with pytest.raises(fc.FrameworkInvalid) as caught:
        fc.apply(conn, bad, actor="admin", now=NOW)
    assert caught.value.problems == ["units[RF4].parent: unknown unit 'NOWHERE'",
                                     "kpis[BREACHES].direction: 'down' is not one of higher, lower, band"]
    assert head(conn) == before and conn.execute("SELECT count(*) FROM units").fetchone()[0] == 1


def test_toml_syntax_errors_name_line_and_column():
    with pytest.raises(fc.FrameworkInvalid, match=r"TOML syntax: .*line 2, column"):
        fc.apply(fresh(), "[company]\nname = \n", actor="admin", now=NOW)


def test_changes_are_audited_field_by_field():
    conn = fresh()
    fc.apply(conn, SMALL, actor="admin", now=NOW)
    renamed = SMALL.replace('name = "Seen within 4 hours"', 'name = "Seen in four hours"')
    result = fc.apply(conn, renamed, actor="admin", now=NOW)
    assert result.plan["kpis"].changed == {"PCT_4H": {"name": ("Seen within 4 hours", "Seen in four hours")}}
    entry = conn.execute("SELECT actor, action, old, new FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    assert (entry["actor"], entry["action"]) == ("admin", "kpis.update")
    assert '"Seen within 4 hours"' in entry["old"] and '"Seen in four hours"' in entry["new"]


def test_a_user_without_permission_is_refused_and_the_refusal_audited():
    conn = fresh()
    fc.apply(conn, SMALL, actor="admin", now=NOW)
    before = head(conn)
    with pytest.raises(PermissionDenied):
        fc.apply(conn, SMALL.replace("Nightly loader", "Loader"), actor="loader", now=NOW)
    assert head(conn) == before + 1
    assert conn.execute("SELECT action FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()[0] == "refused.administer"
    assert conn.execute("SELECT display_name FROM users WHERE name = 'loader'").fetchone()[0] == "Nightly loader"


def _with_values(conn):
    fc.apply(conn, SMALL, actor="admin", now=NOW)
    ms.enter_value(conn, "ATTENDANCES", "RF4", "2016-04", "1000", submit=True, actor="loader", now=NOW)
    ms.decide(conn, "ATTENDANCES", "RF4", "2016-04", approve=True, actor="admin", now=NOW)


def test_scoring_fields_with_approved_values_need_a_change_request():
    conn = fresh()
    _with_values(conn)
    before = head(conn)
    with pytest.raises(fc.FrameworkInvalid) as caught:
        fc.apply(conn, SMALL.replace('uom = "count"\ndirection = "higher"', 'uom = "visits"\ndirection = "higher"'),
                 actor="admin", now=NOW)
    assert caught.value.problems == ["kpis[ATTENDANCES].uom: 'count' -> 'visits' would change 1 approved values:"
                                     " not an edit, use a change request"]
    assert head(conn) == before


def test_approved_targets_are_locked_and_proposals_replaced():
    conn = fresh()
    fc.apply(conn, SMALL, actor="admin", now=NOW)
    changed = SMALL.replace("target = 95", "target = 96")
    result = fc.apply(conn, changed, actor="admin", now=NOW)
    assert len(result.plan["targets"].changed) == 12
    assert conn.execute("SELECT count(*), min(target) FROM target_proposals WHERE status = 'proposed'").fetchone()[:] == (12, 96)
    assert target_proposals.decide_all(conn, approve=True, unit="RF4", actor="lead", now=NOW)["approved"] == 12
    with pytest.raises(fc.FrameworkInvalid, match=r"targets\[PCT_4H\|RF4\|2016-04\]: the approved target \(96\) is locked"):
        fc.apply(conn, SMALL, actor="admin", now=NOW)
    assert verify(conn).ok


def test_roles_left_out_of_the_file_end_the_day_before():
    conn = fresh()
    fc.apply(conn, SMALL, actor="admin", now=NOW)
    without = SMALL.replace('roles = [{ role = "LOADER" }]', "roles = []")
    later = NOW + timedelta(days=10)
    result = fc.apply(conn, without, actor="admin", now=later)
    assert result.plan["users"].changed["loader"]["roles"][1] == []
    row = conn.execute("SELECT valid_from, valid_to FROM role_assignments a JOIN users u ON u.id = a.user_id"
                       " WHERE u.name = 'loader'").fetchone()
    assert tuple(row) == (NOW.date().isoformat(), (later.date() - timedelta(days=1)).isoformat())
    assert fc.apply(conn, without, actor="admin", now=later).changes == 0
    assert verify(conn).ok


def test_targets_score_only_once_approved_by_someone_else():
    conn = fresh()
    fc.apply(conn, SMALL, actor="admin", now=NOW)
    assert conn.execute("SELECT count(*) FROM targets").fetchone()[0] == 0
    mine = target_proposals.decide_all(conn, approve=True, actor="admin", now=NOW)
    assert mine == {"approved": 0, "skipped_own": 12, "matched": 12}
    with pytest.raises(PmError, match="needs a reason"):
        target_proposals.decide_all(conn, approve=False, actor="lead", now=NOW)
    done = target_proposals.decide_all(conn, approve=True, first="2016-04", last="2016-06", actor="lead", now=NOW)
    assert done["approved"] == 3
    assert conn.execute("SELECT count(*) FROM targets").fetchone()[0] == 3
    with pytest.raises(Exception, match="decided target proposal cannot change"):
        from pmtui.store.db import atomic
        with atomic(conn):
            conn.execute("UPDATE target_proposals SET target = 1 WHERE status = 'approved'")
    assert verify(conn).ok


def test_propose_range_refuses_a_locked_period_and_keeps_equal_ones():
    conn = fresh()
    fc.apply(conn, SMALL, actor="admin", now=NOW)
    target_proposals.decide_all(conn, approve=True, actor="lead", now=NOW)
    same = target_proposals.propose_range(conn, "PCT_4H", "RF4", "2016-04", "2017-03", 95, 90, actor="lead", now=NOW)
    assert (same["proposed"], same["unchanged"]) == (0, 12)
    more = target_proposals.propose_range(conn, "PCT_4H", "RF4", "2017-04", "2018-03", 96, 91, actor="lead", now=NOW)
    assert more["proposed"] == 12
    with pytest.raises(PmError, match="is locked"):
        target_proposals.propose_range(conn, "PCT_4H", "RF4", "2016-04", "2016-04", 99, 90, actor="lead", now=NOW)
    with pytest.raises(PermissionDenied):
        target_proposals.propose_range(conn, "PCT_4H", "RF4", "2019-04", "2019-04", 99, 90, actor="loader", now=NOW)


def test_a_group_sized_document_applies_in_bulk_and_verifies():
    """The benchmark's framework at a small scale: batch-audited links and targets replay in verify."""
    import tomli_w

    from benchmarks.apply_bench import document

    doc = document(units=7, kpis=40, measured=16)
    conn = fresh()
    result = fc.apply(conn, tomli_w.dumps(doc), actor="admin", now=NOW)
    assert (len(result.plan["units"].added), len(result.plan["kpis"].added)) == (6, 40)  # GROUP exists already
    assert conn.execute("SELECT count(*) FROM objective_kpis").fetchone()[0] == 7 * 8 * 2
    assert conn.execute("SELECT count(*) FROM target_proposals").fetchone()[0] == 7 * 16 * 12
    assert fc.apply(conn, tomli_w.dumps(doc), actor="admin", now=NOW).changes == 0
    report = verify(conn)
    assert report.ok, report.to_dict()


def test_a_kpi_declares_the_range_of_its_values():
    conn = fresh()
    fc.apply(conn, SMALL + '\n[[kpis]]\ncode = "MARGIN"\nname = "Margin"\nuom = "%"\ndirection = "higher"\n'
                           'min = -50\nmax = 60\n', actor="admin", now=NOW)
    assert tuple(conn.execute("SELECT min_value, max_value FROM kpis WHERE code = 'MARGIN'").fetchone()) == (-50, 60)
    assert 'min = -50.0\nmax = 60.0' in fc.export(conn, today=NOW.date())
    ms.enter_value(conn, "MARGIN", "RF4", "2016-04", "-12.5", actor="loader", now=NOW)  # below 0 is fine here
    with pytest.raises(PmError, match="MARGIN accepts -50 to 60: 61 is outside that range"):
        ms.enter_value(conn, "MARGIN", "RF4", "2016-05", "61", actor="loader", now=NOW)
    with pytest.raises(PmError, match=r"PCT_4H is measured in % \(0 to 100\): 101 is outside"):
        ms.enter_value(conn, "PCT_4H", "RF4", "2016-05", "101", actor="loader", now=NOW)
    with pytest.raises(fc.FrameworkInvalid, match=r"kpis\[MARGIN\].max: 60 is below min = 70"):
        fc.apply(conn, SMALL + '\n[[kpis]]\ncode = "MARGIN"\nname = "Margin"\ndirection = "higher"\nmin = 70\n'
                               'max = 60\n', actor="admin", now=NOW)


def test_proposed_targets_wait_in_the_published_awaiting_view():
    conn = fresh()
    fc.apply(conn, SMALL, actor="admin", now=NOW)
    rows = conn.execute("SELECT kind, kpi, unit, submitted_by FROM pub_awaiting_decision").fetchall()
    assert {tuple(r) for r in rows} == {("proposed target", "PCT_4H", "RF4", "admin")} and len(rows) == 12
    target_proposals.decide_all(conn, approve=True, actor="lead", now=NOW)
    assert conn.execute("SELECT count(*) FROM pub_awaiting_decision").fetchone()[0] == 0
