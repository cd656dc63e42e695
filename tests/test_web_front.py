"""The front of the app process (chatops/web_front.py) under granian, over real HTTP: what
the WSGI app and a native route are given, what comes back, and the body's limits. The app
is tests/echo_front.py (limits: 1000 bytes, 2 s)."""
from __future__ import annotations

import hashlib
import http.client
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.common import free_port
from tests.echo_front import BODY_SECONDS, MAX_BODY

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def port() -> Iterator[int]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "granian", "--interface", "rsgi", "--http", "1", "--no-ws",
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
         "tests.echo_front:front"], cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)))
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("granian did not start") from None
                time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=15)


def exchange(port: int, request: bytes, timeout: float = 10) -> tuple[bytes, float]:
    """Sends raw bytes; what came back until the server closed, and when it closed."""
    began = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        received = b""
        while data := sock.recv(65536):
            received += data
    return received, time.monotonic() - began


def test_the_app_is_given_the_request_as_it_was_sent(port: int) -> None:
    body = bytes(range(256)) * 3  # every byte value, CR and LF included
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.putrequest("POST", "/echo/a%20b/%C3%A9?x=1&x=2&y=%20", skip_accept_encoding=True)
    for name, value in [("Content-Type", "application/octet-stream"),
                        ("Content-Length", str(len(body))), ("X-Repeated", "1"),
                        ("X-Repeated", "2"), ("Cookie", "a=1"), ("Cookie", "b=2")]:
        conn.putheader(name, value)
    conn.endheaders(body)
    response = conn.getresponse()
    seen = json.loads(response.read())
    assert response.status == 200
    assert seen == {
        "method": "POST", "path": "/echo/a b/\u00e9",
        "path_info": "/echo/a b/\u00c3\u00a9",  # PEP 3333: the path's UTF-8 bytes as latin-1
        "query_string": "x=1&x=2&y=%20", "args": {"x": ["1", "2"], "y": [" "]},
        "remote_addr": "127.0.0.1", "content_length": str(len(body)),
        "content_type": "application/octet-stream", "x_repeated": "1,2", "cookie": "a=1; b=2",
        "host": f"127.0.0.1:{port}", "body_sha256": hashlib.sha256(body).hexdigest(),
        "body_length": len(body), "protocol": "HTTP/1.1", "scheme": "http"}


def test_a_chunked_body_reaches_the_app_whole(port: int) -> None:
    parts = [b"first,", b"\r\nsecond,", b"third"]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("POST", "/echo/chunked", body=iter(parts), encode_chunked=True,
                 headers={"Content-Type": "text/plain"})
    seen = json.loads(conn.getresponse().read())
    body = b"".join(parts)
    assert seen["content_length"] == str(len(body))  # read whole, it has a length now
    assert seen["body_sha256"] == hashlib.sha256(body).hexdigest()


def test_head_has_the_headers_of_get_and_no_body(port: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/about")
    got = conn.getresponse()
    got_body = got.read()
    conn.request("HEAD", "/about")
    head = conn.getresponse()
    assert head.status == 200 and head.read() == b""
    assert head.getheader("Content-Length") == str(len(got_body))
    assert head.getheader("Content-Type") == got.getheader("Content-Type")


def test_an_answer_without_content_length_is_streamed(port: int) -> None:
    received, _ = exchange(port, b"GET /stream HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    head, _, body = received.partition(b"\r\n\r\n")
    assert b"transfer-encoding: chunked" in head.lower()
    assert b"content-length" not in head.lower()
    assert b"part 0\n" in body and b"part 2\n" in body
    assert body.index(b"part 0") < body.index(b"part 1") < body.index(b"part 2")


def test_a_content_length_over_the_limit_is_refused_without_reading_the_body(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(f"POST /echo/big HTTP/1.1\r\nHost: x\r\nContent-Length: {MAX_BODY + 1}"
                     "\r\n\r\n".encode())
        status_line = sock.recv(200).split(b"\r\n")[0]  # times out if it waited for the body
    assert b" 413 " in status_line


def test_a_chunked_body_over_the_limit_is_refused_by_the_app(port: int) -> None:
    """The app is told the length read (one byte over its limit) and refuses it, as it
    would refuse a Content-Length over its limit."""
    chunk = b"y" * 600
    received, _ = exchange(port, b"POST /echo/big HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: "
                                 b"chunked\r\n\r\n" + (b"258\r\n" + chunk + b"\r\n") * 2
                                 + b"0\r\n\r\n")
    assert received.startswith(b"HTTP/1.1 413 ")


def test_stalled_bodies_hold_no_thread_and_are_cut_off(port: int) -> None:
    """Five stalled bodies against two threads: the app still answers at once, and each
    stalled request gets 408 and a closed connection after the time limit."""
    stalled = []
    for _ in range(5):
        sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        sock.sendall(b"POST /echo/slow HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nab")
        stalled.append((sock, time.monotonic()))
    try:
        began = time.monotonic()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/echo/meanwhile")
        assert conn.getresponse().status == 200
        assert time.monotonic() - began < 1
        for sock, sent in stalled:
            received = b""
            while data := sock.recv(4096):
                received += data
            waited = time.monotonic() - sent
            assert received.startswith(b"HTTP/1.1 408 "), received[:60]
            assert BODY_SECONDS - 0.5 <= waited <= BODY_SECONDS + 2, waited
    finally:
        for sock, _ in stalled:
            sock.close()


def test_a_native_route_is_given_the_length_the_body_and_the_headers(port: int) -> None:
    received, _ = exchange(port, b"POST /native HTTP/1.1\r\nHost: x\r\nX-Test: yes\r\n"
                                 b"Content-Length: 5\r\nConnection: close\r\n\r\nhello")
    assert received.startswith(b"HTTP/1.1 201 ")
    assert received.endswith(b"\r\n\r\n5 5 yes")
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(f"POST /native HTTP/1.1\r\nHost: x\r\nContent-Length: {MAX_BODY + 1}\r\n"
                     "Connection: close\r\n\r\n".encode())
        answer = sock.recv(4096)  # at once: the body over the limit is not waited for
    assert answer.startswith(b"HTTP/1.1 201 ")
    assert answer.endswith(f"\r\n\r\n{MAX_BODY + 1} 0 None".encode())


def test_an_http_1_0_request_is_one(port: int) -> None:
    received, _ = exchange(port, b"GET /echo/old HTTP/1.0\r\nHost: x\r\n\r\n")
    seen = json.loads(received.partition(b"\r\n\r\n")[2])
    assert seen["protocol"] == "HTTP/1.0"
