"""`chatops serve` as a real process: HTTP in, fake Slack out, and kill -9 loses nothing."""
from __future__ import annotations

import http.client
import json
from pathlib import Path
from typing import Any

from bench.common import TOKEN, Server, helpdesk_request, ticket_event
from chatops.sandbox.fake_slack import FakeSlack


def post(server: Server, event: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    body, headers = helpdesk_request(event)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("POST", "/webhooks/helpdesk", body=body, headers=headers)
    response = conn.getresponse()
    return response.status, json.loads(response.read())


def get(server: Server, path: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("GET", path)
    return conn.getresponse().read().decode()


def test_serve_mirrors_over_real_http(tmp_path: Path) -> None:
    server = Server(teams=2, workdir=tmp_path)
    try:
        status, body = post(server, ticket_event(1, "team0"))
        assert (status, body) == (202, {"accepted": True, "duplicate": False})
        assert server.fake.wait_for(lambda: len(server.fake.messages("C0BENCH000")) == 1, 10)
        # The fake Slack has the message a moment before the worker records its outcome.
        assert server.fake.wait_for(
            lambda: json.loads(get(server, "/healthz"))["outbox_pending"] == 0, 10)
        health = json.loads(get(server, "/healthz"))
        assert health == {"status": "ok", "db": "ok", "outbox_pending": 0, "outbox_failed": 0,
                          "oldest_pending_seconds": None, "paused": {}, "worker": "running"}
    finally:
        server.stop()


def test_metrics_show_the_webhook_and_the_worker(tmp_path: Path) -> None:
    """Events counted by the webhook and deliveries counted by the worker: one /metrics
    shows both."""
    server = Server(teams=2, workdir=tmp_path)
    try:
        for n in range(3):
            assert post(server, ticket_event(n, f"team{n % 2}"))[0] == 202
        assert server.fake.wait_for(lambda: len(server.fake.messages()) == 3, 10)

        def metrics() -> dict[str, float]:
            return {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
                    for line in get(server, "/metrics").splitlines()
                    if line and not line.startswith("#")}

        assert server.fake.wait_for(lambda: metrics().get(
            'chatops_deliveries_total{outcome="ok",transport="slack"}') == 3, 10)
        seen = metrics()
        assert seen['chatops_helpdesk_events_total{result="accepted"}'] == 3
        assert seen["chatops_delivery_latency_seconds_count"] == 3
        assert seen["chatops_outbox_pending"] == 0
    finally:
        server.stop()


def test_the_app_process_stops_when_chatops_serve_is_killed(tmp_path: Path) -> None:
    import socket
    import time

    server = Server(teams=1, workdir=tmp_path)
    assert post(server, ticket_event(1, "team0"))[0] == 202
    server.kill()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", server.port), timeout=1).close()
        except OSError:
            break  # nobody listens any more
        time.sleep(0.2)
    else:
        raise AssertionError("the app process kept serving after its supervisor died")
    server.fake.stop()


def test_sigterm_stops_the_app_process_worker_and_scheduler_cleanly(tmp_path: Path) -> None:
    server = Server(teams=1, workdir=tmp_path, scheduler=True)
    assert post(server, ticket_event(1, "team0"))[0] == 202
    assert server.fake.wait_for(lambda: len(server.fake.messages()) == 1, timeout=10)
    server.stop()  # SIGTERM
    log = (tmp_path / "server.log").read_text()
    assert server.proc.returncode == 0, log
    assert "delivery worker" in log and "stopped (slack)" in log and "stopped (teams)" in log
    assert "Traceback" not in log


def test_kill_9_loses_nothing_it_answered_2xx_for(tmp_path: Path) -> None:
    import time

    fake = FakeSlack(token=TOKEN).start()
    try:
        fake.set_down(True)  # Slack unreachable: everything waits in the outbox
        first = Server(teams=2, workdir=tmp_path, fake=fake)
        for n in range(5):
            assert post(first, ticket_event(n, f"team{n % 2}"))[0] == 202
        first.kill()
        # Slack stays down until what the killed app process had in flight is turned away
        # (it dies with `chatops serve`, by the kernel's parent-death signal): a post
        # Slack accepts after its sender died cannot be known as sent, and the next worker
        # sends it again (at least once, never lost: README, "How sending works").
        time.sleep(1.0)
        assert all(c.status == 0 for c in fake.calls), "Slack was down: nothing got through"
        fake.set_down(False)
        second = Server(teams=2, workdir=tmp_path, fake=fake)
        try:
            assert fake.wait_for(lambda: len(fake.messages()) == 5, timeout=40)
            posted = sorted(m["text"].split(":")[0] for m in fake.messages())
            assert posted == [f"Ticket #b-{n}" for n in range(5)]
        finally:
            second.stop()
    finally:
        fake.stop()


def test_chunked_body_over_one_mib_is_413_over_real_http(tmp_path: Path) -> None:
    """No Content-Length to check first: the server reads at most 1 MiB + 2 bytes, on the
    webhook and on Slack's route alike."""
    import socket

    server = Server(teams=1, workdir=tmp_path)
    try:
        chunk = b"x" * 65536
        for path in (b"/webhooks/helpdesk", b"/slack/events"):
            with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
                sock.sendall(b"POST " + path + b" HTTP/1.1\r\nHost: x\r\n"
                             b"Content-Type: application/json\r\n"
                             b"Transfer-Encoding: chunked\r\n\r\n")
                try:
                    for _ in range(20):  # 1.25 MiB
                        sock.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
                    sock.sendall(b"0\r\n\r\n")
                except OSError:
                    pass  # the server may answer and close before we finish
                status_line = sock.recv(200).split(b"\r\n")[0]
            assert b" 413 " in status_line, (path, status_line)
    finally:
        server.stop()


def test_content_length_over_one_mib_is_413_before_the_body_is_sent(tmp_path: Path) -> None:
    """Only headers go out: the answer comes without the server waiting for 2 MiB, on the
    webhook and on Slack's route (before any signature is looked at) alike."""
    import socket

    server = Server(teams=1, workdir=tmp_path)
    try:
        for path in (b"/webhooks/helpdesk", b"/slack/events"):
            with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
                sock.sendall(b"POST " + path + b" HTTP/1.1\r\nHost: x\r\n"
                             b"Content-Type: application/json\r\n"
                             b"Content-Length: 2097152\r\n\r\n")
                status_line = sock.recv(200).split(b"\r\n")[0]   # times out if it waited
            assert b" 413 " in status_line, (path, status_line)
    finally:
        server.stop()


def test_host_may_be_a_name(tmp_path: Path) -> None:
    server = Server(teams=1, workdir=tmp_path, args=["--host", "localhost"])
    try:
        conn = http.client.HTTPConnection("localhost", server.port, timeout=10)
        conn.request("GET", "/healthz")
        assert conn.getresponse().status == 200
    finally:
        server.stop()


def test_a_port_in_use_is_one_clear_line_and_exit_1(tmp_path: Path) -> None:
    import os
    import socket
    import subprocess
    import sys

    (tmp_path / "app.yaml").write_text("teams:\n  - {name: a, channel: C0A, leads: [U0LEAD1]}\n")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "chatops", "serve", "--port", str(port)], cwd=tmp_path,
            env=dict(os.environ, SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s",
                     CHATOPS_WEBHOOK_SECRET="w", DATABASE_URL=f"sqlite:///{tmp_path}/x.db"),
            capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}: Address already in use" in done.stderr
    assert "Traceback" not in done.stderr
