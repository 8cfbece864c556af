"""Stakeholder passwords for the published site, kept OUTSIDE every published file.

``FILE.published/passwords.json`` maps a user name to an scrypt hash (random salt, cost
parameters stored with it) and the audience the user signs in to (``internal``, or
``live`` for analysts allowed to read the live file). The file is written atomically
with mode 0600; the sign-in plugin (``datasette_plugins/pm_auth.py``) reads it on each
sign-in and on each request, so removing a user takes effect at once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path

#: Audiences a signed-in user can have (anonymous visitors get ``public``).
SIGN_IN_AUDIENCES = ("internal", "live")

#: scrypt cost: 2**14 x 8 uses 16 MiB and ~50 ms per check, slowing guessing down.
SCRYPT = {"n": 2**14, "r": 8, "p": 1}

MIN_LENGTH = 10


def _derive(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32)


def hash_password(password: str) -> dict:
    """A stored record for ``password``: algorithm, cost, salt and hash (hex)."""
    salt = secrets.token_bytes(16)
    return {"algorithm": "scrypt", **SCRYPT, "salt": salt.hex(),
            "hash": _derive(password, salt, **SCRYPT).hex()}


def check_password(record: dict, password: str) -> bool:
    """True when ``password`` matches ``record`` (constant-time comparison)."""
    if record.get("algorithm") != "scrypt":
        return False
    try:
        digest = _derive(password, bytes.fromhex(record["salt"]), record["n"], record["r"], record["p"])
    except (KeyError, ValueError, TypeError):
        return False
    return hmac.compare_digest(digest.hex(), record.get("hash", ""))


def load(path: str | Path) -> dict[str, dict]:
    """The users in the passwords file (empty when it does not exist)."""
    path = Path(path)
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8")).get("users", {})


def save(path: str | Path, users: dict[str, dict]) -> None:
    """Write the passwords file atomically, readable by its owner only."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump({"users": users}, handle, indent=1, sort_keys=True)
    os.replace(tmp, path)


def set_password(path: str | Path, user: str, password: str, audience: str = "internal") -> dict:
    """Add or change ``user``'s password and audience; returns the user's public fields.

    Raises:
        ValueError: an unknown audience, an empty user name or a too short password.
    """
    if audience not in SIGN_IN_AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}: choose one of {', '.join(SIGN_IN_AUDIENCES)}")
    if not user.strip():
        raise ValueError("the user name is empty")
    if len(password) < MIN_LENGTH:
        raise ValueError(f"the password is too short: use at least {MIN_LENGTH} characters")
    users = load(path)
    users[user] = hash_password(password) | {"audience": audience}
    save(path, users)
    return {"user": user, "audience": audience, "file": str(path)}


def remove(path: str | Path, user: str) -> bool:
    """Remove ``user``; True when the user existed."""
    users = load(path)
    if users.pop(user, None) is None:
        return False
    save(path, users)
    return True


def secret(folder: str | Path) -> str:
    """The cookie-signing secret kept in ``folder/secret`` (made on first use, mode 0600).

    A fixed secret keeps sign-ins valid when ``pmtui serve`` restarts Datasette after
    a re-publish.
    """
    path = Path(folder) / "secret"
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip()
