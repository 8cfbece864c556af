"""Driving the framework editor's forms with the keyboard, as a user would.

:func:`build_small_framework_via_tui` builds :data:`SMALL_FRAMEWORK` in a file that holds
only what ``pmtui init`` creates; :func:`framework_rows` reads any file's framework in a
form that compares equal however it was built (TUI, ``framework apply``, CLI commands).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from textual.widgets import Input, Static, Tree

from pmtui.screens.controls_form import FormDialog
from pmtui.screens.framework_editor import FrameworkScreen
from pmtui.services import anchor, setup
from pmtui.store.db import connect
from tests.builders import NOW
from tests.tui._pilot import press, settle

#: The framework the helper builds: GROUP (from init) > NORTH > BU_A, one KPI, two objectives.
SMALL_FRAMEWORK = {
    "units": [
        {"code": "NORTH", "name": "North", "kind": "region", "parent": "GROUP"},
        {"code": "BU_A", "name": "Unit A", "kind": "business_unit", "parent": "NORTH"},
    ],
    "kpis": [{"code": "REV", "name": "Revenue", "uom": "EUR k", "direction": "higher", "perspective": "FIN"}],
    "objectives": [
        {"code": "GROW", "name": "Grow revenue", "level": "corporate", "unit": "GROUP", "perspective": "FIN"},
        {"code": "GROW_A", "name": "Grow revenue in A", "level": "unit", "unit": "BU_A", "perspective": "FIN",
         "parent": "GROW", "kpis": "REV:1"},
    ],
}


def make_empty_file(path: Path, company: str = "Empty Co", admin: str = "admin") -> Path:
    """A file as ``pmtui init`` leaves it (company, GROUP, perspectives, the administrator), with its anchor."""
    conn = connect(path)
    setup.initialise(conn, company=company, admin=admin, now=NOW)
    anchor.write(conn, path, NOW)
    conn.close()
    return path


def form_error(pilot) -> str:
    """The refusal shown in the open form (empty when none)."""
    return str(pilot.app.screen.query_one(".controls-form-error", Static).render())


async def fill(pilot, values: dict[str, str]) -> None:
    """Click each field of the open form, clear it and type the value."""
    for field, text in values.items():
        await pilot.click(f"#{field}")
        await pilot.press("end", "ctrl+u", *text)
        assert pilot.app.screen.query_one(f"#{field}", Input).value == text, field
    await pilot.pause()


async def save(pilot) -> None:
    """Save the open form (ctrl+s); fail with the form's refusal if it stays open."""
    await press(pilot, "ctrl+s")
    assert not isinstance(pilot.app.screen, FormDialog), f"the form was refused: {form_error(pilot)}"


async def select_unit(pilot, code: str) -> None:
    """Move the editor's tree cursor to ``code`` with the arrow keys."""
    screen = pilot.app.screen
    tree = screen.query_one("#fw-units", Tree)
    tree.focus()
    await pilot.pause()
    nodes = [tree.root]
    found = None
    while nodes and found is None:
        node = nodes.pop()
        found = node if node.data == code else None
        nodes.extend(node.children)
    assert found is not None, f"unit {code} is not in the tree"
    delta = found.line - tree.cursor_line
    await press(pilot, *(["down"] * delta if delta > 0 else ["up"] * -delta))
    assert screen.unit == code


async def build_small_framework_via_tui(pilot) -> None:
    """Build :data:`SMALL_FRAMEWORK` through the editor's forms (8 opens it), then leave the editor.

    Starts on any screen of a file that has GROUP and the standard perspectives; each
    form is typed into field by field and saved with ctrl+s.
    """
    await settle(pilot)
    await press(pilot, "8")
    assert isinstance(pilot.app.screen, FrameworkScreen), type(pilot.app.screen).__name__
    for unit in SMALL_FRAMEWORK["units"]:
        await select_unit(pilot, unit["parent"])
        await press(pilot, "u")
        assert pilot.app.screen.query_one("#parent", Input).value == unit["parent"]
        await fill(pilot, {k: v for k, v in unit.items() if k != "parent"})
        await save(pilot)
    for kpi in SMALL_FRAMEWORK["kpis"]:
        await press(pilot, "K")
        await fill(pilot, kpi)
        await save(pilot)
    for objective in SMALL_FRAMEWORK["objectives"]:
        await select_unit(pilot, objective["unit"])
        await press(pilot, "o")
        assert pilot.app.screen.query_one("#unit", Input).value == objective["unit"]
        await fill(pilot, {k: v for k, v in objective.items() if k != "unit"})
        await save(pilot)
    await press(pilot, "escape")


def framework_rows(conn: sqlite3.Connection) -> dict[str, list[tuple]]:
    """Units, KPIs, objectives, KPI links and causes by code, ids left out (equal however they were built)."""
    queries = {
        "units": """SELECT u.code, u.name, u.kind, p.code, u.confidentiality, u.active FROM units u
                    LEFT JOIN units p ON p.id = u.parent_id ORDER BY u.code""",
        "kpis": """SELECT k.code, k.name, k.definition, k.uom, k.direction, k.aggregation, k.frequency, k.lead_lag,
                          k.financial, p.code, r.code, k.decimals, k.confidentiality, k.formula, k.active
                   FROM kpis k LEFT JOIN perspectives p ON p.id = k.perspective_id
                   LEFT JOIN roles r ON r.id = k.owner_role_id ORDER BY k.code""",
        "objectives": """SELECT o.code, o.name, o.description, o.level, u.code, p.code, par.code, r.code, o.weight,
                                o.confidentiality
                         FROM objectives o JOIN units u ON u.id = o.unit_id
                         JOIN perspectives p ON p.id = o.perspective_id
                         LEFT JOIN objectives par ON par.id = o.parent_id
                         LEFT JOIN roles r ON r.id = o.owner_role_id ORDER BY o.code""",
        "links": """SELECT o.code, k.code, ok.weight FROM objective_kpis ok JOIN objectives o ON o.id = ok.objective_id
                    JOIN kpis k ON k.id = ok.kpi_id ORDER BY o.code, k.code""",
        "causes": """SELECT c.code, e.code FROM objective_links l JOIN objectives c ON c.id = l.cause_id
                     JOIN objectives e ON e.id = l.effect_id ORDER BY c.code, e.code""",
    }
    return {name: [tuple(r) for r in conn.execute(sql)] for name, sql in queries.items()}
