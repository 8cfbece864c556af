"""Shared glue of the stakeholder pages' Datasette plugins (which database, row factory).

The plugins live in ``datasette_plugins/`` (a ``--plugins-dir``, not importable by one
another), so what they share sits here.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from markupsafe import Markup

from datasette.utils.asgi import NotFound

PLUGIN_KEY = "pmtui"

#: Most detailed first: a signed-in internal user lands on the internal database.
ORDER = ("internal", "public")


def audiences(datasette) -> dict[str, str]:
    """Database name -> audience of the published databases being served."""
    served = (datasette.plugin_config(PLUGIN_KEY) or {}).get("audiences") or {}
    return {name: a for name, a in served.items() if name in datasette.databases}


async def pick_database(datasette, request):
    """The database named by ``?db=`` if the actor may view it, else the best one it may view.

    Raises:
        NotFound: no published database is visible (same answer as for unknown names).
    """
    served = audiences(datasette)
    candidates = sorted(served, key=lambda n: ORDER.index(served[n]) if served[n] in ORDER else 9)
    if not candidates:  # a published file opened "as is": any database with the home tables
        candidates = [n for n in datasette.databases if n != "_internal"]
    wanted = request.args.get("db")
    if wanted:
        candidates = [n for n in candidates if n == wanted]
    for name in candidates:
        if await datasette.permission_allowed(request.actor, "view-database", resource=name, default=True):
            return datasette.get_database(name), served.get(name)
    raise NotFound("No published database of that name is available to you")


def with_rows(fn):
    """Run ``fn`` with :class:`sqlite3.Row` rows on a Datasette connection."""

    def run(conn):
        previous = conn.row_factory
        conn.row_factory = sqlite3.Row
        try:
            return fn(conn)
        finally:
            conn.row_factory = previous

    return run


def stamp(text: str | None) -> str | None:
    """``2026-11-26T09:00:00Z`` as ``2026-11-26 09:00 UTC``."""
    return f"{text[:16].replace('T', ' ')} UTC" if text else None


_TEMPLATES: dict = {}


def compiled(datasette, source: Path | str):
    """A template (a file, or template text) compiled once per Datasette instance.

    Templates of --plugins-dir modules are not on Datasette's loader, so they are compiled
    in its environment (to extend base.html); compiling on every request cost more than
    the page's queries.
    """
    key = (id(datasette.jinja_env), str(source))
    if key not in _TEMPLATES:
        text = source.read_text(encoding="utf-8") if isinstance(source, Path) else source
        _TEMPLATES[key] = datasette.jinja_env.from_string(text)
    return _TEMPLATES[key]


_FRAGMENTS: dict = {}


def render_fragment(source: Path, context: dict) -> Markup:
    """Render a template fragment (a long table) with a plain, synchronous Jinja environment.

    Datasette renders pages with Jinja's async mode, which costs about 0.15 ms per table
    row in loops: a 400-KPI scorecard took 75 ms to render against 5 ms to read. Long
    tables are therefore rendered here (autoescaped like Datasette's) and handed to the
    page template as markup.
    """
    if source not in _FRAGMENTS:
        import jinja2  # noqa: PLC0415 - Datasette's dependency

        env = jinja2.Environment(autoescape=True)
        _FRAGMENTS[source] = env.from_string(source.read_text(encoding="utf-8"))
    return Markup(_FRAGMENTS[source].render(**context))
