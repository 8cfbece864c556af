"""Published pages on the large file: the home (scorecard) report against a primary-key row page.

    .venv/bin/python -m benchmarks.publish_bench [FILE]

Publishes the public audience of the large file (1.2M approved values; built with
:func:`benchmarks.spc_bench.build_approved` when missing), then requests, through
``Datasette(...).client`` with the settings ``pmtui serve`` uses, the home page
``/-/pmtui/home`` (served from the tables stored at publish time) and a primary-key row
page, alternately, a bounded number of times. Goal (issue 5): the home page's p95 within
2x of the row page's p95.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

NOW = datetime(2026, 11, 26, 9, tzinfo=timezone.utc)

#: Requests per page (after a warm-up): enough for a stable p95, bounded in time.
REQUESTS = 60


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


async def _measure(ds, urls: dict[str, str], requests: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in urls}
    for name, url in urls.items():  # warm-up: connections, page caches, templates
        response = await ds.client.get(url)
        assert response.status_code == 200, (url, response.status_code, response.text[:300])
    for _ in range(requests):
        for name, url in urls.items():
            start = time.perf_counter()
            await ds.client.get(url)
            times[name].append(time.perf_counter() - start)
    return times


def bench_published_pages(large_path: Path | None = None, requests: int = REQUESTS) -> dict:
    """Publish the large file's public audience and time its pages (milliseconds)."""
    from datasette.app import Datasette

    from benchmarks import spc_bench
    from pmtui.publish import SETTINGS, site
    from pmtui.publish.server import plugins_dir
    from pmtui.services import publishing
    from pmtui.store.db import connect

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(large_path) if large_path else Path(tmp) / "large.db"
        if not source.exists():
            spc_bench.build_approved(source)
        conn = connect(source)
        start = time.perf_counter()
        public = Path(tmp) / "public.db"
        result = publishing.publish(conn, public, "public", now=NOW)
        publish_s = time.perf_counter() - start
        conn.close()
        config = site.site_config({"public": public}, company="Benchmark Co")
        ds = Datasette(immutables=[str(public)], plugins_dir=str(plugins_dir()), metadata=config,
                       settings=dict(SETTINGS))
        unit = "BU01"
        urls = {"home": f"/-/pmtui/home?unit={unit}", "row": "/public/units/2",
                "kpi": "/-/pmtui/kpi?kpi=K0001&unit=BU01",
                # For comparison: the unit scorecard page, which rolls up from the raw tables per request.
                "scorecard": f"/-/pmtui/scorecard?unit={unit}"}
        times = asyncio.run(_measure(ds, urls, requests))
    p95 = {name: _p95(samples) * 1000 for name, samples in times.items()}
    return {"publish_s": round(publish_s, 1), "published_mb": round(result["bytes"] / 1e6, 1),
            "home_p95_ms": round(p95["home"], 1), "row_p95_ms": round(p95["row"], 1),
            "kpi_p95_ms": round(p95["kpi"], 1), "unit_scorecard_p95_ms": round(p95["scorecard"], 1), "ratio": round(p95["home"] / p95["row"], 2), "goal": 2.0}


if __name__ == "__main__":
    import sys

    print(bench_published_pages(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
