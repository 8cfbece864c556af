"""Importing measurements from CSV: validate the whole file, then write it in one go.

Columns ``unit,kpi,period,value`` and optionally ``comment``. Any problem refuses the
whole file with a list of ``row N, column C: reason`` and leaves the database exactly
as it was. A valid file is written in one ``BEGIN IMMEDIATE`` transaction together with
one audit entry that carries every imported row (so ``audit verify`` can replay it).
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pmtui.core import canonical, periods, validation
from pmtui.services import users
from pmtui.services.errors import PmError, Problem, ValidationFailed
from pmtui.store import audit
from pmtui.store.audit import utc_text
from pmtui.store.db import atomic, insert_guard_suspended

REQUIRED = ("unit", "kpi", "period", "value")
OPTIONAL = ("comment",)
#: Largest file accepted, in bytes.
MAX_BYTES = 512 * 1024 * 1024
#: Problems listed before the rest are only counted.
MAX_PROBLEMS = 50
#: Columns kept per row in the audit entry; ids run on from ``first_id`` and the other
#: columns are common to the batch.
AUDIT_COLUMNS = ["kpi_id", "unit_id", "period", "value", "comment"]


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote."""

    rows: int
    units: int
    kpis: int
    first_period: str | None
    last_period: str | None
    status: str
    audit_seq: int
    sha256: str

    def to_dict(self) -> dict:
        """JSON-ready form for ``--json``."""
        return self.__dict__.copy()


def decode(data: bytes) -> str:
    """UTF-8 text of an uploaded file (BOM allowed); NUL bytes and bad UTF-8 name their row."""
    if b"\x00" in data:
        row = data[: data.index(b"\x00")].count(b"\n") + 1
        raise ValidationFailed([Problem(row, None, "contains a NUL byte (is this a binary or UTF-16 file?)")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        raise ValidationFailed([Problem(row, None, f"not valid UTF-8 (byte {data[exc.start]:#04x})")]) from None


class _Problems(list):
    def add(self, row, column, reason):
        self.append(Problem(row, column, reason))
        if len(self) >= MAX_PROBLEMS:
            raise _TooMany


class _TooMany(Exception):
    pass


def validate(conn, text: str, *, today_period: str) -> tuple[list[tuple], list[int], list[Problem]]:
    """Check every row; returns the parsed rows ``(kpi_id, unit_id, period, value, comment)``,
    their line numbers, and the problems.

    Row numbers count the header as row 1, as a spreadsheet shows them.
    """
    units = {r[0]: r[1] for r in conn.execute("SELECT code, id FROM units WHERE active = 1")}
    kpis, ranged = {}, {}
    for code, kpi_id, uom, low, high in conn.execute(
            "SELECT code, id, uom, min_value, max_value FROM kpis WHERE active = 1"):
        kpis[code] = kpi_id
        declared = validation.declared_range(uom, low, high)  # its min/max, or e.g. 0 to 100 for a %
        if declared:
            ranged[kpi_id] = (*declared, code, uom, low, high)
    problems = _Problems()
    rows: list[tuple] = []
    lines: list[int] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        try:
            header = [h.strip().lower() for h in next(reader)]
        except StopIteration:
            return [], [], [Problem(1, None, "the file is empty; expected a header unit,kpi,period,value[,comment]")]
        missing = [c for c in REQUIRED if c not in header]
        extra = [c for c in header if c not in REQUIRED + OPTIONAL]
        dup = sorted({c for c in header if header.count(c) > 1})
        for c in missing:
            problems.add(1, c, "required column is missing")
        for c in extra:
            problems.add(1, c or "(blank)", f"unknown column; expected {','.join(REQUIRED + OPTIONAL)}")
        for c in dup:
            problems.add(1, c, "column appears twice")
        if problems:
            return [], [], list(problems)
        iu, ik, ip, iv = (header.index(c) for c in REQUIRED)
        ic = header.index("comment") if "comment" in header else None
        width = len(header)
        seen: dict[tuple, int] = {}
        period_ok: dict[str, str | None] = {}
        isfinite, limit = math.isfinite, validation.MAX_ABS_VALUE
        for number, record in enumerate(reader, start=2):
            if len(record) != width:
                if not record:
                    continue
                problems.add(number, None, f"has {len(record)} fields, the header has {width}")
                continue
            unit_id = units.get(record[iu])
            kpi_id = kpis.get(record[ik])
            period = record[ip]
            if unit_id is None:
                problems.add(number, "unit", f"unknown unit code {record[iu][:40]!r}")
            if kpi_id is None:
                problems.add(number, "kpi", f"unknown KPI code {record[ik][:40]!r}")
            if period not in period_ok:  # a file has few distinct periods: check each once
                period_ok[period] = validation.period_problem(period, today_period)
            if period_ok[period]:
                problems.add(number, "period", period_ok[period])
            raw = record[iv]
            try:  # fast path for plain numbers; the slow path names the problem
                value = float(raw)
                if "_" in raw or not isfinite(value) or abs(value) > limit:
                    raise ValueError
            except ValueError:
                value = None
                try:
                    validation.parse_value(raw)
                except ValueError as exc:
                    problems.add(number, "value", str(exc))
            if value is not None and kpi_id in ranged:
                low, high, code, uom, kmin, kmax = ranged[kpi_id]
                if not low <= value <= high:
                    try:
                        validation.check_range(value, kpi=code, uom=uom, low=kmin, high=kmax)
                    except ValueError as exc:
                        problems.add(number, "value", str(exc))
            comment = record[ic] if ic is not None and record[ic] != "" else None
            if comment is not None:
                try:
                    validation.check_text(comment, field="comment")
                except ValueError as exc:
                    problems.add(number, "comment", str(exc))
            key = (unit_id, period, kpi_id)
            first = seen.setdefault(key, number)
            if first != number and unit_id is not None and kpi_id is not None:
                problems.add(number, None, f"duplicate of row {first} (same unit, kpi and period)")
            rows.append((kpi_id, unit_id, period, value, comment))
            lines.append(number)
    except csv.Error as exc:
        problems.append(Problem(reader.line_num, None, f"malformed CSV: {exc}"))
    except _TooMany:
        problems.append(Problem(None, None, f"stopped after {MAX_PROBLEMS} problems; fix these and try again"))
    return rows, lines, list(problems)


def import_measurements(conn, path: str | Path, *, actor: str, now: datetime, status: str = "submitted",
                        progress: Callable[[int], None] | None = None) -> ImportResult:
    """Validate and import a CSV file of measurements (see module docstring).

    Raises:
        ValidationFailed: listing each problem; nothing is written.
        PmError: unreadable file, too large, or the user may not enter data for a unit.
    """
    if status not in ("draft", "submitted"):
        raise PmError("imported values are 'draft' or 'submitted'; approval is a separate four-eyes step")
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise PmError(f"{path} is {size:,} bytes; the limit is {MAX_BYTES:,}")
        data = path.read_bytes()
    except OSError as exc:
        raise PmError(f"cannot read {path}: {exc.strerror}") from None
    users.user_id_of(conn, actor)
    rows, lines, problems = validate(conn, decode(data), today_period=periods.of_date(now.date()))
    if problems:
        raise ValidationFailed(problems, f"{path.name} refused, nothing imported")
    if not rows:
        raise ValidationFailed([Problem(None, None, "no data rows")], f"{path.name} refused")
    for unit_id in {r[1] for r in rows}:
        code = conn.execute("SELECT code FROM units WHERE id = ?", [unit_id]).fetchone()[0]
        users.require(conn, actor, "enter_data", unit_id, now=now, entity="measurements", key=f"import:{code}",
                      attempted={"file": path.name, "unit": code})
    digest = hashlib.sha256(data).hexdigest()
    # Every kpi_id and unit_id came from a look-up of existing codes just above, so the
    # per-row foreign-key checks would only repeat that work (they double the insert time).
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        return _write(conn, path, rows, lines, digest, status=status, actor=actor, now=now, progress=progress)
    finally:
        conn.execute("PRAGMA foreign_keys = ON")


def _write(conn, path: Path, rows: list[tuple], lines: list[int], digest: str, *, status: str, actor: str, now: datetime,
           progress) -> ImportResult:
    stamp = utc_text(now)
    with atomic(conn):
        clash = _existing(conn, rows, lines)
        if clash:
            raise ValidationFailed(clash, f"{path.name} refused, nothing imported")
        next_id = (conn.execute("SELECT coalesce(max(id), 0) FROM measurements").fetchone()[0]) + 1
        seq = audit.head(conn)[0] + 1
        submitted = (actor, stamp) if status == "submitted" else (None, None)
        # Columns that are the same for the whole batch go in as SQL literals: binding them
        # per row would double executemany's cost. Actor names are validated identifiers.
        literal = ", ".join(_quote(v) for v in (status, actor, stamp, submitted[0], submitted[1], seq))
        common = {"status": status, "entered_by": actor, "entered_at": stamp, "submitted_by": submitted[0],
                  "submitted_at": submitted[1], "decided_by": None, "decided_at": None, "reason": None,
                  "batch_seq": seq}
        payload = {"file": path.name, "sha256": digest, "first_id": next_id, "common": common,
                   "columns": AUDIT_COLUMNS, "rows": rows}
        # Serialise the audit entry in a thread while SQLite inserts: executemany releases
        # the GIL inside each sqlite3_step, so the two overlap.
        with ThreadPoolExecutor(max_workers=1) as pool, insert_guard_suspended(conn, "measurements"):
            entry_text = pool.submit(canonical.dumps, payload)
            conn.executemany(
                "INSERT INTO measurements (kpi_id, unit_id, period, value, comment, status, entered_by,"
                f" entered_at, submitted_by, submitted_at, batch_seq) VALUES (?, ?, ?, ?, ?, {literal})",
                _report(rows, progress) if progress else rows)
            new_text = entry_text.result()
        # Within this write-locked transaction SQLite numbers new rows max(id)+1 onwards.
        if conn.execute("SELECT max(id) FROM measurements").fetchone()[0] != next_id + len(rows) - 1:
            raise PmError("internal error: imported rows were not numbered consecutively; nothing imported")
        audit.append(conn, actor=actor, now=now, action="measurement.import", entity="measurements",
                     key=f"batch:{seq}", new_text=new_text)
    periods_seen = sorted({r[2] for r in rows})
    return ImportResult(len(rows), len({r[1] for r in rows}), len({r[0] for r in rows}), periods_seen[0],
                        periods_seen[-1], status, seq, digest)


def _quote(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"




def _report(params, progress):
    for i, p in enumerate(params, start=1):
        if progress and i % 10000 == 0:
            progress(10000)
        yield p


def _existing(conn, rows, lines) -> list[Problem]:
    """Rows whose unit, KPI and period already hold a value (never overwritten by an import)."""
    unit_ids = sorted({r[1] for r in rows})
    first, last = min(r[2] for r in rows), max(r[2] for r in rows)
    marks = ",".join("?" * len(unit_ids))
    if not conn.execute(f"SELECT 1 FROM measurements WHERE unit_id IN ({marks}) AND period BETWEEN ? AND ? LIMIT 1",
                        [*unit_ids, first, last]).fetchone():
        return []  # fast path: nothing stored in that range, so nothing can clash
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS _incoming (kpi_id INT, unit_id INT, period TEXT, line INT)")
    conn.execute("DELETE FROM temp._incoming")
    conn.executemany("INSERT INTO temp._incoming VALUES (?, ?, ?, ?)", ((r[0], r[1], r[2], line) for r, line in zip(rows, lines)))
    found = conn.execute(
        """SELECT i.line, m.status FROM temp._incoming i JOIN measurements m
           ON m.kpi_id = i.kpi_id AND m.unit_id = i.unit_id AND m.period = i.period ORDER BY i.line LIMIT ?""",
        [MAX_PROBLEMS]).fetchall()
    conn.execute("DELETE FROM temp._incoming")
    return [Problem(line, None, f"a value already exists for this unit, KPI and period (status {status});"
                                " change it through data entry") for line, status in found]
