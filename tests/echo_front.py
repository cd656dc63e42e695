"""A small Flask app behind the real front, for tests/test_web_front.py to serve with
granian: it echoes what it was given, and streams an answer without a Content-Length."""
from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from flask import Flask, Response, jsonify, request

from chatops.web_front import BufferedFront, FrontLimits

MAX_BODY = 1000
BODY_SECONDS = 2.0

echo = Flask("echo")
echo.config["MAX_CONTENT_LENGTH"] = MAX_BODY


@echo.route("/echo/<path:rest>", methods=["GET", "POST"])
def what_the_app_sees(rest: str) -> Response:
    env = request.environ
    body = request.get_data()
    return jsonify({
        "method": request.method, "path": request.path, "path_info": env["PATH_INFO"],
        "query_string": env["QUERY_STRING"], "args": request.args.to_dict(flat=False),
        "remote_addr": request.remote_addr, "content_length": env.get("CONTENT_LENGTH"),
        "content_type": env.get("CONTENT_TYPE"), "x_repeated": env.get("HTTP_X_REPEATED"),
        "cookie": env.get("HTTP_COOKIE"), "host": env.get("HTTP_HOST"),
        "body_sha256": hashlib.sha256(body).hexdigest(), "body_length": len(body),
        "protocol": env["SERVER_PROTOCOL"], "scheme": env["wsgi.url_scheme"]})


@echo.get("/about")
def about() -> Response:
    return jsonify({"app": "echo", "limit": MAX_BODY})


@echo.get("/stream")
def streamed() -> Response:
    def parts() -> Iterator[bytes]:
        for n in range(3):
            yield f"part {n}\n".encode()
            time.sleep(0.2)
    return Response(parts(), mimetype="text/plain")


@dataclass(frozen=True)
class Seen:
    status: int
    body: bytes
    content_type: str = "text/plain"


async def native(content_length: int | None, body: bytes, headers: Mapping[str, str]) -> Seen:
    return Seen(201, f"{content_length} {len(body)} {headers.get('x-test')}".encode())


front = BufferedFront(echo, {("POST", "/native"): native},
                      FrontLimits(max_body=MAX_BODY, body_seconds=BODY_SECONDS), threads=2)
