"""Creating files: ``pmtui init`` and ``pmtui demo``."""

from __future__ import annotations

import subprocess
from pathlib import Path

import click

from pmtui.cli import cli
from pmtui.cli.context import Env, pass_env
from pmtui.services.errors import PmError


@cli.command("init")
@click.option("--company", default="My Company", show_default=True, help="Company name shown in titles.")
@click.option("--admin", "admin_name", default="admin", show_default=True, help="Login of the first administrator.")
@pass_env
def init_cmd(env: Env, company: str, admin_name: str) -> None:
    """Create a new, empty pmtui file with a first administrator.

    Example: pmtui --db acme.db init --company "Acme Group" --admin jdoe
    """
    from pmtui.services import anchor, setup  # noqa: PLC0415

    if Path(env.db_path).exists():
        raise PmError(f"{env.db_path} already exists; choose another --db")
    conn = env.connect(must_exist=False)
    setup.initialise(conn, company=company, admin=admin_name, now=env.now)
    anchor.write(conn, env.db_path, env.now)
    click.echo(f"created {env.db_path} for {company}; administrator: {admin_name}")


@cli.command("demo")
@click.option("--no-tui", is_flag=True, help="Only build the demo file; do not open the TUI or start Datasette.")
@click.option("--rebuild", is_flag=True, help="Rebuild the demo file even if it exists.")
@click.option("--port", type=int, default=None, help="Port for Datasette (default: a free one).")
@pass_env
def demo_cmd(env: Env, no_tui: bool, rebuild: bool, port: int | None) -> None:
    """Build the demo company (if missing), serve it with Datasette and open the TUI.

    Quitting the TUI stops the Datasette server.

    Example: pmtui --db demo/pmtui-demo.db demo
    """
    from pmtui.services import demo  # noqa: PLC0415

    path = Path(env.db_path)
    if rebuild or not path.exists():
        click.echo(f"building the demo company in {path} ...", err=True)
        counts = demo.build_demo(path, now=env.now, rebuild=rebuild)
        click.echo(", ".join(f"{v:,} {k}" for k, v in counts.items()), err=True)
    if no_tui:
        click.echo(f"demo database ready: {path}")
        return
    from pmtui.cli.tui import run_tui  # noqa: PLC0415
    from pmtui.publish import server  # noqa: PLC0415

    env.user = env.user or demo.DEMO_USER
    log_path = path.with_suffix(".datasette.log")
    # Datasette logs each request: into a file, so that it never draws over the TUI.
    with open(log_path, "ab") as log:
        process = server.serve(str(path), port=port, now=env.now, stdout=log, stderr=log, stdin=subprocess.DEVNULL)
    try:
        server.wait_until_up(process.url, timeout=30, proc=process)
        click.echo(f"Datasette is serving {path} at {process.url}  (log: {log_path})", err=True)
        click.echo(f"Unit scorecard page: {process.url}-/pmtui/scorecard", err=True)
        run_tui(env, notice=f"Datasette is serving this file at {process.url} (scorecard page:"
                            f" {process.url}-/pmtui/scorecard). Quitting stops it.")
    finally:
        server.stop(process)
    click.echo(f"Datasette at {process.url} stopped.", err=True)
