"""``audit verify``: is the file exactly what its audit trail says it should be?

Four checks, each reporting the first bad entries it finds:

1. schema: the tables, views and guard triggers are exactly those the migrations made;
2. chain: entries numbered 1..N without gaps, each hash recomputed over canonical JSON
   and linked to the previous one;
3. anchor: the head kept outside the file (see :mod:`pmtui.services.anchor`) is still in
   the chain, unchanged, so truncation and a recomputed chain are caught;
4. replay: replaying every entry's new row (imports carry all their rows) gives exactly
   the rows in the tables: no unaudited row, no changed value, no missing row.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

from pmtui.core import canonical
from pmtui.store import schema

MAX_PER_KIND = 20


@dataclass(frozen=True)
class Finding:
    """One thing that does not match."""

    kind: str
    seq: int | None
    message: str


@dataclass
class Report:
    """The outcome of a verification."""

    entries: int = 0
    head: str | None = None
    anchor_seq: int | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing was found."""
        return not self.findings

    def add(self, kind: str, seq: int | None, message: str) -> None:
        """Record a finding (at most ``MAX_PER_KIND`` of each kind)."""
        if sum(f.kind == kind for f in self.findings) < MAX_PER_KIND:
            self.findings.append(Finding(kind, seq, message))

    def to_dict(self) -> dict:
        """JSON-ready form."""
        return {"ok": self.ok, "entries": self.entries, "head": self.head, "anchor_seq": self.anchor_seq,
                "findings": [f.__dict__ for f in self.findings]}


class _Shim:
    def __init__(self, conn):
        self.conn = conn


def _expected_schema() -> dict[tuple[str, str], str]:
    mem = sqlite3.connect(":memory:")
    for _name, step in schema.STEPS:
        step(_Shim(mem))
    out = {(r[0], r[1]): r[2] for r in mem.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE type IN ('table', 'view', 'trigger')")}
    mem.close()
    return out


def check_schema(conn: sqlite3.Connection, report: Report) -> None:
    """Tables, views and triggers must match what the migrations create."""
    expected = _expected_schema()
    actual = {(r[0], r[1]): r[2] for r in conn.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE type IN ('table', 'view', 'trigger')"
        " AND name NOT LIKE 'sqlite_%' AND name != '_sqlite_migrations'")}
    for key, sql in expected.items():
        if key not in actual:
            report.add("schema", None, f"{key[0]} {key[1]} is missing (dropped outside pmtui?)")
        elif actual[key] != sql:
            report.add("schema", None, f"{key[0]} {key[1]} was altered outside pmtui")
    for key in sorted(set(actual) - set(expected)):
        report.add("schema", None, f"unexpected {key[0]} {key[1]} (created outside pmtui)")


def _row_token(values) -> int:
    return hash(tuple(values))


def verify(conn: sqlite3.Connection, anchor: dict | None = None) -> Report:
    """Run all checks and return a :class:`Report` (``report.ok`` when the file is intact)."""
    report = Report()
    check_schema(conn, report)
    columns = {t: [r[1] for r in conn.execute(f"PRAGMA table_info({t})")] for t in schema.GUARDED_TABLES}
    defaults = {t: {r[1]: _default(r[4]) for r in conn.execute(f"PRAGMA table_info({t})")}
                for t in schema.GUARDED_TABLES}
    expected: dict[tuple[str, str], tuple[int | None, int]] = {}
    prev, seq_expected, broken = canonical.GENESIS, 1, False
    hashes_at: dict[int, str] = {}
    anchor_seq = int(anchor["seq"]) if anchor else None
    wanted = {anchor_seq} | {int(s) for s in (anchor or {}).get("checkpoints", {})} if anchor else set()
    cursor = conn.execute("SELECT seq, ts, actor, action, entity, entity_key, old, new, reason, prev_hash, hash"
                          " FROM audit_log ORDER BY seq")
    for row in cursor:
        entry = dict(row)
        seq = entry["seq"]
        if not broken:
            if seq != seq_expected:
                report.add("chain", seq_expected, f"entry {seq_expected} is missing (next entry is {seq})")
                broken = True
            elif entry["prev_hash"] != prev or canonical.entry_hash(prev, entry) != entry["hash"]:
                report.add("chain", seq, f"entry {seq} was altered or inserted: its hash does not match the chain")
                broken = True
        prev, seq_expected = entry["hash"], seq + 1
        report.entries += 1
        if seq in wanted:
            hashes_at[seq] = entry["hash"]
        _replay(entry, columns, defaults, expected)
    report.head = prev if report.entries else None
    if anchor:
        _check_anchor(anchor, hashes_at, report)
    _compare_tables(conn, columns, expected, report)
    return report


def _default(sql_default: str | None):
    """The value of a column's SQL default, for rows audited before the column was added."""
    if sql_default is None or sql_default.upper() == "NULL":
        return None
    if sql_default.startswith("'") and sql_default.endswith("'"):
        return sql_default[1:-1].replace("''", "'")
    try:
        return int(sql_default)
    except ValueError:
        return float(sql_default)


def _replay(entry: dict, columns: dict, defaults: dict, expected: dict) -> None:
    table = entry["entity"]
    if table not in columns:
        return
    new = json.loads(entry["new"]) if entry["new"] else None
    seq = entry["seq"]
    if entry["action"] == "measurement.import" or entry["action"].endswith(".batch"):
        # A batch entry carries its rows: {"columns", "rows", "common"?, "first_id"?}; rows
        # without "first_id" carry their own "id" column (batch updates).
        common, first = new.get("common", {}), new.get("first_id")
        names = new["columns"]
        order = columns[table]
        for offset, values in enumerate(new["rows"]):
            full = dict(zip(names, values)) | common | ({"id": first + offset} if first is not None else {})
            expected[(table, str(full["id"]))] = (seq, _row_token(full.get(c, defaults[table][c]) for c in order))
        return
    if entry["action"].startswith("refused."):
        return
    if new is None:
        expected[(table, entry["entity_key"])] = (seq, None)
    else:
        expected[(table, entry["entity_key"])] = (seq, _row_token(new.get(c, defaults[table][c])
                                                                  for c in columns[table]))


def _check_anchor(anchor: dict, hashes_at: dict, report: Report) -> None:
    seq = int(anchor["seq"])
    report.anchor_seq = seq
    if seq > report.entries:
        report.add("anchor", report.entries + 1,
                   f"audit trail truncated: the anchor records {seq} entries, the file has {report.entries}")
        return
    if seq and hashes_at.get(seq) != anchor["hash"]:
        good = [int(s) for s, h in anchor.get("checkpoints", {}).items() if hashes_at.get(int(s)) == h]
        bad = [int(s) for s, h in anchor.get("checkpoints", {}).items() if hashes_at.get(int(s)) != h]
        after = max([s for s in good if not bad or s < min(bad)], default=0)
        upto = min(bad, default=seq)
        report.add("anchor", after + 1, f"entry {seq} differs from the anchor: the chain was rewritten"
                                        f" (first change between entries {after + 1} and {upto})")


def _compare_tables(conn, columns: dict, expected: dict, report: Report) -> None:
    for table in schema.GUARDED_TABLES:
        key_col = schema.KEY_COLUMN[table]
        index = columns[table].index(key_col)
        for row in conn.execute(f"SELECT * FROM {table}"):
            key = str(row[index])
            seq, token = expected.pop((table, key), (None, -1))
            if seq is None:
                report.add("replay", None, f"{table} {key_col}={key} has no audit entry (written outside pmtui)")
            elif token is None:
                report.add("replay", seq, f"{table} {key_col}={key} was deleted by entry {seq} but is present")
            elif token != _row_token(row):
                report.add("replay", seq, f"{table} {key_col}={key} differs from its last audited state"
                                          f" (entry {seq}): changed outside pmtui")
    for (table, key), (seq, token) in sorted(expected.items(), key=lambda kv: kv[1][0]):
        if token is not None:
            report.add("replay", seq, f"{table} {schema.KEY_COLUMN[table]}={key} (entry {seq}) is missing:"
                                      " deleted outside pmtui")
