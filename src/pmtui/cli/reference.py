"""The CLI reference page (``docs/cli.md``), generated from the click commands.

Every command, walked recursively from :data:`pmtui.cli.cli`, becomes one section: its
usage line, its help text (``Example:`` lines as shell blocks), its options with their
help, and for a group its sub-commands. ``tests/test_docs.py`` fails when the committed
page differs from what :func:`render` produces. Regenerate it from the checkout with::

    .venv/bin/python -m pmtui.cli.reference            # writes docs/cli.md
    .venv/bin/python -m pmtui.cli.reference -          # prints it instead
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import click

#: Where the page lives, relative to the repository root.
PAGE = Path("docs") / "cli.md"
#: The command that rewrites the page (quoted by the docs test when the page is stale).
REGENERATE = ".venv/bin/python -m pmtui.cli.reference"

_HEADER = f"""\
# CLI reference

<!-- Generated from the click commands by `{REGENERATE}`: do not edit by hand. -->

Every `pmtui` command, with its options, as `pmtui COMMAND --help` prints them.

**Conventions.** Global options come before the command: `--db PATH` (env `PMTUI_DB`,
default `pmtui.db`) picks the file; `--user NAME` (env `PMTUI_USER`) is the acting user for
writes. The clock is read once, at the edge (`PMTUI_NOW` fixes it, for tests and
reproducible demos). Commands whose output is data take `--json`. User errors print
`Error: ...` and exit 1; usage errors exit 2. Bare `pmtui` opens the TUI (see
[The TUI](tui.md)).
"""

# Markdown that help text must not trigger outside its `code` spans.
_ESCAPES = str.maketrans({"\\": "\\\\", "*": "\\*", "_": "\\_", "<": "&lt;", ">": "&gt;", "|": "\\|"})


def _escape(text: str) -> str:
    """Escape Markdown in ``text``, leaving its backtick code spans as they are."""
    parts = re.split(r"(`[^`]*`)", text)
    return "".join(p if p.startswith("`") and p.endswith("`") and len(p) > 1 else p.translate(_ESCAPES)
                   for p in parts)


def _anchor(path: tuple[str, ...]) -> str:
    return "-".join(path) if path else "pmtui"


def walk(command: click.Command, ctx: click.Context) -> Iterator[tuple[tuple[str, ...], click.Command,
                                                                       click.Context]]:
    """Yield ``(path, command, context)`` for ``command`` and, depth first, every sub-command."""
    path = tuple(ctx.command_path.split()[1:])
    yield path, command, ctx
    if isinstance(command, click.Group):
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is None or sub.hidden:
                continue
            yield from walk(sub, click.Context(sub, info_name=name, parent=ctx, **sub.context_settings))


def _help_blocks(help_text: str) -> list[str]:
    """The help text as Markdown blocks: paragraphs, and each ``Example:`` as a shell block."""
    blocks = []
    for paragraph in re.split(r"\n\s*\n", help_text.strip()):
        lines = [line.strip() for line in paragraph.splitlines() if line.strip() != "\b"]
        prose = [line for line in lines if not line.startswith("Example:")]
        if prose:
            blocks.append(_escape("\n".join(prose)))
        for line in lines:
            if line.startswith("Example:"):
                blocks.append("Example:\n\n```bash\n" + line.removeprefix("Example:").strip() + "\n```")
    return blocks


def _options(command: click.Command, ctx: click.Context) -> list[str]:
    """The options as a table; ``--help`` only on the top command (every command has it)."""
    params = [p for p in command.get_params(ctx) if ctx.parent is None or "--help" not in p.opts]
    rows = [record for param in params if (record := param.get_help_record(ctx))]
    if not rows:
        return []
    table = ["| Option | Description |", "|---|---|"]
    for opts, help_text in rows:
        table.append(f"| `{opts}` | {_escape(' '.join(help_text.split()))} |")
    return ["\n".join(table)]


def _subcommands(group: click.Group, ctx: click.Context, path: tuple[str, ...]) -> list[str]:
    table = ["| Command | What it does |", "|---|---|"]
    for name in group.list_commands(ctx):
        sub = group.get_command(ctx, name)
        if sub is None or sub.hidden:
            continue
        link = f"[`{name}`](#{_anchor((*path, name))})"
        table.append(f"| {link} | {_escape(sub.get_short_help_str(limit=120))} |")
    return ["\n".join(table)]


def section(path: tuple[str, ...], command: click.Command, ctx: click.Context) -> str:
    """One command's section of the page."""
    level = "#" * max(2, min(len(path) + 1, 4))
    title = " ".join(("pmtui", *path))
    blocks = [f"{level} {title} {{#{_anchor(path)}}}"]
    usage = " ".join((ctx.command_path, *command.collect_usage_pieces(ctx)))
    blocks.append(f"```text\n{usage}\n```")
    blocks += _help_blocks(command.help or "")
    blocks += _options(command, ctx)
    if isinstance(command, click.Group):
        blocks += _subcommands(command, ctx, path)
    return "\n\n".join(blocks) + "\n"


def render(root: click.Command | None = None) -> str:
    """The whole reference page for ``root`` (default: the ``pmtui`` command)."""
    if root is None:
        from pmtui.cli import cli as root  # noqa: PLC0415 - registers the commands first

    ctx = click.Context(root, info_name="pmtui", **root.context_settings)
    return _HEADER + "".join("\n" + section(path, command, c) for path, command, c in walk(root, ctx))


def main(argv: list[str] | None = None) -> None:
    """Write the page to ``docs/cli.md`` (or to the path given; ``-`` prints it)."""
    args = sys.argv[1:] if argv is None else argv
    text = render()
    target = args[0] if args else str(PAGE)
    if target == "-":
        sys.stdout.write(text)
        return
    Path(target).parent.mkdir(parents=True, exist_ok=True)
    Path(target).write_text(text, encoding="utf-8")
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
