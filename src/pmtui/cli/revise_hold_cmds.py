"""Revise-or-hold after a shift: ``pmtui targets evidence`` and ``pmtui targets hold-or-revise``.

Both join the ``targets`` group that :mod:`pmtui.cli.strategy_cmds` defines.
"""

from __future__ import annotations

import click

from pmtui.cli.context import Env, pass_env
from pmtui.cli.output import emit, json_option, kpi_unit_period
from pmtui.cli.strategy_cmds import targets_group


def _number(value) -> str:
    return "-" if value is None else f"{value:.4g}"


def evidence_text(e: dict) -> str:
    """The evidence as lines for people."""
    lines = [f"{e['kpi']} {e['unit']} up to {e['period']}: {e['points']} approved points"
             f" ({e['first_period'] or '-'} .. {e['last_period'] or '-'})",
             e["summary"],
             f"target {_number(e['target'])}: level before {_number(e['level_before'])}"
             f" ({'meets' if e['met_before'] else 'misses' if e['met_before'] is False else 'n/a'}),"
             f" after {_number(e['level_after'])}"
             f" ({'meets' if e['met_after'] else 'misses' if e['met_after'] is False else 'n/a'})"]
    if e["rebased_at"]:
        lines.append(f"limits rebased at {', '.join(e['rebased_at'])} (not applied to this evidence)")
    lines += [f"if the origin is {origin}: {r['decision']} - {r['why']}" for origin, r in e["recommendations"].items()]
    return "\n".join(lines)


@targets_group.command("evidence")
@kpi_unit_period
@json_option
@pass_env
def targets_evidence(env: Env, kpi: str, unit: str, period: str, as_json: bool) -> None:
    """Lay out the evidence for revising or holding a target: is the shift sustained, since when, how large?

    Example: pmtui targets evidence --kpi OTD_PCT --unit PLANT_B --period 2026-10 --json
    """
    from pmtui.services import target_decisions  # noqa: PLC0415

    data = target_decisions.evidence(env.connect(), kpi, unit, period)
    emit(data, as_json, lambda: evidence_text(data))


@targets_group.command("hold-or-revise")
@kpi_unit_period
@click.option("--decision", type=click.Choice(["hold", "revise"]), required=True, help="Keep or revise the target.")
@click.option("--origin", type=click.Choice(["external", "internal", "none"]), required=True,
              help="Your judgement of the shift's cause.")
@click.option("--rationale", required=True, help="Why (kept with the decision and the evidence).")
@click.option("--target", type=float, default=None, help="New target (revise only).")
@click.option("--amber", type=float, default=None, help="New amber threshold (revise; default: moved with it).")
@click.option("--agenda-item", type=int, default=None, help="Id of the review agenda item deciding it.")
@json_option
@pass_env
def targets_hold_or_revise(env: Env, kpi, unit, period, decision, origin, rationale, target, amber, agenda_item,
                           as_json) -> None:
    """Record a revise-or-hold decision with its evidence; revise files a revision for someone else to approve.

    Example: pmtui --user jvandijk targets hold-or-revise --kpi OTD_PCT --unit PLANT_A --period 2026-11 --decision hold --origin internal --rationale "Fix loading first"
    """
    from pmtui.services import target_decisions  # noqa: PLC0415

    row = target_decisions.decide(env.connect(), kpi, unit, period, decision=decision, origin=origin,
                                  rationale=rationale, target=target, amber=amber, agenda_item_id=agenda_item,
                                  actor=env.acting_user(), now=env.now)

    def text() -> str:
        line = f"decision {row['id']}: {row['decision']} the target of {kpi} {unit} {period} (origin {row['origin']})"
        if row["revision_id"]:
            line += f"; revision {row['revision_id']} {row['revision_status']}, awaiting someone else's approval"
        return line + "\n" + row["evidence"]["summary"]
    emit(row, as_json, text)
