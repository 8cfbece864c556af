"""Review meetings: ``pmtui review ...`` (agendas from exceptions, decisions, minutes, rotation)."""

from __future__ import annotations

import click

from pmtui.cli import cli
from pmtui.cli.context import Env, pass_env
from pmtui.cli.output import emit, json_option, table

DECISIONS = ["act", "watch", "revise_target", "escalate", "close"]
AGENDA_COLUMNS = ["seq", "kind", "severity", "unit", "title"]
LIST_COLUMNS = ["code", "period", "cycle", "status", "chair", "items", "decided", "title"]


@cli.group("review")
def review_group() -> None:
    """Review meetings: agendas built from exceptions, a decision per item, minutes, rotation."""


def _agenda_text(items: list[dict]) -> str:
    rows = [i | {"title": i["title"] + (f"  => {i['decision']}: {i['decision_note']}" if i.get("decision") else "")}
            for i in items]
    return table(rows, AGENDA_COLUMNS)


def _meeting_text(m: dict) -> str:
    people = ", ".join(f"{p['user']} ({p['role']}{'' if p['attended'] is not False else ', absent'})"
                       for p in m["participants"])
    lines = [f"{m['code']} [{m['status']}] {m['title']}", f"chair {m['chair']}; held {m['held_on'] or '-'};"
             f" participants: {people or '-'}", "", _agenda_text(m["items"])]
    if m["minutes"]:
        lines += ["", "Minutes:", m["minutes"]]
    return "\n".join(lines)


@review_group.command("agenda")
@click.option("--unit", required=True, help="Unit code (its agenda covers the units below it too).")
@click.option("--period", required=True, help="Period under review, YYYY-MM.")
@json_option
@pass_env
def review_agenda(env: Env, unit: str, period: str, as_json: bool) -> None:
    """Show the agenda a review of UNIT for PERIOD would get today (writes nothing).

    Items: SPC concerns, red KPIs, slipped milestones, overdue actions, stale data.

    Example: pmtui review agenda --unit PLANT_A --period 2026-10 --json
    """
    from pmtui.services import reviews  # noqa: PLC0415

    items = reviews.preview_agenda(env.connect(), unit, period, today=env.now)
    emit(items, as_json, lambda: _agenda_text(items))


@review_group.command("list")
@click.option("--unit", default=None, help="Only meetings of this unit and the units below it.")
@click.option("--limit", type=click.IntRange(1, 10000), default=50, show_default=True, help="At most this many.")
@click.option("--offset", type=click.IntRange(0), default=0, help="Skip this many (paging).")
@json_option
@pass_env
def review_list(env: Env, unit: str | None, limit: int, offset: int, as_json: bool) -> None:
    """List review meetings, latest period first.

    Example: pmtui review list --unit PLANT_A --json
    """
    from pmtui.services import reviews  # noqa: PLC0415

    rows = reviews.list_meetings(env.connect(), unit=unit, limit=limit, offset=offset)
    emit(rows, as_json, lambda: table(rows, LIST_COLUMNS))


@review_group.command("create")
@click.option("--unit", required=True, help="Unit code.")
@click.option("--period", required=True, help="Period under review, YYYY-MM (begun by today).")
@click.option("--cycle", type=click.Choice(["monthly", "quarterly", "annual"]), default="monthly",
              show_default=True, help="Review cycle.")
@click.option("--chair", required=True, help="User who chairs it (must be able to view the unit).")
@click.option("--title", default=None, help="Title (default: '<unit name> <cycle> performance review <period>').")
@click.option("--confidentiality", type=click.Choice(["public", "internal", "confidential"]), default=None,
              help="Level of the meeting (default: the unit's).")
@click.option("--no-agenda", is_flag=True, help="Do not generate the agenda yet ('pmtui review generate').")
@json_option
@pass_env
def review_create(env: Env, unit, period, cycle, chair, title, confidentiality, no_agenda, as_json) -> None:
    """Create a review meeting and generate its agenda from today's exceptions.

    Needs 'approve' or 'edit_targets' for the unit.

    Example: pmtui --user demo review create --unit PLANT_B --period 2026-10 --chair fweber
    """
    from pmtui.services import reviews  # noqa: PLC0415

    m = reviews.create(env.connect(), unit, period, chair=chair, cycle=cycle, title=title,
                       confidentiality=confidentiality, with_agenda=not no_agenda, actor=env.acting_user(),
                       now=env.now)
    emit(m, as_json, lambda: f"meeting {m['code']} created with {len(m['items'])} agenda item(s)")


@review_group.command("generate")
@click.argument("code")
@json_option
@pass_env
def review_generate(env: Env, code: str, as_json: bool) -> None:
    """Rebuild a meeting's agenda from today's exceptions (only before any decision).

    Example: pmtui --user jvandijk review generate PLANT_A-2026-10
    """
    from pmtui.services import reviews  # noqa: PLC0415

    m = reviews.generate_agenda(env.connect(), code, actor=env.acting_user(), now=env.now)
    emit(m, as_json, lambda: _meeting_text(m))


@review_group.command("show")
@click.argument("code")
@json_option
@pass_env
def review_show(env: Env, code: str, as_json: bool) -> None:
    """Show a meeting: participants, agenda with decisions, minutes.

    Example: pmtui review show PLANT_A-2026-10 --json
    """
    from pmtui.services import reviews  # noqa: PLC0415

    m = reviews.show(env.connect(), code)
    emit(m, as_json, lambda: _meeting_text(m))


@review_group.command("decide")
@click.argument("code")
@click.argument("seq", type=int)
@click.option("--decision", required=True, type=click.Choice(DECISIONS), help="What the meeting decided.")
@click.option("--note", required=True, help="What was decided and why.")
@click.option("--owner", default=None, help="For 'act': who owns the action.")
@click.option("--due", default=None, help="For 'act': the action's due date, YYYY-MM-DD.")
@json_option
@pass_env
def review_decide(env: Env, code, seq, decision, note, owner, due, as_json) -> None:
    """Record the decision on agenda item SEQ ('act' also raises an action in the register).

    Example: pmtui --user jvandijk review decide PLANT_A-2026-10 3 --decision act --note "Root-cause the overspend" --owner iholm --due 2026-12-15
    """
    from pmtui.services import reviews  # noqa: PLC0415

    item = reviews.decide(env.connect(), code, seq, decision, note, owner=owner, due_on=due,
                          actor=env.acting_user(), now=env.now)

    def text() -> str:
        line = f"item {item['seq']} of {code}: {item['decision']} ({item['decision_note']})"
        if "action" in item:
            action = item["action"]
            line += f"; action {action['id']} raised for {action['owner']}, due {action['due_on']}"
        if decision == "revise_target" and item["kpi"]:
            line += (f"\nweigh revise or hold: pmtui targets evidence --kpi {item['kpi']} --unit {item['unit']}"
                     f" --period {item['period']}, then pmtui targets hold-or-revise ... --agenda-item {item['id']}")
        return line
    emit(item, as_json, text)


@review_group.command("minutes")
@click.argument("code")
@click.option("--text", "minutes", required=True, help="The minutes (replaces earlier ones; '-' reads standard input).")
@json_option
@pass_env
def review_minutes(env: Env, code: str, minutes: str, as_json: bool) -> None:
    """Write a meeting's minutes (until it is finalised).

    Example: pmtui --user jvandijk review minutes PLANT_A-2026-10 --text "OPEX overspend to be root-caused."
    """
    from pmtui.services import reviews  # noqa: PLC0415

    if minutes == "-":
        minutes = click.get_text_stream("stdin").read()
    m = reviews.write_minutes(env.connect(), code, minutes, actor=env.acting_user(), now=env.now)
    emit(m, as_json, lambda: f"minutes of {code} saved ({len(m['minutes'])} characters)")


@review_group.command("participant")
@click.argument("code")
@click.argument("user")
@click.option("--role", type=click.Choice(["member", "guest"]), default=None, help="Invite USER with this role.")
@click.option("--present/--absent", default=None, help="Record USER's attendance.")
@click.option("--remove", is_flag=True, help="Take USER off the meeting.")
@json_option
@pass_env
def review_participant(env: Env, code, user, role, present, remove, as_json) -> None:
    """Invite a participant, record attendance or remove one.

    Example: pmtui --user jvandijk review participant PLANT_A-2026-10 iholm --role member
    """
    from pmtui.services import meeting_people  # noqa: PLC0415
    from pmtui.services.errors import PmError  # noqa: PLC0415

    if remove and (role or present is not None):
        raise PmError("--remove goes alone")
    if not (remove or role or present is not None):
        raise PmError("say what to do: --role member|guest, --present, --absent or --remove")
    conn, actor, now = env.connect(), env.acting_user(), env.now
    people = None
    if remove:
        people = meeting_people.remove(conn, code, user, actor=actor, now=now)
    if role:
        people = meeting_people.invite(conn, code, user, role=role, actor=actor, now=now)
    if present is not None:
        people = meeting_people.set_attendance(conn, code, user, present, actor=actor, now=now)
    emit(people, as_json, lambda: table(people, ["user", "display_name", "role", "attended"]))


@review_group.command("rotation")
@click.argument("code")
@click.option("--choose", multiple=True, help="Record USER in a rotating seat (repeat; replaces the earlier choice).")
@json_option
@pass_env
def review_rotation(env: Env, code: str, choose: tuple[str, ...], as_json: bool) -> None:
    """Suggest process owners who do not answer for the agenda's metrics, least recent attendees first.

    Example: pmtui --user jvandijk review rotation PLANT_A-2026-10 --choose fweber
    """
    from pmtui.services import meeting_people  # noqa: PLC0415

    conn = env.connect()
    if choose:
        data = meeting_people.choose(conn, code, list(choose), actor=env.acting_user(), now=env.now)
    else:
        data = meeting_people.suggest(conn, code, today=env.now.date())

    def text() -> str:
        return "\n".join([f"Rotating seat(s) of {code}: {', '.join(data['chosen']) or 'none chosen'}", "Suggested:",
                          table(data["suggested"], ["user", "display_name", "last_attended", "attended", "why"]),
                          "Left out:", table(data["excluded"], ["user", "why"])])
    emit(data, as_json, text)


@review_group.command("finalise")
@click.argument("code")
@json_option
@pass_env
def review_finalise(env: Env, code: str, as_json: bool) -> None:
    """Finalise a meeting: every item decided, minutes written; afterwards nothing can change.

    Example: pmtui --user jvandijk review finalise PLANT_A-2026-10
    """
    from pmtui.services import reviews  # noqa: PLC0415

    m = reviews.finalise(env.connect(), code, actor=env.acting_user(), now=env.now)
    emit(m, as_json, lambda: f"meeting {code} finalised by {m['finalised_by']} at {m['finalised_at']}")
