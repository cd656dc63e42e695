"""Benchmark: CPU used by `chatops serve` while Slack is unreachable and rows wait.

    python bench/outage_cpu.py [--rows 4000] [--seconds 30]

A real `chatops serve` (web app, delivery worker, scheduler; SQLite) against a fake Slack
that drops every connection unanswered. `rows` new tickets (50 channels) give as many pending
parent messages; once they are all written, the CPU time of every process of `chatops serve`
is read over `seconds` seconds. Also counted: the calls that reached the fake Slack in that
window (the transport's probes).
"""
from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import time
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import TOKEN, Server, cpu_seconds, now_iso, post_all, ticket_event  # noqa: E402
from chatops.sandbox.fake_slack import FakeSlack  # noqa: E402


def run(rows: int, seconds: float) -> dict[str, Any]:
    fake = FakeSlack(token=TOKEN).start()
    fake.set_down(True)
    server = Server(teams=50, fake=fake, scheduler=True)
    try:
        at = now_iso()  # new tickets: no SLA mark falls due while this runs
        post_all(server.port, [ticket_event(n, f"team{n % 50}", prefix="oc", at=at)
                               for n in range(rows)])
        deadline = time.monotonic() + 300
        while _counts(server) != (rows, 0) and time.monotonic() < deadline:
            time.sleep(1.0)  # until every deferred parent is written as a message
        pending, deferred = _counts(server)
        time.sleep(5)  # past the burst of the last events
        pids = server.processes()
        calls, before, t0 = len(fake.calls), cpu_seconds(pids), time.monotonic()
        time.sleep(seconds)
        used, elapsed = cpu_seconds(pids) - before, time.monotonic() - t0
        probes = len(fake.calls) - calls
    finally:
        server.stop()
        fake.stop()
    return {"pending": pending, "deferred": deferred, "processes": len(pids),
            "cpu_percent": 100 * used / elapsed, "seconds": elapsed, "calls": probes}


def _counts(server: Server) -> tuple[int, int]:
    """(pending rows, of which deferred rows not yet written as messages)."""
    with sqlite3.connect(server.dir / "chatops.db", timeout=30) as db:
        pending, deferred = db.execute(
            "SELECT count(*), coalesce(sum(transport = 'internal'), 0) FROM outbox "
            "WHERE status = 'pending'").fetchone()
    return int(pending), int(deferred)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=4000)
    p.add_argument("--seconds", type=float, default=30.0)
    args = p.parse_args(argv)
    r = run(args.rows, args.seconds)
    print(f"Slack unreachable, {r['pending']} rows pending ({r['deferred']} not yet expanded), "
          f"{r['processes']} processes of chatops serve")
    print("| measure | value |")
    print("|---|---|")
    print(f"| CPU, all processes together, over {r['seconds']:.0f} s | "
          f"{r['cpu_percent']:.2f} % of one core |")
    print(f"| calls that reached Slack in that time (probes) | {r['calls']} |")
    return r


if __name__ == "__main__":
    main()
