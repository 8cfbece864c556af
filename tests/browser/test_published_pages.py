"""One real browser: Debian's chromium, headless, on the pages pmtui serve publishes."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from pmtui.publish import server

CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian chromium is not installed (make test installs it)")

#: Flags the workplace needs: no sandbox as root, and no background traffic to a closed network.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def served(_demo_master, tmp_path_factory):
    """The demo company as ``pmtui serve`` serves it, published and started once for these read-only visits."""
    demo_db = tmp_path_factory.mktemp("served") / "demo.db"
    for suffix in ("", ".anchor.json"):
        shutil.copy(f"{_demo_master}{suffix}", f"{demo_db}{suffix}")
    proc = server.serve(demo_db, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        server.wait_until_up(proc.url, timeout=30, proc=proc)
        yield proc.url
    finally:
        server.stop(proc)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield browser
        browser.close()


def test_scorecard_and_views_render_without_console_errors(served, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    page.goto(f"{served}-/pmtui/scorecard?unit=GROUP", wait_until="networkidle")
    assert "Northwind Industries" in page.title()
    assert page.locator(".pm-badge").count() > 5
    assert page.locator("text=Learning and growth").count() >= 1
    page.screenshot(path=str(tmp_path / "scorecard.png"), full_page=True)

    page.goto(f"{served}-/pmtui/scorecard?unit=PLANT_B", wait_until="networkidle")
    assert page.locator(".pm-badge").count() > 5

    # Anonymous visitors get the published public file (the live one answers 403).
    database = served + "public/pub_kpi_results?unit=PLANT_B&kpi=OTD_PCT"
    page.goto(database, wait_until="networkidle")
    assert page.locator("table.rows-and-columns tbody tr").count() > 10
    assert page.locator(".pm-badge").count() > 0
    assert errors == [], errors


def _watch_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def test_home_and_kpi_page_with_its_chart(served, browser, tmp_path):
    """The performance report and a KPI page whose Vega-Lite chart renders from the vendored builds."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = _watch_errors(page)
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    page.goto(f"{served}-/pmtui/home", wait_until="networkidle")
    assert "Northwind Industries performance report" in page.title()
    assert page.locator("table[aria-label=Units] tbody tr").count() > 5
    assert "PACKAGING" not in page.content()
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)

    page.goto(f"{served}-/pmtui/kpi?kpi=OTD_PCT&unit=PLANT_B", wait_until="networkidle")
    page.wait_for_selector("#pm-chart svg", timeout=15000)
    assert page.locator("#pm-chart svg path, #pm-chart svg .mark-line").count() > 0
    page.screenshot(path=str(tmp_path / "kpi.png"), full_page=True)
    assert errors == [], errors
    assert all(url.startswith(served) for url in requests), "no request may leave the server (no CDN)"


def test_action_register_and_overdue_items(served, browser, tmp_path):
    """The registers render, name the company and the snapshot date, and link on."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors = _watch_errors(page)
    page.goto(f"{served}-/pmtui/actions", wait_until="networkidle")
    assert page.title().startswith("Northwind Industries: action register on 20")
    assert page.locator("table[aria-label=Actions] tbody tr").count() > 5
    assert page.locator("tr.pm-overdue").count() >= 1  # the demo has an overdue PLANT_A action
    page.screenshot(path=str(tmp_path / "actions.png"), full_page=True)
    page.click("nav[aria-label=Status] >> text=overdue")
    page.wait_for_load_state("networkidle")
    rows = page.locator("table[aria-label=Actions] tbody tr")
    assert rows.count() >= 1 and rows.count() == page.locator("tr.pm-overdue").count()
    page.goto(f"{served}-/pmtui/overdue", wait_until="networkidle")
    assert page.locator("table[aria-label='Overdue actions'] tbody tr").count() >= 1
    assert "PACKAGING" not in page.content()
    assert errors == [], errors
