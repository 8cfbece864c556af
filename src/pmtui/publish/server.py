"""Launching Datasette on the published audiences' files (and the live pmtui file).

:func:`serve` first (re-)publishes ``FILE.published/public.db`` and ``internal.db`` when
they are missing or older than the live file's audit head, then serves them with ``-i``
(immutable: they never change once written) beside the live file. The live file is
served mutable (never ``-i``: the TUI keeps writing it) and only to signed-in users of
audience ``live``; anonymous visitors see the public file only (see
:mod:`pmtui.publish.site`). Writes through Datasette fail, because the guard triggers
call ``pmtui_guard()``, which only pmtui's own connections define.

A re-publish replaces a file with ``os.replace``; a running Datasette keeps reading the
old (immutable) file through its open connections, so :func:`serve`'s caller restarts
the server to show the new one (``pmtui serve`` does, see its ``--refresh``). The config
comes from :mod:`pmtui.publish`; the plugins are the ``datasette_plugins`` package, which
Datasette loads through pmtui's ``datasette`` entry points however pmtui is installed
(see :func:`datasette_args` for a checkout that is not installed).
"""

from __future__ import annotations

import importlib.metadata
import json
import os
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

from pmtui.publish import CONFIG_PATH, database_name, setting_flags
from pmtui.services.errors import PmError

#: The repository root when running from a checkout: src/pmtui/publish/server.py -> parents[3].
REPO_ROOT = Path(__file__).resolve().parents[3]

#: Seconds :func:`stop` waits after SIGTERM before it kills the server.
STOP_TIMEOUT = 10.0


class DatasetteProcess(subprocess.Popen):
    """A running ``datasette serve``; :attr:`url` is where it answers."""

    def __init__(self, args: list[str], *, url: str, **kwargs):
        self.url = url
        super().__init__(args, **kwargs)


def plugins_dir() -> Path:
    """The folder of the ``datasette_plugins`` package (installed, else the checkout's).

    Raises:
        PmError: the plugins are missing (a broken installation).
    """
    try:
        import datasette_plugins  # noqa: PLC0415 - an empty package: only its location is wanted

        folder = Path(datasette_plugins.__file__).parent
    except ImportError:  # a checkout on PYTHONPATH, or installed before the package was
        folder = REPO_ROOT / "datasette_plugins"
    if not (folder / "pm_functions.py").is_file():
        raise PmError(f"Datasette plugins not found in {folder}: reinstall pmtui")
    return folder


def plugin_modules() -> tuple[str, ...]:
    """The plugin modules, ``datasette_plugins.pm_*``, as found in :func:`plugins_dir`."""
    return tuple(f"datasette_plugins.{path.stem}" for path in sorted(plugins_dir().glob("pm_*.py")))


def unregistered_plugins() -> tuple[str, ...]:
    """The plugin modules that no installed ``datasette`` entry point loads.

    None once pmtui is installed (any way); all of them when a checkout runs without
    being installed, some when an editable install predates a new plugin module.
    """
    registered = {ep.value for ep in importlib.metadata.entry_points(group="datasette")}
    return tuple(m for m in plugin_modules() if m not in registered)


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


def datasette_args(db_path: str | Path | None, port: int, *, host: str = "127.0.0.1",
                   metadata: str | Path = CONFIG_PATH, immutable: tuple = ()) -> list[str]:
    """The command line that serves ``db_path`` read-only with the pmtui plugins.

    Args:
        db_path: the live pmtui file; passed as a plain (mutable) database, never ``-i``.
        port: the TCP port.
        host: the interface (loopback by default: stakeholders reach it through a proxy).
        metadata: the config file; :func:`serve` passes a copy made for ``db_path``.
        immutable: published files, served with ``-i``.

    Returns:
        The argument list for :class:`subprocess.Popen` (same Python, so the same venv).
        Datasette loads the plugins through their entry points; ``--plugins-dir`` is added
        only when some are not installed as entry points (see :func:`unregistered_plugins`).
        The modules that are installed are not loaded twice: their entry points carry the
        names Datasette gives ``--plugins-dir`` modules, and it skips a name already taken.
    """
    files = [str(db_path)] if db_path is not None else []
    for path in immutable:
        files += ["-i", str(path)]
    plugins = ["--plugins-dir", str(plugins_dir())] if unregistered_plugins() else []
    return [
        sys.executable, "-m", "datasette", "serve", *files,
        "--host", host, "--port", str(port),
        *plugins,
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


def publish_if_stale(db_path: str | Path, *, force: bool = False, now=None) -> tuple[Path, bool]:
    """Publish the audiences' files beside ``db_path`` when missing or stale (as of ``now``,
    default the current time: it becomes the snapshot date of the files).

    Returns:
        The folder and whether it was (re-)published.
    """
    from pmtui.services import publishing  # noqa: PLC0415
    from pmtui.store.db import connect  # noqa: PLC0415

    folder = publishing.published_folder(db_path)
    conn = connect(db_path)
    try:
        if not force and not publishing.is_stale(conn, folder):
            return folder, False
        from datetime import datetime, timezone  # noqa: PLC0415

        publishing.publish_all(conn, folder, now=now or datetime.now(timezone.utc))
        return folder, True
    finally:
        conn.close()


def _site_metadata(path: Path, folder: Path, company: str | None, live: bool) -> dict:
    import sqlite3  # noqa: PLC0415

    from pmtui.publish import passwords, site  # noqa: PLC0415
    from pmtui.services import publishing  # noqa: PLC0415

    published = {a: folder / f"{a}.db" for a in publishing.AUDIENCES}
    tables, stamp = {}, None
    for audience, file in published.items():
        conn = sqlite3.connect(f"file:{file}?mode=ro", uri=True)
        try:
            tables[database_name(file)] = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            stamp = (publishing.file_marker(file) or {}).get(publishing.PUBLISHED_AT_KEY, stamp)
        finally:
            conn.close()
    passwords.secret(folder)
    return site.site_config(published, live=path if live else None, company=company,
                            passwords=folder / "passwords.json", tables=tables, published_at=stamp)


def serve(db_path: str | Path, host: str = "127.0.0.1", port: int | None = None, *, live: bool = True,
          now=None, **popen_kwargs) -> DatasetteProcess:
    """Publish (when stale) and start Datasette on the published files in the background.

    Args:
        db_path: an existing pmtui file (migrated first if needed).
        host: the interface to listen on.
        port: the port, or None for a free one.
        live: also serve the live file (to signed-in ``live`` users only).
        now: the time to publish as (the snapshot date of the files); default the clock.
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
    published, _ = publish_if_stale(path, now=now)
    # The config names the database after the file, so each launch gets its own copy.
    folder = tempfile.mkdtemp(prefix="pmtui-serve-")
    metadata = Path(folder) / "metadata.json"
    metadata.write_text(json.dumps(_site_metadata(path, published, company, live), indent=2), encoding="utf-8")
    from pmtui.publish import passwords  # noqa: PLC0415
    from pmtui.services.publishing import AUDIENCES  # noqa: PLC0415

    # A fixed signing secret (from the environment, not argv) keeps sign-ins across restarts.
    env = dict(popen_kwargs.pop("env", None) or os.environ, DATASETTE_SECRET=passwords.secret(published))
    try:
        proc = DatasetteProcess(datasette_args(path if live else None, port, host=host, metadata=metadata,
                                               immutable=tuple(published / f"{a}.db" for a in AUDIENCES)),
                                url=url_for(host, port), env=env, **popen_kwargs)
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
