"""Building the demo company from ``fixtures/demo_company.toml`` through the services.

Everything goes through the same audited services a user would call, so the demo's
audit trail is complete and ``audit verify`` passes on it. The history is synthetic
but deterministic (:mod:`pmtui.core.series`): the same file every time.
"""

from __future__ import annotations

import importlib
import os
import statistics
import tomllib
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from pmtui.core import periods, series
from pmtui.services import anchor, approvals, framework as fw, framework_code, measurements as ms, users
from pmtui.services.errors import PmError
from pmtui.store.db import atomic, connect

#: Units of measure whose level grows with the size of a unit (scaled per unit).
SIZED_UOMS = ("EUR k", "count", "t CO2e", "MWh")
#: Months in which quarterly KPIs are reported.
QUARTER_ENDS = ("03", "06", "09", "12")
#: Modules with a ``populate(conn, *, now)`` that add a feature area's demo data, in order.
EXTENSIONS: tuple[str, ...] = ("pmtui.services.demo_strategy", "pmtui.services.demo_allocation",
                               "pmtui.services.demo_measurement", "pmtui.services.demo_formulas",
                               "pmtui.services.demo_spc", "pmtui.services.demo_initiatives",
                               "pmtui.services.demo_actions", "pmtui.services.demo_reviews",
                               "pmtui.services.demo_corrections", "pmtui.services.demo_governance",
                               "pmtui.services.demo_disputes", "pmtui.services.demo_controls")
#: The user the demo TUI acts as.
DEMO_USER = "demo"
#: The copy of the demo definition shipped in the package, for installs without a checkout.
PACKAGED_FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _fixtures_folder() -> Path:
    """PMTUI_FIXTURES, else the checkout's ``fixtures/``, else the copy shipped in the package."""
    if "PMTUI_FIXTURES" in os.environ:
        return Path(os.environ["PMTUI_FIXTURES"])
    checkout = Path(__file__).resolve().parents[3] / "fixtures"
    return checkout if (checkout / "demo_company.toml").is_file() else PACKAGED_FIXTURES


#: The folder of the demo definition: the repository's ``fixtures/`` when running from a
#: checkout, else the identical copy in ``pmtui/fixtures/`` (a wheel); override with PMTUI_FIXTURES.
FIXTURES = _fixtures_folder()


def load_definition(path: Path | None = None) -> dict:
    """Read the demo company definition."""
    path = path or FIXTURES / "demo_company.toml"
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise PmError(f"demo definition not found at {path} (set PMTUI_FIXTURES to the fixtures folder)") from None


def expand_objectives(definition: dict) -> list[dict]:
    """Objectives with ``units = [...]`` templates expanded to one per unit (code ``<code>_<UNIT>``)."""
    templates = {o["code"]: o for o in definition["objectives"] if "units" in o}
    unit_parent = {u["code"]: u.get("parent") for u in definition["units"]}
    out = []
    for obj in definition["objectives"]:
        for unit in obj.get("units", [obj.get("unit")]):
            item = {k: v for k, v in obj.items() if k != "units"} | {"unit": unit}
            if "units" in obj:
                item["code"] = f"{obj['code']}_{unit}"
                parent = obj.get("parent")
                if parent in templates:
                    up = unit if unit in templates[parent]["units"] else unit_parent.get(unit)
                    item["parent"] = f"{parent}_{up}"
            out.append(item)
    order = {"corporate": 0, "unit": 1, "team": 2}
    return sorted(out, key=lambda o: order[o["level"]])


#: Keys of the demo definition that drive generation, not the framework (left out of the framework file).
GENERATION_KEYS = {"company": ("first_period", "seed"), "kpis": ("applies_to", "model", "target")}


def framework_document(spec: dict) -> dict:
    """The demo's framework as a framework-as-code document (what ``pmtui framework apply`` takes).

    Generation settings are left out; objective templates are expanded; every role is
    held from 2023-01-01, before the demo's history starts.
    """
    drop = GENERATION_KEYS
    doc = {"company": {k: v for k, v in spec["company"].items() if k not in drop["company"]},
           "perspectives": spec["perspectives"], "roles": spec["roles"], "units": spec["units"],
           "users": [u | {"roles": [r | {"from": "2023-01-01"} for r in u["roles"]]} for u in spec["users"]],
           "kpis": [{k: v for k, v in kpi.items() if k not in drop["kpis"]} for kpi in spec["kpis"]],
           "objectives": expand_objectives(spec)}
    return doc


def _stamp(period: str, day: int, hour: int) -> datetime:
    year, month = periods.parse(periods.shift(period, 1))
    return datetime.combine(date(year, month, 1) + timedelta(days=day - 1), time(hour), tzinfo=timezone.utc)


def build_demo(path: str | Path, *, now: datetime, rebuild: bool = False, definition: dict | None = None) -> dict:
    """Build the demo file at ``path`` (written to a temporary file, then moved into place).

    Returns:
        Counts of what was created, for the command's summary line.
    """
    path = Path(path)
    if path.exists() and not rebuild:
        raise PmError(f"{path} already exists (use --rebuild)")
    spec = definition or load_definition()
    tmp = path.with_name(path.name + ".building")
    for stale in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
        stale.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = connect(tmp)
    try:
        counts = _populate(conn, spec, now)
        anchor.write(conn, tmp, now)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    for suffix in ("", "-wal", "-shm", ".anchor.json"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    os.replace(tmp, path)
    os.replace(f"{tmp}.anchor.json", f"{path}.anchor.json")
    return counts


def _populate(conn, spec: dict, now: datetime) -> dict:
    company = spec["company"]
    n = 36
    months = series.month_periods(company["first_period"], n)
    setup_time = _stamp(periods.shift(months[0], -1), 1, 8)
    a = {"actor": users.SYSTEM, "now": setup_time}
    objectives = expand_objectives(spec)
    with atomic(conn):
        framework_code.apply_document(conn, framework_document(spec), source="demo framework", **a)
        fw.set_setting(conn, "commentary_required_from", "2026-11-10", **a)  # adopted after the October close (M7.5)
        # A demo is shown by switching between its people (j in the TUI): anyone may switch here.
        fw.set_setting(conn, approvals.SWITCH_SETTING, "anyone", **a)
    pairs = sorted({(link["code"], o["unit"]) for o in objectives for link in o.get("kpis", [])})
    kpis = {k["code"]: k for k in spec["kpis"]}
    values = {pair: _series(kpis[pair[0]], pair[1], months, spec) for pair in pairs}
    _set_targets(conn, kpis, values, months, setup_time)
    people = {unit: _people(conn, unit, setup_time.date()) for unit in {u for _, u in pairs}}
    quarterly = {code: k.get("frequency") == "quarterly" for code, k in kpis.items()}
    written = _enter_history(conn, pairs, values, months, people, spec.get("scenarios", []), quarterly)
    for name in EXTENSIONS:  # feature areas add their own demo data after the core company
        importlib.import_module(name).populate(conn, now=now)
    return {"units": len(spec["units"]), "KPIs": len(kpis), "objectives": len(objectives),
            "measurements": written, "users": len(spec["users"])}


def _series(kpi: dict, unit: str, months: list[str], spec: dict) -> list[float]:
    model = dict(kpi["model"])
    sized = kpi.get("aggregation") == "sum" and kpi.get("uom") in SIZED_UOMS
    factor = series.unit_scale(unit) if sized else series.unit_offset(kpi["code"], unit)
    model["base"] = model["base"] * factor
    scen = [s for s in spec.get("scenarios", []) if s.get("kpi") == kpi["code"] and s.get("unit") == unit]
    first = months[0]
    shifts = [(series.period_index(first, s["from_period"]), s["delta"]) for s in scen if s["kind"] == "shift"]
    outliers = [(series.period_index(first, s["period"]), s["delta"]) for s in scen if s["kind"] == "outlier"]
    seed = series.stable_seed(spec["company"]["seed"], kpi["code"], unit)
    first_month = periods.parse(first)[1]
    return series.generate(series.SeriesModel.from_dict(model, decimals=kpi.get("decimals", 2)), len(months), seed=seed, first_month=first_month,
                           shifts=shifts, outliers=outliers)


def _set_targets(conn, kpis: dict, values: dict, months: list[str], when: datetime) -> None:
    """Annual targets from the previous twelve months' mean (the first year uses its own first twelve)."""
    horizon = months + [periods.shift(months[-1], i) for i in range(1, 4)]
    with atomic(conn):
        for (code, unit), vals in values.items():
            kpi = kpis[code]
            if "target" not in kpi:
                continue
            bounds = (kpi["model"].get("min"), kpi["model"].get("max"))
            for year in sorted({p[:4] for p in horizon}):
                start = next(i for i, p in enumerate(horizon) if p.startswith(year))
                window = vals[max(0, start - 12):start] if start >= 12 else vals[:12]
                t = series.target_from(kpi["target"], statistics.fmean(window), kpi["direction"],
                                       decimals=kpi.get("decimals"), bounds=bounds)
                for period in (p for p in horizon if p.startswith(year)):
                    fw.set_target(conn, code, unit, period, t["target"], t["amber"], t["target_high"],
                                  t["amber_high"], actor=users.SYSTEM, now=when)


def _people(conn, unit: str, today: date) -> tuple[str, str]:
    """Who enters data for a unit and who (someone else) approves it; unit-specific holders first."""
    uid = fw.id_of(conn, "units", unit, "unit")
    names = [r[0] for r in conn.execute(
        "SELECT p.name FROM users p LEFT JOIN role_assignments a ON a.user_id = p.id AND a.unit_id = ?"
        " GROUP BY p.id ORDER BY count(a.id) DESC, p.name = ?, p.id", [uid, DEMO_USER])]
    enter = next((n for n in names if users.has_permission(conn, n, "enter_data", uid, today)), None)
    approve = next((n for n in names if n != enter and users.has_permission(conn, n, "approve", uid, today)), None)
    if not enter or not approve:
        raise PmError(f"demo definition: unit {unit} needs a user who enters data and another who approves")
    return enter, approve


def _enter_history(conn, pairs, values, months, people, scenarios, quarterly) -> int:
    skip = {(s["kpi"], s["unit"], s["period"]) for s in scenarios if s["kind"] == "missing"}
    hold = {(s["kpi"], s["unit"], p): s["kind"] for s in scenarios if s["kind"] in ("submitted", "draft")
            for p in s["periods"]}
    written = 0
    for index, period in enumerate(months):
        entered, decided = _stamp(period, 5, 10), _stamp(period, 8, 15)
        with atomic(conn):
            for code, unit in pairs:
                key = (code, unit, period)
                if key in skip or (quarterly[code] and period[5:] not in QUARTER_ENDS):
                    continue
                enter, approve = people[unit]
                kind = hold.get(key)
                ms.enter_value(conn, code, unit, period, values[(code, unit)][index], submit=kind != "draft",
                               actor=enter, now=entered)
                if kind is None:
                    ms.decide(conn, code, unit, period, approve=True, actor=approve, now=decided)
                written += 1
    return written
