"""Launching Datasette on the live pmtui file.

The file is served mutable (never ``-i``): the TUI keeps writing it, and an immutable
open would let Datasette cache counts and skip locking on a file that changes. Writes
through Datasette still fail, because the guard triggers call ``pmtui_guard()``, which
only pmtui's own connections define. The plugins come from the repository's
``datasette_plugins/`` (pmtui is installed editable), the config from
:mod:`pmtui.publish`.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import weakref
from pathlib import Path

from pmtui.publish import CONFIG_PATH, database_name, metadata_for, setting_flags
from pmtui.services.errors import PmError

#: The repository root: src/pmtui/publish/server.py -> parents[3].
REPO_ROOT = Path(__file__).resolve().parents[3]

#: Seconds :func:`stop` waits after SIGTERM before it kills the server.
STOP_TIMEOUT = 10.0


class DatasetteProcess(subprocess.Popen):
    """A running ``datasette serve``; :attr:`url` is where it answers."""

    def __init__(self, args: list[str], *, url: str, **kwargs):
        self.url = url
        super().__init__(args, **kwargs)


def plugins_dir() -> Path:
    """The ``datasette_plugins/`` folder of the repository.

    Raises:
        PmError: pmtui is not installed from a checkout (``pip install -e .``).
    """
    folder = REPO_ROOT / "datasette_plugins"
    if not (folder / "pm_functions.py").is_file():
        raise PmError(f"Datasette plugins not found in {folder}: install pmtui editable from its repository"
                      " (pip install -e .)")
    return folder


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def _check_port(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise PmError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def url_for(host: str, port: int) -> str:
    """The base URL of a server listening on ``host``:``port``."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
    return f"http://{shown}:{port}/"


def datasette_args(db_path: str | Path, port: int, *, host: str = "127.0.0.1",
                   metadata: str | Path = CONFIG_PATH) -> list[str]:
    """The command line that serves ``db_path`` read-only with the pmtui plugins.

    Args:
        db_path: the live pmtui file; passed as a plain (mutable) database, never ``-i``.
        port: the TCP port.
        host: the interface (loopback by default: stakeholders reach it through a proxy).
        metadata: the config file; :func:`serve` passes a copy made for ``db_path``.

    Returns:
        The argument list for :class:`subprocess.Popen` (same Python, so the same venv).
    """
    return [
        sys.executable, "-m", "datasette", "serve", str(db_path),
        "--host", host, "--port", str(port),
        "--plugins-dir", str(plugins_dir()),
        "--metadata", str(metadata),
        *setting_flags(),
    ]


def _prepare(db_path: Path) -> str | None:
    """Migrate the file (the published views must exist) and read the company name."""
    from pmtui.services import framework  # noqa: PLC0415
    from pmtui.store.db import connect  # noqa: PLC0415

    conn = connect(db_path)
    try:
        return framework.get_setting(conn, "company_name")
    finally:
        conn.close()


def serve(db_path: str | Path, host: str = "127.0.0.1", port: int | None = None,
          **popen_kwargs) -> DatasetteProcess:
    """Start Datasette on ``db_path`` in the background.

    Args:
        db_path: an existing pmtui file (migrated first if needed).
        host: the interface to listen on.
        port: the port, or None for a free one.
        **popen_kwargs: passed to :class:`subprocess.Popen` (e.g. ``stderr``).

    Returns:
        The process; its ``url`` attribute is the server's base URL. Call
        :func:`wait_until_up` before using it and :func:`stop` when done.

    Raises:
        PmError: the file does not exist, or the port is taken.
    """
    path = Path(db_path)
    if not path.is_file():
        raise PmError(f"{path} does not exist: run 'pmtui init' or 'pmtui demo --no-tui' first, or pass --db")
    company = _prepare(path)
    if port is None:
        port = free_port(host)
    else:
        _check_port(host, port)
    # The config names the database after the file, so each launch gets its own copy.
    folder = tempfile.mkdtemp(prefix="pmtui-serve-")
    metadata = Path(folder) / "metadata.json"
    metadata.write_text(json.dumps(metadata_for(database_name(path), company), indent=2), encoding="utf-8")
    try:
        proc = DatasetteProcess(datasette_args(path, port, host=host, metadata=metadata),
                                url=url_for(host, port), **popen_kwargs)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    weakref.finalize(proc, shutil.rmtree, folder, True)
    return proc


def wait_until_up(url: str, timeout: float = 30.0, proc: subprocess.Popen | None = None) -> None:
    """Poll ``url`` + ``-/versions.json`` until it answers 200.

    Raises:
        PmError: ``proc`` exited first, or nothing answered within ``timeout`` seconds.
    """
    # No proxies: a proxy from the environment must not intercept the loopback check.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + timeout
    probe = url.rstrip("/") + "/-/versions.json"
    while True:
        if proc is not None and proc.poll() is not None:
            raise PmError(f"datasette exited with code {proc.returncode} before answering at {url}")
        try:
            with opener.open(probe, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() >= deadline:
            raise PmError(f"datasette did not answer at {url} within {timeout:g} s")
        time.sleep(0.1)


def stop(proc: subprocess.Popen, timeout: float = STOP_TIMEOUT) -> int:
    """Terminate the server (kill it if it ignores SIGTERM); returns its exit code."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout)
    return proc.returncode
