"""A WSGI app (the Flask app) called with a request whose body the front has read already
(chatops/web_front.py): its environ built from granian's RSGI scope, the app run on a
thread pool, its answer sent back through RSGI.

An answer with a Content-Length is collected in the thread and sent from there in one piece
(every answer of this app); one without is streamed, each chunk fetched by the pool."""
from __future__ import annotations

import asyncio
import io
import logging
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger("chatops.web")

Headers = list[tuple[str, str]]
_PROTOCOLS = {"1": "HTTP/1.0", "1.1": "HTTP/1.1"}  # RSGI's http_version: "1", "1.1" or "2"


def host_and_port(address: str) -> tuple[str, str]:
    """'127.0.0.1:3000' or '[::1]:3000' -> (host, port)."""
    host, _, port = address.rpartition(":")
    return host.strip("[]"), port


def environ(scope: Any, length: int | None, body: bytes) -> dict[str, Any]:
    """PEP 3333's environ for the request. `length`: its Content-Length (over the app's
    limit, `body` is empty and the app refuses it before reading), or the length of a
    chunked body that was read, which then stands as if sent as such."""
    server_host, server_port = host_and_port(scope.server)
    remote_host, remote_port = host_and_port(scope.client)
    env: dict[str, Any] = {
        "REQUEST_METHOD": scope.method,
        "SCRIPT_NAME": "",
        # WSGI wants the path's bytes as latin-1 characters; RSGI gives it decoded (UTF-8).
        "PATH_INFO": scope.path.encode("utf-8").decode("latin-1"),
        "QUERY_STRING": scope.query_string,
        "SERVER_NAME": server_host,
        "SERVER_PORT": server_port,
        "SERVER_PROTOCOL": _PROTOCOLS.get(scope.http_version, f"HTTP/{scope.http_version}"),
        "SERVER_SOFTWARE": "granian",
        "REMOTE_ADDR": remote_host,
        "REMOTE_PORT": remote_port,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.scheme,
        "wsgi.input": io.BytesIO(body),
        "wsgi.input_terminated": True,  # the stream ends where the body ends, chunked too
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for name, value in scope.headers.items():
        if "_" in name:  # would pass for a dash in HTTP_*: dropped, as nginx and gunicorn do
            continue
        key = name.upper().replace("-", "_")
        if key == "CONTENT_TYPE":
            env[key] = value
            continue
        if key in ("CONTENT_LENGTH", "TRANSFER_ENCODING"):
            continue  # the body is read whole: `length` says how long it is
        key = "HTTP_" + key
        if key in env:  # a repeated header: one value, as RFC 9110 §5.3 combines them
            env[key] += ("; " if key == "HTTP_COOKIE" else ",") + value
        else:
            env[key] = value
    if length is not None:
        env["CONTENT_LENGTH"] = str(length)
    return env


@dataclass
class WsgiAnswer:
    status: int
    headers: Headers
    body: bytes = b""
    stream: Iterator[bytes] | None = None  # the rest of an answer without a Content-Length
    close: Callable[[], None] | None = None
    written: list[bytes] = field(default_factory=list)  # by the legacy write() callable


def call(app: Any, scope: Any, length: int | None, body: bytes) -> WsgiAnswer:
    """Runs the app (in a pool thread) up to its whole answer, or to the start of a
    streamed one."""
    started: list[Any] = []
    written: list[bytes] = []

    def start_response(status: str, headers: Headers, exc_info: Any = None) -> Any:
        if exc_info is not None and started:
            raise exc_info[1].with_traceback(exc_info[2])
        started[:] = [status, headers]
        return written.append

    result: Iterable[bytes] = app(environ(scope, length, body), start_response)
    close = getattr(result, "close", None)
    if started and _streamed(scope.method, started[0], started[1]):
        return WsgiAnswer(_status(started[0]), list(started[1]), stream=iter(result),
                          close=close, written=written)
    try:
        chunks = [*written, *result]  # start_response may come as late as the first chunk
    finally:
        if close is not None:
            close()
    return WsgiAnswer(_status(started[0]), list(started[1]), b"".join(chunks))


async def respond(app: Any, pool: Executor, scope: Any, proto: Any, length: int | None,
                  body: bytes) -> None:
    loop = asyncio.get_running_loop()
    try:
        answer = await loop.run_in_executor(pool, _call_and_answer, app, scope, proto, length,
                                            body)
    except Exception:
        log.exception("Exception on %s [%s], outside the app's own error handling",
                      scope.path, scope.method)
        proto.response_bytes(500, [("content-type", "text/plain")], b"Internal Server Error")
        return
    if answer.stream is None:
        return  # sent already
    try:
        transport = proto.response_stream(answer.status, answer.headers)
        for chunk in answer.written:
            await transport.send_bytes(chunk)
        while (more := await loop.run_in_executor(pool, _next_chunk, answer.stream)) is not None:
            if more:
                await transport.send_bytes(more)
    except Exception as exc:  # the client left, or the app failed mid-answer
        log.info("%s %s: streamed answer cut short (%s: %s)", scope.method, scope.path,
                 type(exc).__name__, exc)
    finally:
        if answer.close is not None:
            await loop.run_in_executor(pool, answer.close)


def _call_and_answer(app: Any, scope: Any, proto: Any, length: int | None,
                     body: bytes) -> WsgiAnswer:
    """`call`, and a whole answer sent from this thread at once: granian's protocol may be
    used from any thread, and the client need not wait for the event loop to wake."""
    answer = call(app, scope, length, body)
    if answer.stream is None:
        proto.response_bytes(answer.status, answer.headers, answer.body)
    return answer


def _streamed(method: str, status: str, headers: Headers) -> bool:
    """An answer with a body of unknown length: sent as it comes, not collected first."""
    return (method != "HEAD" and _status(status) not in (204, 304)
            and not any(name.lower() == "content-length" for name, _ in headers))


def _status(line: str) -> int:
    return int(line.split(" ", 1)[0])


def _next_chunk(chunks: Iterator[bytes]) -> bytes | None:
    """The next chunk of a streamed answer, or None at its end (run on the pool)."""
    return next(chunks, None)
