"""Demo data of the controls area: the 2026Q3 control assessment, run and signed off.

Runs last, so the assessment sees every other area's demo data. The internal auditor
(``hmeyer``, group-wide ``view``) runs it two weeks after the quarter closed; the finance
controller (``knakamura``, group-wide ``approve``) signs it off a week later. The demo
naturally shows findings: region heads who never used the system (dormant accounts),
group-wide roles that combine entering and approving data (segregation of duties,
mitigated by the four-eyes triggers) and the administrator count (info).

The run verifies the whole audit trail against the anchor (written just before it): on ~60k
entries that and ``PRAGMA integrity_check`` take about 2 s of the demo build on an idle
machine (8-10 s on a heavily loaded 2-core one).
Q4 is left for the user to run from the TUI (key 4, then ``n``).
"""

from __future__ import annotations

from datetime import datetime, timezone

from pmtui.services import anchor, controls
from pmtui.store.db import path_of

#: Who runs and who signs off, and when.
RUN = ("hmeyer", datetime(2026, 10, 14, 9, 0, tzinfo=timezone.utc))
SIGN_OFF = ("knakamura", datetime(2026, 10, 21, 14, 0, tzinfo=timezone.utc))
NOTE = ("Reviewed with the audit committee. Region heads' dormant accounts to be confirmed with HR by"
        " 2026-12-15; combined enter/approve roles accepted: the four-eyes triggers stop self-approval.")


def populate(conn, *, now) -> None:
    """Run the 2026Q3 assessment and sign it off (times fixed, before ``now``)."""
    actor, when = RUN
    path = path_of(conn)
    if path:  # the file is anchored before its assessment, as an operator would (the builder re-anchors at the end)
        anchor.write(conn, path, min(when, now))
    assessment = controls.run(conn, "2026Q3", actor=actor, now=min(when, now))
    signer, signed = SIGN_OFF
    controls.sign_off(conn, assessment["id"], NOTE, actor=signer, now=min(signed, now))
