"""Benchmark: how long after its mark an SLA nudge reaches Slack, with `chatops serve` running.

    python bench/nudge_lateness.py [--tickets 60] [--target 40] [--stagger 0.7] [--channels 12]

A real `chatops serve` (web app, delivery worker and scheduler; SQLite; `scan_every: 60s`
as in the contract's example) against the fake Slack. Tickets are created one every
`stagger` seconds, round-robin over `channels` channels, each with an urgent first-response
target of `target` seconds, so their marks (50 %, 25 %, 10 % of the time left, and the breach)
fall at staggered moments. A nudge's lateness is the moment its thread reply reached the fake
Slack minus the moment its mark was crossed (created + target x (1 - mark)). A mark whose
nudge had not come `target` + 20 s after the last ticket (skipped, or still to come) is counted
as not nudged.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import Server, percentile, post_all  # noqa: E402
from blocks.colours import DEFAULT_MARK_COLOURS  # noqa: E402

MARKS = (0.5, 0.25, 0.1, 0.0)  # the default marks, most relaxed first
_TICKET = re.compile(r"\*#([^*]+)\*")


def ticket(n: int, team: str, created: datetime) -> dict[str, Any]:
    at = created.isoformat(timespec="microseconds").replace("+00:00", "Z")
    return {"id": f"nl-evt-{n}", "type": "ticket.created", "occurred_at": at,
            "ticket": {"id": f"nl-{n}", "subject": f"Lateness ticket {n}",
                       "url": f"https://helpdesk.example.com/tickets/{n}", "priority": "urgent",
                       "status": "new", "team": team, "assignee": None, "created_at": at,
                       "requester": {"name": "Ann Client", "email": "ann@client.example"}}}


def run(tickets: int, target: float, stagger: float, channels: int) -> dict[str, Any]:
    config = {"sla": {"policies": {"urgent": {"first_response": f"{target:g}s",
                                              "resolution": "1d"}},
                      "scan_every": "60s"}}
    server = Server(teams=channels, extra_config=config, scheduler=True)
    offset = time.time() - time.monotonic()  # the fake stamps calls with time.monotonic()
    colour_mark = dict(zip(DEFAULT_MARK_COLOURS, MARKS, strict=True))
    arrived: dict[tuple[str, float], float] = {}
    lock = threading.Lock()

    def on_call(call: Any) -> None:
        attachments = call.args.get("attachments") or []
        if call.method != "chat.postMessage" or not call.ok or not call.args.get("thread_ts") \
                or not attachments:
            return
        found = _TICKET.search(str(attachments[0].get("blocks")))
        mark = colour_mark.get(attachments[0].get("color"))
        if found and mark is not None:
            with lock:
                arrived.setdefault((found.group(1), mark), call.at + offset)

    server.fake.on_call = on_call
    created: dict[str, datetime] = {}
    try:
        for n in range(tickets):
            at = datetime.now(UTC)
            created[f"nl-{n}"] = at
            post_all(server.port, [ticket(n, f"team{n % channels}", at)], clients=1)
            time.sleep(max(0.0, stagger - (datetime.now(UTC) - at).total_seconds()))
        deadline = time.monotonic() + target + 20
        while time.monotonic() < deadline:
            with lock:
                if len(arrived) >= tickets * len(MARKS):
                    break
            time.sleep(0.2)
    finally:
        server.fake.on_call = None
        server.stop()
    late: list[float] = []
    skipped = 0
    for tid, at in created.items():
        for mark in MARKS:
            crossed = at + timedelta(seconds=target * (1 - mark))
            got = arrived.get((tid, mark))
            if got is None:
                skipped += 1
            else:
                late.append(got - crossed.timestamp())
    return {"nudges": len(late), "expected": tickets * len(MARKS), "skipped": skipped,
            "p50_s": percentile(late, 50), "p99_s": percentile(late, 99),
            "max_s": max(late) if late else float("nan"),
            "mean_s": sum(late) / len(late) if late else float("nan")}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tickets", type=int, default=60)
    p.add_argument("--target", type=float, default=40.0, help="first-response target, seconds")
    p.add_argument("--stagger", type=float, default=0.7, help="seconds between two tickets")
    p.add_argument("--channels", type=int, default=12)
    args = p.parse_args(argv)
    result = run(args.tickets, args.target, args.stagger, args.channels)
    print(f"{args.tickets} tickets, {args.target:g} s target, one every {args.stagger:g} s, "
          f"{args.channels} channels; scan_every 60s")
    print("| nudges | marks not nudged | p50 | p99 | max | mean |")
    print("|---|---|---|---|---|---|")
    print(f"| {result['nudges']} of {result['expected']} | {result['skipped']} | "
          f"{result['p50_s']:.2f} s | {result['p99_s']:.2f} s | {result['max_s']:.2f} s | "
          f"{result['mean_s']:.2f} s |")
    return result


if __name__ == "__main__":
    main()
