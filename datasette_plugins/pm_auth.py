"""Datasette plugin: stakeholder sign-in for the published site.

``/-/pmtui/login`` shows a form; a correct user name and password (scrypt hashes in the
passwords file named by ``plugins: pmtui: passwords``, kept outside every published
file, managed with ``pmtui publish passwd USER``) sets a cookie signed with Datasette's
secret (``datasette.sign``). :func:`actor_from_request` turns the cookie back into an
actor ``{"id": USER, "audience": "internal" | "live"}``; the ``allow`` blocks of the
config (:mod:`pmtui.publish.site`) then decide which databases the actor may open. A
user removed from the file loses access at the next request; cookies expire after
:data:`MAX_AGE` seconds. ``/-/pmtui/logout`` clears the cookie.
"""

from __future__ import annotations

import time
from html import escape

from datasette import Response, hookimpl

from pmtui.publish.web import compiled
from pmtui.publish import passwords

PLUGIN_KEY = "pmtui"
COOKIE = "pmtui_actor"
NAMESPACE = "pmtui-login"

#: Seconds a sign-in lasts.
MAX_AGE = 12 * 3600

FORM = """{% extends "base.html" %}
{% block title %}Sign in{% endblock %}
{% block content %}
<h1>Sign in</h1>
{% if message %}<p class="message-error">{{ message }}</p>{% endif %}
<form action="{{ urls.path('/-/pmtui/login') }}" method="post">
  <p><label>User <input type="text" name="username" value="{{ username }}" autocomplete="username"></label></p>
  <p><label>Password <input type="password" name="password" autocomplete="current-password"></label></p>
  <input type="hidden" name="csrftoken" value="{{ csrftoken() }}">
  <p><input type="submit" value="Sign in"></p>
</form>
{% endblock %}"""


def _passwords_file(datasette) -> str | None:
    return (datasette.plugin_config(PLUGIN_KEY) or {}).get("passwords")


def actor_for(users: dict, payload: dict | None, now: float) -> dict | None:
    """The actor of a decoded cookie, or None when expired, unknown or re-classified."""
    if not isinstance(payload, dict):
        return None
    user = users.get(payload.get("id"))
    if user is None or user.get("audience") != payload.get("audience"):
        return None
    if not isinstance(payload.get("t"), (int, float)) or now - payload["t"] > MAX_AGE:
        return None
    return {"id": payload["id"], "audience": payload["audience"]}


@hookimpl
def actor_from_request(datasette, request):
    """The signed-in stakeholder, from the ``pmtui_actor`` cookie."""
    cookie = request.cookies.get(COOKIE)
    path = _passwords_file(datasette)
    if not cookie or not path:
        return None
    try:
        payload = datasette.unsign(cookie, NAMESPACE)
    except Exception:  # noqa: BLE001 - a forged or stale cookie is simply no sign-in
        return None
    return actor_for(passwords.load(path), payload, time.time())


async def _form(datasette, request, message: str = "", username: str = "", status: int = 200):
    template = compiled(datasette, FORM)
    html = await datasette.render_template(template, {"message": message, "username": username}, request=request)
    return Response.html(html, status=status)


async def login(datasette, request):
    """GET: the form; POST: check the password and set the cookie."""
    if request.method != "POST":
        return await _form(datasette, request)
    form = await request.post_vars()
    username, password = (form.get("username") or "").strip(), form.get("password") or ""
    path = _passwords_file(datasette)
    record = passwords.load(path).get(username) if path else None
    if record is None or not passwords.check_password(record, password):
        # One message for unknown users and wrong passwords: names are not disclosed.
        return await _form(datasette, request, "Unknown user or wrong password.", escape(username), 403)
    response = Response.redirect(datasette.urls.path("/-/pmtui/home"))
    cookie = datasette.sign({"id": username, "audience": record["audience"], "t": int(time.time())}, NAMESPACE)
    response.set_cookie(COOKIE, cookie, max_age=MAX_AGE, httponly=True, samesite="lax")
    return response


async def logout(datasette, request):
    """Clear the sign-in cookie."""
    response = Response.redirect(datasette.urls.path("/-/pmtui/home"))
    response.set_cookie(COOKIE, "", expires=0, max_age=0)
    return response


@hookimpl
def register_routes():
    """The sign-in and sign-out pages."""
    return [(r"^/-/pmtui/login$", login), (r"^/-/pmtui/logout$", logout)]


@hookimpl
def menu_links(datasette, actor):
    """Sign in (anonymous) or sign out (signed in)."""
    if not _passwords_file(datasette):
        return []
    if actor and actor.get("audience"):
        return [{"href": datasette.urls.path("/-/pmtui/logout"), "label": f"Sign out {actor['id']}"}]
    return [{"href": datasette.urls.path("/-/pmtui/login"), "label": "Sign in"}]
