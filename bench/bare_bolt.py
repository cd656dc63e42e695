"""A bare Bolt app, served the way `chatops serve` serves chatops: the yardstick of
bench/slash_ack.py. It answers every slash command with an ephemeral line and does nothing
else, behind the same Flask adapter, front and granian settings, on 8 threads (chatops's
count when the target was set; chatops now runs on 3, see README).

    python -m bench.bare_bolt --port P [--process-before-response]

`--process-before-response` sets Bolt's option of that name (the listener runs in the
request's thread, as chatops's do); without it, Bolt's default (the listener runs on Bolt's
executor and the request's thread looks for its ack every 10 ms).
"""
from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import SIGNING_SECRET, free_port, terminate, wait_answering  # noqa: E402

BARE_THREADS = 8  # the yardstick's threads: chatops ran on 8 when the 1.1 x target was set
PBR_ENV = "BARE_BOLT_PROCESS_BEFORE_RESPONSE"  # "1": process_before_response, for the web process


def web_app() -> Any:
    from flask import Flask, request
    from slack_bolt import App
    from slack_bolt.adapter.flask import SlackRequestHandler
    from slack_bolt.authorization import AuthorizeResult

    from chatops.serve import BODY_SECONDS
    from chatops.tickets.schema import MAX_BODY
    from chatops.web_front import BufferedFront, FrontLimits

    logging.getLogger("slack_bolt").setLevel(logging.ERROR)
    bolt = App(signing_secret=SIGNING_SECRET, token_verification_enabled=False,
               authorize=lambda enterprise_id, team_id: AuthorizeResult(
                   enterprise_id=enterprise_id, team_id=team_id, bot_token="xoxb-bare"),
               process_before_response=os.environ.get(PBR_ENV) == "1")

    @bolt.command("/chatops")
    def answer(ack: Any, command: dict[str, Any]) -> None:
        ack(response_type="ephemeral", text=f"/chatops {command['text']}")

    flask_app = Flask("bare-bolt")
    flask_app.config["MAX_CONTENT_LENGTH"] = MAX_BODY + 1  # as chatops' app
    handler = SlackRequestHandler(bolt)

    @flask_app.post("/slack/events")
    def slack_events() -> Any:
        return handler.handle(request)

    return BufferedFront(flask_app, {}, FrontLimits(max_body=MAX_BODY + 1,
                                                    body_seconds=BODY_SECONDS), BARE_THREADS)


class BareBoltServer:
    """`python -m bench.bare_bolt` as a subprocess, like bench.common.Server."""

    def __init__(self, process_before_response: bool = False) -> None:
        self.port = free_port()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bench.bare_bolt", "--port", str(self.port)]
            + (["--process-before-response"] if process_before_response else []),
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if not wait_answering(self.port, "/", lambda status: status == 404):  # it answers
            self.stop()
            raise RuntimeError("the bare Bolt app did not start")

    def stop(self) -> None:
        terminate(self.proc)


def main() -> None:
    from bench.bare_bolt import web_app as target  # by its module's name, for the web process
    from chatops.serve import web_server

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--process-before-response", action="store_true")
    args = parser.parse_args()
    os.environ[PBR_ENV] = "1" if args.process_before_response else "0"  # the web process reads it
    web_server("127.0.0.1", args.port, "bench.bare_bolt:web_app").serve(
        target_loader=target, wrap_loader=False)


if __name__ == "__main__":
    main()
