"""``pmtui serve``: the datasette command line, the launcher, and one real server."""

from __future__ import annotations

from datetime import datetime, timezone

import json
import socket
import sys
import urllib.error
import urllib.request

import pytest
from click.testing import CliRunner

from pmtui.cli import cli
from pmtui.publish import CONFIG_PATH, SETTINGS
from pmtui.publish import server
from pmtui.services.errors import PmError


def _option(args: list[str], name: str) -> str:
    return args[args.index(name) + 1]


def test_datasette_args_serve_the_live_file_mutable_with_plugins_config_and_settings(tmp_path):
    db = tmp_path / "live.db"
    args = server.datasette_args(db, 8123)
    assert args[:5] == [sys.executable, "-m", "datasette", "serve", str(db)]
    assert _option(args, "--host") == "127.0.0.1"
    assert _option(args, "--port") == "8123"
    # installed: the plugins load through their entry points; an old editable install needs the folder
    assert ("--plugins-dir" in args) == bool(server.unregistered_plugins())
    assert _option(args, "--metadata") == str(CONFIG_PATH)
    assert not {"-i", "--immutable", "--inspect-file", "--nolock", "--cors"} & set(args)
    settings = {args[i + 1]: args[i + 2] for i, a in enumerate(args) if a == "--setting"}
    assert settings == {"sql_time_limit_ms": "3000", "max_returned_rows": "1000", "suggest_facets": "off",
                        "allow_download": "off"}
    assert set(settings) == set(SETTINGS)


def test_datasette_args_take_host_and_metadata(tmp_path):
    args = server.datasette_args(tmp_path / "x.db", 9000, host="0.0.0.0", metadata=tmp_path / "m.json")
    assert _option(args, "--host") == "0.0.0.0"
    assert _option(args, "--metadata") == str(tmp_path / "m.json")


def test_plugins_dir_holds_the_pm_plugins():
    names = {p.name for p in server.plugins_dir().glob("pm_*.py")}
    assert {"pm_functions.py", "pm_scorecard.py", "pm_badges.py"} <= names


def test_free_port_can_be_bound():
    port = server.free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


@pytest.mark.parametrize(("host", "url"), [("127.0.0.1", "http://127.0.0.1:8001/"),
                                           ("0.0.0.0", "http://127.0.0.1:8001/")])
def test_url_for(host, url):
    assert server.url_for(host, 8001) == url


def test_serve_refuses_a_missing_file(tmp_path):
    with pytest.raises(PmError, match="does not exist"):
        server.serve(tmp_path / "missing.db")


def test_serve_refuses_a_port_in_use(mini_db):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        with pytest.raises(PmError, match="cannot listen on 127.0.0.1:"):
            server.serve(mini_db, port=sock.getsockname()[1])


def test_wait_until_up_reports_a_dead_server():
    class Dead:
        returncode = 3

        def poll(self):
            return 3

    with pytest.raises(PmError, match="exited with code 3"):
        server.wait_until_up(f"http://127.0.0.1:{server.free_port()}/", timeout=5, proc=Dead())


def test_wait_until_up_times_out():
    with pytest.raises(PmError, match="did not answer"):
        server.wait_until_up(f"http://127.0.0.1:{server.free_port()}/", timeout=0.3)


class FakeProcess:
    """Stands in for the Datasette process in CLI tests (no server is started)."""

    def __init__(self, code: int = 0):
        self.url, self.code, self.stopped = "http://127.0.0.1:8999/", code, False

    def wait(self, timeout=None):
        return self.code


@pytest.fixture
def fake_server(monkeypatch):
    calls = {}

    def fake_serve(db_path, host="127.0.0.1", port=None, **kwargs):
        calls.update(db_path=db_path, host=host, port=port, kwargs=kwargs)
        calls["proc"] = FakeProcess(calls.get("code", 0))
        return calls["proc"]

    monkeypatch.setattr(server, "serve", fake_serve)
    monkeypatch.setattr(server, "wait_until_up", lambda url, timeout, proc: None)
    monkeypatch.setattr(server, "stop", lambda proc: setattr(proc, "stopped", True))
    return calls


def test_cli_serve_prints_the_url_and_stops_the_server(mini_db, fake_server, monkeypatch):
    monkeypatch.setenv("PMTUI_NOW", "2026-11-26T09:00:00Z")
    result = CliRunner().invoke(cli, ["--db", str(mini_db), "serve", "--port", "8999", "--print-url"])
    assert result.exit_code == 0, result.output
    assert result.output == "http://127.0.0.1:8999/\n"
    assert fake_server["port"] == 8999 and fake_server["host"] == "127.0.0.1"
    # the request log goes to stderr; the files are published as of the invocation's time
    assert fake_server["kwargs"] == {"stdout": 2, "now": datetime(2026, 11, 26, 9, tzinfo=timezone.utc)}
    assert fake_server["proc"].stopped


def test_cli_serve_says_where_the_scorecard_is(mini_db, fake_server):
    result = CliRunner().invoke(cli, ["--db", str(mini_db), "serve"])
    assert result.exit_code == 0, result.output
    assert "read-only at http://127.0.0.1:8999/" in result.output
    assert "http://127.0.0.1:8999/-/pmtui/scorecard" in result.output


def test_cli_serve_reports_a_failed_server(mini_db, fake_server):
    fake_server["code"] = 1
    result = CliRunner().invoke(cli, ["--db", str(mini_db), "serve"])
    assert result.exit_code == 1
    assert "Error: datasette stopped with exit code 1" in result.output


def test_cli_serve_needs_an_existing_file(tmp_path):
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "missing.db"), "serve"])
    assert result.exit_code == 1
    assert "does not exist" in result.output
    assert not (tmp_path / "missing.db").exists()


def test_cli_serve_refuses_a_bad_port(mini_db):
    result = CliRunner().invoke(cli, ["--db", str(mini_db), "serve", "--port", "70000"])
    assert result.exit_code == 2


def test_real_server_answers_and_stops(mini_db, tmp_path):
    """The one end-to-end test: a real ``datasette serve`` subprocess on a free port."""
    log = tmp_path / "datasette.log"
    with open(log, "wb") as handle:
        proc = server.serve(mini_db, stdout=handle, stderr=handle)
        try:
            server.wait_until_up(proc.url, timeout=30, proc=proc)
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
            with opener.open(proc.url + "-/versions.json", timeout=10) as response:
                assert "datasette" in json.load(response)
            with opener.open(proc.url + "-/pmtui/scorecard?unit=BU_A&period=2026-07", timeout=10) as response:
                html = response.read().decode()
            assert "Mini Co: scorecard of Unit A" in html and "pm-badge-green" in html
            with opener.open(proc.url + "public/pub_kpi_results.json?_shape=array", timeout=10) as response:
                assert json.load(response)
            # The live file is served to no one anonymous (issue 5): only the published files are.
            with pytest.raises(urllib.error.HTTPError, match="403"):
                opener.open(proc.url + "mini/pub_kpi_results.json?_shape=array", timeout=10)
        finally:
            code = server.stop(proc, timeout=10)
    assert proc.poll() is not None, log.read_text()
    assert code is not None
