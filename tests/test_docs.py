"""Every command is documented in the README and has help text (as sqlite-utils does)."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from pmtui.cli import cli

README = (Path(__file__).parents[1] / "README.md").read_text()


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    for name, command in group.commands.items():
        path = (*prefix, name)
        if isinstance(command, click.Group):
            yield from _commands(command, path)
        else:
            yield path, command


COMMANDS = sorted(_commands(cli), key=lambda item: item[0])


@pytest.mark.parametrize("path, command", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_command_is_documented_and_has_help(path, command):
    assert f"pmtui {' '.join(path)}" in README, f"README does not mention 'pmtui {' '.join(path)}'"
    assert (command.help or "").strip(), f"{' '.join(path)} has no help text"
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0 and "Example:" in result.output


def test_quick_start_is_two_commands():
    quick = README.split("## Quick start")[1].split("```")[1]
    lines = [line.split("#")[0].strip() for line in quick.strip().splitlines()[1:] if line.strip()]
    assert lines == ["make demo", "make test"]


def test_ci_runs_the_readme_test_command():
    ci = (Path(__file__).parents[1] / ".ci" / "run").read_text()
    assert "make test" in ci.splitlines()[-1]
