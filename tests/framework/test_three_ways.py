"""The same framework built three ways (apply, CLI commands, TUI forms) exports to the same TOML."""

from __future__ import annotations

import shlex

from click.testing import CliRunner

from pmtui.cli import cli
from pmtui.services import framework_code, setup
from pmtui.store.db import connect
from tests.builders import NOW

SMALL = """
[[units]]
code = "NORTH"
name = "North"
kind = "region"
parent = "GROUP"

[[units]]
code = "BU_A"
name = "Unit A"
kind = "business_unit"
parent = "NORTH"

[[kpis]]
code = "REV"
name = "Revenue"
uom = "EUR k"
direction = "higher"
perspective = "FIN"

[[objectives]]
code = "GROW"
name = "Grow revenue"
level = "corporate"
unit = "GROUP"
perspective = "FIN"

[[objectives]]
code = "GROW_A"
name = "Grow revenue in A"
level = "unit"
unit = "BU_A"
perspective = "FIN"
parent = "GROW"
kpis = [{ code = "REV", weight = 1.0 }]
"""

COMMANDS = [
    "units add NORTH --name North --kind region --parent GROUP",
    "units add BU_A --name 'Unit A' --kind business_unit --parent NORTH",
    "kpis add REV --name Revenue --uom 'EUR k' --direction higher --perspective FIN",
    "objectives add GROW --name 'Grow revenue' --level corporate --unit GROUP --perspective FIN",
    "objectives add GROW_A --name 'Grow revenue in A' --level unit --unit BU_A --perspective FIN --parent GROW",
    "objectives link GROW_A REV --weight 1",
]


def _fresh(path):
    conn = connect(path)
    setup.initialise(conn, company="Small Co", admin="admin", now=NOW)
    return conn


def by_apply(tmp_path) -> str:
    conn = _fresh(tmp_path / "apply.db")
    framework_code.apply(conn, SMALL, actor="admin", now=NOW)
    return framework_code.export(conn, today=NOW.date())


def by_cli(tmp_path) -> str:
    _fresh(tmp_path / "cli.db").close()
    env = {"PMTUI_DB": str(tmp_path / "cli.db"), "PMTUI_NOW": NOW.isoformat(), "PMTUI_USER": "admin"}
    runner = CliRunner()
    for line in COMMANDS:
        result = runner.invoke(cli, shlex.split(line), env=env, catch_exceptions=False)
        assert result.exit_code == 0, f"{line}: {result.output}"
    return runner.invoke(cli, ["framework", "export", "-"], env=env).output


def test_apply_and_cli_export_the_same_toml(tmp_path):
    applied = by_apply(tmp_path)
    assert 'code = "GROW_A"' in applied and '{ code = "REV", weight = 1.0 }' in applied
    assert by_cli(tmp_path) == applied


async def test_the_tui_forms_export_the_same_toml_as_apply_and_cli(tmp_path):
    from tests.tui._pilot import make_app, settle
    from tests.tui.framework_driver import build_small_framework_via_tui, make_empty_file

    path = make_empty_file(tmp_path / "tui.db", company="Small Co")
    app = make_app(path, user="admin")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await build_small_framework_via_tui(pilot)
        await settle(pilot)
    conn = connect(path)
    exported = framework_code.export(conn, today=NOW.date())
    conn.close()
    assert exported == by_apply(tmp_path) == by_cli(tmp_path)
