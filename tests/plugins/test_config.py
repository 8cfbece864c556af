"""The shared YAML config: valid for Datasette 0.65 metadata and 1.0 datasette.yaml."""

from __future__ import annotations

import re

import pytest
import yaml

from pmtui.publish import CONFIG_PATH, PUBLISHED_VIEWS, SETTINGS, load_config, metadata_for, setting_flags
from pmtui.store.db import connect

#: Keys that mean the same as 0.65 metadata and 1.0 config/metadata, per level.
TOP_KEYS = {"title", "description", "databases", "plugins"}
DATABASE_KEYS = {"description", "tables", "queries"}
TABLE_KEYS = {"description", "sort_desc"}
QUERY_KEYS = {"title", "description", "sql"}


def test_yaml_parses_to_a_mapping():
    assert isinstance(yaml.safe_load(CONFIG_PATH.read_text()), dict)


def test_only_keys_shared_by_both_versions():
    config = load_config()
    assert set(config) <= TOP_KEYS, "settings belong in --setting flags (0.65 ignores them in metadata)"
    for database in config["databases"].values():
        assert set(database) <= DATABASE_KEYS
        for table in database["tables"].values():
            assert set(table) <= TABLE_KEYS
        for query in database["queries"].values():
            assert set(query) <= QUERY_KEYS  # notably no "write: true"


def test_every_published_view_is_described_and_exists():
    tables = load_config()["databases"]["pmtui"]["tables"]
    assert set(tables) == set(PUBLISHED_VIEWS)
    conn = connect(":memory:")
    views = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'view'")}
    assert set(PUBLISHED_VIEWS) <= views


@pytest.mark.parametrize("name", ["pending_approvals", "audit_log_for_element"])
def test_canned_queries_are_single_selects_that_run(name):
    sql = load_config()["databases"]["pmtui"]["queries"][name]["sql"]
    assert re.match(r"\s*select\b", sql, re.I) and ";" not in sql
    conn = connect(":memory:")
    params = {p: "x" for p in re.findall(r":(\w+)", sql)}
    assert conn.execute(sql, params).fetchall() == []


def test_metadata_for_rekeys_the_database_and_names_the_company():
    config = metadata_for("pmtui-demo", "Acme Corp")
    assert list(config["databases"]) == ["pmtui-demo"]
    assert config["plugins"]["pmtui"]["database"] == "pmtui-demo"
    assert config["title"] == "Acme Corp performance"
    assert metadata_for("x", "  ")["title"] == load_config()["title"]


def test_metadata_for_does_not_change_the_loaded_config():
    metadata_for("other", "Acme")
    assert list(load_config()["databases"]) == ["pmtui"]


def test_settings_become_setting_flags():
    flags = setting_flags()
    pairs = dict(zip(flags[1::3], flags[2::3]))
    assert flags[::3] == ["--setting"] * len(SETTINGS)
    assert pairs == {"sql_time_limit_ms": "3000", "max_returned_rows": "1000", "suggest_facets": "off",
                     "allow_download": "off"}
