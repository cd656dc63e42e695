"""`chatops serve` alone against slow clients (issue #15), over real HTTP: stalled bodies
hold no thread, and every part of a request has a time limit."""
from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from bench.common import SIGNING_SECRET, Server, helpdesk_request, ticket_event

LIMIT = 10.0  # seconds: the README's limit for a request's headers, and for its body


def stall(server: Server, path: str) -> socket.socket:
    """A POST whose headers are all sent and whose body stops after its first bytes."""
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    sock.sendall(f"POST {path} HTTP/1.1\r\nHost: chatops\r\nContent-Type: application/json\r\n"
                 f"Content-Length: 1000\r\n\r\n{{\"id\": ".encode())
    return sock


def still_open(sock: socket.socket) -> bool:
    """True while the server has neither answered nor closed the connection."""
    sock.setblocking(False)
    try:
        return not sock.recv(1)  # b"" would be a close; data an answer
    except BlockingIOError:
        return True
    finally:
        sock.setblocking(True)


def timed(call):  # type: ignore[no-untyped-def]
    began = time.monotonic()
    result = call()
    return result, time.monotonic() - began


def test_64_stalled_bodies_stop_neither_healthz_nor_the_webhook(tmp_path: Path) -> None:
    server = Server(teams=1, workdir=tmp_path)
    stalled: list[socket.socket] = []
    try:
        for n in range(64):
            stalled.append(stall(server, "/webhooks/helpdesk" if n % 2 else "/slack/events"))
        time.sleep(0.5)  # all 64 requests are in the server, waiting for their bodies

        def healthz() -> tuple[int, dict[str, object]]:
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
            conn.request("GET", "/healthz")
            response = conn.getresponse()
            return response.status, json.loads(response.read())

        def webhook() -> tuple[int, dict[str, object]]:
            body, headers = helpdesk_request(ticket_event(1, "team0"))
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
            conn.request("POST", "/webhooks/helpdesk", body=body, headers=headers)
            response = conn.getresponse()
            return response.status, json.loads(response.read())

        (status, health), took = timed(healthz)
        assert (status, health["status"]) == (200, "ok")
        assert took < 2, f"/healthz took {took:.1f} s with 64 stalled bodies"
        answer, took = timed(webhook)
        assert answer == (202, {"accepted": True, "duplicate": False})
        assert took < 2, f"the webhook took {took:.1f} s with 64 stalled bodies"
        assert all(still_open(sock) for sock in stalled), "stalled connections were dropped"
        assert server.fake.wait_for(lambda: len(server.fake.messages("C0BENCH000")) == 1, 10)
    finally:
        for sock in stalled:
            sock.close()
        server.stop()


def test_slow_requests_are_cut_off_after_the_time_limit(tmp_path: Path) -> None:
    """A body that trickles one byte a second gets 408 and a closed connection after the
    limit, on both POST routes; so do headers that trickle, and a keep-alive connection
    left idle after its answer is closed. All four run side by side."""
    server = Server(teams=1, workdir=tmp_path)
    cut: dict[str, tuple[float, bytes]] = {}

    def trickle(name: str, head: bytes, drip: bytes) -> None:
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
            began = time.monotonic()
            sock.sendall(head)
            received = b""
            for _ in range(40):
                try:
                    sock.sendall(drip)
                except OSError:
                    break  # closed by the server
                sock.settimeout(1.0)
                try:
                    data = sock.recv(4096)
                except TimeoutError:
                    continue
                except OSError:
                    break
                if not data:
                    break
                received += data
            cut[name] = (time.monotonic() - began, received)

    def idle_after_answer() -> None:
        with socket.create_connection(("127.0.0.1", server.port), timeout=30) as sock:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: chatops\r\n\r\n")
            first = sock.recv(4096)
            began = time.monotonic()
            rest = b""
            while data := sock.recv(4096):  # blocks until the server closes (or 30 s)
                rest += data
            cut["idle keep-alive"] = (time.monotonic() - began, first + rest)

    post = ("POST {} HTTP/1.1\r\nHost: chatops\r\nContent-Type: application/json\r\n"
            "Content-Length: 1000\r\n\r\n")
    runs = [
        threading.Thread(target=trickle, args=("helpdesk body", post.format(
            "/webhooks/helpdesk").encode(), b" ")),
        threading.Thread(target=trickle, args=("slack body", post.format(
            "/slack/events").encode(), b" ")),
        threading.Thread(target=trickle, args=("headers", b"GET /healthz HTTP/1.1\r\n",
                                                b"X")),
        threading.Thread(target=idle_after_answer),
    ]
    try:
        for run in runs:
            run.start()
        for run in runs:
            run.join(60)
    finally:
        server.stop()
    assert set(cut) == {"helpdesk body", "slack body", "headers", "idle keep-alive"}, cut
    for name, (seconds, _received) in cut.items():
        assert LIMIT - 1 <= seconds <= LIMIT + 3, (name, seconds)
    for name in ("helpdesk body", "slack body"):
        assert cut[name][1].startswith(b"HTTP/1.1 408 "), (name, cut[name][1][:100])
    assert cut["headers"][1] == b"", "headers that never end get no answer, only a close"
    assert cut["idle keep-alive"][1].startswith(b"HTTP/1.1 200 ")


def test_signatures_are_checked_on_the_raw_bytes_over_real_http(tmp_path: Path) -> None:
    """Bodies whose bytes a re-encoding would change (spacing, escapes, non-ASCII, CRLF)
    reach both signature checks exactly as they were sent, in one piece or chunked."""
    server = Server(teams=1, workdir=tmp_path, extra_config={"admins": ["U0ADMIN1"]})
    try:
        event = json.dumps(ticket_event(7, "team0"), ensure_ascii=False, indent=1)
        body = event.replace('"Benchmark ticket 7"', '"Caf\u00e9 \\u00e9 \\/ <b>"').encode()
        body += b"\r\n"
        _, headers = helpdesk_request({})
        from bench.common import WEBHOOK_SECRET
        from chatops.tickets.signature import sign
        headers["X-Chatops-Signature"] = sign(WEBHOOK_SECRET, headers["X-Chatops-Timestamp"],
                                              body)
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        conn.request("POST", "/webhooks/helpdesk", body=body, headers=headers)
        response = conn.getresponse()
        assert (response.status, json.loads(response.read())) == (
            202, {"accepted": True, "duplicate": False})

        slash = urlencode({"command": "/chatops", "text": "help", "user_id": "U0AGENT1",
                           "team_id": "T0FAKE", "channel_id": "C0BENCH000",
                           "trigger_id": "t", "response_url": "https://hooks.invalid/r"}).encode()
        ts = str(int(time.time()))
        signature = "v0=" + hmac.new(SIGNING_SECRET.encode(), f"v0:{ts}:".encode() + slash,
                                     hashlib.sha256).hexdigest()
        for chunked in (False, True):
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
            conn.request("POST", "/slack/events",
                         body=iter([slash[:10], slash[10:]]) if chunked else slash,
                         headers={"Content-Type": "application/x-www-form-urlencoded",
                                  "X-Slack-Request-Timestamp": ts,
                                  "X-Slack-Signature": signature},
                         encode_chunked=chunked)
            response = conn.getresponse()
            answer = json.loads(response.read())
            assert response.status == 200, (chunked, answer)
            assert answer["response_type"] == "ephemeral" and "/chatops help" in json.dumps(answer)
    finally:
        server.stop()
