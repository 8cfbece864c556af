"""Packaging: pmtui works installed from a wheel, not only editable from its checkout.

The slow part builds the wheel from a copy of the sources, installs it (without its
dependencies) in a fresh venv in ``tmp_path`` that borrows the dependencies of the
running venv through a ``.pth`` line, and runs ``pmtui demo --no-tui``, ``audit verify``
and ``serve`` from there, with the working directory and ``PYTHONPATH`` away from the
checkout, so nothing can come from it. About 30 s (14 s of it the demo build), once per session.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tomllib
import urllib.request
import zipfile
from pathlib import Path

import pytest

from pmtui.publish import server
from pmtui.services import demo

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
#: What the build needs from the checkout (copied, so the build leaves nothing in the tree).
BUILD_INPUTS = ("pyproject.toml", "README.md", "src", "datasette_plugins")
#: Folders whose every file, Python or not, must be in the wheel (under the package's name).
PACKAGES = {"pmtui": ROOT / "src" / "pmtui", "datasette_plugins": ROOT / "datasette_plugins"}
NOW = "2026-11-26T09:00:00Z"


def _run(args: list, *, timeout: float = 180, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=timeout, check=False,
                            **kwargs)
    assert result.returncode == 0, f"{args} exited {result.returncode}:\n{result.stdout}\n{result.stderr}"
    return result


def _source_files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc"}


# -- fast checks of the configuration ------------------------------------------------------------


def test_every_plugin_module_has_an_entry_point_named_as_a_plugins_dir_module():
    modules = sorted(p.stem for p in (ROOT / "datasette_plugins").glob("pm_*.py"))
    entry_points = PYPROJECT["project"]["entry-points"]["datasette"]
    assert entry_points == {f"{m}.py": f"datasette_plugins.{m}" for m in modules}


def test_the_packaged_demo_definition_is_the_checkouts():
    shipped = demo.PACKAGED_FIXTURES / "demo_company.toml"
    assert shipped.read_bytes() == (ROOT / "fixtures" / "demo_company.toml").read_bytes(), (
        "fixtures/demo_company.toml changed: copy it to src/pmtui/fixtures/ (the copy a wheel ships)")


def test_license_is_an_spdx_expression():
    assert PYPROJECT["project"]["license"] == "Apache-2.0"


def test_plugins_dir_is_the_package_folder():
    assert (server.plugins_dir() / "pm_scorecard.py").is_file()
    assert len(server.plugin_modules()) == len(list(server.plugins_dir().glob("pm_*.py")))


@pytest.mark.parametrize(("registered", "expected"), [(True, []), (False, ["--plugins-dir"])])
def test_plugins_dir_is_passed_only_for_plugins_without_an_entry_point(monkeypatch, tmp_path, registered, expected):
    monkeypatch.setattr(server, "unregistered_plugins", lambda: () if registered else server.plugin_modules())
    args = server.datasette_args(tmp_path / "x.db", 8123)
    assert [a for a in args if a == "--plugins-dir"] == expected
    if not registered:
        assert args[args.index("--plugins-dir") + 1] == str(server.plugins_dir())


def test_unregistered_plugins_reads_the_installed_entry_points(monkeypatch):
    class EntryPoint:
        def __init__(self, value):
            self.value = value

    installed = [EntryPoint(m) for m in server.plugin_modules()[1:]]
    monkeypatch.setattr(server.importlib.metadata, "entry_points", lambda group: installed)
    assert server.unregistered_plugins() == server.plugin_modules()[:1]


def test_a_plugins_dir_beside_the_entry_points_registers_each_plugin_once():
    """Editable installs and the tests pass ``plugins_dir`` while the entry points load too."""
    from datasette.app import Datasette
    from datasette.plugins import pm

    Datasette(memory=True, plugins_dir=str(server.plugins_dir()))
    files = [Path(getattr(p, "__file__", "") or "").name for p in pm.get_plugins()]
    modules = [p.name for p in server.plugins_dir().glob("pm_*.py")]
    assert {m: files.count(m) for m in modules} == dict.fromkeys(modules, 1)


# -- the wheel, installed in a fresh venv --------------------------------------------------------


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built with pip from a copy of the sources (no new dependencies)."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    source.mkdir()
    for name in BUILD_INPUTS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
        else:
            shutil.copy(ROOT / name, source / name)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", root / "dist", source], timeout=300)
    (built,) = (root / "dist").glob("pmtui-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel, tmp_path_factory) -> Path:
    """A fresh venv with the wheel installed; dependencies come from the running venv.

    The running venv's site-packages is appended to ``sys.path`` by a ``.pth`` line: its
    own ``.pth`` files (the editable install's finder) are not processed, so pmtui and
    the plugins can only come from the wheel.
    """
    folder = tmp_path_factory.mktemp("venv") / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", folder])
    python = folder / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps", "--no-index", wheel])
    site = Path(_run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    borrowed = dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib"))
    (site / "_pmtui_test_dependencies.pth").write_text("".join(f"{p}\n" for p in borrowed), encoding="utf-8")
    return folder


def _env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PMTUI_") and k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return env | {"PMTUI_NOW": NOW}


def test_the_wheel_holds_every_file_of_both_packages_and_the_entry_points(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        declared = archive.read(entry_points).decode()
        metadata = archive.read(entry_points.replace("entry_points.txt", "METADATA")).decode()
    for package, folder in PACKAGES.items():
        missing = {f"{package}/{f}" for f in _source_files(folder)} - names
        assert not missing, f"left out of the wheel: {sorted(missing)}"
    assert {"pmtui/publish/areas/spc.yaml", "pmtui/fixtures/demo_company.toml", "pmtui/app.tcss",
            "datasette_plugins/templates/pmtui_scorecard.html", "datasette_plugins/static/vendor/vega.min.js"} <= names
    assert "[datasette]\npm_auth.py = datasette_plugins.pm_auth\n" in declared
    assert "License-Expression: Apache-2.0" in metadata


def test_the_installed_pmtui_and_plugins_come_from_the_wheel(venv):
    code = ("import json, pmtui, datasette_plugins; from pmtui.services import demo;"
            " from pmtui.publish import server;"
            " print(json.dumps([pmtui.__file__, datasette_plugins.__file__, str(demo.FIXTURES),"
            " list(server.unregistered_plugins())]))")
    files = json.loads(_run([venv / "bin" / "python", "-c", code], cwd=venv, env=_env()).stdout)
    assert all(Path(f).is_relative_to(venv) for f in files[:3]), files
    assert files[3] == []  # every plugin is an entry point: no --plugins-dir


def test_demo_audit_and_serve_run_from_the_wheel(venv, tmp_path):
    pmtui, db = venv / "bin" / "pmtui", tmp_path / "demo.db"
    built = _run([pmtui, "--db", db, "demo", "--no-tui"], cwd=tmp_path, env=_env())
    assert "demo database ready" in built.stdout
    assert "OK: the file matches its audit trail" in _run([pmtui, "--db", db, "audit", "verify"],
                                                          cwd=tmp_path, env=_env()).stdout
    port = server.free_port()
    url = f"http://127.0.0.1:{port}/"
    with open(tmp_path / "serve.log", "wb") as log:
        proc = subprocess.Popen([str(pmtui), "--db", str(db), "serve", "--port", str(port), "--refresh", "0"],
                                cwd=tmp_path, env=_env(), stdout=log, stderr=log, start_new_session=True)
    try:
        server.wait_until_up(url, timeout=120, proc=proc)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        pages = {}
        for path in ("", "-/pmtui/home", "-/pmtui/scorecard", "-/pmtui/pmtui.css", "-/pmtui/vendor/vega.min.js",
                     "-/plugins.json"):
            with opener.open(url + path, timeout=30) as response:
                assert response.status == 200, path
                pages[path] = response.read().decode()
        assert "Northwind Industries" in pages["-/pmtui/scorecard"]
        # Loaded once each, through the entry points (a --plugins-dir module is named "pm_x.py").
        names = [p["name"] for p in json.loads(pages["-/plugins.json"])]
        assert names.count("pmtui") == len(server.plugin_modules())
        assert not [n for n in names if n.endswith(".py")], names
        proc.send_signal(signal.SIGTERM)  # pmtui stops Datasette on its way out
        proc.wait(timeout=30)
    finally:
        try:  # whatever is left of what this test started (pmtui and its Datasette)
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
    log_text = (tmp_path / "serve.log").read_text(errors="replace")
    with pytest.raises(ConnectionRefusedError):  # Datasette is gone too
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    assert "Traceback" not in log_text, log_text
