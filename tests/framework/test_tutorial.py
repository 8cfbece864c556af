"""The README's "Set up your own company", run command by command on an empty file.

The framework is the hand-written ``fixtures/example_framework.toml`` (not the demo).
The scorecard's numbers are then checked in the CLI, the TUI and Datasette.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from pmtui.cli import cli
from tests.plugins.helpers import make_datasette
from tests.tui._pilot import make_app, settle

ROOT = Path(__file__).parents[2]
#: Commands of the walk-through that open the TUI or a server: checked below instead.
INTERACTIVE = (["--user", "lead"], ["serve"])


def tutorial_commands() -> list[list[str]]:
    """The ``pmtui`` command lines of the README's walk-through, in order."""
    text = (ROOT / "README.md").read_text()
    block = text.split("## Set up your own company", 1)[1].split("```bash", 1)[1].split("```", 1)[0]
    lines = [line.split("#", 1)[0].strip() for line in block.splitlines()]
    return [shlex.split(line)[1:] for line in lines if line.startswith("pmtui ")]


@pytest.fixture(scope="module")
def company(tmp_path_factory):
    """Run the walk-through in a folder that has the repository's fixtures; returns the folder."""
    folder = tmp_path_factory.mktemp("tutorial")
    (folder / "fixtures").symlink_to(ROOT / "fixtures")
    runner = CliRunner()
    env = {"PMTUI_DB": str(folder / "ehg.db"), "PMTUI_NOW": "2026-11-20T09:00:00Z", "PMTUI_USER": ""}
    outputs = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(folder)
        for args in tutorial_commands():
            if args in INTERACTIVE:
                continue
            result = runner.invoke(cli, args, env=env, catch_exceptions=False)
            assert result.exit_code == 0, f"pmtui {' '.join(args)}:\n{result.output}"
            outputs[" ".join(args)] = result.output
    return folder, outputs


def test_the_walk_through_has_the_steps_the_issue_names():
    commands = [" ".join(a) for a in tutorial_commands()]
    assert commands[0].startswith("init") and any("framework apply" in c for c in commands)
    assert any(c.startswith("--user lead approve --all") for c in commands)
    assert any("import measurements" in c for c in commands)


def test_every_step_works_and_the_scorecard_shows_numbers(company):
    folder, outputs = company
    applied = outputs["--user admin framework apply fixtures/example_framework.toml"]
    assert "changed 53 element(s)" in applied
    assert "approved 36 proposed target(s)" in outputs["--user lead targets approve --all"]
    assert "approved 28 value(s)" in outputs["--user lead approve --all"]
    card = outputs["scorecard --unit RF4 --period 2026-10"]
    assert card.splitlines()[0] == "Barking, Havering and Redbridge (RF4) 2026-10: 4.9 amber  pending values: 0"
    assert (folder / "ehg-framework.toml").read_text().startswith("perspectives = [")


def test_the_export_applies_to_an_empty_file_and_comes_back_the_same(company, tmp_path):
    folder, _ = company
    exported = (folder / "ehg-framework.toml").read_text()
    runner = CliRunner()
    env = {"PMTUI_DB": str(tmp_path / "copy.db"), "PMTUI_NOW": "2026-11-20T09:00:00Z"}
    assert runner.invoke(cli, ["init", "--company", "Example Health Group"], env=env).exit_code == 0
    assert runner.invoke(cli, ["--user", "admin", "framework", "apply", str(folder / "ehg-framework.toml")],
                         env=env).exit_code == 0
    again = runner.invoke(cli, ["framework", "export", "-"], env=env)
    assert again.output == exported


async def test_the_tui_shows_the_scorecard(company):
    folder, _ = company
    app = make_app(folder / "ehg.db", user="lead")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = app.export_screenshot().replace("&#160;", " ")
    assert "Example Health Group" in text, text
    assert "2026-10" in text and "TIMELY_CARE" in text and "5.5" in text


async def test_datasette_shows_the_scorecard(company):
    folder, _ = company
    ds = make_datasette(folder / "ehg.db", company="Example Health Group")
    try:
        html = (await ds.client.get("/-/pmtui/scorecard?unit=RF4&period=2026-10")).text
    finally:
        for db in ds.databases.values():
            db.close()
    assert "Timely care at BHR" in html and "Seen within 4 hours" in html
    assert "pm-badge-amber" in html
