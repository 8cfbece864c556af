"""Sign-in: scrypt passwords outside the published files, the login form and the cookie."""

from __future__ import annotations

import json
import stat

import pytest

from pmtui.publish import passwords
from tests.plugins.helpers import load_plugin
from tests.publishing.conftest import PASSWORD


def test_hash_and_check(tmp_path):
    record = passwords.hash_password("s3cret-enough")
    assert record["algorithm"] == "scrypt" and "s3cret" not in json.dumps(record)
    assert passwords.check_password(record, "s3cret-enough")
    assert not passwords.check_password(record, "s3cret-enougH")
    assert passwords.hash_password("s3cret-enough")["salt"] != record["salt"]


def test_passwords_file_is_private_and_users_can_be_removed(tmp_path):
    path = tmp_path / "pw" / "passwords.json"
    passwords.set_password(path, "ann", "long enough pw", "internal")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert passwords.load(path)["ann"]["audience"] == "internal"
    assert passwords.remove(path, "ann") and passwords.load(path) == {}


@pytest.mark.parametrize(("user", "password", "audience", "message"), [
    ("ann", "short", "internal", "too short"), ("", "long enough pw", "internal", "empty"),
    ("ann", "long enough pw", "confidential", "unknown audience")])
def test_set_password_refuses(tmp_path, user, password, audience, message):
    with pytest.raises(ValueError, match=message):
        passwords.set_password(tmp_path / "p.json", user, password, audience)


@pytest.mark.parametrize(("payload", "expected"), [
    ({"id": "ann", "audience": "internal", "t": 1000}, {"id": "ann", "audience": "internal"}),
    ({"id": "ann", "audience": "live", "t": 1000}, None),        # promoted in the cookie only
    ({"id": "bob", "audience": "internal", "t": 1000}, None),    # not in the passwords file
    ({"id": "ann", "audience": "internal", "t": -99999}, None),  # expired
    ({"id": "ann", "audience": "internal"}, None), (None, None), ("x", None)])
def test_actor_for(payload, expected):
    auth = load_plugin("pm_auth")
    users = {"ann": {"audience": "internal"}}
    assert auth.actor_for(users, payload, 1500) == expected


async def _login(ds, username, password):
    form = await ds.client.get("/-/pmtui/login")
    token = form.text.split('name="csrftoken" value="')[1].split('"')[0]
    return await ds.client.post("/-/pmtui/login", data={"username": username, "password": password,
                                                         "csrftoken": token},
                                cookies={"ds_csrftoken": form.cookies["ds_csrftoken"]})


async def test_login_sets_a_cookie_that_opens_the_internal_database(site_ds):
    response = await _login(site_ds, "ann", PASSWORD)
    assert response.status_code == 302, response.text[:300]
    cookie = response.cookies["pmtui_actor"]
    assert (await site_ds.client.get("/internal")).status_code == 403
    assert (await site_ds.client.get("/internal", cookies={"pmtui_actor": cookie})).status_code == 200
    assert (await site_ds.client.get("/demo", cookies={"pmtui_actor": cookie})).status_code == 403
    home = await site_ds.client.get("/-/pmtui/home", cookies={"pmtui_actor": cookie})
    assert "Internal database" in home.text and "Sign out ann" in home.text


async def test_wrong_password_and_unknown_user_get_the_same_answer(site_ds):
    wrong = await _login(site_ds, "ann", "not the password")
    unknown = await _login(site_ds, "nobody", PASSWORD)
    assert wrong.status_code == unknown.status_code == 403
    assert "Unknown user or wrong password." in wrong.text and "pmtui_actor" not in wrong.cookies
