"""The auditor pack (M7.4): a folder of self-contained Markdown and HTML documents.

``index`` (what is in the pack and what was left out), ``kpis`` (every KPI's
calculation policy), ``review-cycles``, ``controls`` (assessments, findings, sign-offs)
and ``audit-trail`` (entries, head hash, verification), each as ``.md`` and ``.html``.
Generated from the file alone and deterministic given ``now``; confidential KPIs only
with ``include_confidential``. HTML pages carry no scripts and no external assets.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime
from pathlib import Path

from pmtui.core import documents as doc
from pmtui.services import framework, pack_kpis, pack_sections
from pmtui.services.errors import PmError
from pmtui.store.audit import utc_text

#: The documents of a pack: file stem and title.
DOCUMENTS = (("index", "Auditor pack"), ("kpis", "Calculation policies"), ("review-cycles", "Review cycles"),
             ("controls", "Control assessments"), ("audit-trail", "Audit trail"))


def _check_target(out: Path, force: bool) -> None:
    if out.exists() and not out.is_dir():
        raise PmError(f"{out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise PmError(f"{out} exists and is not empty: choose a new folder, or pass --force to write into it")


def _index(conn, company: str, now: datetime, rows: list[dict], left_out: int, include: bool, summary: dict,
           ext: str) -> list[doc.Block]:
    scope = ("Confidential KPIs are included: handle this pack as confidential." if include else
             f"Confidential KPIs are left out ({left_out} KPI(s)), as are thresholds, revisions, meetings and"
             " findings of confidential units; generate with --include-confidential to include them.")
    verified = "verified OK" if summary["ok"] else "verification FAILED (see the audit trail document)"
    return [
        doc.Heading(1, f"Auditor pack: {company}"),
        doc.Para(f"Generated {utc_text(now)} from the pmtui file, over {summary['entries']:,} audit entries"
                 f" (head {(summary['head'] or '-')[:16]}, {verified}).", meta=True),
        doc.Para(scope),
        doc.Heading(2, "Contents"),
        doc.Bullets(tuple(doc.Link(title, f"{stem}.{ext}") for stem, title in DOCUMENTS[1:])),
        doc.Heading(2, "KPIs documented"),
        doc.Table(("KPI", "Name", "Owner role", "Frequency", "Formula"),
                  tuple((doc.Link(k["code"], f"kpis.{ext}" + ("#" + doc.anchor_id(k["code"]) if ext == "html" else "")),
                         k["name"], k["owner_role"] or "-", k["frequency"], "yes" if k["formula"] else "no")
                        for k in rows)),
    ]


def build(conn: sqlite3.Connection, *, now: datetime, include_confidential: bool = False) -> dict:
    """The pack's documents as ``{file name: text}`` plus counts (nothing written)."""
    company = framework.get_setting(conn, "company_name", "") or "pmtui"
    rows = pack_kpis.kpis(conn, include_confidential=include_confidential)
    total = conn.execute("SELECT count(*) FROM kpis").fetchone()[0]
    left_out = total - len(rows)
    summary = pack_sections.audit_summary(conn)
    bodies = {
        "kpis": pack_kpis.document(conn, rows, include_confidential=include_confidential, left_out=left_out),
        "review-cycles": pack_sections.review_cycles(conn, include_confidential=include_confidential),
        "controls": pack_sections.control_assessments(conn, include_confidential=include_confidential),
        "audit-trail": pack_sections.audit_trail(summary),
    }
    files: dict[str, str] = {}
    titles = dict(DOCUMENTS)
    for ext, fmt in (("md", "md"), ("html", "html")):
        files[f"index.{ext}"] = doc.render(fmt, f"{titles['index']}: {company}",
                                           _index(conn, company, now, rows, left_out, include_confidential,
                                                  summary, ext))
        for stem, blocks in bodies.items():
            nav = [doc.Bullets((doc.Link("Back to the index", f"index.{ext}"),))]
            files[f"{stem}.{ext}"] = doc.render(fmt, f"{titles[stem]}: {company}", nav + blocks)
    return {"files": files, "kpis": len(rows), "left_out": left_out, "audit": summary}


def write_pack(conn: sqlite3.Connection, out: str | Path, *, now: datetime, include_confidential: bool = False,
               force: bool = False) -> dict:
    """Write the pack into the folder ``out`` (refused when it exists and is not empty, unless ``force``).

    Returns:
        ``path``, ``index`` (the HTML index), ``files`` (names written), ``kpis``, ``left_out``, ``verified``.
    """
    target = Path(out)
    _check_target(target, force)
    pack = build(conn, now=now, include_confidential=include_confidential)
    try:
        target.mkdir(parents=True, exist_ok=True)
        for name, text in sorted(pack["files"].items()):
            tmp = target / f".{name}.tmp"
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, target / name)
    except OSError as exc:
        raise PmError(f"cannot write the auditor pack to {target}: {exc.strerror or exc}") from None
    return {"path": str(target), "index": str(target / "index.html"), "files": sorted(pack["files"]),
            "kpis": pack["kpis"], "left_out": pack["left_out"], "verified": pack["audit"]["ok"],
            "include_confidential": include_confidential}
