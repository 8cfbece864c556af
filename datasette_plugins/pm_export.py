"""Datasette plugin: CSV export that a spreadsheet cannot turn into a formula.

Published files are neutralised at publish time already (every TEXT cell starting with
``= + - @``, tab or CR gets an apostrophe in front, see :mod:`pmtui.publish.redact`), so
Datasette's own ``.csv`` and ``.json`` are safe on them. ``.csvsafe`` adds the same
treatment at export time for any database served with these plugins (the live file,
or a copy opened as is): every table page and query gets a "csvsafe" link.
"""

from __future__ import annotations

import csv
import io

from datasette import Response, hookimpl

from pmtui.publish.redact import neutralise


def to_csv(columns: list[str], rows) -> str:
    """CSV text of ``rows`` with every formula-looking text cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralise(c) for c in columns])
    for row in rows:
        writer.writerow(["" if v is None else neutralise(v) for v in row])
    return out.getvalue()


def render_csvsafe(columns, rows):
    """The ``.csvsafe`` renderer (the rows of the page: Datasette's row cap applies)."""
    return Response(to_csv(list(columns), [list(r) for r in rows]), content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment"})


@hookimpl
def register_output_renderer(datasette):
    """``.csvsafe`` beside ``.json`` and ``.csv``."""
    return {"extension": "csvsafe", "render": render_csvsafe}
