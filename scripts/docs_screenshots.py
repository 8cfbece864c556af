"""Make the screenshots of the README and the docs from the demo company.

    .venv/bin/python scripts/docs_screenshots.py [DEMO_DB]

- ``docs/images/tui-scorecard.svg``: the TUI's scorecard of PLANT_A, exported by Textual
  from a pilot run (frozen clock, user ``demo``, 110x32, every objective expanded);
- ``docs/images/tui-welcome.svg`` and ``tui-framework-editor.svg``: the tutorial's file
  (``fixtures/example_framework.toml``) just made by ``pmtui init``, and after ``apply``;
- ``docs/images/site-home.png``: the published performance report (``/-/pmtui/home``)
  served by ``pmtui serve`` and captured by headless chromium (Debian's ``chromium``).

DEMO_DB defaults to ``demo/pmtui-demo.db`` and is built first when it is missing.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
IMAGES = ROOT / "docs" / "images"
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
ENV = {**os.environ, "PMTUI_NOW": NOW.strftime("%Y-%m-%dT%H:%M:%SZ")}
PMTUI = str(Path(sys.executable).with_name("pmtui"))


async def tui(db: Path, out: Path, keys: tuple[tuple[str, ...], ...] = (), user: str = "demo") -> None:
    """Open the TUI on ``db``, press each group of ``keys`` in turn, and export the screen as SVG."""
    from pmtui.app import PmApp  # noqa: PLC0415 - keep Textual off the script's start

    app = PmApp(str(db), user, lambda: NOW, cursor_blink=False)
    async with app.run_test(size=(110, 32)) as pilot:
        for group in ((), *keys):
            await pilot.press(*group)
            for _ in range(50):
                await pilot.pause(0.1)
                if not list(app.workers):
                    break
            await app.workers.wait_for_complete()
            await pilot.pause(0.5)
        out.write_text(app.export_screenshot(title="pmtui"), encoding="utf-8")


def example_company(folder: Path) -> tuple[Path, Path]:
    """The tutorial's files: one just made by ``pmtui init``, one with the example framework applied."""
    (folder / "new").mkdir()
    empty, applied = folder / "new" / "ehg.db", folder / "ehg.db"
    for db in (empty, applied):
        subprocess.run([PMTUI, "--db", str(db), "init", "--company", "Example Health Group", "--admin", "admin"],
                       env=ENV, check=True, capture_output=True)
    subprocess.run([PMTUI, "--db", str(applied), "--user", "admin", "framework", "apply",
                    str(ROOT / "fixtures" / "example_framework.toml")], env=ENV, check=True, capture_output=True)
    return empty, applied


def site(db: Path, out: Path) -> None:
    """Serve the demo's published files and capture the performance report's home page."""
    server = subprocess.Popen([PMTUI, "--db", str(db), "serve", "--print-url", "--refresh", "0"], env=ENV,
                              stdout=subprocess.PIPE, text=True)
    try:
        url = server.stdout.readline().strip().rstrip("/")
        subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        "--window-size=1200,800", f"--screenshot={out}", f"{url}/-/pmtui/home"],
                       check=True, capture_output=True, timeout=120)
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    db = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "demo" / "pmtui-demo.db").resolve()
    if not db.exists():
        db.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([PMTUI, "--db", str(db), "demo", "--no-tui"], env=ENV, check=True)
    IMAGES.mkdir(parents=True, exist_ok=True)
    asyncio.run(tui(db, IMAGES / "tui-scorecard.svg", (("u", *"plant_a", "enter"), ("x",))))
    with tempfile.TemporaryDirectory() as folder:
        empty, applied = example_company(Path(folder))
        asyncio.run(tui(empty, IMAGES / "tui-welcome.svg", user="admin"))
        asyncio.run(tui(applied, IMAGES / "tui-framework-editor.svg", (("8",), ("down", "down")), user="admin"))
    site(db, IMAGES / "site-home.png")
    for image in sorted(IMAGES.iterdir()):
        print(f"wrote docs/images/{image.name} ({image.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
