"""The user's keymap: keys rebound by binding id in a TOML file.

Every key of the TUI has a stable id in the action registry (:mod:`pmtui.actions`); the
file maps ids to keys in a ``[keys]`` table::

    [keys]
    "open-action-register" = "K"         # K opens the action register instead of k
    "show-help" = "f1,question_mark"     # several keys: comma separated

Where the file is: ``pmtui --keymap PATH``, else ``$PMTUI_KEYMAP``, else
``$XDG_CONFIG_HOME/pmtui/keymap.toml`` (``~/.config/pmtui/keymap.toml`` when
``XDG_CONFIG_HOME`` is not set). A missing file at the default place is normal; a file
named explicitly must exist.

Nothing in a keymap stops the TUI: an unreadable file, an unknown id, a key that is not
a key, or keys that collide in one scope are reported as one notice at start-up, and the
entries concerned keep their default keys. "Collide" means two actions answering the
same key on one screen, counting the keys that work everywhere (modal dialogs, which the
global keys do not reach, only count their own keys).

The table name ``keys``, the binding ids and the key names are a public contract
(documented in ``docs/keymap.md``). Ids that were renamed stay accepted through
:data:`RENAMED`.
"""

from __future__ import annotations

import os
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from textual.keys import KEY_NAME_REPLACEMENTS, REPLACED_KEYS, Keys

from pmtui import actions
from pmtui.actions import PmAction

#: Modifier names a key may carry (``ctrl+s``, ``alt+shift+up``).
MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
#: Named keys besides single characters and Unicode character names (``question_mark``).
NAMED_KEYS = frozenset(k.value for k in Keys if "+" not in k.value and not k.value.startswith("<")) | set(REPLACED_KEYS)
#: Binding ids that were renamed: old id -> current id (old keymaps keep working).
RENAMED: dict[str, str] = {"meeting-confirm": "confirm-yes"}
#: The table of the file that maps ids to keys.
TABLE = "keys"


@dataclass(frozen=True)
class Keymap:
    """A keymap as read: the entries that apply, what was wrong, and the file read.

    Attributes:
        keys: Binding id -> key string (normalised), only the entries that apply.
        problems: One sentence per problem, for the start-up notice.
        path: The file read, or None when there was none.
    """

    keys: dict[str, str] = field(default_factory=dict)
    problems: tuple[str, ...] = ()
    path: Path | None = None


def default_path(environ: Mapping[str, str] | None = None) -> Path:
    """``$XDG_CONFIG_HOME/pmtui/keymap.toml``, else ``~/.config/pmtui/keymap.toml``."""
    environ = os.environ if environ is None else environ
    config = environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "pmtui" / "keymap.toml"


def locate(explicit: str | os.PathLike | None = None,
           environ: Mapping[str, str] | None = None) -> tuple[Path, bool]:
    """(the keymap file to read, whether it was named explicitly by ``--keymap`` or ``PMTUI_KEYMAP``)."""
    environ = os.environ if environ is None else environ
    named = explicit or environ.get("PMTUI_KEYMAP")
    return (Path(named).expanduser(), True) if named else (default_path(environ), False)


def load(explicit: str | os.PathLike | None = None, environ: Mapping[str, str] | None = None) -> Keymap:
    """Read the keymap the session should use (see the module docstring for where it is)."""
    path, named = locate(explicit, environ)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Keymap(problems=(f"keymap {path} not found: default keys apply",) if named else ())
    except (OSError, UnicodeDecodeError) as exc:
        return Keymap(problems=(f"keymap {path} cannot be read ({exc}): default keys apply",), path=path)
    return parse(text, path)


def parse(text: str, path: Path | None = None) -> Keymap:
    """Read a keymap from TOML text and check it against the action registry."""
    where = f"keymap {path}" if path else "keymap"
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return Keymap(problems=(f"{where} is not valid TOML ({exc}): default keys apply",), path=path)
    table = document.get(TABLE, {})
    problems = [f"{where}: unknown table [{name}] (only [{TABLE}])" for name in document if name != TABLE]
    if not isinstance(table, dict):
        return Keymap(problems=(*problems, f"{where}: '{TABLE}' must be a table of id = \"key\""), path=path)
    known = {a.id for a in actions.ACTIONS}
    keys: dict[str, str] = {}
    unknown: list[str] = []
    for raw_id, value in table.items():
        action_id = RENAMED.get(raw_id, raw_id)
        if action_id not in known:
            unknown.append(raw_id)
            continue
        if not isinstance(value, str):
            problems.append(f"{where}: {raw_id} must be a key in quotes, e.g. \"ctrl+k\"")
            continue
        try:
            keys[action_id] = normalise(value)
        except ValueError as exc:
            problems.append(f"{where}: {raw_id} = {value!r}: {exc}")
    if unknown:
        problems.append(f"{where}: unknown binding id{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}"
                        " (docs/keymap.md lists the ids)")
    keys, clashes = settle(keys)
    return Keymap(keys, tuple(problems + clashes), path)


def normalise(text: str) -> str:
    """A key string as Textual names it (``?`` -> ``question_mark``); ValueError when it is not a key."""
    names = []
    for part in text.split(","):
        part = part.strip()
        if not part:
            raise ValueError("empty key")
        if len(part) == 1:
            mods, base = [], part
        elif part.endswith("++"):  # "ctrl++"
            mods, base = part[:-2].split("+"), "+"
        else:
            *mods, base = part.split("+")
        bad = [m for m in mods if m.lower() not in MODIFIERS]
        if bad:
            raise ValueError(f"unknown modifier {bad[0]!r} (use {', '.join(MODIFIERS)})")
        names.append("+".join([*(m.lower() for m in mods), _base(base)]))
    return ",".join(names)


def _base(base: str) -> str:
    if len(base) == 1:
        if not base.isprintable():
            raise ValueError("not a printable character")
        if base == " ":
            return "space"
        if base.isalnum():
            return base
        name = unicodedata.name(base, base).lower().replace("-", "_").replace(" ", "_")
        return KEY_NAME_REPLACEMENTS.get(name, name)  # as Textual names it: "?" is question_mark
    name = base.lower()
    if name in NAMED_KEYS:
        return name
    try:
        unicodedata.lookup(name.replace("_", " "))
    except KeyError:
        raise ValueError(f"{base!r} is not a key name (e.g. k, K, ctrl+k, f2, escape, question_mark)") from None
    return name


def _key_set(key: str) -> set[str]:
    return {k.strip() for k in key.split(",") if k.strip()}


def collisions(keys: Mapping[str, str], registry: Iterable[PmAction] | None = None,
               dialogs: Iterable[str] | None = None) -> list[tuple[str, str, tuple[str, ...]]]:
    """Keys answered by more than one action on one scope, with ``keys`` overriding the registry.

    A non-dialog scope also hears every key of the ``"app"`` scope; an action bound in an
    app scope and a screen scope with the same Textual action is one action.

    Returns:
        ``(scope, key, ids)`` for every collision, in scope order.
    """
    registry = tuple(actions.ACTIONS if registry is None else registry)
    dialogs = set(actions.DIALOGS if dialogs is None else dialogs)
    scopes = dict.fromkeys(s for a in registry for s in a.scopes)
    found = []
    for scope in scopes:
        heard = [a for a in registry if scope in a.scopes]
        if scope != "app" and scope not in dialogs:
            heard += [a for a in registry if "app" in a.scopes and a not in heard]
        by_key: dict[str, dict[str, str]] = {}
        for a in heard:
            for key in _key_set(keys.get(a.id, a.key)):
                by_key.setdefault(key, {})[a.id] = a.action
        for key, ids in by_key.items():
            if len(set(ids.values())) > 1:
                found.append((scope, key, tuple(ids)))
    return found


def settle(keys: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """Drop the entries that make keys collide (they keep their default keys); say which and why."""
    keys = dict(keys)
    problems: list[str] = []
    while True:
        clashes = [(scope, key, ids) for scope, key, ids in collisions(keys) if set(ids) & set(keys)]
        if not clashes:
            return keys, problems
        scope, key, ids = clashes[0]
        title = actions.SCOPES.get(scope, scope)
        mine = [i for i in ids if i in keys]
        problems.append(f"keymap: {key} would answer {' and '.join(ids)} on {title}: "
                        f"{', '.join(mine)} keep{'s' if len(mine) == 1 else ''} the default key")
        for i in mine:
            del keys[i]


#: Markers around the generated list of ids in ``docs/keymap.md``.
BEGIN, END = "<!-- ids: generated by `python -m pmtui.keymap` -->", "<!-- end of ids -->"


def reference() -> str:
    """The list of binding ids by scope, as Markdown (the generated part of ``docs/keymap.md``)."""
    lines = [BEGIN]
    for scope, title in actions.SCOPES.items():
        rows = [a for a in actions.ACTIONS if scope in a.scopes and (scope == "app" or a.scopes[0] == scope)]
        if not rows:
            continue
        kind = " (dialog)" if scope in actions.DIALOGS else ""
        lines += ["", f"**{title}**{kind}", "", "| id | key | what it does |", "|---|---|---|"]
        lines += [f"| `{a.id}` | `{a.key}` | {a.help} |" for a in rows]
    lines.append(END)
    return "\n".join(lines) + "\n"


def _write_reference(page: Path) -> bool:
    """Replace the generated part of ``page``; True when it changed."""
    text = page.read_text(encoding="utf-8")
    head, _, rest = text.partition(BEGIN)
    _, _, tail = rest.partition(END + "\n")
    new = head + reference() + tail
    page.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":  # python -m pmtui.keymap [PAGE]: rewrite the id list of docs/keymap.md
    import sys

    _write_reference(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/keymap.md"))
