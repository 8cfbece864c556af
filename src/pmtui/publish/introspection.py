"""What Datasette's ``/-/`` introspection pages may show on the published site.

Datasette's own ``/-/metadata`` carries the plugin configuration (the passwords file's
path), ``/-/databases`` the path of every served file and ``/-/threads`` the reprs of
running tasks (source paths of the server). None of that is a published value, but
it tells an anonymous visitor where the files of the server lie. The plugin
``pm_introspection.py`` serves these pages from the functions below instead: the same
shape as Datasette's, minus the paths. Pure functions, tested without a server.
"""

from __future__ import annotations

import copy

#: Plugin-configuration keys that hold server paths (left out of ``/-/metadata``).
PATH_KEYS = frozenset({"passwords"})


def _looks_like_path(value) -> bool:
    return isinstance(value, str) and (value.startswith(("/", "~")) or value[1:3] in (":\\", ":/"))


def _strip(value):
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in PATH_KEYS and not _looks_like_path(v)}
    if isinstance(value, list):
        return [_strip(v) for v in value if not _looks_like_path(v)]
    return value


def public_metadata(metadata: dict) -> dict:
    """The metadata without path-valued entries (``passwords`` and any absolute path anywhere).

    Descriptions and canned queries stay: they are what the site publishes anyway.
    """
    return _strip(copy.deepcopy(metadata or {}))


def public_databases(databases) -> list[dict]:
    """``/-/databases`` rows for Datasette's ``Database`` objects: name, size and hash, no path.

    Args:
        databases: the values of ``datasette.databases``.
    """
    return [{"name": d.name, "route": getattr(d, "route", d.name), "size": d.size, "is_mutable": d.is_mutable,
             "is_memory": d.is_memory, "hash": d.hash}
            for d in databases if d.name != "_internal"]
