"""``pmtui audit ...`` and ``pmtui snapshot``."""

from __future__ import annotations

from pathlib import Path

import click

from pmtui.cli import cli
from pmtui.cli.context import Env, pass_env
from pmtui.cli.output import emit, json_option


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


@cli.command("snapshot")
@click.argument("out", type=click.Path(dir_okay=False))
@json_option
@pass_env
def snapshot_cmd(env: Env, out: str, as_json: bool) -> None:
    """Write a consistent, integrity-checked copy of the file to OUT, with its anchor beside it.

    Example: pmtui --db demo/pmtui-demo.db snapshot share/pmtui-2026-11.db
    """
    from pmtui.services import snapshots  # noqa: PLC0415

    result = snapshots.snapshot(env.connect(), out, actor=env.user or "system", now=env.now)
    emit(result, as_json, lambda: f"snapshot written to {result['path']} ({result['bytes']:,} bytes,"
                                  f" {result['audit_entries']} audit entries, anchor {result['anchor']})")
