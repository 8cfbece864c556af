"""Printing results as text or JSON."""

from __future__ import annotations

import json
from collections.abc import Callable

import click

json_option = click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")


def emit(data, as_json: bool, text: Callable[[], str] | None = None) -> None:
    """Print ``data`` as JSON, or ``text()`` for people."""
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))
    elif text is not None:
        click.echo(text())
    else:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def refuse(problems: list, message: str, as_json: bool) -> None:
    """Report refused input (every problem, as JSON for scripts) and exit 1; nothing was written."""
    if as_json:
        emit({"ok": False, "problems": [getattr(p, "__dict__", p) for p in problems]}, True)
    else:
        click.echo(f"Error: {message}", err=True)
    raise SystemExit(1)


def table(rows: list[dict], columns: list[str]) -> str:
    """A plain aligned text table."""
    if not rows:
        return "(none)"
    widths = {c: max(len(c), *(len(_cell(r.get(c))) for r in rows)) for c in columns}
    lines = ["  ".join(c.ljust(widths[c]) for c in columns)]
    lines += ["  ".join(_cell(r.get(c)).ljust(widths[c]) for c in columns) for r in rows]
    return "\n".join(lines)


def _cell(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def kpi_unit_period(fn):
    """The ``--kpi``, ``--unit`` and ``--period`` options that locate one value."""
    fn = click.option("--period", required=True, help="Period YYYY-MM.")(fn)
    fn = click.option("--unit", required=True, help="Unit code.")(fn)
    return click.option("--kpi", required=True, help="KPI code.")(fn)
