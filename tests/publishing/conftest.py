"""Fixtures: the demo company published once (cached on disk), and Datasette over the site."""

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
from tests.build_cache import cache_root, cached_build
from tests.builders import NOW

PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def published_demo(_demo_cached, _demo_master, pytestconfig, tmp_path_factory):
    """``(live, folder)``: a copy of the demo file and its published audiences (read-only use).

    Published once for each cached demo (kept on disk beside it), then copied for this session.
    """
    def build(root):
        live = root / "demo.db"
        shutil.copy(_demo_master, live)
        conn = connect(live)
        folder = publishing.published_folder(live)
        publishing.publish_all(conn, folder, now=NOW)
        conn.close()
        passwords.set_password(folder / "passwords.json", "ann", PASSWORD, "internal")
        passwords.set_password(folder / "passwords.json", "lee", PASSWORD, "live")

    # Keyed by the cached demo's own key (its folder's name) and this file.
    cached = cached_build(cache_root(pytestconfig), "published-demo", _demo_cached.name, build)
    root = tmp_path_factory.mktemp("published")
    shutil.copytree(cached, root, dirs_exist_ok=True)
    live = root / "demo.db"
    return live, publishing.published_folder(live)


#: Text columns of the execution tables that name a row, and the links that hide it with its parent.
EXECUTION_TOKENS = {
    "initiatives": (("code", "name"), ("unit_id", "units")),
    "meetings": (("code", "title", "minutes"), ("unit_id", "units")),
    "actions": (("title",), ("unit_id", "units"), ("kpi_id", "kpis"), ("meeting_id", "meetings"),
                ("initiative_id", "initiatives")),
    "root_causes": (("problem", "root_cause"), ("unit_id", "units"), ("kpi_id", "kpis")),
}


def hidden_tokens(live, levels: tuple[str, ...]) -> list[str]:
    """Codes, names and titles of everything above ``levels`` in the live file.

    Units, objectives and KPIs above the level, and execution rows (initiatives,
    meetings with their minutes, actions, root causes) above the level or belonging to a
    unit, KPI, meeting or initiative above it.
    """
    conn = sqlite3.connect(live)
    marks = ",".join("?" * len(levels))
    tokens = [v for table in ("units", "objectives", "kpis") for row in conn.execute(
        f"SELECT code, name FROM {table} WHERE confidentiality NOT IN ({marks})", levels) for v in row]
    for table, (texts, *links) in EXECUTION_TOKENS.items():
        hidden = [f"{col} IN (SELECT id FROM {parent} WHERE confidentiality NOT IN ({marks}))" for col, parent in links]
        where = " OR ".join([f"confidentiality NOT IN ({marks})", *hidden])
        for row in conn.execute(f"SELECT {', '.join(texts)} FROM {table} WHERE {where}",
                                levels * (1 + len(links))):
            tokens += [v for v in row if isinstance(v, str) and len(v) > 3]
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


# --- execution rows (actions, meetings, minutes) for the confidentiality and register tests ---

#: Action titles by visibility: published to public, to internal only, or never.
PUBLIC_ACTIONS = ("Fix scrap on line 3", "Review supplier contracts", "Retrain shift B")
INTERNAL_ACTIONS = ("Renegotiate bank covenants",)
HIDDEN_ACTIONS = ("Prepare Falcon layoffs", "Sell unit B machinery")


def add_execution_rows(conn) -> dict[str, int]:
    """Actions (through the action service), meetings and minutes (through the schema, audited).

    At the snapshot date 2026-11-26: "Fix scrap on line 3" and the internal "Renegotiate
    bank covenants" are overdue; "Retrain shift B" is done; the confidential action and the
    action of the confidential unit BU_B are never published. A confidential, finalised
    meeting puts "Contoso merger" into the minutes index; a public one mentions the
    confidential action's title.
    """
    from datetime import datetime, timezone

    from pmtui.services import actions
    from pmtui.store import audit
    from pmtui.store.db import atomic

    oct1 = datetime(2026, 10, 1, 9, tzinfo=timezone.utc)
    ids = {}
    for title, owner, due, unit, level, kpi in (
            ("Fix scrap on line 3", "ann", "2026-10-15", "BU_A", "public", "DEFECTS"),
            ("Review supplier contracts", "bob", "2026-12-15", "BU_A", "public", None),
            ("Retrain shift B", "ann", "2026-10-10", "BU_A", "public", None),
            ("Renegotiate bank covenants", "bob", "2026-10-20", "NORTH", "internal", "REV"),
            ("Prepare Falcon layoffs", "bob", "2026-12-01", "BU_A", "confidential", None),
            ("Sell unit B machinery", "bob", "2026-12-01", "BU_B", "public", None)):
        ids[title] = actions.add(conn, title, owner=owner, due_on=due, unit=unit, source="manual", kpi=kpi,
                                 confidentiality=level, actor="bob", now=oct1)["id"]
    actions.close(conn, ids["Retrain shift B"], "trained 12 operators", actor="ann",
                  now=datetime(2026, 10, 9, 9, tzinfo=timezone.utc))
    unit_a = conn.execute("SELECT id FROM units WHERE code = 'BU_A'").fetchone()[0]
    with atomic(conn):
        for code, period, level, minutes, decision in (
                ("BU_A-2026-09", "2026-09", "confidential", "Contoso merger talks: keep the plant.", "Contoso merger"),
                ("BU_A-2026-10", "2026-10", "public", "Scrap reviewed; see Prepare Falcon layoffs.", "Scrap on line 3")):
            meeting = audit.insert(conn, "meetings", {
                "code": code, "unit_id": unit_a, "period": period, "title": f"BU_A review {period}",
                "status": "in_progress", "minutes": minutes, "chair": "bob", "confidentiality": level},
                actor="bob", now=oct1)
            audit.insert(conn, "agenda_items", {
                "meeting_id": meeting, "seq": 1, "kind": "other", "title": decision, "decision": "act",
                "decision_note": "owner named", "decided_by": "bob", "decided_at": "2026-10-01T09:00:00Z",
                "confidentiality": level}, actor="bob", now=oct1)
            audit.update(conn, "meetings", meeting, {"status": "finalised", "finalised_by": "bob",
                                                     "finalised_at": "2026-10-01T10:00:00Z"}, actor="bob", now=oct1)
            ids[code] = meeting
    return ids


@pytest.fixture(scope="module")
def execution_published(tmp_path_factory):
    """``(live, folder, ids)``: the mini company with execution rows, published for both audiences."""
    from tests.builders import build_mini

    root = tmp_path_factory.mktemp("execution")
    live = root / "mini.db"
    conn = connect(live)
    build_mini(conn)
    ids = add_execution_rows(conn)
    publishing.publish_all(conn, publishing.published_folder(live), now=NOW)
    conn.close()
    folder = publishing.published_folder(live)
    passwords.set_password(folder / "passwords.json", "ann", PASSWORD, "internal")
    return live, folder, ids


@pytest.fixture
def execution_ds(execution_published):
    """Datasette over the published mini files (and the live one), as ``pmtui serve`` runs it."""
    live, folder, _ = execution_published
    ds = site_datasette(live, folder)
    yield ds
    for db in ds.databases.values():
        db.close()
