"""Checks of a framework file against itself and the database: references, cycles, formulas, locks, targets.

Pure, like :mod:`pmtui.core.framework_spec` (whose normalised :data:`Framework` it reads);
the services pass in what the database holds.
"""

from __future__ import annotations

from pmtui.core import expr, kpi_graph, scoring
from pmtui.core.framework_spec import (FIELDS, KINDS, LOCKED_FIELDS, TARGET_VALUES, Framework, Problems,
                                       reporting_periods, target_key)


def validate(desired: Framework, current: Framework, *, approved: dict[str, int] | None = None) -> Problems:
    """Check references, cycles, formulas and targets of ``desired`` against itself and ``current``.

    Expands ``desired["targets"]`` in place from ranges to one element per reporting period.

    Args:
        desired: The normalised file (see :func:`normalise`).
        current: What the database holds now.
        approved: KPI code -> number of approved values (scoring fields of those are locked).
    """
    problems = Problems()
    merged = {kind: current.get(kind, {}) | desired.get(kind, {}) for kind in KINDS}
    _check_refs(desired, merged, problems)
    _check_cycle(desired, merged, "units", problems)
    _check_cycle(desired, merged, "objectives", problems)
    _check_formulas(desired, merged, problems)
    _check_locked(desired, current, approved or {}, problems)
    desired["targets"] = _expand_targets(desired.get("targets", {}), merged, problems)
    return problems


def _check_refs(desired: Framework, merged: Framework, problems: Problems) -> None:
    for kind in KINDS:
        for key, element in desired.get(kind, {}).items():
            label = f"targets[{element.get('kpi')}|{element.get('unit')}|{element.get('from')}]" \
                if kind == "targets" else f"{kind}[{key}]"
            for field in FIELDS[kind]:
                value = element.get(field.name)
                if value is None or not field.ref:
                    continue
                known = merged[field.ref]
                what = field.ref.rstrip("s")
                if field.type == "ref" and value not in known:
                    problems.add(f"{label}.{field.name}", f"unknown {what} {value!r}")
                elif field.type == "codes":
                    for code in value:
                        if code not in known:
                            problems.add(f"{label}.{field.name}", f"unknown {what} {code!r}")
                elif field.type == "links":
                    for i, link in enumerate(value):
                        if link["code"] not in known:
                            problems.add(f"{label}.{field.name}[{i}].code", f"unknown KPI {link['code']!r}")
            if kind == "users":
                for i, held in enumerate(element.get("roles") or []):
                    if held["role"] not in merged["roles"]:
                        problems.add(f"{label}.roles[{i}].role", f"unknown role {held['role']!r}")
                    if held["unit"] is not None and held["unit"] not in merged["units"]:
                        problems.add(f"{label}.roles[{i}].unit", f"unknown unit {held['unit']!r}")


def _check_cycle(desired: Framework, merged: Framework, kind: str, problems: Problems) -> None:
    parent = {key: e.get("parent") for key, e in merged[kind].items()}
    reported: set[str] = set()
    for start in sorted(desired.get(kind, {})):
        seen, node = [start], parent.get(start)
        while node is not None and node in parent:
            if node in seen:
                loop = seen[seen.index(node):] + [node]
                if not reported & set(loop):
                    problems.add(f"{kind}[{start}].parent", f"cycle: {' -> '.join(loop)}")
                reported |= set(loop)
                break
            seen.append(node)
            node = parent.get(node)


def _check_formulas(desired: Framework, merged: Framework, problems: Problems) -> None:
    graph: dict[str, set[str]] = {}
    for code, kpi in merged["kpis"].items():
        if not kpi.get("formula"):
            continue
        try:
            refs = expr.references(expr.parse(kpi["formula"]))
        except ValueError as exc:
            if code in desired["kpis"]:
                problems.add(f"kpis[{code}].formula", f"does not parse: {exc}")
            continue
        unknown = sorted(refs - set(merged["kpis"]))
        if unknown and code in desired["kpis"]:
            problems.add(f"kpis[{code}].formula", f"names unknown KPI(s) {', '.join(unknown)}")
        graph[code] = refs
    cycle = kpi_graph.find_cycle(graph)
    if cycle:
        problems.add(f"kpis[{cycle[0]}].formula", f"formulas refer to each other in a cycle: {' -> '.join(cycle)}")


def _check_locked(desired: Framework, current: Framework, approved: dict[str, int], problems: Problems) -> None:
    for code, kpi in desired["kpis"].items():
        old = current.get("kpis", {}).get(code)
        if old is None or not approved.get(code):
            continue
        for field in LOCKED_FIELDS:
            if kpi.get(field) != old.get(field):
                problems.add(f"kpis[{code}].{field}",
                             f"{old.get(field)!r} -> {kpi.get(field)!r} would change {approved[code]:,} approved"
                             " values: not an edit, use a change request")


def _expand_targets(ranges: dict, merged: Framework, problems: Problems) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for t in ranges.values():
        label = f"targets[{t.get('kpi')}|{t.get('unit')}|{t.get('from')}]"
        kpi = merged["kpis"].get(t.get("kpi"))
        if (kpi is None or t.get("unit") not in merged["units"] or kpi.get("direction") is None
                or None in (t.get("from"), t.get("to"), t.get("target"))):
            continue  # already reported (an unknown KPI or unit, the KPI's direction, a bad value)
        if t["from"] > t["to"]:
            problems.add(f"{label}.to", f"{t['to']} is before from = {t['from']}")
            continue
        values = {v: t.get(v) for v in TARGET_VALUES}
        try:
            scoring.kpi_score(kpi["direction"], None, **values)
        except ValueError as exc:
            problems.add(f"{label}.target", f"{exc} (KPI {t['kpi']} is {kpi['direction']})")
            continue
        if kpi["direction"] == "band" and values["target_high"] is None:
            problems.add(f"{label}.target_high", f"KPI {t['kpi']} is a band KPI: give target and target_high")
            continue
        spanned = reporting_periods(t["from"], t["to"], kpi["frequency"] or "monthly")
        if not spanned:
            problems.add(label, f"no {kpi['frequency']} reporting period between {t['from']} and {t['to']}")
        for period in spanned:
            key = target_key(t["kpi"], t["unit"], period)
            if key in out:
                problems.add(label, f"{period} is already covered by another target range of {t['kpi']} at {t['unit']}")
                break
            out[key] = {"kpi": t["kpi"], "unit": t["unit"], "period": period} | values
    return out
