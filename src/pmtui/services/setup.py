"""Initialising an empty pmtui file."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from pmtui.services import framework, users
from pmtui.store.db import atomic

#: The four balanced-scorecard perspectives every new file starts with.
STANDARD_PERSPECTIVES = (
    ("FIN", "Financial"),
    ("CUS", "Customer"),
    ("INT", "Internal process"),
    ("LRN", "Learning and growth"),
)


def initialise(conn: sqlite3.Connection, *, company: str, admin: str, now: datetime) -> None:
    """Company name, the standard perspectives, an administrator role and its first holder."""
    actor = users.SYSTEM
    with atomic(conn):
        framework.set_setting(conn, "company_name", company, actor=actor, now=now)
        framework.create_unit(conn, "GROUP", company, "group", actor=actor, now=now)
        for order, (code, name) in enumerate(STANDARD_PERSPECTIVES, start=1):
            framework.create_perspective(conn, code, name, 1.0, order, actor=actor, now=now)
        users.create_role(conn, "ADMIN", "Administrator", list(users.PERMISSIONS), actor=actor, now=now)
        users.create_user(conn, admin, admin, actor=actor, now=now)
        users.assign_role(conn, admin, "ADMIN", None, now.date(), actor=actor, now=now)
