"""Access controls of a quarterly assessment: refused attempts, segregation of duties,
administrators, dormant accounts and roles nobody holds.

Holdings are those valid on the day access is judged (``Context.day``). Thresholds come
from settings (``pmtui settings set NAME VALUE``, needs ``administer``):

- ``controls_sod_rules``: incompatible permission pairs, default ``enter_data+approve``
  (e.g. ``enter_data+approve, edit_targets+approve``);
- ``controls_max_admins``: most users that should hold ``administer`` (default 2);
- ``controls_dormant_days``: days without audit activity after which a role holder's
  account counts as dormant (default 90).

An invalid setting is reported as a finding and its default is used.
"""

from __future__ import annotations

import sqlite3
from datetime import timedelta

from pmtui.core import controls as rules
from pmtui.core.controls import Finding, Holding, Outcome
from pmtui.services import framework, users
from pmtui.services.control_checks import FOUR_EYES_TRIGGERS, Check, Context, _capped


def holdings(conn: sqlite3.Connection, day) -> list[Holding]:
    """Role holdings of active users valid on ``day``."""
    rows = conn.execute(
        """SELECT p.name AS user, r.code AS role, u.code AS unit, r.permissions
           FROM role_assignments a JOIN users p ON p.id = a.user_id AND p.active = 1
           JOIN roles r ON r.id = a.role_id LEFT JOIN units u ON u.id = a.unit_id
           WHERE a.valid_from <= ? AND (a.valid_to IS NULL OR a.valid_to >= ?)
           ORDER BY p.name, r.code, u.code""", [day.isoformat(), day.isoformat()])
    return [Holding(r["user"], r["role"], r["unit"], frozenset(r["permissions"].split())) for r in rows]


def _setting(conn, name: str, default, parse, problems: list[Finding]):
    text = framework.get_setting(conn, name)
    if text is None:
        return default
    try:
        return parse(text)
    except ValueError as exc:
        problems.append(Finding("settings", "access", "low", f"settings:{name}",
                                f"setting {name}={text!r} is invalid ({exc}); the default {default!r} was used"))
        return default


def _whole(name: str, low: int):
    def parse(text: str) -> int:
        if not text.strip().isdigit() or int(text) < low:
            raise ValueError(f"{name} must be a whole number of at least {low}")
        return int(text)
    return parse


def refused_attempts(conn, ctx: Context) -> tuple[Outcome, list[Finding]]:
    """Refused attempts in the quarter, per user: the controls working, unless one user piles them up."""
    q = ctx.quarter
    rows = conn.execute("SELECT actor, count(*) AS n, group_concat(DISTINCT action) AS actions FROM audit_log"
                        " WHERE action LIKE 'refused.%' AND ts >= ? AND ts < ? GROUP BY actor ORDER BY n DESC, actor",
                        [q.ts_from, q.ts_to]).fetchall()
    found = [Finding("refused_attempts", "access", rules.grade_refusals(r["n"]), f"user:{r['actor']}",
                     f"{r['n']} refused attempt(s) by {r['actor']} ({', '.join(sorted(r['actions'].split(',')))})")
             for r in rows]
    total = sum(r["n"] for r in rows)
    return Outcome("refused_attempts", "access", f"{total} refused attempt(s) {q.start}..{q.end}"), _capped(
        "refused_attempts", "access", "info", found)


def segregation_of_duties(conn, ctx: Context) -> tuple[Outcome, list[Finding]]:
    """Users holding both permissions of an incompatible pair over one unit."""
    problems: list[Finding] = []
    pairs = _setting(conn, "controls_sod_rules", rules.parse_sod_rules(None, users.PERMISSIONS),
                     lambda t: rules.parse_sod_rules(t, users.PERMISSIONS), problems)
    ancestors = _ancestors(conn)
    present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    enforced = all(name in present for name in FOUR_EYES_TRIGGERS)
    found = []
    for c in rules.sod_conflicts(holdings(conn, ctx.day), pairs, ancestors):
        where = f"for {c.scope} and the units below it" if c.scope else "group-wide"
        mitigation = ("four-eyes triggers stop self-approval" if enforced
                      else "four-eyes triggers are missing: nothing stops self-approval")
        found.append(Finding("segregation_of_duties", "access", rules.grade_sod(c, enforced), f"user:{c.user}",
                             f"{c.user} holds both {c.rule[0]} and {c.rule[1]} {where} ({', '.join(c.roles)});"
                             f" {mitigation}", unit=c.scope))
    checked = f"rules {', '.join('+'.join(p) for p in pairs) or '(none)'} on {ctx.day}"
    return Outcome("segregation_of_duties", "access", checked), problems + _capped(
        "segregation_of_duties", "access", "medium", found)


def _ancestors(conn) -> dict[str, tuple[str, ...]]:
    parent = {r[0]: r[1] for r in conn.execute(
        "SELECT u.code, p.code FROM units u LEFT JOIN units p ON p.id = u.parent_id")}
    out = {}
    for code in parent:
        chain, up = [], parent.get(code)
        while up and up not in chain and len(chain) < 64:
            chain.append(up)
            up = parent.get(up)
        out[code] = tuple(chain)
    return out


def administrators(conn, ctx: Context) -> tuple[Outcome, list[Finding]]:
    """How many users hold ``administer`` against the configured maximum."""
    problems: list[Finding] = []
    maximum = _setting(conn, "controls_max_admins", rules.DEFAULT_MAX_ADMINS, _whole("controls_max_admins", 1),
                       problems)
    admins = sorted({h.user for h in holdings(conn, ctx.day) if "administer" in h.permissions})
    severity = rules.grade_admins(len(admins), maximum)
    detail = (f"{len(admins)} user(s) hold administer: {', '.join(admins)} (most allowed: {maximum})" if admins
              else "nobody holds administer: settings and roles cannot be changed")
    return Outcome("administrators", "access", f"administer holders on {ctx.day}, maximum {maximum}"), problems + [
        Finding("administrators", "access", severity, "permission:administer", detail)]


def dormant_accounts(conn, ctx: Context) -> tuple[Outcome, list[Finding]]:
    """Active users holding roles with no audit activity in the last N days before the assessed day."""
    problems: list[Finding] = []
    days = _setting(conn, "controls_dormant_days", rules.DEFAULT_DORMANT_DAYS, _whole("controls_dormant_days", 1),
                    problems)
    held: dict[str, frozenset[str]] = {}
    for h in holdings(conn, ctx.day):
        held[h.user] = held.get(h.user, frozenset()) | h.permissions
    until = f"{(ctx.day + timedelta(days=1)).isoformat()}T00:00:00Z"
    last = {r[0]: r[1] for r in conn.execute(
        "SELECT actor, max(ts) FROM audit_log WHERE ts < ? AND action NOT LIKE 'refused.%' GROUP BY actor", [until])}
    found = []
    for user, seen, permissions in rules.dormant(last, held, ctx.day, days):
        since = f"last activity {seen}" if seen else "no activity ever recorded"
        found.append(Finding("dormant_accounts", "access", rules.grade_dormant(permissions), f"user:{user}",
                             f"{user} holds {', '.join(sorted(permissions))} but has been inactive for more than"
                             f" {days} days ({since})"))
    return Outcome("dormant_accounts", "access", f"{len(held)} role holders, {days} days before {ctx.day}"), \
        problems + _capped("dormant_accounts", "access", "low", found)


def vacant_roles(conn, ctx: Context) -> tuple[Outcome, list[Finding]]:
    """Roles nobody holds on the assessed day (with what they own: ownership would be orphaned)."""
    held = {h.role for h in holdings(conn, ctx.day)}
    found = []
    for r in conn.execute("SELECT r.id, r.code, (SELECT count(*) FROM kpis k WHERE k.owner_role_id = r.id)"
                          " + (SELECT count(*) FROM objectives o WHERE o.owner_role_id = r.id) AS owned"
                          " FROM roles r ORDER BY r.code"):
        if r["code"] in held:
            continue
        owns = f"; it owns {r['owned']} KPI(s)/objective(s)" if r["owned"] else ""
        found.append(Finding("vacant_roles", "access", rules.grade_vacant_role(r["owned"]), f"role:{r['code']}",
                             f"role {r['code']} has no current holder{owns}"))
    return Outcome("vacant_roles", "access", f"every role's holders on {ctx.day}"), found


ACCESS: tuple[Check, ...] = (refused_attempts, segregation_of_duties, administrators, dormant_accounts, vacant_roles)
