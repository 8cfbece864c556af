"""Published pages on the large file: the aggregate pages against a primary-key row page.

    .venv/bin/python -m benchmarks.publish_bench [FILE]
    .venv/bin/python -m benchmarks.run --only publish

Publishes the public audience of the large file (1.2M approved values; built once with
:func:`benchmarks.spc_bench.build_approved` into :data:`CACHE` and reused), then
requests, through ``Datasette(...).client`` with the settings ``pmtui serve`` uses, the
unit scorecard page ``/-/pmtui/scorecard`` and the home report ``/-/pmtui/home`` (both
served from tables stored at publish time; the scorecard both as it opens and drilled
down into one objective's 50 KPIs), a KPI page, a primary-key row page and, for
comparison, the scorecard page of a period older than the stored ones (rolled up from
the redacted measurements per request), in turn, a bounded number of times. Goal
(issue 5): each aggregate page's p95 within 2x of the row page's p95.
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

#: The large file with approved values, built on first use and reused (slow to build).
CACHE = Path(__file__).parent / "out" / "large-approved.db"


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
        source = Path(large_path) if large_path else CACHE
        if not source.exists():
            source.parent.mkdir(parents=True, exist_ok=True)
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
        urls = {"scorecard": f"/-/pmtui/scorecard?unit={unit}", "home": f"/-/pmtui/home?unit={unit}",
                "row": "/public/units/2", "kpi": f"/-/pmtui/kpi?kpi=K0001&unit={unit}",
                "group_scorecard": "/-/pmtui/scorecard?unit=GROUP",
                # Over the KPI cap the page lists objectives; one objective's 50 KPIs drilled down:
                "drill_scorecard": f"/-/pmtui/scorecard?unit={unit}&objective=O0_{unit}",
                # For comparison only: a period older than the stored ones is rolled up per request.
                "old_period_scorecard": f"/-/pmtui/scorecard?unit={unit}&period=2023-01"}
        times = asyncio.run(_measure(ds, urls, requests))
    p95 = {name: round(_p95(samples) * 1000, 1) for name, samples in times.items()}
    return {"publish_s": round(publish_s, 1), "published_mb": round(result["bytes"] / 1e6, 1)} | {
        f"{name}_p95_ms": value for name, value in p95.items()} | {
        "ratio": round(p95["scorecard"] / p95["row"], 2), "home_ratio": round(p95["home"] / p95["row"], 2),
        "group_ratio": round(p95["group_scorecard"] / p95["row"], 2),
        "drill_ratio": round(p95["drill_scorecard"] / p95["row"], 2), "goal": 2.0}


if __name__ == "__main__":
    import sys

    print(bench_published_pages(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
