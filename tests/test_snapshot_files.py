"""Every stored screen snapshot belongs to a snapshot test.

syrupy fails a run that leaves a snapshot unused, but not under pytest-xdist (``make test``
runs there), where it cannot see what the other workers used: this test checks it instead.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

TESTS = Path(__file__).parent


def _snapshot_tests(module: Path) -> set[str]:
    """``Class.test`` (or ``test``) of every test function in ``module`` that takes ``snap_compare``."""
    names = set()

    def visit(node, prefix):
        for child in node.body:
            if isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if "snap_compare" in {a.arg for a in child.args.args}:
                    names.add(prefix + child.name)

    visit(ast.parse(module.read_text(encoding="utf-8")), "")
    return names


def test_every_stored_snapshot_has_its_test():
    orphans = []
    for svg in sorted(TESTS.rglob("__snapshots__/*/*.svg")):
        module = svg.parent.parent.parent / f"{svg.parent.name}.py"
        test = re.sub(r"(\[.*\])?(\.\d+)?$", "", svg.stem)  # parameters and the second call's index
        if not module.is_file() or test not in _snapshot_tests(module):
            orphans.append(str(svg.relative_to(TESTS)))
    assert orphans == [], "snapshots without a test (delete them, or run pytest -p no:xdist --snapshot-update)"
