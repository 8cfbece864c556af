"""The framework as code: the public TOML contract, its defaults, and normalising a file (types, keys, codes).

A framework file has the tables ``company``, ``perspectives``, ``roles``, ``units``,
``users``, ``kpis``, ``objectives`` and ``targets`` (see :data:`FIELDS`). Their table
and key names are a public contract: add, never rename. Pure: no SQL, no clock; the
services pass in what the database holds as a :data:`Framework` of the same shape.

A *Framework* is ``{kind: {key: element}}`` where every element is a dict holding every
field of its kind (defaults filled in), so two frameworks compare field by field.
Targets are keyed ``KPI|UNIT|PERIOD``, one element per reporting period.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from typing import Any

from pmtui.core import periods, scoring

#: Fields of a KPI whose change alters the numbers already approved: not an edit, a change request.
SCORING_FIELDS = ("formula", "direction", "uom", "aggregation")
#: Fields locked once a KPI has approved values: the scoring fields and the reporting frequency.
LOCKED_FIELDS = (*SCORING_FIELDS, "frequency")

#: Permissions a role can carry (the services' list, repeated here to keep core pure).
PERMISSIONS = ("view", "enter_data", "approve", "edit_definitions", "edit_targets", "administer")

CODE = re.compile(r"^[A-Z][A-Z0-9_]{0,31}$")
USER_NAME = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

CHOICES = {
    "kind": ("group", "region", "business_unit", "team"),
    "confidentiality": ("public", "internal", "confidential"),
    "direction": scoring.DIRECTIONS,
    "aggregation": ("sum", "avg", "last", "min", "max"),
    "frequency": ("monthly", "quarterly", "yearly"),
    "lead_lag": ("leading", "lagging"),
    "level": ("corporate", "unit", "team"),
}

#: Months in which quarterly and yearly KPIs report (calendar months; fiscal calendars map onto them).
REPORTING_MONTHS = {"monthly": tuple(range(1, 13)), "quarterly": (3, 6, 9, 12), "yearly": (12,)}


@dataclass(frozen=True)
class Field:
    """One key of a framework table.

    Attributes:
        name: The TOML key (public contract).
        type: ``code text number int bool choice ref period date permissions links codes roles``.
        default: The value when the key is absent (``None``: no value).
        required: The key must be present.
        ref: For ``ref``/``codes``/``links``: the kind referred to.
    """

    name: str
    type: str
    default: Any = None
    required: bool = False
    ref: str | None = None


def _f(name, type_, default=None, required=False, ref=None) -> Field:
    return Field(name, type_, default, required, ref)


#: Every table of a framework file and its keys, in export order.
FIELDS: dict[str, tuple[Field, ...]] = {
    "company": (_f("name", "text", required=True), _f("currency", "text", "EUR")),
    "perspectives": (_f("code", "code", required=True), _f("name", "text", required=True),
                     _f("weight", "number", 1.0), _f("sort_order", "int", 0)),
    "roles": (_f("code", "code", required=True), _f("name", "text", required=True),
              _f("permissions", "permissions", [])),
    "units": (_f("code", "code", required=True), _f("name", "text", required=True),
              _f("kind", "choice", required=True), _f("parent", "ref", ref="units"),
              _f("confidentiality", "choice", "public"), _f("active", "bool", True)),
    "users": (_f("name", "user", required=True), _f("display_name", "text"), _f("email", "text"),
              _f("active", "bool", True), _f("roles", "roles", [])),
    "kpis": (_f("code", "code", required=True), _f("name", "text", required=True), _f("definition", "text", ""),
             _f("uom", "text", ""), _f("direction", "choice", required=True), _f("aggregation", "choice", "sum"),
             _f("frequency", "choice", "monthly"), _f("lead_lag", "choice", "lagging"), _f("financial", "bool", False),
             _f("perspective", "ref", ref="perspectives"), _f("owner_role", "ref", ref="roles"),
             _f("decimals", "int", 1), _f("confidentiality", "choice", "public"), _f("formula", "formula"),
             _f("min", "bound"), _f("max", "bound")),
    "objectives": (_f("code", "code", required=True), _f("name", "text", required=True),
                   _f("description", "text", ""), _f("level", "choice", required=True),
                   _f("unit", "ref", required=True, ref="units"),
                   _f("perspective", "ref", required=True, ref="perspectives"),
                   _f("parent", "ref", ref="objectives"), _f("owner_role", "ref", ref="roles"),
                   _f("weight", "number", 1.0), _f("confidentiality", "choice", "public"),
                   _f("kpis", "links", [], ref="kpis"), _f("causes", "codes", [], ref="objectives")),
    "targets": (_f("kpi", "ref", required=True, ref="kpis"), _f("unit", "ref", required=True, ref="units"),
                _f("from", "period", required=True), _f("to", "period", required=True),
                _f("target", "number", required=True), _f("amber", "number"), _f("target_high", "number"),
                _f("amber_high", "number")),
}
#: Kinds in the order they are applied and exported (references point backwards).
KINDS = tuple(FIELDS)
#: The key field of each kind that is a list of elements.
KEY = {"perspectives": "code", "roles": "code", "units": "code", "users": "name", "kpis": "code",
       "objectives": "code"}
TARGET_VALUES = ("target", "amber", "target_high", "amber_high")

Framework = dict[str, dict[str, dict[str, Any]]]


def empty() -> Framework:
    """A framework with no elements."""
    return {kind: {} for kind in KINDS}


@functools.lru_cache(maxsize=1024)
def _reporting(first: str, last: str, frequency: str) -> tuple[str, ...]:
    months = REPORTING_MONTHS.get(frequency, REPORTING_MONTHS["monthly"])
    return tuple(p for p in periods.span(first, last) if int(p[5:]) in months)


def reporting_periods(first: str, last: str, frequency: str) -> list[str]:
    """The periods from ``first`` to ``last`` (inclusive) in which a KPI of ``frequency`` reports."""
    return list(_reporting(first, last, frequency))


def target_key(kpi: str, unit: str, period: str) -> str:
    """The key of one target element."""
    return f"{kpi}|{unit}|{period}"


class Problems:
    """Problems found in a framework file, each naming the element and field."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        """Record ``where: message`` (``where`` like ``kpis[OTD_PCT].direction``)."""
        self.items.append(f"{where}: {message}")

    def __bool__(self) -> bool:
        return bool(self.items)


def _label(kind: str, index: int, raw: Any) -> str:
    if kind == "company":
        return "company"
    if kind == "targets" and isinstance(raw, dict):
        return f"targets[{raw.get('kpi')}|{raw.get('unit')}|{raw.get('from')}]"
    key = raw.get(KEY[kind]) if isinstance(raw, dict) else None
    # Only a printable, short key names the element; anything else (hostile or huge) goes by position.
    named = isinstance(key, str) and 0 < len(key) <= 64 and key.isprintable()
    return f"{kind}[{key}]" if named else f"{kind}[{index}]"


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _convert(field: Field, value: Any, where: str, problems: Problems) -> Any:
    """Check one value's type; return it normalised (or None after recording a problem)."""
    t = field.type
    if t == "code":
        if not isinstance(value, str) or not CODE.match(value):
            problems.add(where, f"{value!r} is not a code: 1-32 upper-case letters, digits or '_', starting with a letter")
            return None
        return value
    if t == "user":
        if not isinstance(value, str) or not USER_NAME.match(value):
            problems.add(where, f"{value!r} is not a user name: letters, digits, '.', '_' or '-'")
            return None
        return value
    if t in ("text", "formula", "ref"):
        if not isinstance(value, str) or "\x00" in value:
            problems.add(where, f"{value!r} is not text")
            return None
        if t == "text" and len(value) > 2000:
            problems.add(where, "longer than 2000 characters")
            return None
        return value.strip() if t != "text" else value
    if t == "choice":
        choices = CHOICES[field.name]
        if value not in choices:
            problems.add(where, f"{value!r} is not one of {', '.join(choices)}")
            return None
        return value
    if t == "number":
        if not _number(value):
            problems.add(where, f"{value!r} is not a number")
            return None
        if field.name == "weight" and value <= 0:
            problems.add(where, f"weight must be a positive number, not {value!r}")
            return None
        return float(value)
    if t == "bound":
        if not _number(value):
            problems.add(where, f"{value!r} is not a number")
            return None
        return float(value)
    if t == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            problems.add(where, f"{value!r} is not a whole number")
            return None
        if field.name == "decimals" and not 0 <= value <= 6:
            problems.add(where, f"decimals must be 0 to 6, not {value}")
            return None
        return value
    if t == "bool":
        if not isinstance(value, bool):
            problems.add(where, f"{value!r} is not true or false")
            return None
        return value
    if t == "period":
        if not isinstance(value, str) or not periods.is_valid(value):
            problems.add(where, f"{value!r} is not a period YYYY-MM")
            return None
        return value
    if t == "permissions":
        if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
            problems.add(where, "must be a list of permission names")
            return None
        unknown = [p for p in value if p not in PERMISSIONS]
        if unknown:
            problems.add(where, f"unknown permission(s) {', '.join(map(repr, unknown))}; use {', '.join(PERMISSIONS)}")
            return None
        return [p for p in PERMISSIONS if p in value]
    if t == "codes":
        if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
            problems.add(where, "must be a list of codes")
            return None
        return list(dict.fromkeys(value))
    if t == "links":
        return _links(value, where, problems)
    if t == "roles":
        return _roles(value, where, problems)
    raise AssertionError(t)


def _links(value: Any, where: str, problems: Problems) -> list[dict] | None:
    if not isinstance(value, list):
        problems.add(where, "must be a list of { code, weight }")
        return None
    out: dict[str, dict] = {}
    for i, link in enumerate(value):
        here = f"{where}[{i}]"
        if not isinstance(link, dict) or not isinstance(link.get("code"), str):
            problems.add(here, "must be { code = \"KPI\", weight = 1.0 }")
            continue
        extra = set(link) - {"code", "weight"}
        if extra:
            problems.add(here, f"unknown key(s) {', '.join(sorted(extra))}")
        weight = link.get("weight", 1.0)
        if not _number(weight) or weight <= 0:
            problems.add(f"{here}.weight", f"weight must be a positive number, not {weight!r}")
            continue
        if link["code"] in out:
            problems.add(here, f"KPI {link['code']} is linked twice")
        out[link["code"]] = {"code": link["code"], "weight": float(weight)}
    return list(out.values())


def _roles(value: Any, where: str, problems: Problems) -> list[dict] | None:
    if not isinstance(value, list):
        problems.add(where, "must be a list of { role, unit, from }")
        return None
    out = []
    for i, held in enumerate(value):
        here = f"{where}[{i}]"
        if not isinstance(held, dict) or not isinstance(held.get("role"), str):
            problems.add(here, "must be { role = \"ROLE\", unit = \"UNIT\" (optional), from = \"YYYY-MM-DD\" (optional) }")
            continue
        extra = set(held) - {"role", "unit", "from"}
        if extra:
            problems.add(here, f"unknown key(s) {', '.join(sorted(extra))}")
        unit, start = held.get("unit"), held.get("from")
        if unit is not None and not isinstance(unit, str):
            problems.add(f"{here}.unit", f"{unit!r} is not a unit code")
            continue
        if start is not None:
            start = start.isoformat() if hasattr(start, "isoformat") else start
            if not isinstance(start, str) or not DATE.match(start):
                problems.add(f"{here}.from", f"{start!r} is not a date YYYY-MM-DD")
                continue
        out.append({"role": held["role"], "unit": unit, "from": start})
    return out


def normalise(raw: dict) -> tuple[Framework, Problems]:
    """Turn a parsed framework file into a :data:`Framework`, checking keys and types.

    Targets (ranges in the file) are kept as ranges here under ``targets`` keyed by their
    position; :func:`pmtui.core.framework_checks.validate` expands them once the KPIs' frequencies are known.
    """
    problems = Problems()
    out = empty()
    unknown_tables = set(raw) - set(FIELDS)
    for table in sorted(unknown_tables):
        problems.add(table, f"unknown table; the tables are {', '.join(KINDS)}")
    for kind in KINDS:
        if kind not in raw:
            continue
        items = raw[kind]
        if kind == "company":
            if not isinstance(items, dict):
                problems.add("company", "must be a table [company]")
                continue
            items = [items]
        elif not isinstance(items, list):
            problems.add(kind, f"must be an array of tables [[{kind}]]")
            continue
        for index, item in enumerate(items):
            label = _label(kind, index, item)
            if not isinstance(item, dict):
                problems.add(label, "must be a table")
                continue
            element = _element(kind, item, label, problems)
            key = "company" if kind == "company" else str(index) if kind == "targets" else element[KEY[kind]]
            if key is None:
                continue
            if key in out[kind]:
                problems.add(label, f"duplicate {KEY.get(kind, 'entry')} {key!r}")
                continue
            out[kind][key] = element
    return out, problems


def _element(kind: str, item: dict, label: str, problems: Problems) -> dict:
    """The element with defaults filled in; a field with a problem holds None (and is reported)."""
    fields = {f.name: f for f in FIELDS[kind]}
    for extra in sorted(set(item) - set(fields)):
        problems.add(f"{label}.{extra}", f"unknown key; {kind} take {', '.join(fields)}")
    element: dict[str, Any] = {}
    for name, field in fields.items():
        if name not in item:
            if field.required:
                problems.add(f"{label}.{name}", "is required")
            element[name] = list(field.default) if isinstance(field.default, list) else field.default
            continue
        element[name] = _convert(field, item[name], f"{label}.{name}", problems)
    if kind == "users" and element.get("display_name") is None:
        element["display_name"] = element.get("name")
    if kind == "kpis" and element.get("formula") == "":
        element["formula"] = None
    if kind == "kpis" and None not in (element.get("min"), element.get("max")) and element["min"] > element["max"]:
        problems.add(f"{label}.max", f"{element['max']:g} is below min = {element['min']:g}")
    return element


def compress_targets(targets: dict[str, dict], frequency: dict[str, str]) -> list[dict]:
    """Targets (one per period) as file ranges: consecutive reporting periods with equal values merged.

    Args:
        targets: Target elements keyed by :func:`target_key`.
        frequency: KPI code -> frequency (to know which periods are consecutive).
    """
    ranges: list[dict] = []
    for t in sorted(targets.values(), key=lambda t: (t["kpi"], t["unit"], t["period"])):
        values = {v: t[v] for v in TARGET_VALUES}
        last = ranges[-1] if ranges else None
        if (last and last["kpi"] == t["kpi"] and last["unit"] == t["unit"]
                and {v: last.get(v) for v in TARGET_VALUES} == values
                and _next_reporting(last["to"], frequency.get(t["kpi"], "monthly")) == t["period"]):
            last["to"] = t["period"]
            continue
        ranges.append({"kpi": t["kpi"], "unit": t["unit"], "from": t["period"], "to": t["period"]} | values)
    return ranges


def _next_reporting(period: str, frequency: str) -> str:
    months = REPORTING_MONTHS.get(frequency, REPORTING_MONTHS["monthly"])
    nxt = periods.shift(period, 1)
    while int(nxt[5:]) not in months:
        nxt = periods.shift(nxt, 1)
    return nxt
