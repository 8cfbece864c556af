"""The ``pmtui`` command: a thin click front end over the services.

Bare ``pmtui`` opens the TUI on the configured file. Global options pick the file
(``--db`` / ``PMTUI_DB``) and the acting user (``--user`` / ``PMTUI_USER``); the clock is
read here, at the edge, and passed down (``PMTUI_NOW`` fixes it for tests and demos).
User errors print ``Error: ...`` and exit 1; usage errors exit 2; no tracebacks.
"""

from __future__ import annotations

import sqlite3
import sys

import click

from pmtui.cli.context import Env, pass_env
from pmtui.services.errors import PmError


class PmGroup(click.Group):
    """A group that turns user errors into a message and exit code 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except PmError as exc:
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(1)
        except sqlite3.DatabaseError as exc:
            click.echo(f"Error: database problem: {exc}", err=True)
            ctx.exit(1)
        finally:
            if isinstance(ctx.obj, Env):
                ctx.obj.finish()


@click.group(cls=PmGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db_path", envvar="PMTUI_DB", default="pmtui.db", show_default=True,
              type=click.Path(dir_okay=False), help="The SQLite file to work on (env PMTUI_DB).")
@click.option("--user", envvar="PMTUI_USER", default=None, help="Acting user for writes (env PMTUI_USER).")
@click.option("--keymap", envvar="PMTUI_KEYMAP", default=None, type=click.Path(dir_okay=False),
              help="The TUI's keymap file (env PMTUI_KEYMAP; default $XDG_CONFIG_HOME/pmtui/keymap.toml).")
@click.version_option(package_name="pmtui")
@click.pass_context
def cli(ctx: click.Context, db_path: str, user: str | None, keymap: str | None) -> None:
    """pmtui: performance management over one audited SQLite file.

    With no command, opens the TUI on the file given by --db.
    """
    ctx.obj = Env(db_path=db_path, user=user, keymap=keymap)
    if ctx.invoked_subcommand is None:
        from pmtui.cli.tui import run_tui  # noqa: PLC0415

        run_tui(ctx.obj)


def main() -> None:
    """Console-script entry point."""
    from pmtui.cli import commands  # noqa: F401,PLC0415 - registers the commands

    cli(prog_name="pmtui")


def _register() -> None:
    from pmtui.cli import commands  # noqa: F401,PLC0415


_register()
__all__ = ["cli", "main", "pass_env", "sys"]
