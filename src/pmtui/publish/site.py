"""The Datasette config of the published site: which database each visitor may open.

Served together: ``public`` (anyone), ``internal`` (signed-in users of audience
``internal`` or ``live``) and, optionally, the live file itself (audience ``live``
only; never anonymous). Permissions are Datasette ``allow`` blocks per database, which
hold for table pages, ``?sql=``, CSV/JSON and downloads alike because they gate the whole
database. Confidential data is absent from both published files anyway: the blocks only
keep internal data from anonymous visitors.
"""

from __future__ import annotations

import copy
from pathlib import Path

from pmtui.publish import CONFIG_DATABASE, PLUGIN_KEY, database_name, load_config

#: ``allow`` block per served database kind (None: everyone).
ALLOW = {"public": None, "internal": {"audience": ["internal", "live"]}, "live": {"audience": "live"}}

#: Tables the publish step adds beside the materialised views.
EXTRA_TABLES = {
    "pub_home_units": {"description": "Each published unit's score and status for its latest period (stored at"
                                      " publish time; the home page reads it)."},
    "pub_home_perspectives": {"description": "Each published unit's perspective scores for its latest period."},
    "pub_scorecards": {"description": "Each published unit's scorecard (score, status) for its twelve latest"
                                      " periods, rolled up at publish time; /-/pmtui/scorecard reads it."},
    "pub_scorecard_lines": {"description": "The perspective, objective and KPI lines of each stored scorecard,"
                                           " in display order."},
    "pub_pending_approvals": {"description": "What waits for a second person's decision: who submitted what, and"
                                             " when. Never a value: unapproved values are not published."},
    "pub_snapshot": {"description": "What this file is: company, audience, publish time and the snapshot date"
                                    " (as_of) against which overdue actions and stale data are judged."},
}

#: The snapshot date of a published file, for queries that judge "overdue" or "stale".
AS_OF = "(select as_of from pub_snapshot)"

#: Canned queries of the published databases (they read only tables that exist there).
QUERIES = {
    "pending_approvals": {
        "title": "Approvals pending",
        "description": "Values (and other items) submitted and waiting for approval, oldest first: who submitted"
                       " what and when, never the value.",
        "sql": "select * from pub_pending_approvals order by submitted_at",
    },
    "audit_log_search": {
        "title": "Audit log: search by element, user and date",
        "description": "Leave a field empty to match everything. entity is a table name (kpis, measurements,"
                       " targets, actions, meetings, ...), key the element's id; dates as YYYY-MM-DD (from"
                       " inclusive, to exclusive). Entries about elements outside this audience show"
                       " {\"redacted\": true}.",
        "sql": "select seq, ts, actor, action, entity, entity_key, reason, old, new\nfrom pub_audit_log\n"
               "where (:entity = '' or entity = :entity) and (:key = '' or entity_key = :key)\n"
               "  and (:actor = '' or actor = :actor)\n"
               "  and (:date_from = '' or ts >= :date_from) and (:date_to = '' or ts < :date_to)\n"
               "order by seq desc limit 500",
    },
}

#: Optional canned queries, added only when their table exists in the published file.
OPTIONAL_QUERIES = {
    "stale_data": ("pub_reporting_status", {
        "title": "Stale data: KPIs past their due date on the snapshot date",
        "description": "KPI x unit pairs whose next value was due before the file's snapshot date (pub_snapshot)"
                       " and had not been approved.",
        "sql": "select kpi, unit, reporting_mode, frequency, last_approved_period, next_due_date\n"
               f"from pub_reporting_status where next_due_date < {AS_OF} order by next_due_date, kpi, unit"}),
    "excluded_metrics": ("pub_excluded_metrics", {
        "title": "Excluded-metrics register",
        "description": "Metrics considered and left out: why, who decided, when.",
        "sql": "select * from pub_excluded_metrics order by decided_on desc"}),
    "overdue_actions": ("pub_actions", {
        "title": "Overdue actions on the snapshot date",
        "description": "Open actions whose due date lies before the file's snapshot date (pub_snapshot). The"
                       " page /-/pmtui/overdue shows them with overdue milestones.",
        "sql": f"select {AS_OF} as as_of, cast(julianday({AS_OF}) - julianday(due_on) as integer) as days_overdue,\n"
               "  id, title, owner, owner_name, owner_role, unit, due_on, status, source, meeting, kpi, initiative\n"
               f"from pub_actions where status in ('open', 'in_progress') and due_on < {AS_OF}\n"
               "order by due_on, id"}),
    "action_register": ("pub_actions", {
        "title": "Action register",
        "description": "Every published action; leave a field empty to match everything. status: open,"
                       " in_progress, done, cancelled. The page /-/pmtui/actions shows the same with paging.",
        "sql": "select id, title, owner, owner_name, owner_role, unit, due_on, status, source, meeting, kpi,\n"
               "  initiative, created_at, closed_at, close_note\nfrom pub_actions\n"
               "where (:unit = '' or unit = :unit) and (:status = '' or status = :status)\n"
               "  and (:owner = '' or owner = :owner)\norder by due_on, id"}),
}


def _entry(base: dict, kind: str, tables: set[str] | None) -> dict:
    entry = copy.deepcopy(base)
    if kind != "live":
        entry["description"] = (f"The published {kind} database: approved data only, nothing above the {kind}"
                                " level; the pub_* tables are stored at publish time.")
        entry.setdefault("tables", {}).update(copy.deepcopy(EXTRA_TABLES))
        entry.setdefault("queries", {}).update(copy.deepcopy(QUERIES))
        for name, (table, query) in OPTIONAL_QUERIES.items():
            if tables is None or table in tables:
                entry["queries"][name] = copy.deepcopy(query)
        for query in entry["queries"].values():
            query["sql"] = on_snapshot_date(query["sql"])
        if tables is not None:
            # Queries of other areas that need a table this file does not have are left out.
            entry["queries"] = {n: q for n, q in entry["queries"].items() if _uses_only(q["sql"], tables)}
    if ALLOW[kind] is not None:
        entry["allow"] = copy.deepcopy(ALLOW[kind])
    return entry


def on_snapshot_date(sql: str) -> str:
    """``sql`` with "today" (``date('now')``, ``current_date``) read as the file's snapshot date.

    A published file is a snapshot: the feature areas' canned queries written for the live
    file ("overdue", "stale" against today) then tell what was true on the day it was
    published, whenever they run.
    """
    import re  # noqa: PLC0415

    return re.sub(r"""date\(\s*['"]now['"]\s*\)|\bcurrent_date\b""", AS_OF, sql, flags=re.I)


def _uses_only(sql: str, tables: set[str]) -> bool:
    import re  # noqa: PLC0415

    named = set(re.findall(r"\b(?:from|join)\s+([A-Za-z_][A-Za-z0-9_]*)", sql, re.I))
    return named <= tables


def site_config(published: dict[str, str | Path], *, live: str | Path | None = None, company: str | None = None,
                passwords: str | Path | None = None, tables: dict[str, set[str]] | None = None,
                published_at: str | None = None) -> dict:
    """The config for serving the audiences' files (and maybe the live one) together.

    Args:
        published: audience -> path of its published file (``public``, ``internal``).
        live: the live file, served to signed-in ``live`` users only; None to leave it out.
        company: the company name for the title.
        passwords: the passwords file the sign-in plugin reads.
        tables: database name -> its table names, to leave out queries that cannot run.
        published_at: the publish time shown in the title.
    """
    config = load_config()
    base = config["databases"].pop(CONFIG_DATABASE, {})
    databases: dict[str, dict] = {}
    for audience, path in published.items():
        name = database_name(path)
        databases[name] = _entry(base, audience, (tables or {}).get(name))
    if live is not None:
        databases[database_name(live)] = _entry(base, "live", None)
    config["databases"] = databases
    title = f"{company.strip()} performance" if company and company.strip() else config.get("title", "pmtui")
    config["title"] = title + (f" (published {published_at[:16].replace('T', ' ')} UTC)" if published_at else "")
    first = database_name(published["public"]) if "public" in published else next(iter(databases))
    plugin = config.setdefault("plugins", {}).setdefault(PLUGIN_KEY, {})
    plugin["database"] = first
    plugin["audiences"] = {database_name(p): a for a, p in published.items()}
    if passwords is not None:
        plugin["passwords"] = str(passwords)
    if company:
        plugin["company"] = company
    if published_at:
        plugin["published_at"] = published_at
    return config
