"""After every CLI write (or audited refusal) the anchor sits at the audit head: one write path."""

from __future__ import annotations

import json
import shlex

import pytest

from pmtui.services import anchor
from pmtui.store.db import connect

#: One write command of each CLI area (the issue's reproduction is allocation round-add).
WRITES = [
    ("admin", "allocation round-add --code R1 --name Round --budget 100"),
    ("admin", "units add SOUTH --name South --kind region --parent GROUP"),
    ("admin", "kpis add NEWK --name New --direction higher"),
    ("admin", "sources add --code ERP --name ERP --system SAP --domain finance --reliability high --refresh daily"),
    ("admin", "drivers add --leading DEFECTS --lagging REV --max-lag 3"),
    ("admin", "initiatives add --code INI --name Initiative --unit BU_A"),
    ("admin", "targets set --kpi REV --unit BU_A --from 2027-01 --to 2027-03 --target 100 --amber 90"),
    ("bob", "approve --all"),
    ("ann", "correct --kpi REV --unit BU_A --period 2026-07 --value 101 --reason 'typo in the source'"),
    ("ann", "units add EAST --name East --kind region --parent GROUP"),  # refused: audited, anchor follows too
]


@pytest.mark.parametrize("user, line", WRITES, ids=[w[1].split(" --")[0] for w in WRITES])
def test_anchor_is_at_the_head_after_each_write(run, mini_db, user, line):
    result = run(*shlex.split(line), user=user)
    conn = connect(mini_db)
    head = conn.execute("SELECT max(seq) FROM audit_log").fetchone()[0]
    conn.close()
    assert anchor.read(mini_db)["seq"] == head, result.output
    verify = json.loads(run("audit", "verify", "--json").output)
    assert verify["ok"] and verify["anchor_seq"] == head, result.output
