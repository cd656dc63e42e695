"""Benchmark: memory of every process of `chatops serve` together, idle and after events.

    python bench/memory.py [--events 2000] [--settle 60]

A real `chatops serve` (its supervisor, and the app process: web, delivery worker, scheduler;
SQLite; 20 channels) against the fake Slack. Measured from /proc: RSS, each process's
resident memory added up (pages two processes share, such as the interpreter's and shared
libraries', counted once per process), and PSS (shared pages split between the processes
that share them). Idle is 5 s after start; then `events` events are sent (tickets created,
each commented by an agent), and the figures are read again `settle` seconds after the last
one was accepted, deliveries still going on.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import Server, memory_mb, now_iso, post_all, ticket_event  # noqa: E402

CHANNELS = 20


def events(count: int) -> list[dict[str, Any]]:
    made: list[dict[str, Any]] = []
    at = now_iso()  # new tickets: no SLA mark falls due while this runs
    for n in range(count // 2):
        created = ticket_event(n, f"team{n % CHANNELS}", prefix="mem", at=at)
        made += [created, dict(created, id=f"mem-evt-{n}-c", type="ticket.commented",
                               comment={"id": f"c-{n}", "author_role": "agent", "public": True,
                                        "author": {"name": "Bob Agent", "email": "b@example.com"},
                                        "body": f"Looking at it ({n})"})]
    return made


def snapshot(server: Server) -> dict[str, Any]:
    pids = server.processes()
    rss, pss = memory_mb(pids)
    parts = []
    for pid in pids:
        with open(f"/proc/{pid}/cmdline") as f:
            command = f.read().replace("\0", " ")
        role = ("supervisor (granian's)" if pid == server.proc.pid else
                "app process (web, worker, scheduler)" if "spawn_main" in command else
                "resource tracker" if "resource_tracker" in command else command[:40])
        parts.append((role, *memory_mb([pid])))
    return {"rss": rss, "pss": pss, "parts": parts}


def main(argv: list[str] | None = None) -> dict[str, Any]:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--events", type=int, default=2000)
    p.add_argument("--settle", type=float, default=60.0)
    args = p.parse_args(argv)
    server = Server(teams=CHANNELS, scheduler=True)
    try:
        time.sleep(5)
        idle = snapshot(server)
        post_all(server.port, events(args.events), in_order=True)
        time.sleep(args.settle)
        busy = snapshot(server)
    finally:
        server.stop()
    print("| process | idle RSS | idle PSS | after events RSS | after events PSS |")
    print("|---|---|---|---|---|")
    for (role, r1, p1), (_, r2, p2) in zip(idle["parts"], busy["parts"]):
        print(f"| {role} | {r1:.1f} MB | {p1:.1f} MB | {r2:.1f} MB | {p2:.1f} MB |")
    print(f"| all together | {idle['rss']:.1f} MB | {idle['pss']:.1f} MB | {busy['rss']:.1f} MB "
          f"| {busy['pss']:.1f} MB |")
    return {"idle": idle, "after": busy}


if __name__ == "__main__":
    main()
