"""Fixtures: the demo company published once per session, and Datasette over the site."""

from __future__ import annotations

import shutil
import sqlite3
import time

import pytest
from datasette.app import Datasette

from pmtui.publish import SETTINGS, passwords, site
from pmtui.publish.server import plugins_dir
from pmtui.services import publishing
from pmtui.store.db import connect
from tests.builders import NOW

PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def published_demo(_demo_master, tmp_path_factory):
    """``(live, folder)``: a copy of the demo file and its published audiences (read-only use)."""
    root = tmp_path_factory.mktemp("published")
    live = root / "demo.db"
    shutil.copy(_demo_master, live)
    conn = connect(live)
    folder = publishing.published_folder(live)
    publishing.publish_all(conn, folder, now=NOW)
    conn.close()
    passwords.set_password(folder / "passwords.json", "ann", PASSWORD, "internal")
    passwords.set_password(folder / "passwords.json", "lee", PASSWORD, "live")
    return live, folder


def hidden_tokens(live, levels: tuple[str, ...]) -> list[str]:
    """Codes and names of the units, objectives and KPIs above ``levels`` in the live file."""
    conn = sqlite3.connect(live)
    marks = ",".join("?" * len(levels))
    tokens = [v for table in ("units", "objectives", "kpis") for row in conn.execute(
        f"SELECT code, name FROM {table} WHERE confidentiality NOT IN ({marks})", levels) for v in row]
    conn.close()
    return tokens


def site_datasette(live, folder) -> Datasette:
    """Datasette configured as ``pmtui serve`` configures it (published files immutable, live restricted)."""
    published = {a: folder / f"{a}.db" for a in publishing.AUDIENCES}
    config = site.site_config(published, live=live, company="Northwind Industries",
                              passwords=folder / "passwords.json", published_at="2026-11-26T09:00:00Z")
    return Datasette([str(live)], immutables=[str(p) for p in published.values()], plugins_dir=str(plugins_dir()),
                     metadata=config, settings=dict(SETTINGS))


def cookie_for(ds: Datasette, user: str | None, audience: str | None) -> dict:
    """The sign-in cookie of ``user`` (empty for anonymous)."""
    if user is None:
        return {}
    return {"pmtui_actor": ds.sign({"id": user, "audience": audience, "t": int(time.time())}, "pmtui-login")}


@pytest.fixture
def site_ds(published_demo):
    ds = site_datasette(*published_demo)
    yield ds
    for db in ds.databases.values():
        db.close()
