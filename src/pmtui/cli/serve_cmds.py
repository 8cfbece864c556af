"""``pmtui serve``: publish the audiences' files and serve them read-only in Datasette."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import click

from pmtui.cli import cli
from pmtui.cli.context import Env, pass_env
from pmtui.services.errors import PmError

#: File descriptor of standard error, for the server's output.
STDERR_FD = 2

#: Seconds to wait for Datasette to answer after launch.
START_TIMEOUT = 30.0


@cli.command("serve")
@click.option("--port", type=click.IntRange(1, 65535), default=None,
              help="Port to listen on (default: a free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on; keep the loopback default behind a proxy.")
@click.option("--print-url", is_flag=True,
              help="Print only the URL once the server answers (for scripts).")
@click.option("--refresh", type=click.IntRange(0, 86400), default=30, show_default=True,
              help="Every N seconds, re-publish if the live file changed (0: never) and restart"
                   " Datasette on new files (also after `pmtui publish --all`).")
@pass_env
def serve_cmd(env: Env, port: int | None, host: str, print_url: bool, refresh: int) -> None:
    """Publish and serve the audiences' files read-only in Datasette, in the foreground (Ctrl-C stops it).

    Publishes FILE.published/public.db (anyone) and internal.db (signed-in users, see
    `pmtui publish passwd`) when missing or stale, and serves them immutable (-i) with the
    performance report (/-/pmtui/home), KPI pages, the unit scorecard page
    (/-/pmtui/scorecard), canned queries and the audit log. The live file is served only
    to signed-in users of audience "live"; writes through Datasette are refused by its
    guard triggers.

    Example: pmtui --db demo/pmtui-demo.db serve --port 8001
    """
    from pmtui.publish import server  # noqa: PLC0415 - keeps PyYAML off other commands

    env.connect()  # the usual "does not exist" message; also applies pending migrations
    # Datasette's request log goes to stderr, so stdout carries only our own lines (--print-url).
    proc = server.serve(env.db_path, host=host, port=port, now=env.now, stdout=STDERR_FD)
    # SIGTERM to pmtui alone (a service manager) must not orphan the server: exit via finally.
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    try:
        server.wait_until_up(proc.url, timeout=START_TIMEOUT, proc=proc)
        if print_url:
            click.echo(proc.url)
        else:
            click.echo(f"Serving {env.db_path} read-only at {proc.url} (report: {proc.url}-/pmtui/home,"
                       f" scorecard: {proc.url}-/pmtui/scorecard). Ctrl-C stops it.")
        while True:
            code, proc = _watch(env, server, proc, refresh)
            if code is not None:
                break
    except KeyboardInterrupt:
        code = 0
    finally:
        server.stop(proc)
        signal.signal(signal.SIGTERM, previous)
    if code:
        raise PmError(f"datasette stopped with exit code {code}")


def _files(env: Env) -> dict[str, tuple]:
    from pmtui.services.publishing import AUDIENCES, published_folder  # noqa: PLC0415

    folder = published_folder(env.db_path)
    out = {}
    for audience in AUDIENCES:
        try:
            stat = os.stat(Path(folder) / f"{audience}.db")
            out[audience] = (stat.st_ino, stat.st_mtime_ns)
        except OSError:
            out[audience] = None
    return out


def _watch(env: Env, server, proc, refresh: int):
    """Wait up to ``refresh`` seconds; re-publish / restart when needed.

    Returns ``(exit code, process)``: the code is None while serving goes on. With ``-i``,
    Datasette keeps reading a replaced file through its open connections, so a new file
    becomes visible by restarting Datasette on the same port (a second or two without
    answers; a reader never sees a half-written file, because files are swapped whole).
    """
    if not refresh:
        return proc.wait(), proc
    before = _files(env)
    try:
        return proc.wait(timeout=refresh), proc
    except subprocess.TimeoutExpired:
        pass
    _, republished = server.publish_if_stale(env.db_path, now=env.now)
    if not republished and _files(env) == before:
        return None, proc
    port = int(proc.url.rstrip("/").rsplit(":", 1)[1])
    host = proc.args[proc.args.index("--host") + 1] if "--host" in getattr(proc, "args", []) else "127.0.0.1"
    server.stop(proc)
    proc = server.serve(env.db_path, host=host, port=port, now=env.now, stdout=STDERR_FD)
    server.wait_until_up(proc.url, timeout=START_TIMEOUT, proc=proc)
    click.echo(f"re-published: Datasette restarted at {proc.url}", err=True)
    return None, proc
