"""`python -m chatops.sandbox.fake_slack`: the fake Slack on its own, printing each call."""
from __future__ import annotations

import argparse
import json
import time

from chatops.sandbox.fake_calls import Call
from chatops.sandbox.fake_slack import FakeSlack


def _format_call(call: Call) -> str:
    """One-line summary of a call for the standalone server's console."""
    args = {k: v for k, v in call.args.items() if k != "token"}
    summary = json.dumps(args, default=str)
    summary = summary if len(summary) <= 160 else summary[:157] + "..."
    outcome = "dropped" if call.status == 0 else str(call.status)
    if call.response is not None and not call.response.get("ok", True):
        outcome += f" {call.response.get('error')}"
    return f"{time.strftime('%H:%M:%S')} {call.method:<24} {outcome:<24} {summary}"


def main(argv: list[str] | None = None, description: str | None = None) -> None:
    """Run the fake standalone and print each call as one line."""
    parser = argparse.ArgumentParser(description=(description or "").splitlines()[0] or None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--token", default="xoxb-test-token")
    parser.add_argument("--any-token", action="store_true", help="accept any non-empty token")
    parser.add_argument("--user", action="append", default=[], metavar="EMAIL=UID",
                        help="user for users.lookupByEmail (repeatable)")
    parser.add_argument("--channel", action="append", metavar="CID",
                        help="known channel id (repeatable); if given, others are channel_not_found")
    parser.add_argument("--enforce-rate-limit", action="store_true")
    ns = parser.parse_args(argv)
    users = dict(u.split("=", 1) for u in ns.user)
    fake = FakeSlack(token=None if ns.any_token else ns.token, users=users,
                     channels=set(ns.channel) if ns.channel else None,
                     enforce_rate_limit=ns.enforce_rate_limit, host=ns.host, port=ns.port)
    fake.on_call = lambda call: print(_format_call(call), flush=True)
    with fake:
        print(f"fake Slack API: SLACK_API_URL={fake.url}", flush=True)
        print(f"fake Teams webhooks: {fake.teams_url('<name>')} | {fake.teams_url('<name>', False)}",
              flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
