"""What applying a framework file would change: the plan, compared field by field.

Pure: both sides are :data:`pmtui.core.framework_spec.Framework` values. Elements in
the database but not in the file are listed as ``not_in_file`` and never touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pmtui.core.framework_spec import KINDS, Framework


@dataclass
class KindPlan:
    """The plan for one kind of element.

    Attributes:
        added: Keys of elements to create.
        changed: Key -> field -> (old, new) for elements whose fields differ.
        unchanged: How many elements of the file already match.
        not_in_file: Keys in the database that the file does not mention (left alone).
    """

    added: list[str] = field(default_factory=list)
    changed: dict[str, dict[str, tuple[Any, Any]]] = field(default_factory=dict)
    unchanged: int = 0
    not_in_file: list[str] = field(default_factory=list)

    @property
    def changes(self) -> int:
        """Elements added or changed."""
        return len(self.added) + len(self.changed)

    def to_dict(self) -> dict:
        """JSON-ready form (the keys are part of ``framework apply --json``)."""
        return {"added": self.added, "changed": {k: {f: list(v) for f, v in c.items()} for k, c in self.changed.items()},
                "unchanged": self.unchanged, "not_in_file": self.not_in_file}


def keep_role_dates(desired: Framework, current: Framework) -> None:
    """A role held in the file without ``from`` keeps the date the database has (in place)."""
    for name, user in desired.get("users", {}).items():
        held_now = {(r["role"], r["unit"]): r["from"] for r in current.get("users", {}).get(name, {}).get("roles", [])}
        for held in user.get("roles") or []:
            if held["from"] is None:
                held["from"] = held_now.get((held["role"], held["unit"]))


def diff(desired: Framework, current: Framework) -> dict[str, KindPlan]:
    """Compare the file with the database, kind by kind, in application order."""
    plan: dict[str, KindPlan] = {}
    for kind in KINDS:
        want, have = desired.get(kind, {}), current.get(kind, {})
        kp = KindPlan()
        for key, new in want.items():  # file order: the order elements are created in
            old = have.get(key)
            if old is None:
                kp.added.append(key)
                continue
            if old == new:  # the common case, compared in C
                kp.unchanged += 1
                continue
            fields = {f: (old.get(f), v) for f, v in new.items() if _comparable(old.get(f)) != _comparable(v)}
            if fields:
                kp.changed[key] = fields
            else:
                kp.unchanged += 1
        kp.not_in_file = [] if kind == "company" else sorted(set(have) - set(want))
        plan[kind] = kp
    return plan


def _comparable(value: Any) -> Any:
    """Lists of links, causes and roles held compare regardless of their order in the file."""
    if isinstance(value, list):
        return sorted(repr(sorted(v.items())) if isinstance(v, dict) else repr(v) for v in value)
    return value


def total_changes(plan: dict[str, KindPlan]) -> int:
    """Elements added or changed over all kinds."""
    return sum(kp.changes for kp in plan.values())
