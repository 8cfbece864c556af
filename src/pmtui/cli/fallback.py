"""Turning an existing command into a group without breaking its command line.

``pmtui spc FILE.csv`` and ``pmtui kpis --json`` are fixed contracts, yet ``spc`` and
``kpis`` need subcommands (``pmtui spc refresh``, ``pmtui kpis formula``). A
:class:`FallbackGroup` runs its *fallback* subcommand whenever the first argument is
not one of its subcommands, so the old command lines keep working unchanged.
"""

from __future__ import annotations

import click

from pmtui.cli import cli


class FallbackGroup(click.Group):
    """A group that hands unknown first arguments (and no arguments) to its fallback subcommand."""

    def __init__(self, *args, fallback: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fallback = fallback

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Prefix the fallback's name unless a subcommand (or --help) comes first."""
        if not args or (args[0] not in self.commands and args[0] not in ctx.help_option_names):
            args = [self.fallback, *args]
        return super().parse_args(ctx, args)


def promote(name: str, fallback: str, help_text: str) -> click.Group:
    """Make ``pmtui <name>`` a group whose old command becomes subcommand ``fallback``.

    Another area may have promoted it already: then that group is returned as it is.
    """
    existing = cli.commands.get(name)
    if isinstance(existing, click.Group):
        return existing
    group = FallbackGroup(name, help=help_text, fallback=fallback)
    if existing is not None:
        existing.name = fallback
        group.add_command(existing, fallback)
    cli.add_command(group, name)
    return group
