"""The documentation: every command in the generated CLI reference with help and an example
(as sqlite-utils does), a short README, and a docs site that builds with warnings as errors."""

from __future__ import annotations

import difflib
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from pmtui.cli import cli, reference

ROOT = Path(__file__).parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
CLI_PAGE = ROOT / reference.PAGE


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    """Every command and group under ``group``, walked from click's own table (not the generator's)."""
    for name, command in group.commands.items():
        path = (*prefix, name)
        yield path, command
        if isinstance(command, click.Group):
            yield from _commands(command, path)


COMMANDS = sorted(_commands(cli), key=lambda item: item[0])


@pytest.mark.parametrize("path, command", COMMANDS, ids=[" ".join(p) for p, _ in COMMANDS])
def test_command_is_in_the_cli_reference_and_has_help(path, command):
    name = f"pmtui {' '.join(path)}"
    heading = re.compile(rf"^#+ {re.escape(name)} \{{#", re.MULTILINE)
    assert heading.search(CLI_PAGE.read_text(encoding="utf-8")), (
        f"docs/cli.md has no section for '{name}': run {reference.REGENERATE}")
    assert (command.help or "").strip(), f"{name} has no help text"
    if not isinstance(command, click.Group):
        result = CliRunner().invoke(cli, [*path, "--help"])
        assert result.exit_code == 0 and "Example:" in result.output, f"{name} --help shows no 'Example:' line"


def test_cli_reference_is_generated_from_the_commands():
    committed = CLI_PAGE.read_text(encoding="utf-8") if CLI_PAGE.exists() else ""
    generated = reference.render()
    if committed != generated:
        diff = difflib.unified_diff(committed.splitlines(), generated.splitlines(), "docs/cli.md", "generated",
                                    lineterm="", n=1)
        pytest.fail(f"docs/cli.md differs from the click commands: run {reference.REGENERATE}\n"
                    + "\n".join(list(diff)[:30]), pytrace=False)


def test_quick_start_is_two_commands():
    quick = README.split("## Quick start")[1].split("```")[1]
    lines = [line.split("#")[0].strip() for line in quick.strip().splitlines()[1:] if line.strip()]
    assert lines == ["make demo", "make test"]


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci.splitlines()[-1]


def test_readme_is_short_and_its_links_lead_somewhere():
    assert len(README.splitlines()) <= 200, "README.md is over 200 lines: move the detail into docs/"
    targets = re.findall(r"\]\(((?!https?://|#)[^)#\s]+)", README)
    assert targets, "README.md links into no page of docs/"
    missing = [t for t in targets if not (ROOT / t).exists()]
    assert not missing, f"README.md links to missing files: {missing}"


def test_the_tutorial_page_has_the_readme_walk_through():
    """tests/framework/test_tutorial.py runs the README's block; the docs page must show the same lines."""
    block = README.split("## Set up your own company", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    assert f"```bash{block}```" in (ROOT / "docs" / "tutorial.md").read_text(encoding="utf-8")


def test_the_docs_site_builds_without_warnings(tmp_path):
    """``mkdocs build --strict``: broken links and anchors, and pages left out of the nav, fail."""
    for module in ("mkdocs", "material"):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"{module} is not installed: pip install -e '.[docs]' (the test extra has it too)")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(ROOT / "mkdocs.yml"),
         "--site-dir", str(tmp_path / "site")],
        capture_output=True, text=True, env=env, timeout=300, check=False)
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}"
    assert (tmp_path / "site" / "cli" / "index.html").exists()
