"""Publishing the pmtui file through Datasette: the shared config and the server settings.

``datasette.yaml`` (beside this module) is written for a database called ``pmtui``.
Datasette names each database after its file, so :func:`metadata_for` re-keys that
entry to the served file's name and puts the company name in the title. Server
settings live in :data:`SETTINGS` and reach Datasette as ``--setting`` flags (see the
comment at the top of the YAML for why they are not in the file).
"""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path
from typing import Any

#: The YAML shared by Datasette 0.65 (metadata) and 1.0 (datasette.yaml).
CONFIG_PATH = Path(__file__).with_name("datasette.yaml")

#: Database key used inside the YAML, replaced by the served file's name.
CONFIG_DATABASE = "pmtui"

#: Key of the pmtui plugins' configuration under ``plugins:``.
PLUGIN_KEY = "pmtui"

#: Datasette settings for the live file. Facet suggestions cost about 20x per table page,
#: downloads are off because the published view set, not the raw file, is what
#: stakeholders get, and the limits keep an ad-hoc query from stalling the server.
SETTINGS: dict[str, Any] = {
    "sql_time_limit_ms": 3000,
    "max_returned_rows": 1000,
    "suggest_facets": False,
    "allow_download": False,
}

#: Feature areas describe their own views and canned queries in ``areas/<area>.yaml``
#: (keys ``tables`` and ``queries``, as under a database in the main YAML); they are
#: merged into the ``pmtui`` database entry, so that each area owns its own file.
AREAS_PATH = Path(__file__).with_name("areas")


@lru_cache(maxsize=1)
def _area_fragments() -> tuple[dict, ...]:
    """The areas' YAML files, read once per process (PUBLISHED_VIEWS and every config need them)."""
    import yaml  # noqa: PLC0415 - only publishing needs PyYAML

    return tuple(yaml.safe_load(path.read_text(encoding="utf-8")) or {} for path in sorted(AREAS_PATH.glob("*.yaml")))


#: The published views: the core ones (``create_published_views`` migration) and the areas'.
PUBLISHED_VIEWS = ("pub_kpi_results", "pub_unit_scorecard", "pub_audit_log") + tuple(
    name for fragment in _area_fragments() for name in fragment.get("tables", {}))


@lru_cache(maxsize=1)
def _load(path: Path) -> dict:
    import yaml  # noqa: PLC0415 - only publishing needs PyYAML

    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def load_config(path: Path = CONFIG_PATH) -> dict:
    """The YAML config with the areas' fragments merged in (a fresh copy each call)."""
    config = copy.deepcopy(_load(Path(path)))
    database = config.setdefault("databases", {}).setdefault(CONFIG_DATABASE, {})
    for fragment in _area_fragments():
        for key in ("tables", "queries"):
            database.setdefault(key, {}).update(copy.deepcopy(fragment.get(key, {})))
    return config


def database_name(db_path: str | Path) -> str:
    """The name Datasette gives the database in ``db_path``: the file name without suffix."""
    return Path(db_path).stem


def metadata_for(database: str, company: str | None = None) -> dict:
    """The config ready for one served file.

    Args:
        database: the Datasette database name (see :func:`database_name`).
        company: the company name for the title, or None to keep the generic title.

    Returns:
        The YAML's content with the ``pmtui`` database entry and the plugin's
        ``database`` option pointing at ``database``.
    """
    config = load_config()
    databases = config.setdefault("databases", {})
    if CONFIG_DATABASE in databases and database != CONFIG_DATABASE:
        databases[database] = databases.pop(CONFIG_DATABASE)
    config.setdefault("plugins", {}).setdefault(PLUGIN_KEY, {})["database"] = database
    if company and company.strip():
        config["title"] = f"{company.strip()} performance"
    return config


def setting_flags(settings: dict[str, Any] | None = None) -> list[str]:
    """``--setting NAME VALUE`` arguments for :data:`SETTINGS` (booleans as on/off)."""
    flags: list[str] = []
    for name, value in (SETTINGS if settings is None else settings).items():
        text = ("on" if value else "off") if isinstance(value, bool) else str(value)
        flags += ["--setting", name, text]
    return flags
