"""`chatops serve` without `--sandbox` starts none of it: no page, no fake Slack, no sandbox
log; its Slack calls go to SLACK_API_URL (here the tests' own fake). Its `/` says what it is."""
from __future__ import annotations

import http.client
from pathlib import Path

from bench.common import Server, ticket_event
from tests.test_serve import post


def request(server: Server, method: str, path: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request(method, path, body=b"{}" if method == "POST" else None)
    response = conn.getresponse()
    return response.status, response.read().decode()


def test_no_sandbox_without_the_flag(tmp_path: Path) -> None:
    server = Server(teams=1, workdir=tmp_path)
    try:
        for method, path in [("GET", "/sandbox"), ("GET", "/sandbox/"), ("GET", "/sandbox/state"),
                             ("GET", "/sandbox/page/sandbox.js"), ("POST", "/sandbox/api/auth.test"),
                             ("POST", "/sandbox/act/press"), ("POST", "/sandbox/teams/workflows/x")]:
            assert request(server, method, path)[0] == 404, (method, path)
        status, home = request(server, "GET", "/")
        assert status == 200 and "chatops demo" in home and "/slack/events" in home
        assert post(server, ticket_event(1, "team0"))[0] == 202
        assert server.fake.wait_for(lambda: len(server.fake.messages("C0BENCH000")) == 1, 10)
    finally:
        server.stop()
    log = (tmp_path / "server.log").read_text()
    assert "chatops listening" in log
    assert "[sandbox]" not in log and "SANDBOX" not in log
