"""Benchmark: how fast the slash command is acknowledged under concurrent use.

    python bench/slash_ack.py [--commands 100] [--clients 20]

Starts the real app (`chatops serve`: granian web process, worker, temp SQLite) as a
subprocess against the fake Slack, sends signed slash commands (`help`, `settings`, `audit`,
admins' `visibility` and `leads` changes, a refused non-admin change) from concurrent
clients, and checks every one was answered 200 with its ephemeral answer within Slack's
3 seconds. Prints p50/p99/max of the ack per verb; exit 1 if any was late or wrong.
"""
from __future__ import annotations

import argparse
import hashlib
import hmac
import http.client
import json
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlencode

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import SIGNING_SECRET, Server, percentile  # noqa: E402

ACK_LIMIT = 3.0  # seconds: Slack shows the user an error after that
TEAMS = 3
MODES = ("leads_only", "after_review", "score_only", "score_and_comment")


@dataclass(frozen=True)
class Sample:
    verb: str
    status: int
    answered: bool  # ephemeral, and says what this command should say
    seconds: float


EXPECTED = {"visibility": ("white_check_mark", "already"), "leads": ("white_check_mark",),
            "settings": ("Effective settings",), "audit": ("settings changes", "No settings have been changed"),
            "help": ("/chatops help",), "refused": ("Only admins",)}


def command_lines(n: int) -> list[tuple[str, str, str]]:
    """(user, verb, text) for n commands: a mix of reads, changes and a refused change."""
    lines = []
    for i in range(n):
        team = f"team{i % TEAMS}"
        kind = i % 6
        if kind == 0:
            lines.append(("U0ADMIN1", "visibility", f"visibility {team} {MODES[i % 4]}"))
        elif kind == 1:
            lines.append(("U0ADMIN1", "leads", f"leads add {team} <@U0L{i:05d}|lead{i}>"))
        elif kind == 2:
            lines.append(("U0AGENT1", "settings", "settings"))
        elif kind == 3:
            lines.append(("U0AGENT1", "audit", "audit"))
        elif kind == 4:
            lines.append(("U0AGENT1", "help", "help"))
        else:
            lines.append(("U0AGENT1", "refused", f"visibility {team} score_and_comment"))
    return lines


def signed(user: str, text: str) -> tuple[bytes, dict[str, str]]:
    body = urlencode({"token": "legacy", "team_id": "T0FAKE", "channel_id": "C0BENCH000",
                      "user_id": user, "user_name": user.lower(), "command": "/chatops",
                      "text": text, "api_app_id": "A0APP", "trigger_id": "trig",
                      "response_url": "https://hooks.invalid/resp"}).encode()
    ts = str(int(time.time()))
    sig = hmac.new(SIGNING_SECRET.encode(), f"v0:{ts}:".encode() + body, hashlib.sha256)
    return body, {"Content-Type": "application/x-www-form-urlencoded",
                  "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": "v0=" + sig.hexdigest()}


def send_all(port: int, lines: list[tuple[str, str, str]], clients: int) -> list[Sample]:
    start = threading.Barrier(clients)
    chunks = [lines[i::clients] for i in range(clients)]

    def client(chunk: list[tuple[str, str, str]]) -> list[Sample]:
        samples = []
        start.wait()
        for user, verb, text in chunk:
            body, headers = signed(user, text)
            began = time.monotonic()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                conn.request("POST", "/slack/events", body=body, headers=headers)
                response = conn.getresponse()
                data = response.read()
            finally:
                conn.close()
            took = time.monotonic() - began
            try:
                answer = json.loads(data)
            except ValueError:
                answer = {}
            answered = answer.get("response_type") == "ephemeral" and any(
                word in json.dumps(answer) for word in EXPECTED[verb])
            samples.append(Sample(verb, response.status, answered, took))
        return samples

    with ThreadPoolExecutor(clients) as pool:
        return [s for chunk in pool.map(client, chunks) for s in chunk]


def report(samples: list[Sample]) -> str:
    verbs = sorted({s.verb for s in samples})
    rows = [(v, [s.seconds for s in samples if s.verb == v]) for v in verbs]
    rows.append(("all", [s.seconds for s in samples]))
    lines = ["| verb       |   n | p50 ms | p99 ms | max ms |",
             "|------------|-----|--------|--------|--------|"]
    for verb, values in rows:
        lines.append(f"| {verb:<10} | {len(values):>3} | {percentile(values, 50) * 1000:>6.1f} "
                     f"| {percentile(values, 99) * 1000:>6.1f} | {max(values) * 1000:>6.1f} |")
    return "\n".join(lines)


def run(commands: int = 100, clients: int = 20) -> tuple[bool, str]:
    """Start the app, send the commands; (all answered rightly and in time, the table)."""
    server = Server(teams=TEAMS, extra_config={"admins": ["U0ADMIN1"]})
    try:
        samples = send_all(server.port, command_lines(commands), clients)
    finally:
        server.stop()
    bad = [s for s in samples if s.status != 200 or not s.answered or s.seconds > ACK_LIMIT]
    text = report(samples)
    if bad:
        text += (f"\n{len(bad)} of {len(samples)} not answered 200 (ephemeral, the right "
                 f"answer) within {ACK_LIMIT:g} s: "
                 + ", ".join(f"{s.verb} {s.status} {s.seconds:.2f}s" for s in bad[:10]))
    else:
        text += f"\nall {len(samples)} answered within {ACK_LIMIT:g} s ({clients} clients)"
    return not bad and len(samples) == commands, text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--commands", type=int, default=100)
    parser.add_argument("--clients", type=int, default=20)
    args = parser.parse_args(argv)
    ok, text = run(args.commands, args.clients)
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
