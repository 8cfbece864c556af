"""Import rules: core <- store <- services <- {TUI, CLI, plugins}.

Modules are imported in a fresh interpreter and ``sys.modules`` is inspected, as
Harlequin does, so an indirect import is caught too.
"""

from __future__ import annotations

import ast
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import pmtui

SRC = Path(pmtui.__file__).parent


def _modules(package: str) -> list[str]:
    path = SRC / package.replace("pmtui.", "").replace(".", "/")
    return [f"{package}.{m.name}" for m in pkgutil.iter_modules([str(path)])]


def _loaded_after_import(modules: list[str]) -> set[str]:
    code = ("import json, sys\n" + "".join(f"import {m}\n" for m in modules)
            + "print(json.dumps(sorted({n.split('.')[0] for n in sys.modules})))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return set(json.loads(out))


def test_core_imports_no_textual_datasette_or_sqlite3():
    loaded = _loaded_after_import(_modules("pmtui.core"))
    assert not loaded & {"textual", "datasette", "sqlite3", "_sqlite3", "click", "sqlite_utils"}


@pytest.mark.parametrize("package", ["pmtui.store", "pmtui.services"])
def test_storage_and_services_import_no_front_end(package):
    loaded = _loaded_after_import(_modules(package))
    assert not loaded & {"textual", "datasette", "click"}


def test_cli_start_does_not_load_textual_or_sqlite_utils():
    loaded = _loaded_after_import(["pmtui.cli"])
    assert not loaded & {"textual", "datasette", "sqlite_utils", "pandas"}


def test_core_source_imports_only_stdlib_numeric_or_core():
    allowed = set(sys.stdlib_module_names) | {"numpy", "pandas", "pmtui"}
    for path in (SRC / "core").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] in allowed, f"{path.name} imports {name}"
                if name.startswith("pmtui"):
                    assert name.startswith("pmtui.core"), f"{path.name} imports {name}"
