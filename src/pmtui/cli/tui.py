"""Starting the TUI from the command line, and what happens when it crashes.

An unhandled exception ends the app (Textual restores the terminal first); :func:`run_tui`
then appends the traceback to the error log, prints one line saying where it is, and
exits with :data:`EXIT_CRASH`. The error log is ``$XDG_STATE_HOME/pmtui/error.log``
(``~/.local/state/pmtui/error.log`` by default), a per-user file, so that tracebacks never
land beside a shared or published database; when that directory cannot be written, the
log goes to the system's temporary directory. Unexpected errors of background work that
the TUI survives (it shows them as a notice) are appended to the same log.

The session acts as ``--user`` / ``PMTUI_USER``, else as the user named like the
operating system's login when there is one (:func:`pmtui.services.approvals.session_user`).
Keys come from the keymap file (:func:`pmtui.keymap.load`: ``--keymap``, ``PMTUI_KEYMAP``
or ``$XDG_CONFIG_HOME/pmtui/keymap.toml``); its problems are a notice in the TUI.
"""

from __future__ import annotations

import getpass
import os
import tempfile
import traceback
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

import click

from pmtui.cli.context import Env, now_from_env
from pmtui.services.errors import PmError

#: Exit status after a crash (``EX_SOFTWARE`` of sysexits.h): user errors exit 1, usage errors 2.
EXIT_CRASH = 70
LOG_NAME = "error.log"


def error_log_path(environ: Mapping[str, str] | None = None) -> Path:
    """Where tracebacks go: ``$XDG_STATE_HOME/pmtui/error.log``, else ``~/.local/state/pmtui/error.log``."""
    environ = os.environ if environ is None else environ
    state = environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(state) / "pmtui" / LOG_NAME


def write_error_log(error: BaseException, *, what: str, db_path: str, now: datetime,
                    path: Path | None = None) -> Path:
    """Append ``error``'s traceback to the error log, headed by when, what and which file.

    Returns:
        The file written: :func:`error_log_path`, or the same name in the temporary
        directory when the state directory cannot be written.
    """
    from importlib.metadata import version  # noqa: PLC0415

    head = (f"=== {now.isoformat()} {what} in pmtui {version('pmtui')} (textual {version('textual')})"
            f" on {db_path}\n")
    text = head + "".join(traceback.format_exception(error)) + "\n"
    for target in (path or error_log_path(), Path(tempfile.gettempdir()) / f"pmtui-{LOG_NAME}"):
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "a", encoding="utf-8") as log:
                log.write(text)
            return target
        except OSError:
            continue
    raise PmError(f"{what}: {type(error).__name__}: {error} (and no error log could be written)")


def run_tui(env: Env, *, readonly: bool = False, notice: str | None = None) -> None:
    """Open the TUI on ``env.db_path``; on close, write the audit anchor beside the file.

    Raises:
        click.exceptions.Exit: with :data:`EXIT_CRASH` after a crash (the traceback is in
            the error log), or with the app's own status when it could not start (e.g. the
            file could not be opened).
    """
    if not Path(env.db_path).exists():
        raise PmError(f"{env.db_path} does not exist: run 'pmtui demo' or 'pmtui init' first, or pass --db")
    if not readonly:
        # Published and redacted files (and snapshots with a manifest) are records, not
        # working files: open them read-only so that the TUI neither migrates nor writes them.
        from pmtui.services.publishing import file_marker  # noqa: PLC0415

        marker = file_marker(env.db_path)
        if marker or Path(f"{env.db_path}.manifest.json").is_file():
            readonly = True
            what = f"published for the {marker['published_audience']} audience" if marker else "a snapshot"
            notice = notice or f"{env.db_path} is {what}: opened read-only."
    from pmtui import keymap  # noqa: PLC0415 - Textual only when the TUI opens
    from pmtui.app import PmApp  # noqa: PLC0415

    def log_worker_error(error: BaseException) -> Path:
        return write_error_log(error, what="background error", db_path=env.db_path, now=now_from_env())

    app = PmApp(db_path=env.db_path, user=env.user, clock=now_from_env, readonly=readonly, notice=notice,
                error_log=log_worker_error, keymap=keymap.load(getattr(env, "keymap", None)), login=login_name())
    try:
        app.run()
    except Exception as exc:  # noqa: BLE001 - raised outside the app's loop; Textual has restored the terminal
        crash: BaseException | None = exc
    else:
        crash = getattr(app, "crash", None)  # (tests stand in a bare object for the app)
    if not readonly:
        _write_anchor(env.db_path, quiet=crash is not None)
    if crash is not None:
        path = write_error_log(crash, what="crash", db_path=env.db_path, now=now_from_env())
        click.echo(f"pmtui stopped on an unexpected error: {type(crash).__name__}: {crash}\n"
                   f"The traceback is in {path} (please attach it to a bug report).", err=True)
        raise click.exceptions.Exit(EXIT_CRASH)
    if getattr(app, "return_code", None):
        raise click.exceptions.Exit(app.return_code)


def login_name() -> str | None:
    """The operating system's login name, or None when it cannot be told."""
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return None


def _write_anchor(db_path: str, *, quiet: bool) -> None:
    """Record the audit chain's head beside the file; after a crash a failure here must not hide the crash."""
    from pmtui.services import anchor  # noqa: PLC0415
    from pmtui.store.db import connect  # noqa: PLC0415

    try:
        conn = connect(db_path)
        try:
            anchor.write(conn, db_path, now_from_env())
        finally:
            conn.close()
    except Exception:
        if not quiet:
            raise
