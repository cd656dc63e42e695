"""Benchmark: how fast the slash command is acknowledged under concurrent use, beside a bare
Bolt app measured in the same run.

    python bench/slash_ack.py [--commands 100] [--clients 20] [--rounds 3]

Starts the real app (`chatops serve`: granian's app process, worker, temp SQLite) as a
subprocess against the fake Slack, sends signed slash commands (`help`, `settings`, `audit`,
admins' `visibility` and `leads` changes, a refused non-admin change) from concurrent
clients, and checks every one was answered 200 with its ephemeral answer within Slack's
3 seconds. Then the same signed commands go to a bare Bolt app (bench/bare_bolt.py: one
listener that acks, behind the same front on 8 threads, chatops's count when the target
was set), once with Bolt's default settings and once with `process_before_response` (as
chatops runs its listeners). The three take turns, `--rounds`
times each. Prints p50/p99/max of the ack per verb, the bare apps', and the ratios of the
p99s; exit 1 if any answer was late or wrong.
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
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import urlencode

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.bare_bolt import BareBoltServer  # noqa: E402
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


def chatops_answered(verb: str, answer: dict[str, object]) -> bool:
    """Ephemeral, and says what this command should say."""
    return answer.get("response_type") == "ephemeral" and any(
        word in json.dumps(answer) for word in EXPECTED[verb])


def bare_answered(verb: str, answer: dict[str, object]) -> bool:
    return answer.get("response_type") == "ephemeral" and str(
        answer.get("text", "")).startswith("/chatops ")


def send_all(port: int, lines: list[tuple[str, str, str]], clients: int,
             answered_rightly: Callable[[str, dict[str, object]], bool]) -> list[Sample]:
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
            samples.append(Sample(verb, response.status, answered_rightly(verb, answer), took))
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


def run(commands: int = 100, clients: int = 20, rounds: int = 3) -> tuple[bool, str]:
    """Start the app and the bare Bolt app in turn, send both the same commands; (all were
    answered rightly and in time, the report)."""
    lines = command_lines(commands)
    ours: list[Sample] = []
    bare: dict[bool, list[Sample]] = {False: [], True: []}  # by process_before_response
    for _ in range(rounds):
        server = Server(teams=TEAMS, extra_config={"admins": ["U0ADMIN1"]})
        try:
            ours += send_all(server.port, lines, clients, chatops_answered)
        finally:
            server.stop()
        for inline in (False, True):
            yardstick = BareBoltServer(process_before_response=inline)
            try:
                bare[inline] += send_all(yardstick.port, lines, clients, bare_answered)
            finally:
                yardstick.stop()
    everything = ours + bare[False] + bare[True]
    bad = [s for s in everything if s.status != 200 or not s.answered or s.seconds > ACK_LIMIT]
    ours_p99 = percentile([s.seconds for s in ours], 99)
    text = report(ours)
    for inline, name in ((False, "bare Bolt  "), (True, "bare, pbr  ")):
        times = [s.seconds for s in bare[inline]]
        text += (f"\n| {name}| {len(times):>3} | {percentile(times, 50) * 1000:>6.1f} "
                 f"| {percentile(times, 99) * 1000:>6.1f} | {max(times) * 1000:>6.1f} |")
    for inline, settings in ((False, "Bolt's defaults"), (True, "process_before_response")):
        ratio = ours_p99 / percentile([s.seconds for s in bare[inline]], 99)
        text += f"\np99 of chatops / p99 of the bare Bolt app ({settings}): {ratio:.2f}"
    if bad:
        text += (f"\n{len(bad)} of {len(everything)} not answered 200 (ephemeral, the "
                 f"right answer) within {ACK_LIMIT:g} s: "
                 + ", ".join(f"{s.verb} {s.status} {s.seconds:.2f}s" for s in bad[:10]))
    else:
        text += (f"\nall {len(ours)} answered within {ACK_LIMIT:g} s ({clients} clients, "
                 f"{rounds} round(s) of {commands})")
    return not bad and len(ours) == len(bare[False]) == len(bare[True]) == commands * rounds, text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--commands", type=int, default=100)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    ok, text = run(args.commands, args.clients, args.rounds)
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
