"""``pmtui publish ...``: per-audience published databases and stakeholder passwords."""

from __future__ import annotations

import click

from pmtui.cli import cli
from pmtui.cli.context import Env, pass_env
from pmtui.cli.output import emit, json_option
from pmtui.services.errors import PmError


class DefaultGroup(click.Group):
    """A group whose first argument, when it names no subcommand, goes to a default one.

    ``pmtui publish --audience public --out P.db`` runs ``pmtui publish run ...`` and
    ``pmtui snapshot OUT.db`` runs ``pmtui snapshot take OUT.db``, while ``pmtui snapshot
    verify OUT.db`` still reaches its subcommand.
    """

    def __init__(self, *args, default: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.default = default

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args[:1] not in (["--help"], ["-h"]) and (not args or args[0] not in self.commands):
            args = [self.default, *args]
        return super().parse_args(ctx, args)


@cli.group("publish", cls=DefaultGroup, default="run")
def publish_group() -> None:
    """Publish redacted databases per audience (public, internal) for Datasette.

    `pmtui publish --audience public --out PUB.db` (same as `pmtui publish run`) writes
    one file; `--all` writes public.db and internal.db into FILE.published/ beside the
    live file, where `pmtui serve` serves them (and notices the new files).

    Example: pmtui --db demo/pmtui-demo.db publish --audience public --out share/public.db
    """


@publish_group.command("run")
@click.option("--audience", type=click.Choice(["public", "internal"]), default=None,
              help="Who the file is for: public sees public elements only, internal sees public and internal.")
@click.option("--out", "out", type=click.Path(dir_okay=False), default=None,
              help="The published file to write (replaced atomically).")
@click.option("--all", "all_", is_flag=True, help="Publish every audience into FILE.published/.")
@json_option
@pass_env
def publish_run(env: Env, audience: str | None, out: str | None, all_: bool, as_json: bool) -> None:
    """Write the published database of an audience (approved data only, nothing above its level).

    Example: pmtui --db demo/pmtui-demo.db publish --audience public --out share/public.db
    """
    from pmtui.services import publishing  # noqa: PLC0415

    conn = env.connect()
    if all_:
        if audience or out:
            raise PmError("--all publishes every audience into FILE.published/: leave out --audience and --out")
        results = publishing.publish_all(conn, publishing.published_folder(env.db_path), now=env.now)
    elif audience and out:
        results = [publishing.publish(conn, out, audience, now=env.now)]
    else:
        raise PmError("pass --audience and --out, or --all")
    for r in results:
        r.pop("materialised", None)
    emit(results, as_json, lambda: "\n".join(
        f"published {r['audience']} to {r['path']} ({r['bytes']:,} bytes, {r['audit_redacted']:,} audit entries"
        f" redacted, {sum(r['deleted'].values()):,} rows left out)" for r in results))


@publish_group.command("passwd")
@click.argument("user")
@click.option("--audience", type=click.Choice(["internal", "live"]), default="internal", show_default=True,
              help="What the user sees once signed in: the internal file, or also the live file.")
@click.option("--remove", is_flag=True, help="Remove the user instead.")
@json_option
@pass_env
def publish_passwd(env: Env, user: str, audience: str, remove: bool, as_json: bool) -> None:
    """Set (or remove) a stakeholder's sign-in password; reads it from the prompt or standard input.

    Passwords are kept as scrypt hashes in FILE.published/passwords.json, never in a
    published file.

    Example: printf 'correct horse battery\\n' | pmtui --db demo/pmtui-demo.db publish passwd jvandijk
    """
    from pmtui.publish import passwords  # noqa: PLC0415
    from pmtui.services import publishing  # noqa: PLC0415

    path = publishing.published_folder(env.db_path) / "passwords.json"
    if remove:
        if not passwords.remove(path, user):
            raise PmError(f"no password is set for {user!r}")
        emit({"user": user, "removed": True}, as_json, lambda: f"removed {user}")
        return
    password = click.prompt("Password", hide_input=True, confirmation_prompt=False, err=True)
    try:
        result = passwords.set_password(path, user, password, audience)
    except ValueError as exc:
        raise PmError(str(exc)) from None
    emit(result, as_json, lambda: f"password set for {user} (audience {audience}) in {path}")
