"""Importing targets from CSV as proposals: all or nothing, every problem named by row and column.

Columns ``kpi,unit,period,target,amber`` and optionally ``target_high,amber_high``
(needed for band KPIs). A row equal to the approved target or open proposal is left as
it is; a different open proposal is replaced; a different approved target refuses the
file (change it with a target revision). Periods must be reporting periods of the KPI.
"""

from __future__ import annotations

import csv
import io
import math
from datetime import datetime
from pathlib import Path

from pmtui.core import framework_spec as spec
from pmtui.core import periods, scoring
from pmtui.services import imports, target_proposals, users
from pmtui.services.errors import PmError, Problem, ValidationFailed
from pmtui.store.db import atomic

REQUIRED = ("kpi", "unit", "period", "target", "amber")
OPTIONAL = ("target_high", "amber_high")
VALUES = ("target", "amber", "target_high", "amber_high")


def _number(text: str, required: bool) -> float | None:
    if text.strip() == "":
        if required:
            raise ValueError("is required")
        return None
    value = float(text)  # ValueError names nothing useful: the caller words it
    if not math.isfinite(value):
        raise ValueError("is not a finite number")
    return value


def validate(conn, text: str) -> tuple[list[tuple], list[Problem]]:
    """Parse and check every row; returns proposal rows (:data:`target_proposals.ROW_COLUMNS`) and problems."""
    kpis = {r["code"]: r for r in conn.execute("SELECT id, code, direction, frequency FROM kpis WHERE active = 1")}
    units = dict(conn.execute("SELECT code, id FROM units WHERE active = 1").fetchall())
    problems: list[Problem] = []
    rows: list[tuple] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip().lower() for h in next(reader, [])]
        if not header:
            return [], [Problem(1, None, f"the file is empty; expected a header {','.join(REQUIRED)}")]
        for c in REQUIRED:
            if c not in header:
                problems.append(Problem(1, c, "required column is missing"))
        for c in header:
            if c not in REQUIRED + OPTIONAL:
                problems.append(Problem(1, c or "(blank)", f"unknown column; expected {','.join(REQUIRED + OPTIONAL)}"))
        if problems:
            return [], problems
        at = {c: header.index(c) for c in header}
        seen: dict[tuple, int] = {}
        for number, record in enumerate(reader, start=2):
            if not record:
                continue
            if len(record) != len(header):
                problems.append(Problem(number, None, f"has {len(record)} fields, the header has {len(header)}"))
                continue
            row = _row(number, record, at, kpis, units, problems)
            if row is None:
                continue
            first = seen.setdefault(row[:3], number)
            if first != number:
                problems.append(Problem(number, None, f"duplicate of row {first} (same kpi, unit and period)"))
                continue
            rows.append(row)
            if len(problems) >= imports.MAX_PROBLEMS:
                break
    except csv.Error as exc:
        problems.append(Problem(reader.line_num, None, f"malformed CSV: {exc}"))
    return rows, problems[: imports.MAX_PROBLEMS]


def _row(number: int, record: list[str], at: dict, kpis: dict, units: dict, problems: list) -> tuple | None:
    before = len(problems)
    kpi, unit, period = (record[at[c]].strip() for c in ("kpi", "unit", "period"))
    if kpi not in kpis:
        problems.append(Problem(number, "kpi", f"unknown KPI code {kpi[:40]!r}"))
    if unit not in units:
        problems.append(Problem(number, "unit", f"unknown unit code {unit[:40]!r}"))
    if not periods.is_valid(period):
        problems.append(Problem(number, "period", f"{period[:20]!r} is not a period YYYY-MM"))
    elif kpi in kpis and int(period[5:]) not in spec.REPORTING_MONTHS[kpis[kpi]["frequency"]]:
        problems.append(Problem(number, "period", f"{period} is not a reporting period of {kpi}"
                                                  f" ({kpis[kpi]['frequency']})"))
    values = {}
    for column in VALUES:
        try:
            values[column] = _number(record[at[column]], column == "target") if column in at else None
        except ValueError as exc:
            reason = str(exc) if "required" in str(exc) or "finite" in str(exc) else "is not a number"
            problems.append(Problem(number, column, f"{record[at[column]][:40]!r} {reason}"))
    if len(problems) > before:
        return None
    try:
        scoring.kpi_score(kpis[kpi]["direction"], None, *values.values())
        if kpis[kpi]["direction"] == "band" and values["target_high"] is None:
            raise ValueError(f"{kpi} is a band KPI: give target_high")
    except ValueError as exc:
        problems.append(Problem(number, "target", str(exc)))
        return None
    return (kpis[kpi]["id"], units[unit], period, *values.values())


def import_targets(conn, path: str | Path, *, actor: str, now: datetime) -> dict:
    """Validate a CSV of targets and propose them all in one transaction.

    Raises:
        ValidationFailed: listing each problem; nothing is written.
        PermissionDenied: the actor lacks ``edit_targets`` for a unit (audited).
    """
    path = Path(path)
    try:
        if path.stat().st_size > imports.MAX_BYTES:
            raise PmError(f"{path} is larger than {imports.MAX_BYTES:,} bytes")
        data = path.read_bytes()
    except OSError as exc:
        raise PmError(f"cannot read {path}: {exc.strerror}") from None
    users.user_id_of(conn, actor)
    rows, problems = validate(conn, imports.decode(data))
    if not problems and not rows:
        problems = [Problem(None, None, "no data rows")]
    if problems:
        raise ValidationFailed(problems, f"{path.name} refused, nothing imported")
    target_proposals.require_units(conn, actor, {r[1] for r in rows}, now=now, key=f"import:{path.name}")
    new, replaced, same, locked = [], 0, 0, []
    with atomic(conn):
        for number, row in enumerate(rows, start=2):
            state = target_proposals.current(conn, row[0], row[1], row[2])
            if state and state[1] == tuple(row[3:]):
                same += 1
                continue
            if state and state[0] == "approved":
                locked.append(Problem(number, "target", f"the approved target ({state[1][0]:g}) is locked:"
                                                        " change it with 'pmtui targets revise'"))
                continue
            if state:
                target_proposals.withdraw(conn, row[0], row[1], row[2], actor=actor, now=now)
                replaced += 1
            new.append(row)
        if locked:
            raise ValidationFailed(locked[: imports.MAX_PROBLEMS], f"{path.name} refused, nothing imported")
        proposed = target_proposals.propose_rows(conn, new, actor=actor, now=now, source=f"import {path.name}")
    return {"file": path.name, "rows": len(rows), "proposed": proposed, "replaced": replaced, "unchanged": same}
