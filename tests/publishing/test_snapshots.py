"""``pmtui snapshot --redact`` and ``pmtui snapshot verify``; ``pmtui publish`` on the command line."""

from __future__ import annotations

import json
import sqlite3

import pytest

from click.testing import CliRunner

from pmtui.cli import cli


def _run(db, *args, input=None):
    return CliRunner().invoke(cli, ["--db", str(db), "--user", "admin", *args], input=input,
                              env={"PMTUI_NOW": "2026-11-26T09:00:00Z"})


def test_full_snapshot_verifies_and_detects_a_changed_byte(mini_db, tmp_path):
    out = tmp_path / "snap.db"
    taken = _run(mini_db, "snapshot", str(out), "--json")
    assert taken.exit_code == 0, taken.output
    assert json.loads(taken.output)["redaction"] is None
    ok = _run(mini_db, "snapshot", "verify", str(out), "--json")
    assert ok.exit_code == 0, ok.output
    assert [c["check"] for c in json.loads(ok.output)["checks"]] == ["content hash", "audit head", "audit trail"]
    data = bytearray(out.read_bytes())
    data[-10] ^= 0xFF
    out.write_bytes(bytes(data))
    bad = _run(mini_db, "snapshot", "verify", str(out))
    assert bad.exit_code == 1 and "FAILED content hash" in bad.output


def test_redacted_snapshot_leaves_out_the_confidential_unit(mini_db, tmp_path):
    out = tmp_path / "red.db"
    taken = _run(mini_db, "snapshot", str(out), "--redact", "internal", "--json")
    assert taken.exit_code == 0, taken.output
    manifest = json.loads((tmp_path / "red.db.manifest.json").read_text())
    assert manifest["redaction"] == "internal"
    codes = {r[0] for r in sqlite3.connect(out).execute("SELECT code FROM units")}
    assert "BU_B" not in codes
    verified = _run(mini_db, "snapshot", "verify", str(out))
    assert verified.exit_code == 0, verified.output
    assert "audit trail" not in verified.output


def test_snapshot_verify_needs_the_manifest(tmp_path):
    (tmp_path / "x.db").write_bytes(b"")
    result = _run(tmp_path / "x.db", "snapshot", "verify", str(tmp_path / "x.db"))
    assert result.exit_code == 1 and "Error: cannot read the manifest" in result.output


def test_cli_publish_one_audience_and_all(mini_db, tmp_path):
    one = _run(mini_db, "publish", "--audience", "public", "--out", str(tmp_path / "p.db"), "--json")
    assert one.exit_code == 0, one.output
    assert json.loads(one.output)[0]["audience"] == "public"
    both = _run(mini_db, "publish", "--all")
    assert both.exit_code == 0, both.output
    assert (tmp_path / "mini.db.published" / "internal.db").exists()


def test_cli_publish_needs_a_target(mini_db):
    result = _run(mini_db, "publish")
    assert result.exit_code == 1 and "Error: pass --audience and --out, or --all" in result.output


def test_cli_passwd_reads_the_password_from_standard_input(mini_db, tmp_path):
    result = _run(mini_db, "publish", "passwd", "ann", input="long enough password\n")
    assert result.exit_code == 0, result.output
    stored = json.loads((tmp_path / "mini.db.published" / "passwords.json").read_text())
    assert stored["users"]["ann"]["audience"] == "internal" and "long enough" not in json.dumps(stored)
    short = _run(mini_db, "publish", "passwd", "bob", input="short\n")
    assert short.exit_code == 1 and "too short" in short.output


@pytest.mark.parametrize("redact", [None, "public"])
def test_tui_opens_snapshots_and_published_files_read_only(mini_db, tmp_path, monkeypatch, redact):
    import pmtui.app
    from pmtui.cli.context import Env
    from pmtui.cli.tui import run_tui

    out = tmp_path / "snap.db"
    assert _run(mini_db, "snapshot", str(out), *(["--redact", redact] if redact else [])).exit_code == 0
    before = out.read_bytes()
    opened = {}

    class FakeApp:
        def __init__(self, **kwargs):
            opened.update(kwargs)

        def run(self):
            pass

    monkeypatch.setattr(pmtui.app, "PmApp", FakeApp)
    run_tui(Env(db_path=str(out), user="admin"))
    assert opened["readonly"] is True and "read-only" in opened["notice"]
    assert out.read_bytes() == before
