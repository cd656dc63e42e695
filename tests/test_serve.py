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


def test_serve_mirrors_over_real_http(tmp_path: Path) -> None:
    server = Server(teams=2, workdir=tmp_path)
    try:
        status, body = post(server, ticket_event(1, "team0"))
        assert (status, body) == (202, {"accepted": True, "duplicate": False})
        assert server.fake.wait_for(lambda: len(server.fake.messages("C0BENCH000")) == 1, 10)
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        conn.request("GET", "/healthz")
        health = json.loads(conn.getresponse().read())
        assert health["status"] == "ok" and health["db"] == "ok"
    finally:
        server.stop()


def test_kill_9_loses_nothing_it_answered_2xx_for(tmp_path: Path) -> None:
    fake = FakeSlack(token=TOKEN).start()
    try:
        fake.set_down(True)  # Slack unreachable: everything waits in the outbox
        first = Server(teams=2, workdir=tmp_path, fake=fake)
        for n in range(5):
            assert post(first, ticket_event(n, f"team{n % 2}"))[0] == 202
        first.kill()
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
    """No Content-Length to check first: the server reads at most 1 MiB + 1 byte."""
    import socket

    server = Server(teams=1, workdir=tmp_path)
    try:
        chunk = b"x" * 65536
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(b"POST /webhooks/helpdesk HTTP/1.1\r\nHost: x\r\n"
                         b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
            try:
                for _ in range(20):  # 1.25 MiB
                    sock.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
                sock.sendall(b"0\r\n\r\n")
            except OSError:
                pass  # the server may answer and close before we finish
            status_line = sock.recv(200).split(b"\r\n")[0]
        assert b" 413 " in status_line, status_line
    finally:
        server.stop()


def test_content_length_over_one_mib_is_413_before_the_body_is_sent(tmp_path: Path) -> None:
    """Only headers go out: the answer comes without the server waiting for 2 MiB."""
    import socket

    server = Server(teams=1, workdir=tmp_path)
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as sock:
            sock.sendall(b"POST /webhooks/helpdesk HTTP/1.1\r\nHost: x\r\n"
                         b"Content-Type: application/json\r\nContent-Length: 2097152\r\n\r\n")
            status_line = sock.recv(200).split(b"\r\n")[0]   # times out if it waited
        assert b" 413 " in status_line, status_line
    finally:
        server.stop()
