"""Published allocation views through Datasette, checked against the service's ranking."""

from __future__ import annotations

import pytest

from pmtui.services import allocation
from pmtui.store.db import connect
from tests.allocation.conftest import build_round
from tests.builders import NOW, build_mini
from tests.plugins.helpers import make_datasette


@pytest.fixture
def alloc_ds(tmp_path):
    """Datasette over a mini file with round R1 (A1 decided)."""
    path = tmp_path / "mini.db"
    conn = connect(path)
    build_mini(conn)
    build_round(conn)
    allocation.decide(conn, "A1", "approve", "Robot first", 40, actor="bob", now=NOW)
    conn.close()
    ds = make_datasette(path)
    yield ds
    for db in ds.databases.values():
        db.close()


def _service_rows(conn, round_code):
    return [(r.request.code, r.score, r.financial, r.non_financial, r.rank, r.cumulative, r.place)
            for r in allocation.ranking(conn, round_code, published=True).requests]


async def test_ranking_view_matches_the_service_and_hides_the_confidential_unit(alloc_ds):
    rows = (await alloc_ds.client.get("/mini/pub_allocation_ranking.json?_shape=array")).json()
    got = sorted((r["request"], r["score"], r["financial"], r["non_financial"], r["rank"], r["cumulative"], r["place"])
                 for r in rows)
    assert got == [("A1", 6.0, 9.0, 3.0, 1, 40.0, "approved"), ("A2", 5.0, 2.0, 8.0, 2, 90.0, "funded")]
    assert rows[0]["rationale"] is not None or rows[1]["rationale"] is not None


async def test_rounds_view_counts_published_requests_only(alloc_ds):
    [row] = (await alloc_ds.client.get("/mini/pub_allocation_rounds.json?_shape=array")).json()
    assert (row["round"], row["budget"], row["requests"], row["requested"], row["approved"], row["undecided"]) == (
        "R1", 100.0, 2, 110.0, 40.0, 1)


async def test_budget_line_query(alloc_ds):
    rows = (await alloc_ds.client.get("/mini/allocation_budget_lines.json?_shape=array")).json()
    assert [(r["round"], r["budget_line"], r["requests"]) for r in rows] == [("R1", "AUTOMATION", 2)]


def test_view_matches_the_service_on_the_demo(demo_db):
    conn = connect(demo_db)
    view = sorted(tuple(r) for r in conn.execute(
        "SELECT request, score, financial, non_financial, rank, cumulative, place FROM pub_allocation_ranking"
        " WHERE round = 'CAPEX_FY2026'"))
    assert view == sorted(_service_rows(conn, "CAPEX_FY2026"))
    assert len(view) >= 10
