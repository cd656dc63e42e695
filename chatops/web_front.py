"""The app process's front: every request body is read whole on the event loop, under a
size limit and a time limit, before any thread sees the request.

granian (its HTTP in Rust) calls `BufferedFront` through RSGI once a request's headers are
in. The front then
- does not read a body whose Content-Length is over the limit: the app (the WSGI app, or
  the native route) is called with the length and no body, and answers its own 413;
- reads the body, chunked ones too, up to the limit + 1 byte, within `body_seconds`; a
  body not complete by then gets 408 and the connection is closed. A client that stalls
  holds a few kilobytes and a timer, not a thread. A chunked body is then passed on with
  its length (at most the limit + 1: the app refuses it from that, as from a
  Content-Length);
- answers from a native route (an async function on this loop) when one is registered for
  the method and path, else runs the WSGI app (Flask) on a small thread pool with the
  buffered body.
The limits on headers (time) and on connections (count) are granian's, set by
chatops/serve.py.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from chatops import wsgi_bridge

log = logging.getLogger("chatops.web")


@dataclass(frozen=True)
class FrontLimits:
    # The largest body the app reads (Flask's MAX_CONTENT_LENGTH): a larger Content-Length
    # is not read at all, and a chunked body is read to one byte more, no further; the app
    # itself then answers 413, as it would behind any server.
    max_body: int
    body_seconds: float  # from the end of the headers to the last byte of the body


class NativeAnswer(Protocol):
    status: int
    body: bytes
    content_type: str


class NativeRoute(Protocol):
    """`(content_length, body, headers)`: `content_length` the Content-Length, or the bytes
    read of a chunked body (None without a body); `body` the raw bytes, at most
    `max_body + 1`, or empty when the Content-Length alone is over the limit (it was not
    read); `headers` with lower-case names."""

    def __call__(self, content_length: int | None, body: bytes,
                 headers: Mapping[str, str]) -> Awaitable[NativeAnswer]: ...


class BufferedFront:
    def __init__(self, wsgi_app: Any, native: Mapping[tuple[str, str], NativeRoute],
                 limits: FrontLimits, threads: int,
                 on_stop: Callable[[], None] | None = None) -> None:
        """`on_stop`: called when granian stops serving (the process's worker and scheduler
        stopped with it)."""
        self.wsgi_app = wsgi_app
        self.native = dict(native)
        self.limits = limits
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="web")
        self.on_stop = on_stop

    def __rsgi_del__(self, loop: Any) -> None:
        self.pool.shutdown(wait=False)
        if self.on_stop is not None:
            try:
                self.on_stop()
            except Exception:  # stopping anyway: say what did not stop cleanly
                log.exception("stopping the app process")

    async def __rsgi__(self, scope: Any, proto: Any) -> None:
        if scope.proto != "http":
            return
        headers = scope.headers
        try:
            declared = _content_length(headers.get("content-length"))
        except ValueError:
            proto.response_bytes(400, [("content-type", "text/plain")], b"bad Content-Length")
            return
        if declared is not None and declared > self.limits.max_body:
            length: int | None = declared  # the app refuses it from the length; nothing is read
            body = b""
        else:
            chunked = "transfer-encoding" in headers
            try:
                async with asyncio.timeout(self.limits.body_seconds):
                    body = await self._read_body(proto, declared, chunked)
            except TimeoutError:
                log.warning("%s %s from %s: body not complete within %g s; 408, connection "
                            "closed", scope.method, scope.path, _address(scope.client),
                            self.limits.body_seconds)
                proto.response_bytes(408, [("connection", "close"),
                                           ("content-type", "text/plain")],
                                     b"request body not complete in time")
                return
            except Exception as exc:  # the client went away in the middle of its body
                log.info("%s %s from %s: body not read (%s)", scope.method, scope.path,
                         _address(scope.client), exc)
                return
            if declared is not None and len(body) != declared:
                return  # connection closed before the body was complete: nobody to answer
            # A chunked body now has a length, as behind a buffering proxy; over the limit,
            # the app refuses it from that length (413) as it would a Content-Length.
            length = len(body) if declared is not None or chunked else None
        route = self.native.get((scope.method, scope.path))
        if route is not None:
            await self._native(route, scope, proto, length, body)
        else:
            await wsgi_bridge.respond(self.wsgi_app, self.pool, scope, proto, length, body)

    async def _read_body(self, proto: Any, length: int | None, chunked: bool) -> bytes:
        if length is not None:
            # The HTTP layer delivers exactly Content-Length bytes, never more.
            return await proto() if length else b""
        if not chunked:
            return b""  # neither Content-Length nor Transfer-Encoding: no body
        limit = self.limits.max_body + 1  # one byte more shows the body is over the limit
        chunks, size = [], 0
        async for chunk in proto:
            chunks.append(chunk)
            size += len(chunk)
            if size >= limit:
                break  # the rest is never read
        return b"".join(chunks)[:limit]

    async def _native(self, route: NativeRoute, scope: Any, proto: Any, length: int | None,
                      body: bytes) -> None:
        try:
            answer = await route(length, body, scope.headers)
        except Exception:
            log.exception("Exception on %s [%s]", scope.path, scope.method)
            proto.response_bytes(500, [("content-type", "text/plain")],
                                 b"Internal Server Error")
            return
        proto.response_bytes(answer.status, [("content-type", answer.content_type)],
                             answer.body)


def _content_length(value: str | None) -> int | None:
    if value is None:
        return None
    length = int(value)
    if length < 0:
        raise ValueError(value)
    return length


def _address(client: str) -> str:
    return wsgi_bridge.host_and_port(client)[0]
