"""The auditor pack: self-contained, escaped, deterministic documents generated from the file."""

from __future__ import annotations

import re

import pytest

from pmtui.services import auditor_pack, controls, framework as fw, target_revisions
from pmtui.services.errors import PmError
from pmtui.store.db import connect
from tests.builders import NOW

FILES = ["audit-trail.html", "audit-trail.md", "controls.html", "controls.md", "index.html", "index.md",
         "kpis.html", "kpis.md", "review-cycles.html", "review-cycles.md"]


def _mini_pack(conn) -> None:
    a = {"actor": "system", "now": NOW}
    fw.create_kpi(conn, "SECRET_X", name="Secret metric", direction="higher", perspective="FIN",
                  confidentiality="confidential", **a)
    fw.create_kpi(conn, "HOSTILE", name="<script>alert(1)</script>", definition="a | b & <img src=x onerror=y>",
                  direction="higher", perspective="FIN", **a)
    revision = target_revisions.request(conn, "REV", "BU_A", "2026-09", 90, reason="lost <b>customer</b>",
                                        actor="admin", now=NOW)
    target_revisions.decide(conn, revision["id"], approve=True, actor="bob", now=NOW)
    run = controls.run(conn, "2026Q4", actor="bob", now=NOW)
    controls.sign_off(conn, run["id"], "reviewed", actor="admin", now=NOW)


def _read(folder) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())}


def test_pack_files_and_their_content(mini, tmp_path):
    _mini_pack(mini)
    result = auditor_pack.write_pack(mini, tmp_path / "pack", now=NOW)
    assert result["files"] == FILES and (result["kpis"], result["left_out"]) == (3, 1)
    files = _read(tmp_path / "pack")
    assert sorted(files) == FILES
    index = files["index.md"]
    assert "# Auditor pack: Mini Co" in index and "Confidential KPIs are left out (1 KPI(s))" in index
    assert "[Calculation policies](kpis.md)" in index and "[REV](kpis.md)" in index
    assert '<a href="kpis.html#rev">REV</a>' in files["index.html"]
    kpis = files["kpis.md"]
    assert "## REV: Revenue" in kpis and "| Direction | higher is better |" in kpis
    assert "Thresholds at 2026-08, the latest period with approved values:" in kpis
    assert "| BU_A | 100 | 90 | - | - |" in kpis
    assert "| 1 | BU_A | 2026-09 | 100 | 90 | lost \\<b\\>customer\\</b\\> | approved | admin | bob |" in kpis
    assert "kpis.insert" in kpis and "perspective_id: 1 (FIN)" in kpis
    controls_doc = files["controls.md"]
    assert "## Assessment 1: 2026Q4" in controls_doc and "Signed off by admin at 2026-11-26T09:00:00Z: reviewed" \
        in controls_doc
    assert "| info | target_changes | target_revisions | 1 target(s) changed in the quarter" in controls_doc
    assert "No review meetings are recorded in this file." in files["review-cycles.md"]
    trail = files["audit-trail.md"]
    assert "Verified: schema, hash chain, anchor and replay" in trail and "| control_findings |" in trail
    assert "no anchor file beside the database" in trail  # an in-memory file has none


def test_confidential_kpis_only_when_asked(mini, tmp_path):
    _mini_pack(mini)
    auditor_pack.write_pack(mini, tmp_path / "default", now=NOW)
    assert not any("SECRET_X" in text for text in _read(tmp_path / "default").values())
    result = auditor_pack.write_pack(mini, tmp_path / "all", now=NOW, include_confidential=True)
    files = _read(tmp_path / "all")
    assert result["left_out"] == 0 and "## SECRET_X: Secret metric" in files["kpis.md"]
    assert "Confidential KPIs are included" in files["index.md"]


def test_html_is_escaped_and_self_contained(mini, tmp_path):
    _mini_pack(mini)
    auditor_pack.write_pack(mini, tmp_path / "pack", now=NOW)
    for name, text in _read(tmp_path / "pack").items():
        if not name.endswith(".html"):
            continue
        assert "<script" not in text and "<img" not in text, name
        assert not re.search(r"""(src|href)=["']?(https?:|//|javascript:)""", text), name
        assert "<link" not in text and "@import" not in text, name
    kpis = (tmp_path / "pack" / "kpis.html").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in kpis and "&lt;img src=x onerror=y&gt;" in kpis


def test_the_pack_is_deterministic(mini, tmp_path):
    _mini_pack(mini)
    auditor_pack.write_pack(mini, tmp_path / "a", now=NOW)
    auditor_pack.write_pack(mini, tmp_path / "b", now=NOW)
    assert _read(tmp_path / "a") == _read(tmp_path / "b")


def test_a_non_empty_folder_is_refused_unless_forced(mini, tmp_path):
    out = tmp_path / "pack"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(PmError, match="exists and is not empty.*--force"):
        auditor_pack.write_pack(mini, out, now=NOW)
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    auditor_pack.write_pack(mini, out, now=NOW, force=True)
    assert (out / "notes.txt").read_text() == "mine" and (out / "index.html").exists()
    (tmp_path / "file").write_text("x")
    with pytest.raises(PmError, match="not a folder"):
        auditor_pack.write_pack(mini, tmp_path / "file", now=NOW, force=True)


def test_the_demo_pack(demo_db, tmp_path):
    conn = connect(demo_db)
    result = auditor_pack.write_pack(conn, tmp_path / "pack", now=NOW)
    files = _read(tmp_path / "pack")
    assert result["verified"] and result["left_out"] >= 1
    assert not any("RESTRUCT_COST" in text for text in files.values())  # the demo's confidential KPI
    kpis = files["kpis.md"]
    assert "## OPEX_RATIO: " in kpis and "| Formula | calculated: OPEX / REVENUE \\* 100 |" in kpis
    otd = kpis[kpis.index("## OTD_PCT: "):]
    otd = otd[:otd.index("\n## ", 5)]
    assert "| Direction | higher is better |" in otd and "| Owner role |" in otd and "| Source | " in otd
    assert "| PLANT_A |" in otd and "#### Definition history (audit trail)" in otd
    assert "| PACKAGING |" not in kpis  # thresholds of the confidential unit are left out
    assert "target_revision" not in kpis or "#### Target revisions" in kpis
    assert kpis.count("| approved |") >= 1  # the demo's approved target revisions
    controls_doc = files["controls.md"]
    assert "## Assessment 1: 2026Q3" in controls_doc
    assert "Signed off by knakamura at 2026-10-21T14:00:00Z" in controls_doc
    assert "| medium | dormant_accounts |" in controls_doc
    assert "Verified: schema, hash chain, anchor and replay match the audit trail." in files["audit-trail.md"]
    assert "anchored at entry" in files["audit-trail.md"]
    assert "Planning cycles" in files["review-cycles.md"] and "| FY2026 |" in files["review-cycles.md"]
    with_all = auditor_pack.build(conn, now=NOW, include_confidential=True)["files"]
    assert "RESTRUCT_COST" in with_all["kpis.md"]


def _meeting(conn, code, unit_id, period, status, decisions, confidentiality="public"):
    from pmtui.store import audit
    from pmtui.store.db import atomic

    a = {"actor": "admin", "now": NOW}
    with atomic(conn):
        mid = audit.insert(conn, "meetings", {"code": code, "unit_id": unit_id, "period": period, "title": code,
                                              "confidentiality": confidentiality}, **a)
        for seq, decision in enumerate(decisions, start=1):
            audit.insert(conn, "agenda_items", {"meeting_id": mid, "seq": seq, "kind": "other", "title": f"item {seq}",
                                                "decision": decision}, **a)
        if status != "planned":
            audit.update(conn, "meetings", mid, {"status": status}, **a)


def test_review_meetings_are_counted_when_there_are_any(mini):
    from pmtui.services import pack_sections

    _meeting(mini, "A_07", 3, "2026-07", "finalised", ["act", "watch", None])
    _meeting(mini, "A_08", 3, "2026-08", "in_progress", ["close"])
    _meeting(mini, "B_08", 4, "2026-08", "finalised", ["act"])  # BU_B is confidential
    text = doc_text(pack_sections.review_cycles(mini, include_confidential=False))
    assert "2 meeting(s), 1 finalised, 3 decision(s) recorded on agenda items." in text
    assert "| BU_A | monthly | 2 | 1 | 3 | 2026-07 | 2026-08 |" in text
    assert "B_08" not in text
    everything = doc_text(pack_sections.review_cycles(mini, include_confidential=True))
    assert "3 meeting(s), 2 finalised, 4 decision(s)" in everything and "| B_08 | BU_B |" in everything


def doc_text(blocks) -> str:
    from pmtui.core import documents

    return documents.to_markdown(blocks)
