"""Committees and disputes (M3.5), standardised commentary (M7.5) and the minutes archive (M7.6):
``pmtui committees ...``, ``pmtui disputes ...``, ``pmtui commentary ...``, ``pmtui minutes ...``."""

from __future__ import annotations

import click

from pmtui.cli import cli
from pmtui.cli.context import Env, pass_env
from pmtui.cli.output import emit, json_option, kpi_unit_period, table


def _group(name: str, doc: str) -> click.Group:
    """The top-level group ``name``, created unless another area already made it."""
    existing = cli.commands.get(name)
    if isinstance(existing, click.Group):
        return existing
    group = click.Group(name, help=doc)
    cli.add_command(group)
    return group


committees_group = _group("committees", "Cross-functional committees that hear and decide disputes.")
disputes_group = _group("disputes", "The dispute register: metric ownership and attribution, raised, heard, decided.")
commentary_group = _group("commentary", "Standardised commentary on a value: what happened, why, what next.")
minutes_group = _group("minutes", "The archive of finalised meeting minutes and decisions.")

DISPUTE_COLUMNS = ["code", "kind", "kpi", "unit", "proposed_role", "committee", "status", "raised_by", "outcome",
                   "applied"]


@committees_group.command("list")
@json_option
@pass_env
def committees_list(env: Env, as_json: bool) -> None:
    """List the committees with their members and open disputes.

    Example: pmtui committees list --json
    """
    from pmtui.services import committees  # noqa: PLC0415

    rows = committees.list_committees(env.connect())
    emit(rows, as_json, lambda: table(rows, ["code", "name", "members", "open_disputes", "disputes"]))


@committees_group.command("add")
@click.option("--code", required=True, help="Committee code, e.g. PGC.")
@click.option("--name", required=True, help="Display name.")
@click.option("--purpose", default="", help="What the committee rules on.")
@click.option("--member", "members", multiple=True, help="A member's user name (repeat the option).")
@json_option
@pass_env
def committees_add(env: Env, code: str, name: str, purpose: str, members: tuple[str, ...], as_json: bool) -> None:
    """Set up a committee with its members (needs group-wide edit_definitions).

    Example: pmtui --user mvega committees add --code DQC --name "Data Quality Council" --member knakamura --member rdasilva
    """
    from pmtui.services import committees  # noqa: PLC0415

    row = committees.add(env.connect(), code, name, purpose=purpose, members=members, actor=env.acting_user(),
                         now=env.now)
    emit(row, as_json, lambda: f"committee {row['code']} added with {len(row['members'])} member(s)")


@disputes_group.command("list")
@click.option("--status", type=click.Choice(["raised", "heard", "decided", "withdrawn"]), default=None,
              help="Only disputes in this status.")
@click.option("--committee", default=None, help="Only disputes before this committee.")
@click.option("--limit", default=200, show_default=True, type=click.IntRange(1, 10000), help="Most rows shown.")
@json_option
@pass_env
def disputes_list(env: Env, status: str | None, committee: str | None, limit: int, as_json: bool) -> None:
    """List disputes, open ones first.

    Example: pmtui disputes list --status heard --json
    """
    from pmtui.services import disputes  # noqa: PLC0415

    rows = disputes.list_disputes(env.connect(), status=status, committee=committee, limit=limit)
    emit(rows, as_json, lambda: table(rows, DISPUTE_COLUMNS))


def _dispute_text(row: dict) -> str:
    from pmtui.services import disputes  # noqa: PLC0415

    where = f" at {row['unit']}" if row["unit"] else ""
    return "\n".join([f"{row['code']} ({row['kind']}) on {row['kpi']}{where}: {row['status']}", *disputes.story(row)])


@disputes_group.command("raise")
@click.option("--kind", required=True, type=click.Choice(["ownership", "attribution"]), help="What is disputed.")
@click.option("--kpi", required=True, help="KPI code.")
@click.option("--unit", default=None, help="Unit code (required for attribution: whose result it is).")
@click.option("--claim", required=True, help="What the raiser claims, and why.")
@click.option("--proposed-role", default=None,
              help="Role code: the proposed owner (ownership) or the role accountable for the result (attribution).")
@click.option("--committee", required=True, help="Committee code that hears it.")
@json_option
@pass_env
def disputes_raise(env: Env, kind: str, kpi: str, unit: str | None, claim: str, proposed_role: str | None,
                   committee: str, as_json: bool) -> None:
    """Raise a dispute on a KPI's ownership or attribution (needs view).

    Example: pmtui --user jvandijk disputes raise --kind ownership --kpi SCRAP_PCT --unit PLANT_A --claim "Scrap follows line set-up, which the plant heads run" --proposed-role UNIT_HEAD --committee PGC
    """
    from pmtui.services import disputes  # noqa: PLC0415

    row = disputes.raise_dispute(env.connect(), kind=kind, kpi=kpi, unit=unit, claim=claim,
                                 proposed_role=proposed_role, committee=committee, actor=env.acting_user(),
                                 now=env.now)
    emit(row, as_json, lambda: f"dispute {row['code']} raised before {row['committee']}")


@disputes_group.command("hear")
@click.argument("code")
@click.option("--notes", required=True, help="What the hearing established.")
@json_option
@pass_env
def disputes_hear(env: Env, code: str, notes: str, as_json: bool) -> None:
    """Record the hearing of a raised dispute (a committee member).

    Example: pmtui --user knakamura disputes hear DSP-003 --notes "HR and two unit heads presented their data"
    """
    from pmtui.services import disputes  # noqa: PLC0415

    row = disputes.hear(env.connect(), code, notes, actor=env.acting_user(), now=env.now)
    emit(row, as_json, lambda: _dispute_text(row))


@disputes_group.command("decide")
@click.argument("code")
@click.option("--outcome", required=True, type=click.Choice(["upheld", "rejected"]), help="The committee's outcome.")
@click.option("--decision", required=True, help="The decision and its reasoning.")
@json_option
@pass_env
def disputes_decide(env: Env, code: str, outcome: str, decision: str, as_json: bool) -> None:
    """Decide a heard dispute (a member other than the raiser); an upheld one is applied at once.

    Example: pmtui --user knakamura disputes decide DSP-002 --outcome upheld --decision "Logistics answers for transport damage"
    """
    from pmtui.services import disputes  # noqa: PLC0415

    row = disputes.decide(env.connect(), code, outcome, decision, actor=env.acting_user(), now=env.now)
    emit(row, as_json, lambda: _dispute_text(row))


def _commentary_text(row: dict) -> str:
    need = f"required: {row['reason']}" if row["required"] else "not required"
    head = f"{row['kpi']} {row['unit']} {row['period']} ({need}; {'complete' if row['complete'] else 'incomplete'})"
    if not row["exists"]:
        return head + "\nno commentary yet"
    body = [f"What happened: {row['what_happened']}", f"Why: {row['why']}", f"What next: {row['what_next']}",
            f"written by {row['written_by']} at {row['written_at']}"]
    return "\n".join([head, *body, *(f"problem: {p}" for p in row["problems"])])


@commentary_group.command("write")
@kpi_unit_period
@click.option("--what-happened", required=True, help="What happened (20-800 characters).")
@click.option("--why", required=True, help="Why it happened (20-800 characters).")
@click.option("--what-next", required=True, help="What will be done next (20-800 characters).")
@json_option
@pass_env
def commentary_write(env: Env, kpi: str, unit: str, period: str, what_happened: str, why: str, what_next: str,
                     as_json: bool) -> None:
    """Write the commentary on a value (enter_data or approve for the unit).

    Example: pmtui --user iholm commentary write --kpi OPEX --unit PLANT_A --period 2026-10 --what-happened "Opex 11% over target" --why "Unplanned press overhaul" --what-next "Overhaul cost moved to capex review"
    """
    from pmtui.services import commentary  # noqa: PLC0415

    row = commentary.write(env.connect(), kpi, unit, period, what_happened=what_happened, why=why,
                           what_next=what_next, actor=env.acting_user(), now=env.now)
    emit(row, as_json, lambda: _commentary_text(row))


@commentary_group.command("show")
@kpi_unit_period
@json_option
@pass_env
def commentary_show(env: Env, kpi: str, unit: str, period: str, as_json: bool) -> None:
    """Show the commentary on a value, whether it is required and whether it is complete.

    Example: pmtui commentary show --kpi OPEX --unit PLANT_A --period 2026-10 --json
    """
    from pmtui.services import commentary  # noqa: PLC0415

    row = commentary.get(env.connect(), kpi, unit, period)
    emit(row, as_json, lambda: _commentary_text(row))


@commentary_group.command("missing")
@click.option("--unit", required=True, help="Unit code.")
@click.option("--period", required=True, help="Period YYYY-MM.")
@json_option
@pass_env
def commentary_missing(env: Env, unit: str, period: str, as_json: bool) -> None:
    """Values of a unit and period that are red or an SPC concern and lack a complete commentary (exit 0).

    Example: pmtui commentary missing --unit PLANT_B --period 2026-10 --json
    """
    from pmtui.services import commentary  # noqa: PLC0415

    rows = commentary.missing(env.connect(), unit, period)
    emit(rows, as_json, lambda: table(rows, ["kpi", "value", "target", "reason", "workflow", "commentary"]))


@minutes_group.command("search")
@click.argument("query")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 200), help="Results per page.")
@click.option("--offset", default=0, show_default=True, type=click.IntRange(0), help="Results to skip.")
@json_option
@pass_env
def minutes_search(env: Env, query: str, limit: int, offset: int, as_json: bool) -> None:
    """Full-text search of finalised minutes and decisions, best match first ("quote phrases", word* for prefixes).

    Example: pmtui minutes search "find the cause" --json
    """
    from pmtui.services import minutes  # noqa: PLC0415

    data = minutes.search(env.connect(), query, limit=limit, offset=offset)

    def text() -> str:
        shown = f"{offset + 1}-{offset + len(data['results'])}" if data["results"] else "0"
        return f"{data['total']} match(es), showing {shown}\n" + table(
            data["results"], ["meeting", "kind", "title", "snippet"])
    emit(data, as_json, text)


@minutes_group.command("show")
@click.argument("meeting")
@json_option
@pass_env
def minutes_show(env: Env, meeting: str, as_json: bool) -> None:
    """Show one meeting's minutes, decisions and participants.

    Example: pmtui minutes show PLANT_A-2026-09
    """
    from pmtui.services import minutes  # noqa: PLC0415

    record = minutes.show(env.connect(), meeting)

    def text() -> str:
        lines = [f"{record['code']} {record['title']} ({record['status']}, held {record['held_on'] or '-'},"
                 f" chair {record['chair'] or '-'})", "", record["minutes"] or "(no minutes)", ""]
        lines += [f"{a['seq']}. {a['title']}: {a['decision'] or 'no decision'}"
                  + (f" - {a['decision_note']}" if a["decision_note"] else "") for a in record["agenda"]]
        return "\n".join(lines)
    emit(record, as_json, text)
