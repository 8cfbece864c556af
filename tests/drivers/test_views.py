"""Published assessment and driver views through Datasette, checked against the service."""

from __future__ import annotations

import pytest

from pmtui.services import drivers
from pmtui.store.db import connect
from tests.builders import NOW, build_mini
from tests.drivers.conftest import TRUE_LAG, build_driver_history
from tests.plugins.helpers import make_datasette


@pytest.fixture
def drv_ds(tmp_path):
    """Datasette over a mini file with the TRAIN -> YIELD history, link and an assessment."""
    path = tmp_path / "mini.db"
    conn = connect(path)
    build_mini(conn)
    build_driver_history(conn)
    drivers.add_driver(conn, "TRAIN", "YIELD", 4, actor="admin", now=NOW)
    drivers.assess(conn, "TRAIN", availability=3, predictability=4, actionability=5, regulated=True,
                   actor="admin", now=NOW)
    conn.close()
    ds = make_datasette(path)
    yield ds
    for db in ds.databases.values():
        db.close()


async def test_drivers_view_has_the_best_lag_of_the_published_units(drv_ds):
    [row] = (await drv_ds.client.get("/mini/pub_kpi_drivers.json?_shape=array")).json()
    assert (row["leading"], row["lagging"], row["best_lag"], row["strength"], row["units"], row["expected_sign"]) == (
        "TRAIN", "YIELD", TRUE_LAG, "strong", 1, 1)


async def test_lags_view_matches_the_service(drv_ds, tmp_path):
    rows = (await drv_ds.client.get("/mini/pub_kpi_driver_lags.json?_shape=array&_sort=lag")).json()
    assert {r["unit"] for r in rows} == {"BU_A"}
    conn = connect(tmp_path / "mini.db")
    [profile] = drivers.measure(conn, "TRAIN", "YIELD", published=True).units
    assert [(r["lag"], r["n"], r["r"]) for r in rows] == [
        (p.lag, p.n, round(p.r, 4)) for p in profile.points]


async def test_assessments_view(drv_ds):
    rows = {r["kpi"]: r for r in (await drv_ds.client.get("/mini/pub_kpi_assessments.json?_shape=array")).json()}
    assert (rows["TRAIN"]["predictability"], rows["TRAIN"]["regulated"], rows["TRAIN"]["lead_lag"]) == (4, 1, "leading")
    assert rows["REV"]["availability"] is None


async def test_driver_profile_query(drv_ds):
    rows = (await drv_ds.client.get(
        "/mini/kpi_driver_profile.json?_shape=array&leading=TRAIN&lagging=YIELD")).json()
    assert [r["lag"] for r in rows] == [0, 1, 2, 3, 4]


def test_views_match_the_service_on_the_demo(demo_db):
    conn = connect(demo_db)
    view = {(r["leading"], r["lagging"]): (r["best_lag"], r["r"], r["n"], r["strength"])
            for r in conn.execute("SELECT * FROM pub_kpi_drivers")}
    service = {(d.leading, d.lagging): (d.pooled.best.lag, round(d.pooled.best.r, 4), d.pooled.best.n, d.pooled.strength)
               for d in drivers.drivers(conn, published=True)}
    assert len(view) >= 5 and view.keys() == service.keys()
    for key, (lag, r, n, strength) in service.items():
        assert view[key][0] == lag and view[key][1] == pytest.approx(r, abs=2e-4) and view[key][2:] == (n, strength)
