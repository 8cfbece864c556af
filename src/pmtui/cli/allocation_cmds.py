"""``pmtui allocation ...``: allocation rounds, criteria, requests, scores, ranking and decisions."""

from __future__ import annotations

import click

from pmtui.cli import cli
from pmtui.cli.context import Env, pass_env
from pmtui.cli.output import emit, json_option, table


@cli.group("allocation")
def allocation_group() -> None:
    """Allocate a budget: requests scored on weighted financial and non-financial criteria."""


@allocation_group.command("rounds")
@json_option
@pass_env
def rounds_cmd(env: Env, as_json: bool) -> None:
    """List allocation rounds with budget, amounts asked and approved, and undecided requests.

    Example: pmtui allocation rounds --json
    """
    from pmtui.services import allocation  # noqa: PLC0415

    data = allocation.rounds(env.connect())
    emit(data, as_json, lambda: table(data, ["code", "name", "budget", "status", "requests", "requested",
                                             "approved", "open_requests"]))


@allocation_group.command("round-add")
@click.option("--code", required=True, help="Round code, e.g. CAPEX_FY2027.")
@click.option("--name", required=True, help="Round name.")
@click.option("--budget", type=float, required=True, help="Budget to allocate.")
@click.option("--cycle", default=None, help="Planning cycle code the round belongs to.")
@pass_env
def round_add(env: Env, code: str, name: str, budget: float, cycle: str | None) -> None:
    """Open an allocation round (needs edit_definitions at group level).

    Example: pmtui --user mvega allocation round-add --code CAPEX_FY2027 --name "CAPEX FY2027" --budget 7000
    """
    from pmtui.services import allocation  # noqa: PLC0415

    allocation.add_round(env.connect(), code, name, budget, cycle, actor=env.acting_user(), now=env.now)
    click.echo(f"round {code} opened with a budget of {budget:,.0f}")


@allocation_group.command("criterion-add")
@click.option("--round", "round_code", required=True, help="Round code.")
@click.option("--code", required=True, help="Criterion code, e.g. NPV.")
@click.option("--name", required=True, help="Criterion name.")
@click.option("--kind", type=click.Choice(["financial", "non_financial"]), required=True,
              help="Financial or non-financial.")
@click.option("--weight", type=float, required=True, help="Weight (weights are normalised to sum to 1).")
@pass_env
def criterion_add(env: Env, round_code: str, code: str, name: str, kind: str, weight: float) -> None:
    """Add a weighted criterion to an open round (needs edit_definitions at group level).

    Example: pmtui --user mvega allocation criterion-add --round CAPEX_FY2027 --code NPV --name "Net present value" --kind financial --weight 3
    """
    from pmtui.services import allocation  # noqa: PLC0415

    allocation.add_criterion(env.connect(), round_code, code, name, kind, weight, actor=env.acting_user(),
                             now=env.now)
    click.echo(f"criterion {code} ({kind}, weight {weight:g}) added to {round_code}")


@allocation_group.command("request-add")
@click.option("--round", "round_code", required=True, help="Round code.")
@click.option("--code", required=True, help="Request code, e.g. CX_PLA_ROBOT.")
@click.option("--unit", required=True, help="Requesting unit code.")
@click.option("--title", required=True, help="What the money is for.")
@click.option("--line", "budget_line", required=True, help="Budget line the request draws on.")
@click.option("--amount", type=float, required=True, help="Amount asked.")
@pass_env
def request_add(env: Env, round_code: str, code: str, unit: str, title: str, budget_line: str,
                amount: float) -> None:
    """File a unit's request in an open round (needs enter_data at the unit).

    Example: pmtui --user iholm allocation request-add --round CAPEX_FY2026 --code CX_PLA_LED --unit PLANT_A --title "LED lighting" --line ENERGY --amount 150
    """
    from pmtui.services import allocation  # noqa: PLC0415

    allocation.add_request(env.connect(), round_code, code, unit, title, budget_line, amount,
                           actor=env.acting_user(), now=env.now)
    click.echo(f"request {code} filed for {unit}: {amount:,.0f} on {budget_line}")


@allocation_group.command("score")
@click.option("--request", "request_code", required=True, help="Request code.")
@click.option("--criterion", required=True, help="Criterion code of the request's round.")
@click.option("--score", "value", type=float, required=True, help="Score from 0 to 10.")
@pass_env
def score_cmd(env: Env, request_code: str, criterion: str, value: float) -> None:
    """Score a request 0-10 on one criterion (needs edit_definitions at group level).

    Example: pmtui --user mvega allocation score --request CX_PLA_LED --criterion NPV --score 6
    """
    from pmtui.services import allocation  # noqa: PLC0415

    allocation.score(env.connect(), request_code, criterion, value, actor=env.acting_user(), now=env.now)
    click.echo(f"{request_code} scored {value:g} on {criterion}")


@allocation_group.command("ranking")
@click.option("--round", "round_code", required=True, help="Round code.")
@json_option
@pass_env
def ranking_cmd(env: Env, round_code: str, as_json: bool) -> None:
    """Rank a round's requests: scores, rank, the budget cut line and the conflicts.

    Requests with an unscored criterion are listed as unscored, never ranked on a 0.

    Example: pmtui allocation ranking --round CAPEX_FY2026 --json
    """
    from pmtui.services import allocation  # noqa: PLC0415

    data = allocation.ranking(env.connect(), round_code).to_dict()

    def text() -> str:
        head = (f"{round_code}: budget {data['budget']:,.0f}, live requests {data['requested']:,.0f},"
                f" funded {data['funded_total']:,.0f}; financial weight {data['financial_share']:.0%}"
                f"; cut line after {data['cut_after'] or '(none)'}")
        body = table(data["requests"], ["rank", "code", "unit", "budget_line", "amount", "score", "financial",
                                        "non_financial", "cumulative", "place"])
        lines = [f"  [{c['kind']}] {c['message']}" for c in data["conflicts"]]
        return "\n".join([head, body, "Conflicts:" if lines else "No conflicts.", *lines])

    emit(data, as_json, text)


@allocation_group.command("decide")
@click.option("--request", "request_code", required=True, help="Request code.")
@click.option("--approve", "decision", flag_value="approve", help="Approve (with --amount, default the amount asked).")
@click.option("--reject", "decision", flag_value="reject", help="Reject.")
@click.option("--defer", "decision", flag_value="defer", help="Defer to a later round.")
@click.option("--amount", type=float, default=None, help="Approved amount (approvals only).")
@click.option("--rationale", required=True, help="Why: recorded with the decision and in the audit trail.")
@json_option
@pass_env
def decide_cmd(env: Env, request_code: str, decision: str | None, amount: float | None, rationale: str,
               as_json: bool) -> None:
    """Approve, reject or defer a request (approve at group level or administer; not your own request).

    Example: pmtui --user knakamura allocation decide --request CX_DCN_AGV --approve --amount 1000 --rationale "Phase 1 only"
    """
    from pmtui.services import allocation  # noqa: PLC0415
    from pmtui.services.errors import PmError  # noqa: PLC0415

    if decision is None:
        raise PmError("say --approve, --reject or --defer")
    row = allocation.decide(env.connect(), request_code, decision, rationale, amount, actor=env.acting_user(),
                            now=env.now)
    emit(row, as_json, lambda: f"{request_code} {row['status']}"
                               + (f" ({row['decided_amount']:,.0f})" if row["decided_amount"] else ""))
