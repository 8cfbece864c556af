"""Beside a KPI's numbers: the managers' latest assessments and the unit's regional variant."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.message import Message
from textual.widgets import Static

from pmtui.core import ratings, textdiff
from pmtui.services import assessments, variants
from pmtui.services.errors import PmError
from pmtui.widgets.status import rating_badge

#: Characters of commentary shown per assessment (the CLI and Datasette show it all).
COMMENT_CHARS = 160


class KpiNotes(Static):
    """A panel that reads its own data in a worker: call :meth:`load` with the KPI and unit."""

    @dataclass
    class Read(Message):
        """What the worker found."""

        assessments: list[dict]
        variants: list[dict]

    def load(self, kpi: str, unit: str) -> None:
        """Read the assessments and the variant of ``kpi`` at ``unit`` (and the units above it)."""
        self._read(kpi, unit)

    @work(thread=True, exclusive=True, group="kpi-notes", exit_on_error=False)
    def _read(self, kpi: str, unit: str) -> None:
        try:
            with self.app.database() as conn:
                found = assessments.latest(conn, kpi, unit)
                up = [r[0] for r in conn.execute(
                    """WITH RECURSIVE up(id) AS (SELECT id FROM units WHERE code = ?
                       UNION SELECT parent_id FROM units JOIN up ON units.id = up.id WHERE parent_id IS NOT NULL)
                       SELECT code FROM units WHERE id IN up""", [unit])]
                rules = [v for v in variants.list_variants(conn, kpi=kpi) if v["unit"] in up]
        except (PmError, sqlite3.Error) as exc:
            self.post_message(self.Read([], [{"error": str(exc)}]))
            return
        self.post_message(self.Read(found, rules))

    def on_kpi_notes_read(self, message: Read) -> None:
        """Render the panel."""
        message.stop()
        self.update(render(message.assessments, message.variants))


def render(found: list[dict], rules: list[dict]) -> Text:
    """Assessments (latest first) and the variant's word diff, as one block of text."""
    text = Text()
    text.append("Assessments ", style="bold")
    if not found:
        text.append("none yet (pmtui assess)", style="dim")
    for a in found:
        comment = a["commentary"] if len(a["commentary"]) <= COMMENT_CHARS else a["commentary"][:COMMENT_CHARS] + "…"
        text.append("\n")
        text.append_text(rating_badge(a["rating"]))
        text.append(f" {a['period']} ", style="bold")
        text.append(f"{ratings.SCALE[a['rating']]} ({a['author']}): ", style="dim")
        text.append(comment)
    for v in rules:
        if "error" in v:
            text.append(f"\n{v['error']}", style="bold red")
            continue
        text.append(f"\nVariant at {v['unit']} ", style="bold")
        text.append(f"({v['regulation']}): ", style="dim")
        for op, words in textdiff.word_changes(v["standard"], v["variant"]):
            style = {"=": "", "-": "red strike", "+": "green underline"}[op]
            text.append(words + " ", style=style)
    return text
