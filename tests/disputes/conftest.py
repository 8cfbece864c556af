"""Fixtures of the disputes area: a committee, finalised meetings for the minutes archive."""

from __future__ import annotations

import pytest

from pmtui.services import committees
from pmtui.store import audit
from pmtui.store.db import atomic, connect
from tests.builders import NOW, build_mini

#: Finalised meetings of the mini company: (code, unit, period, title, minutes, [(item, decision, note)]).
MEETINGS = (
    ("BU_A-2026-08", "BU_A", "2026-08", "Monthly review Unit A, August",
     "Revenue dipped after the carrier strike. The supplier audit found late deliveries from the packaging"
     " supplier; agreed to re-tender the carrier contract before the peak season.",
     [("Revenue below target", "act", "Sales push on key accounts"),
      ("Defect rate drifting", "watch", "Check the new moulding tool after two more runs")]),
    ("BU_A-2026-09", "BU_A", "2026-09", "Monthly review Unit A, September",
     "Carrier capacity stayed tight in September; the re-tender shortlist has three carriers. Defects rose"
     " with the new tool: escalated to the quality lead.",
     [("Defect rate above target", "escalate", "Quality lead to review the tool qualification"),
      ("Carrier contract", "act", "Award the contract by 15 October")]),
    ("BU_B-2026-09", "BU_B", "2026-09", "Confidential review Unit B",
     "Divestment timetable discussed; carrier contract transferred to the buyer.", []),
)


def add_meeting(conn, code, unit, period, title, minutes, items, *, finalise=True, confidentiality="public",
                now=NOW):
    """A meeting with decided agenda items, finalised (its minutes then enter the archive)."""
    a = {"actor": "admin", "now": now}
    with atomic(conn):
        unit_id = conn.execute("SELECT id FROM units WHERE code = ?", [unit]).fetchone()[0]
        key = audit.insert(conn, "meetings", {"code": code, "unit_id": unit_id, "period": period, "title": title,
                                              "chair": "bob", "held_on": f"{period}-28", "minutes": minutes,
                                              "status": "in_progress", "confidentiality": confidentiality}, **a)
        for seq, (item, decision, note) in enumerate(items, start=1):
            audit.insert(conn, "agenda_items", {"meeting_id": key, "seq": seq, "kind": "other", "title": item,
                                                "decision": decision, "decision_note": note, "decided_by": "bob",
                                                "decided_at": f"{period}-28T10:00:00Z"}, **a)
        if finalise:
            audit.update(conn, "meetings", key, {"status": "finalised", "finalised_by": "bob",
                                                 "finalised_at": f"{period}-28T12:00:00Z"}, **a)
    return key


def add_archive(conn) -> None:
    """The three finalised meetings of :data:`MEETINGS` (BU_B's is confidential)."""
    for code, unit, period, title, minutes, items in MEETINGS:
        add_meeting(conn, code, unit, period, title, minutes, items,
                    confidentiality="confidential" if unit == "BU_B" else "public")


def add_committee(conn) -> None:
    """Committee GOV with ann and bob (admin set it up)."""
    committees.add(conn, "GOV", "Governance board", purpose="Ownership disputes", members=["ann", "bob"],
                   actor="admin", now=NOW)


@pytest.fixture
def archive(mini):
    """The mini company with the minutes archive."""
    add_archive(mini)
    return mini


@pytest.fixture
def gov(mini):
    """The mini company with committee GOV."""
    add_committee(mini)
    return mini


@pytest.fixture
def mini_db(tmp_path):
    """The shared fixture's file (used by ``run`` too), plus the minutes archive and committee GOV."""
    from pmtui.services import anchor

    path = tmp_path / "mini.db"
    conn = connect(path)
    build_mini(conn)
    add_archive(conn)
    add_committee(conn)
    anchor.write(conn, path, NOW)
    conn.close()
    return path
