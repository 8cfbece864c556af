"""Commands for RACI, incentives and gaming detection (issue 4: M3.4, M7.1).

``pmtui raci show|set|check``, ``pmtui incentives list|set`` and ``pmtui gaming``; the
roles, permissions and escalation commands live in :mod:`pmtui.cli.governance_roles_cmds`.
"""

from __future__ import annotations


import click

from pmtui.cli import cli
from pmtui.cli.context import Env, pass_env, writing
from pmtui.cli.output import emit, json_option, table




@cli.group("raci")
def raci_group() -> None:
    """The RACI matrix for data creation, validation, reporting and challenge per KPI."""


def _raci_lines(rows: list[dict]) -> list[dict]:
    """One line per KPI and activity, roles listed under their letter."""
    from pmtui.core.raci import ACTIVITIES, LETTERS  # noqa: PLC0415

    lines = []
    for r in rows:
        for activity in ACTIVITIES:
            line = {"kpi": r["kpi"], "activity": activity}
            for letter in LETTERS:
                line[letter] = ", ".join(c["role"] for c in r["cells"][activity] if c["letter"] == letter) or "-"
            broken = [v["rule"] for v in r["violations"] if v["activity"] in (activity, None)]
            line["problems"] = ", ".join(broken) or "ok"
            lines.append(line)
    return lines


@raci_group.command("show")
@click.option("--kpi", default=None, help="Only this KPI.")
@click.option("--perspective", default=None, help="Only the KPIs of this perspective.")
@click.option("--unit", default=None, help="Only the KPIs measured at this unit or below it.")
@json_option
@pass_env
def raci_show(env: Env, kpi, perspective, unit, as_json: bool) -> None:
    """Show the matrix: per KPI and activity, the roles that are R, A, C and I, and broken rules.

    Example: pmtui raci show --kpi OTD_PCT --json
    """
    from pmtui.services import raci  # noqa: PLC0415

    data = raci.matrix(env.connect(), kpi=kpi, perspective=perspective, unit=unit, limit=100_000)
    emit(data["rows"], as_json,
         lambda: table(_raci_lines(data["rows"]), ["kpi", "activity", "R", "A", "C", "I", "problems"]))


@raci_group.command("set")
@click.option("--kpi", "kpis", multiple=True, help="The KPI; repeat for a group of KPIs (or use --perspective).")
@click.option("--perspective", default=None, help="Apply to every active KPI of this perspective, in one transaction.")
@click.option("--activity", required=True, type=click.Choice(["create", "validate", "report", "challenge"]))
@click.option("--role", required=True, help="Role code.")
@click.option("--letter", required=True, type=click.Choice(["R", "A", "C", "I", "-"]),
              help="Responsible, Accountable, Consulted, Informed; '-' removes the role from the cell.")
@json_option
@pass_env
def raci_set(env: Env, kpis, perspective, activity, role, letter, as_json: bool) -> None:
    """Set a role's letter in a cell (needs edit_definitions group-wide); shows rules still broken there.

    Example: pmtui --user mvega raci set --kpi OTD_PCT --activity validate --role UNIT_HEAD --letter A
    """
    from pmtui.services import raci  # noqa: PLC0415

    with writing(env) as (conn, actor, now):
        result = raci.set_entry(conn, kpi=list(kpis) or None, perspective=perspective, activity=activity, role=role,
                                letter=None if letter == "-" else letter, actor=actor, now=now)

    def text() -> str:
        head = (f"{role} {'removed from' if letter == '-' else 'is ' + letter + ' for'} {activity} of"
                f" {len(result['kpis'])} KPI(s): {result['changed']} changed")
        broken = [v["message"] for v in result["violations"]]
        return head + ("\nstill broken:\n  " + "\n  ".join(broken) if broken else "\nall rules met")
    emit(result, as_json, text)


@raci_group.command("check")
@click.option("--strict", is_flag=True, help="Exit 1 when any rule is broken (for scripts and CI).")
@json_option
@pass_env
def raci_check(env: Env, strict: bool, as_json: bool) -> None:
    """Check the rules: exactly one Accountable and at least one Responsible per KPI and activity, and the
    role creating a KPI's data does not validate it. Exit 0 with the violations listed (1 with --strict).

    Example: pmtui raci check --json
    """
    from pmtui.services import raci  # noqa: PLC0415

    found = [v.to_dict() for v in raci.check(env.connect())]
    emit({"ok": not found, "violations": found}, as_json,
         lambda: f"{len(found)} violation(s)\n" + table(found, ["kpi", "activity", "rule", "roles"])
         if found else "all RACI rules met")
    if strict and found:
        raise SystemExit(1)


@cli.group("incentives")
def incentives_group() -> None:
    """Incentive links between roles and KPIs, with weights."""


@incentives_group.command("list")
@click.option("--role", default=None, help="Only this role's links.")
@json_option
@pass_env
def incentives_list(env: Env, role: str | None, as_json: bool) -> None:
    """List incentive links by role, heaviest first.

    Example: pmtui incentives list --json
    """
    from pmtui.services import incentives  # noqa: PLC0415

    rows = incentives.links(env.connect(), role=role)
    emit(rows, as_json, lambda: table(rows, ["role", "kpi", "kpi_name", "weight"]))


@incentives_group.command("set")
@click.option("--role", required=True, help="Role code.")
@click.option("--kpi", required=True, help="KPI code.")
@click.option("--weight", type=float, default=None, help="Share of the role's incentive, above 0 and at most 1.")
@click.option("--remove", is_flag=True, help="Remove the link instead.")
@json_option
@pass_env
def incentives_set(env: Env, role: str, kpi: str, weight: float | None, remove: bool, as_json: bool) -> None:
    """Link a role's incentive to a KPI with a weight (needs administer); a role's weights add up to at most 1.

    Example: pmtui --user mvega incentives set --role UNIT_HEAD --kpi OTD_PCT --weight 0.3
    """
    from pmtui.services import incentives  # noqa: PLC0415
    from pmtui.services.errors import PmError  # noqa: PLC0415

    if remove == (weight is not None):
        raise PmError("give --weight to set the link, or --remove to remove it")
    with writing(env) as (conn, actor, now):
        rows = incentives.set_link(conn, role, kpi, None if remove else weight, actor=actor, now=now)
    emit(rows, as_json, lambda: f"{role}: {'removed ' + kpi if remove else f'{kpi} weight {weight:g}'}\n"
                                + table(rows, ["role", "kpi", "kpi_name", "weight"]))


def _evidence_text(f: dict) -> str:
    ev = f["evidence"]
    if f["kind"] == "sandbagging":
        return (f"easier by {ev['easier_by']:.0%}" if "easier_by" in ev
                else f"natural {ev['natural_low']:.4g}..{ev['natural_high']:.4g}")
    return f"{ev['hits']}/{ev['n']} hug, expected {ev['expected_share']:.0%}"


@cli.command("gaming")
@click.option("--unit", default=None, help="Only this unit and the units below it.")
@click.option("--kpi", default=None, help="Only this KPI.")
@click.option("--incentivised", is_flag=True, help="Only KPIs with an incentive link.")
@click.option("--window", default=None, help="Values each test looks at (setting gaming_window, default 12).")
@click.option("--sandbag-margin", default=None, help="How much easier than shown a target may be (default 0.10).")
@click.option("--hug-band", default=None, help="Width of the 'just met' zone, share of the target (default 0.02).")
@click.option("--hug-share", default=None, help="Share of values in that zone that raises a flag (default 0.6).")
@json_option
@pass_env
def gaming_cmd(env: Env, unit, kpi, incentivised, window, sandbag_margin, hug_band, hug_share, as_json) -> None:
    """Gaming detection: sandbagged targets and results hugging the target, with the evidence.

    Incentivised KPIs come first. Thresholds come from the gaming_* settings unless given here.

    Example: pmtui gaming --unit RGN_NORTH --json
    """
    from pmtui.services import gaming  # noqa: PLC0415

    conn = env.connect()
    limits = gaming.thresholds(conn, window=window, sandbag_margin=sandbag_margin, hug_band=hug_band,
                               hug_share=hug_share)
    data = gaming.scan(conn, today=env.now.date(), unit=unit, kpi=kpi, limits=limits,
                       incentivised_only=incentivised)

    def text() -> str:
        rows = [f | {"incentive": ", ".join(f"{i['role']} {i['weight']:g}" for i in f["incentives"]) or "-",
                     "evidence_": _evidence_text(f)} for f in data["findings"]]
        head = f"{len(rows)} finding(s) in {data['pairs']} KPI x unit pairs with targets"
        return head + "\n" + table(rows, ["kind", "kpi", "unit", "period", "incentive", "evidence_"]) + "".join(
            f"\n  {r['kpi']} {r['unit']}: {r['summary']}" for r in rows)
    emit(data, as_json, text)


from pmtui.cli import governance_roles_cmds  # noqa: E402,F401 - registers roles, permissions and escalation
