"""``pmtui serve``: publish the file read-only in Datasette."""

from __future__ import annotations

import signal
import sys

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
@pass_env
def serve_cmd(env: Env, port: int | None, host: str, print_url: bool) -> None:
    """Serve the file read-only in Datasette, in the foreground (Ctrl-C stops it).

    Publishes the pub_* views, the canned queries, the audit log and the unit
    scorecard page (/-/pmtui/scorecard). The live file is served as it is (never
    immutable); writes through Datasette are refused by the file's guard triggers.

    Example: pmtui --db demo/pmtui-demo.db serve --port 8001
    """
    from pmtui.publish import server  # noqa: PLC0415 - keeps PyYAML off other commands

    env.connect()  # the usual "does not exist" message; also applies pending migrations
    # Datasette's request log goes to stderr, so stdout carries only our own lines (--print-url).
    proc = server.serve(env.db_path, host=host, port=port, stdout=STDERR_FD)
    # SIGTERM to pmtui alone (a service manager) must not orphan the server: exit via finally.
    previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
    try:
        server.wait_until_up(proc.url, timeout=START_TIMEOUT, proc=proc)
        if print_url:
            click.echo(proc.url)
        else:
            click.echo(f"Serving {env.db_path} read-only at {proc.url} (scorecard: {proc.url}-/pmtui/scorecard)."
                       " Ctrl-C stops it.")
        code = proc.wait()
    except KeyboardInterrupt:
        code = 0
    finally:
        server.stop(proc)
        signal.signal(signal.SIGTERM, previous)
    if code:
        raise PmError(f"datasette stopped with exit code {code}")
