"""A tiny document model rendered as plain text, Markdown or self-contained HTML (pure).

The printable history and the auditor pack build lists of blocks; the renderers escape
every piece of text from the data: HTML with :func:`html.escape` (quotes too), Markdown
by backslash-escaping the characters that would otherwise become markup or raw HTML.
HTML pages carry their own small stylesheet: no scripts, no external assets.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

#: Relative links the pack may contain: a file name in the same folder, optionally with an anchor.
_SAFE_HREF = re.compile(r"^[A-Za-z0-9_.-]+(#[A-Za-z0-9_-]+)?$|^#[A-Za-z0-9_-]+$")
# "_" inside a word (HR_LEAD) is not emphasis in CommonMark, so it stays readable unescaped.
_MD_SPECIAL = re.compile(r"([\\`*\[\]<>|#!{}~&]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")
#: Line starts that would turn a line into a list item, a quote or a heading underline.
_LINE_START = re.compile(r"^(\s*)([-+=])|^(\s*\d+)([.)])")

STYLE = """body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#111;
line-height:1.4}table{border-collapse:collapse;margin:.5rem 0 1rem}th,td{border:1px solid #999;padding:.2rem .5rem;
text-align:left;vertical-align:top}th{background:#eee}h1,h2,h3{margin-top:1.5rem}pre{white-space:pre-wrap}
.meta{color:#555}@media print{body{margin:0;max-width:none}a{color:inherit}}"""


@dataclass(frozen=True)
class Link:
    """A link to another document of the set (``href`` must be a plain relative file name)."""

    text: str
    href: str

    def __post_init__(self) -> None:
        if not _SAFE_HREF.match(self.href):
            raise ValueError(f"link target {self.href!r} must be a file name in the same folder")


@dataclass(frozen=True)
class Heading:
    """A heading (level 1-4) with an optional anchor id."""

    level: int
    text: str
    anchor: str | None = None


@dataclass(frozen=True)
class Para:
    """A paragraph; ``meta`` paragraphs are printed in grey in HTML."""

    text: str
    meta: bool = False


@dataclass(frozen=True)
class Bullets:
    """A bulleted list of texts or links."""

    items: tuple[str | Link, ...]


@dataclass(frozen=True)
class Table:
    """A table; cells are texts (newlines kept) or links."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str | Link, ...], ...] = field(default_factory=tuple)


Block = Heading | Para | Bullets | Table


def anchor_id(text: str) -> str:
    """A stable anchor id for a heading (``OTD_PCT`` -> ``otd_pct``)."""
    return re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-") or "section"


# --- Markdown --------------------------------------------------------------------------


def md_escape(text: str, *, inline: bool = False) -> str:
    """Text safe in Markdown: markup characters backslash-escaped, newlines as line breaks.

    Unless ``inline`` (a table cell), line starts that would make a list item or a
    heading underline (``- ``, ``+``, ``=``, ``1.``) are escaped too.
    """
    lines = [_MD_SPECIAL.sub(r"\\\1", line) for line in str(text).splitlines()]
    if not inline:
        lines = [_LINE_START.sub(_escape_start, line) for line in lines]
    return "  \n".join(lines)


def _escape_start(match: re.Match) -> str:
    if match.group(2) is not None:
        return f"{match.group(1)}\\{match.group(2)}"
    return f"{match.group(3)}\\{match.group(4)}"


def _md_cell(value: str | Link) -> str:
    if isinstance(value, Link):
        return f"[{md_escape(value.text, inline=True)}]({value.href})"
    return md_escape(value, inline=True).replace("  \n", "<br>")


def to_markdown(blocks: list[Block]) -> str:
    """The blocks as CommonMark with pipe tables."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            out.append("#" * block.level + " " + md_escape(block.text))
        elif isinstance(block, Para):
            out.append(("*" + md_escape(block.text) + "*") if block.meta else md_escape(block.text))
        elif isinstance(block, Bullets):
            out.append("\n".join("- " + _md_cell(item) for item in block.items) or "- (none)")
        elif isinstance(block, Table):
            if not block.rows:
                out.append("(none)")
                continue
            lines = ["| " + " | ".join(md_escape(h, inline=True) for h in block.headers) + " |",
                     "|" + "|".join("---" for _ in block.headers) + "|"]
            lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in block.rows]
            out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


# --- HTML ------------------------------------------------------------------------------


def _h(text: str | Link) -> str:
    if isinstance(text, Link):
        return f'<a href="{html.escape(text.href, quote=True)}">{html.escape(text.text, quote=True)}</a>'
    return html.escape(str(text), quote=True).replace("\n", "<br>")


def to_html(title: str, blocks: list[Block]) -> str:
    """A complete HTML page (inline stylesheet only) with every text escaped."""
    body: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            anchor = f' id="{html.escape(block.anchor, quote=True)}"' if block.anchor else ""
            body.append(f"<h{block.level}{anchor}>{_h(block.text)}</h{block.level}>")
        elif isinstance(block, Para):
            body.append(f'<p class="meta">{_h(block.text)}</p>' if block.meta else f"<p>{_h(block.text)}</p>")
        elif isinstance(block, Bullets):
            items = "".join(f"<li>{_h(item)}</li>" for item in block.items) or "<li>(none)</li>"
            body.append(f"<ul>{items}</ul>")
        elif isinstance(block, Table):
            if not block.rows:
                body.append("<p>(none)</p>")
                continue
            head = "".join(f"<th>{_h(h)}</th>" for h in block.headers)
            rows = "".join("<tr>" + "".join(f"<td>{_h(c)}</td>" for c in row) + "</tr>" for row in block.rows)
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{_h(title)}</title><style>{STYLE}</style></head>\n<body>\n"
            + "\n".join(body) + "\n</body></html>\n")


# --- plain text ------------------------------------------------------------------------


def to_text(blocks: list[Block]) -> str:
    """The blocks as plain text (tables as aligned columns)."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            out.append(block.text + "\n" + ("=" if block.level == 1 else "-") * len(block.text))
        elif isinstance(block, Para):
            out.append(block.text)
        elif isinstance(block, Bullets):
            out.append("\n".join("- " + (i.text if isinstance(i, Link) else i) for i in block.items) or "- (none)")
        elif isinstance(block, Table):
            out.append(_text_table(block))
    return "\n\n".join(out) + "\n"


def _text_table(block: Table) -> str:
    if not block.rows:
        return "(none)"
    cells = [[c.text if isinstance(c, Link) else str(c) for c in row] for row in block.rows]
    widths = [max(len(h), *(max((len(x) for x in row[i].splitlines()), default=0) for row in cells))
              for i, h in enumerate(block.headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(block.headers, widths)).rstrip()]
    for row in cells:
        parts = [c.splitlines() or [""] for c in row]
        for n in range(max(len(p) for p in parts)):
            lines.append("  ".join((p[n] if n < len(p) else "").ljust(w) for p, w in zip(parts, widths)).rstrip())
    return "\n".join(lines)


RENDERERS = {"text": lambda title, blocks: to_text(blocks), "md": lambda title, blocks: to_markdown(blocks),
             "html": to_html}


def render(fmt: str, title: str, blocks: list[Block]) -> str:
    """Render in ``text``, ``md`` or ``html`` (ValueError for anything else)."""
    if fmt not in RENDERERS:
        raise ValueError(f"format {fmt!r} must be one of text, md, html")
    return RENDERERS[fmt](title, blocks)
