"""Datasette plugin: workflow and RAG statuses shown as coloured badges.

Cells of any column named ``status`` whose value is a known status (RAG or approval
workflow) render as ``<span class="pm-badge pm-badge-VALUE">``. The stylesheet
(``static/pmtui.css``, shared with the scorecard page) is served from
``/-/pmtui/pmtui.css`` because Datasette only mounts ``static/`` folders of installed
plugin packages, not of ``--plugins-dir`` modules.
"""

from __future__ import annotations

from pathlib import Path

from datasette import Response, hookimpl
from markupsafe import Markup

#: Column names whose values are rendered as badges.
STATUS_COLUMNS = frozenset({"status"})

#: Values that get a badge: RAG statuses, then the approval workflow.
BADGE_VALUES = ("green", "amber", "red", "draft", "submitted", "approved", "rejected")

#: Where the stylesheet is served.
CSS_URL = "/-/pmtui/pmtui.css"

CSS_FILE = Path(__file__).parent / "static" / "pmtui.css"


def badge_html(value) -> Markup | None:
    """The badge for a status value, or None when ``value`` is not a known status.

    Args:
        value: a cell value (any type; only exact known strings get a badge).

    Returns:
        Safe HTML for the badge, or None to let Datasette render the cell as usual.
    """
    if not isinstance(value, str) or value not in BADGE_VALUES:
        return None
    return Markup('<span class="pm-badge pm-badge-{0}">{0}</span>').format(value)


@hookimpl
def render_cell(value, column):
    """Badges for the ``status`` columns of tables, views and queries."""
    if column in STATUS_COLUMNS:
        return badge_html(value)
    return None


async def _stylesheet():
    return Response(CSS_FILE.read_text(encoding="utf-8"), content_type="text/css; charset=utf-8",
                    headers={"cache-control": "max-age=300"})


@hookimpl
def register_routes():
    """Serve the pmtui stylesheet."""
    return [(r"^/-/pmtui/pmtui\.css$", _stylesheet)]


@hookimpl
def extra_css_urls():
    """Load the stylesheet on every page (Datasette adds the base_url)."""
    return [CSS_URL]
