"""Expensive test inputs built once and kept on disk, keyed by a hash of what they are built from.

Building the demo company takes 15 to 30 seconds, publishing it 10 to 15 more; pytest-xdist
runs every session fixture once per worker, and every run used to start from nothing.
:func:`cached_build` builds such an input once, under a file lock (so two workers, or two
runs in the same checkout, never build the same thing at once), in a folder named after a
hash of its inputs (:func:`source_digest`), and later sessions reuse it until those inputs
change. Tests never open the cached files: fixtures copy them once per session.
"""

from __future__ import annotations

import fcntl
import hashlib
import inspect
import os
import re
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import pmtui

#: Bump to invalidate every cached build (when what a build writes changes shape).
CACHE_VERSION = "1"
#: Cached builds of another key are removed once unused for this long (seconds). Sessions
#: copy a build when they first need it, so only a build under way needs it to stay.
KEEP_UNUSED = 600
#: The package whose sources a build depends on.
PACKAGE = Path(pmtui.__file__).resolve().parent
#: The parts of the package a build runs: the layers below the front ends (core <- store <-
#: services, and publish) and the package data. Screens, widgets, the app and the CLI cannot
#: change a database built through the services, so editing them rebuilds nothing.
BUILD_PARTS = ("__init__.py", "core", "store", "services", "publish", "fixtures")


def _files(root: Path) -> list[Path]:
    paths = [root] if root.is_file() else sorted(root.rglob("*"))
    return [p for p in paths if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"]


def _build_files() -> list[Path]:
    """The files of :data:`BUILD_PARTS`; every file of the package once one of them names another part."""
    files = [path for part in BUILD_PARTS for path in _files(PACKAGE / part)]
    named = {m for path in files if path.suffix == ".py"
             for m in re.findall(r"\bpmtui\.(\w+)", path.read_text(encoding="utf-8"))}
    return files if named <= {p.removesuffix(".py") for p in BUILD_PARTS} else _files(PACKAGE)


def source_digest(*extra: object, folders: Iterable[Path] = ()) -> str:
    """SHA-256 over the package files a build runs, the files of ``folders``, and ``extra`` (e.g. the frozen NOW).

    Python's and SQLite's versions are included: a database built by another SQLite may differ.
    """
    digest = hashlib.sha256()
    for part in (CACHE_VERSION, sys.version_info[:2], sqlite3.sqlite_version, *extra):
        digest.update(repr(part).encode() + b"\0")
    for root, files in ((PACKAGE, _build_files()), *((Path(f), _files(Path(f))) for f in folders)):
        for path in files:
            digest.update(str(path.relative_to(root)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def demo_digest() -> str:
    """What the demo company is built from: the build parts of the package, the demo definition, the frozen NOW."""
    from pmtui.services import demo
    from tests.builders import NOW

    return source_digest(NOW, folders=[demo.FIXTURES])


def cache_root(config) -> Path:
    """``.pytest_cache/d/pmtui`` (pytest's cache folder), or a folder in the system temp dir without it."""
    cache = getattr(config, "cache", None)
    if cache is not None:
        return cache.mkdir("pmtui")
    root = Path(tempfile.gettempdir()) / f"pmtui-test-cache-{os.getuid()}"
    root.mkdir(exist_ok=True)
    return root


def cached_build(root: Path, name: str, digest: str, build: Callable[[Path], None]) -> Path:
    """The folder ``root/name-<key>`` holding what ``build(folder)`` wrote, built on first use.

    The key hashes ``digest`` and the file that defines ``build`` (a fixture's conftest), so
    changing how a test builds the input rebuilds it too. The build runs in a scratch folder
    that is renamed into place only when complete, under an exclusive lock on
    ``root/name.lock``: a concurrent session waits for it, then reuses it. Folders of the same
    ``name`` and another key unused for :data:`KEEP_UNUSED` are removed.
    """
    builder = Path(inspect.getsourcefile(build)).read_bytes()
    final = root / f"{name}-{hashlib.sha256(digest.encode() + builder).hexdigest()[:24]}"
    if not final.is_dir():
        with open(root / f"{name}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not final.is_dir():
                scratch = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=root))
                try:
                    build(scratch)
                    os.replace(scratch, final)
                except BaseException:
                    shutil.rmtree(scratch, ignore_errors=True)
                    raise
            _prune(root, name, keep=final)
    os.utime(final)  # marks it used, so that pruning by another session spares it
    return final


def _prune(root: Path, name: str, keep: Path) -> None:
    cutoff = time.time() - KEEP_UNUSED
    for stale in root.glob(f"{name}-*"):
        if stale != keep and stale.is_dir() and stale.stat().st_mtime < cutoff:
            shutil.rmtree(stale, ignore_errors=True)
    for scratch in root.glob(f".{name}-*"):  # left by an interrupted build (we hold the lock)
        shutil.rmtree(scratch, ignore_errors=True)
