"""The framework as code: ``framework apply`` and ``framework export`` over one file.

``apply`` reads a TOML framework (see :mod:`pmtui.core.framework_spec`), validates all of
it against itself and the database, compares it with the database
(:mod:`pmtui.core.framework_plan`) and writes the plan as one audited transaction.
It never deletes: elements missing from the file are reported as ``not_in_file``.
``export`` writes the database's framework in a stable order, so that applying an
export to an empty file and exporting again gives the same bytes.
"""

from __future__ import annotations

import sqlite3
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import tomli_w

from pmtui.core import framework_checks
from pmtui.core import framework_plan as fplan
from pmtui.core import framework_spec as spec
from pmtui.services import framework_state, framework_writes, users
from pmtui.services.errors import PmError
from pmtui.store import audit
from pmtui.store.db import atomic

#: The largest framework file accepted (a 2,000-KPI group with a year of targets is ~6 MB).
MAX_BYTES = 64 * 1024 * 1024


class FrameworkInvalid(PmError):
    """The file was refused; ``problems`` names each element and field at fault."""

    def __init__(self, problems: list[str], source: str) -> None:
        self.problems = problems
        super().__init__(f"{source} refused, nothing written: {len(problems)} problem(s)\n" + "\n".join(problems))


@dataclass
class ApplyResult:
    """What ``apply`` found and did."""

    plan: dict[str, fplan.KindPlan]
    dry_run: bool
    head_before: int
    head_after: int

    @property
    def changes(self) -> int:
        """Elements added or changed."""
        return fplan.total_changes(self.plan)

    def to_dict(self) -> dict:
        """JSON-ready form; the keys are part of ``framework apply --json``."""
        return {"dry_run": self.dry_run, "changes": self.changes, "audit_head_before": self.head_before,
                "audit_head_after": self.head_after, "kinds": {k: p.to_dict() for k, p in self.plan.items()}}


def parse(text: str, source: str = "framework file") -> dict:
    """Parse TOML text; a syntax error names its line and column.

    rtoml (Rust) parses a group-sized file (3 MB, 20,000 target ranges) in 0.1 s where
    the standard library takes 0.5 s; errors are reported with the standard library's
    wording, whichever parser found them.
    """
    try:
        return _fast_loads(text)
    except Exception:  # noqa: BLE001 - any rtoml error: let tomllib name it the usual way
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise FrameworkInvalid([f"TOML syntax: {exc}"], source) from None


try:
    from rtoml import loads as _fast_loads
except ImportError:  # pragma: no cover - platforms without an rtoml wheel
    _fast_loads = tomllib.loads


def read_file(path: str) -> str:
    """The text of a framework file (size-capped, UTF-8)."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise PmError(f"cannot read {path}: {exc.strerror}") from None
    if len(data) > MAX_BYTES:
        raise PmError(f"{path} is larger than {MAX_BYTES:,} bytes")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FrameworkInvalid([f"not UTF-8 text (byte {exc.start})"], path) from None


def plan(conn: sqlite3.Connection, raw: dict, *, today: date, source: str = "framework file"
         ) -> tuple[spec.Framework, framework_state.State, dict[str, fplan.KindPlan]]:
    """Validate ``raw`` against the database and compute the plan (nothing is written).

    Raises:
        FrameworkInvalid: every problem, each naming the element and field.
    """
    desired, problems = spec.normalise(raw)
    state = framework_state.read(conn, today)
    problems.items += framework_checks.validate(desired, state.framework, approved=state.approved).items
    fplan.keep_role_dates(desired, state.framework)
    result = fplan.diff(desired, state.framework)
    for key in result["targets"].changed:
        if key in state.locked_targets:
            old = state.framework["targets"][key]
            problems.add(f"targets[{key}]", f"the approved target ({old['target']:g}) is locked: change it with"
                                            " 'pmtui targets revise' (a reason and another person's approval)")
    if problems:
        order = {kind: i for i, kind in enumerate(("TOML", *spec.KINDS))}
        problems.items.sort(key=lambda p: order.get(p.split("[", 1)[0].split(":", 1)[0].split(".", 1)[0], 99))
        raise FrameworkInvalid(problems.items, source)
    return desired, state, result


def apply(conn, text: str, *, actor: str, now: datetime, dry_run: bool = False,
          source: str = "framework file") -> ApplyResult:
    """Validate and apply a framework file as one audited transaction (or only plan it).

    Raises:
        FrameworkInvalid: the file has problems; nothing is written.
        PermissionDenied: the actor may not change some of it (the refusal is audited).
    """
    return apply_document(conn, parse(text, source), actor=actor, now=now, dry_run=dry_run, source=source)


def apply_document(conn, raw: dict, *, actor: str, now: datetime, dry_run: bool = False,
                   source: str = "framework") -> ApplyResult:
    """:func:`apply` for a framework already parsed into a dict (the demo builder's path)."""
    if actor != users.SYSTEM:
        users.user_id_of(conn, actor)
    head_before = audit.head(conn)[0]
    desired, state, result = plan(conn, raw, today=now.date(), source=source)
    if dry_run or not fplan.total_changes(result):
        return ApplyResult(result, dry_run, head_before, head_before)
    framework_writes.check_permissions(conn, desired, result, actor=actor, now=now)
    with atomic(conn):
        framework_writes.write(conn, desired, state, result, actor=actor, now=now)
    return ApplyResult(result, dry_run, head_before, audit.head(conn)[0])


def export(conn: sqlite3.Connection, *, today: date) -> str:
    """The database's framework as TOML text, in a stable order."""
    fw = framework_state.read(conn, today).framework
    frequency = {code: k["frequency"] for code, k in fw["kpis"].items()}
    doc: dict[str, Any] = {}
    if fw["company"]:
        doc["company"] = _clean("company", fw["company"]["company"])
    for kind in spec.KINDS[1:]:
        if kind == "targets":
            items = spec.compress_targets(fw["targets"], frequency)
        else:
            items = [fw[kind][key] for key in framework_state.export_order(kind, fw[kind])]
        if items:
            doc[kind] = [_clean(kind, item) for item in items]
    return tomli_w.dumps(doc)


def _clean(kind: str, element: dict) -> dict:
    """Drop what TOML cannot hold or need not say: None, and optional keys at their default."""
    defaults = {f.name: f.default for f in spec.FIELDS[kind] if not f.required}
    out = {}
    for key, value in element.items():
        if value is None or (key in defaults and value == defaults[key]):
            continue
        if kind == "users" and key == "display_name" and value == element["name"]:
            continue
        if isinstance(value, list):
            value = [{k: v for k, v in item.items() if v is not None} if isinstance(item, dict) else item
                     for item in value]
        out[key] = value
    return out
