"""CSV import: the whole file is validated first; any problem leaves the database untouched."""

from __future__ import annotations

import pytest

from pmtui.services import imports, verify
from pmtui.services.errors import PermissionDenied, ValidationFailed


def _count(conn, table="measurements"):
    return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def _write(tmp_path, text, name="in.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


GOOD = "unit,kpi,period,value,comment\nBU_A,REV,2026-10,101.5,ok\nBU_A,DEFECTS,2026-10,480,\n"


def test_good_file_is_imported_with_one_audit_entry(mini, now, tmp_path):
    before, audit_before = _count(mini), _count(mini, "audit_log")
    result = imports.import_measurements(mini, _write(tmp_path, GOOD), actor="ann", now=now)
    assert result.rows == 2 and result.status == "submitted"
    assert _count(mini) == before + 2
    assert _count(mini, "audit_log") == audit_before + 1
    assert verify.verify(mini).ok


def test_bom_is_accepted(mini, now, tmp_path):
    result = imports.import_measurements(mini, _write(tmp_path, "\ufeff" + GOOD), actor="ann", now=now)
    assert result.rows == 2


BAD_CASES = [
    ("unit,kpi,period,value\nBU_X,REV,2026-10,1\n", "row 2, column unit: unknown unit code 'BU_X'"),
    ("unit,kpi,period,value\nBU_A,NOPE,2026-10,1\n", "row 2, column kpi: unknown KPI code 'NOPE'"),
    ("unit,kpi,period,value\nBU_A,REV,2026-13,1\n", "row 2, column period: '2026-13' is not a period YYYY-MM"),
    ("unit,kpi,period,value\nBU_A,REV,2027-01,1\n", "row 2, column period: 2027-01 is in the future"),
    ("unit,kpi,period,value\nBU_A,REV,2026-10,abc\n", "row 2, column value: 'abc' is not a number"),
    ("unit,kpi,period,value\nBU_A,REV,2026-10,NaN\n", "row 2, column value: 'NaN' is not a finite number"),
    ("unit,kpi,period,value\nBU_A,REV,2026-10,inf\n", "row 2, column value: 'inf' is not a finite number"),
    ("unit,kpi,period,value\nBU_A,REV,2026-10,1,000\n", "row 2: has 5 fields, the header has 4"),
    ("unit,kpi,period,value\nBU_A,REV,2026-10,\n", "row 2, column value: value is empty"),
    ("unit,kpi,period,value\nBU_A,REV,2026-10,1\nBU_A,REV,2026-10,2\n", "row 3: duplicate of row 2"),
    ("unit,kpi,period,value,comment\nBU_A,REV,2026-10,1,=HYPERLINK(\"x\")\n", "row 2, column comment: comment starts with '='"),
    ("unit,kpi,value\nBU_A,REV,1\n", "row 1, column period: required column is missing"),
    ("unit,kpi,period,value,colour\nBU_A,REV,2026-10,1,red\n", "row 1, column colour: unknown column"),
    ("unit,kpi,period,value\nBU_A,REV,2026-09,1\n", "row 2: a value already exists"),
    ("unit,kpi,period,value\nBU_A,REV,2026-10,\"1\n", "malformed CSV"),
    ("", "row 1: the file is empty"),
    ("unit,kpi,period,value\n", "no data rows"),
    (b"unit,kpi,period,value\nBU_A,REV,2026-10,1\x00\n", "row 2: contains a NUL byte"),
    (b"unit,kpi,period,value\nBU_A,REV,2026-10,\xff\n", "row 2: not valid UTF-8"),
]


@pytest.mark.parametrize("text, message", BAD_CASES)
def test_bad_file_is_refused_and_nothing_changes(mini, now, tmp_path, text, message):
    before = mini.execute("SELECT count(*), (SELECT count(*) FROM audit_log) FROM measurements").fetchone()
    with pytest.raises(ValidationFailed) as caught:
        imports.import_measurements(mini, _write(tmp_path, text), actor="ann", now=now)
    assert message in str(caught.value)
    after = mini.execute("SELECT count(*), (SELECT count(*) FROM audit_log) FROM measurements").fetchone()
    assert tuple(before) == tuple(after)


def test_one_bad_row_among_many_names_it(mini, now, tmp_path):
    rows = [f"BU_A,REV,{y}-{m:02d},{100 + m}" for y in (2024, 2025) for m in range(1, 13)]
    rows[17] = "BU_A,REV,2025-06,12O"
    with pytest.raises(ValidationFailed) as caught:
        imports.import_measurements(mini, _write(tmp_path, "unit,kpi,period,value\n" + "\n".join(rows)),
                                    actor="ann", now=now)
    assert [str(p) for p in caught.value.problems] == ["row 19, column value: '12O' is not a number"]


def test_user_without_permission_is_refused_and_audited(mini, now, tmp_path):
    audit_before = _count(mini, "audit_log")
    with pytest.raises(PermissionDenied):
        imports.import_measurements(mini, _write(tmp_path, GOOD), actor="bob", now=now)
    assert _count(mini, "audit_log") == audit_before + 1
    assert mini.execute("SELECT action FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()[0] == "refused.enter_data"


def test_import_then_verify_replays_imported_rows(mini, now, tmp_path):
    imports.import_measurements(mini, _write(tmp_path, GOOD), actor="ann", now=now)
    mini.execute("DROP TRIGGER guard_measurements_update")
    mini.execute("UPDATE measurements SET value = 0 WHERE period = '2026-10' AND kpi_id = 1")
    findings = verify.verify(mini).findings
    assert any(f.kind == "replay" and "differs" in f.message for f in findings)
