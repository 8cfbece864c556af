"""``pmtui audit ...`` and ``pmtui snapshot``."""

from __future__ import annotations

from pathlib import Path

import click

from pmtui.cli import cli
from pmtui.cli.context import Env, pass_env
from pmtui.cli.output import emit, json_option
from pmtui.cli.publish_cmds import DefaultGroup


@cli.group()
def audit() -> None:
    """Check and anchor the tamper-evident audit trail."""


@audit.command("verify")
@click.option("--anchor", "anchor_file", type=click.Path(dir_okay=False, exists=True),
              help="Anchor file to compare against (default: FILE.anchor.json beside the database).")
@json_option
@pass_env
def audit_verify(env: Env, anchor_file: str | None, as_json: bool) -> None:
    """Verify schema, hash chain, anchor and replay; exit 1 naming the first bad entries.

    Example: pmtui --db demo/pmtui-demo.db audit verify
    """
    import json  # noqa: PLC0415

    from pmtui.services import anchor, verify  # noqa: PLC0415

    conn = env.connect()
    anchor_data = json.loads(Path(anchor_file).read_text()) if anchor_file else anchor.read(env.db_path)
    report = verify.verify(conn, anchor_data)

    def text() -> str:
        head = f"{report.entries} audit entries, head {report.head[:16] if report.head else '-'}"
        if anchor_data is None:
            head += "\nwarning: no anchor file beside the database: truncation and a recomputed chain go unseen"
        else:
            head += f", anchor at entry {report.anchor_seq}"
        if report.ok:
            return head + "\nOK: the file matches its audit trail"
        return head + "\nFAILED:\n" + "\n".join(f"  [{f.kind}] {f.message}" for f in report.findings)

    emit(report.to_dict(), as_json, text)
    if not report.ok:
        raise SystemExit(1)


@audit.command("anchor")
@pass_env
def audit_anchor(env: Env) -> None:
    """Write the anchor (head of the chain) beside the database now.

    Example: pmtui --db demo/pmtui-demo.db audit anchor
    """
    from pmtui.services import anchor  # noqa: PLC0415

    path = anchor.write(env.connect(), env.db_path, env.now)
    click.echo(f"anchor written to {path}")


@cli.group("snapshot", cls=DefaultGroup, default="take")
def snapshot_group() -> None:
    """Shareable snapshots: `pmtui snapshot OUT.db [--redact LEVEL]` and `pmtui snapshot verify OUT.db`.

    `pmtui snapshot OUT.db` is the same as `pmtui snapshot take OUT.db`.

    Example: pmtui --db demo/pmtui-demo.db snapshot share/pmtui-2026-11.db --redact internal
    """


@snapshot_group.command("take")
@click.argument("out", type=click.Path(dir_okay=False))
@click.option("--redact", type=click.Choice(["public", "internal"]), default=None,
              help="Redact the copy to this level (as `pmtui publish` does); default: a full copy.")
@json_option
@pass_env
def snapshot_cmd(env: Env, out: str, redact: str | None, as_json: bool) -> None:
    """Write a consistent, integrity-checked copy of the file to OUT, with its anchor and manifest beside it.

    Example: pmtui --db demo/pmtui-demo.db snapshot share/pmtui-2026-11.db
    """
    from pmtui.services import snapshots  # noqa: PLC0415

    result = snapshots.snapshot(env.connect(), out, actor=env.user or "system", now=env.now, redact=redact)
    emit(result, as_json, lambda: f"snapshot written to {result['path']} ({result['bytes']:,} bytes,"
                                  f" {result['audit_entries']} audit entries, anchor {result['anchor']}"
                                  + (f", redacted to {redact})" if redact else ")"))


@snapshot_group.command("verify")
@click.argument("path", type=click.Path(dir_okay=False))
@json_option
def snapshot_verify(path: str, as_json: bool) -> None:
    """Check a snapshot against its manifest (content hash, audit head) and, unredacted, its audit trail.

    Exits 1 when a check fails.

    Example: pmtui snapshot verify share/pmtui-2026-11.db
    """
    from pmtui.services import snapshots  # noqa: PLC0415

    result = snapshots.verify_snapshot(path)

    def text() -> str:
        lines = [f"{'ok    ' if c['ok'] else 'FAILED'} {c['check']}: {c['detail']}" for c in result["checks"]]
        lines += [f"  [{f['kind']}] {f['message']}" for f in result["findings"]]
        return "\n".join(lines + [("OK: " if result["ok"] else "FAILED: ") + result["path"]])

    emit(result, as_json, text)
    if not result["ok"]:
        raise SystemExit(1)
