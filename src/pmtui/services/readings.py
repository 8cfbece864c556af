"""Importing source readings from CSV (``kpi,unit,period,source,value``).

Readings are what each source system reports for a KPI x unit x period; they are
compared with each other and with the stored value to find conflicting data. The
whole file is checked first (row and column of every problem) and written in one
audited transaction, or not at all. A source that reports again replaces its reading.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

from pmtui.core import periods, validation
from pmtui.services import imports, users
from pmtui.services.errors import PmError, Problem, ValidationFailed
from pmtui.services.framework import id_of
from pmtui.store import audit
from pmtui.store.audit import utc_text
from pmtui.store.db import atomic

COLUMNS = ("kpi", "unit", "period", "source", "value")
#: Largest readings file accepted, in bytes (readings are summaries, not raw feeds).
MAX_BYTES = 32 * 1024 * 1024
MAX_PROBLEMS = 50


def _text(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise PmError(f"{path} is larger than {MAX_BYTES:,} bytes")
        data = path.read_bytes()
    except OSError as exc:
        raise PmError(f"cannot read {path}: {exc.strerror}") from None
    try:
        return imports.decode(data)
    except ValidationFailed as exc:
        raise ValidationFailed(exc.problems, f"{path.name} refused, nothing imported") from None


def validate(conn, text: str, today_period: str) -> tuple[list[dict], list[Problem]]:
    """Parse every row (header is row 1); returns ``(rows, problems)``."""
    codes = {t: dict(conn.execute(f"SELECT code, id FROM {t}")) for t in ("kpis", "units", "data_sources")}
    problems: list[Problem] = []
    rows: list[dict] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        if sorted(header) != sorted(COLUMNS):
            return [], [Problem(1, None, f"header must be {','.join(COLUMNS)} (found {','.join(header) or 'nothing'})")]
        seen: dict[tuple, int] = {}
        for number, record in enumerate(reader, start=2):
            if not record:
                continue
            if len(record) != len(header):
                problems.append(Problem(number, None, f"has {len(record)} fields, the header has {len(header)}"))
                continue
            cell = dict(zip(header, (c.strip() for c in record)))
            row = {"line": number, "period": cell["period"]}
            for column, table in (("kpi", "kpis"), ("unit", "units"), ("source", "data_sources")):
                row[column] = codes[table].get(cell[column])
                if row[column] is None:
                    problems.append(Problem(number, column, f"unknown {column} code {cell[column][:40]!r}"))
            if not periods.is_valid(cell["period"]):
                problems.append(Problem(number, "period", f"{cell['period'][:20]!r} is not a period YYYY-MM"))
            elif cell["period"] > today_period:
                problems.append(Problem(number, "period", f"{cell['period']} is in the future"))
            try:
                row["value"] = validation.parse_value(cell["value"])
            except ValueError as exc:
                problems.append(Problem(number, "value", str(exc)))
            key = (cell["kpi"], cell["unit"], cell["period"], cell["source"])
            if seen.setdefault(key, number) != number:
                problems.append(Problem(number, None, f"duplicate of row {seen[key]} (same kpi, unit, period, source)"))
            rows.append(row)
            if len(problems) >= MAX_PROBLEMS:
                problems.append(Problem(None, None, f"stopped after {MAX_PROBLEMS} problems"))
                break
    except csv.Error as exc:
        problems.append(Problem(reader.line_num, None, f"malformed CSV: {exc}"))
    return rows, problems


def import_readings(conn, path: str | Path, *, actor: str, now: datetime) -> dict:
    """Validate and import a readings file (see the module docstring).

    Raises:
        ValidationFailed: listing each problem; nothing is written.
        PmError: unreadable file, or no ``enter_data`` permission for a unit.
    """
    path = Path(path)
    users.user_id_of(conn, actor)
    rows, problems = validate(conn, _text(path), periods.of_date(now.date()))
    if not problems and not rows:
        problems = [Problem(None, None, "no data rows")]
    if problems:
        raise ValidationFailed(problems, f"{path.name} refused, nothing imported")
    for unit_id in sorted({r["unit"] for r in rows}):
        users.require(conn, actor, "enter_data", unit_id, now=now, entity="source_readings",
                      key=f"import:{unit_id}", attempted={"file": path.name})
    result = _write(conn, rows, actor=actor, now=now, reason=f"import {path.name}")
    return {"file": path.name, "rows": len(rows)} | result


def record(conn, readings: list[tuple[str, str, str, str, float]], *, actor: str, now: datetime) -> dict:
    """Store ``(kpi, unit, period, source, value)`` readings received at ``now`` (feeds, the demo).

    Raises:
        PmError: an unknown code, or no ``enter_data`` permission for a unit.
    """
    rows = []
    for kpi, unit, period, source, value in readings:
        rows.append({"kpi": id_of(conn, "kpis", kpi, "KPI"), "unit": id_of(conn, "units", unit, "unit"),
                     "source": id_of(conn, "data_sources", source, "source"), "period": period,
                     "value": float(value)})
    for unit_id in sorted({r["unit"] for r in rows}):
        users.require(conn, actor, "enter_data", unit_id, now=now, entity="source_readings",
                      key=f"record:{unit_id}", attempted={"readings": len(rows)})
    return _write(conn, rows, actor=actor, now=now, reason=None)


def _write(conn, rows: list[dict], *, actor: str, now: datetime, reason: str | None) -> dict:
    stamp, added, replaced = utc_text(now), 0, 0
    with atomic(conn):
        for r in rows:
            values = {"value": r["value"], "received_at": stamp}
            old = conn.execute("SELECT id FROM source_readings WHERE kpi_id = ? AND unit_id = ? AND period = ?"
                               " AND source_id = ?", [r["kpi"], r["unit"], r["period"], r["source"]]).fetchone()
            if old:
                audit.update(conn, "source_readings", old[0], values, actor=actor, now=now, action="reading.replace",
                             reason=reason)
                replaced += 1
            else:
                audit.insert(conn, "source_readings", values | {"kpi_id": r["kpi"], "unit_id": r["unit"],
                             "period": r["period"], "source_id": r["source"]}, actor=actor, now=now,
                             action="reading.import", reason=reason)
                added += 1
    return {"added": added, "replaced": replaced}
