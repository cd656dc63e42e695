"""Benchmark: a backlog in one channel, coalesced: messages sent and time until every thread is
complete, against one message per event.

    python bench/backlog.py [--tickets 500]

A real `chatops serve` (SQLite) and a fake Slack that answers 429 to a second post into a
channel within one second. Each ticket gets four events, sent in its order (16 clients at
once): created, an agent's public reply, the customer's answer, a status change to open.
One message per event would be one post per event (the parent, three replies), each at
Slack's one per second into the channel, plus the parent's redraws. A thread is complete when
its three replies are in it (however many messages carry them); the outbox is empty when the
parents' last redraws are sent too.
"""
from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import time
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import TOKEN, Server, post_all, ticket_event  # noqa: E402
from chatops.sandbox.fake_slack import FakeSlack  # noqa: E402

CHANNEL = "C0BENCH000"
REPLIES = 3  # two comments and a status change


def events_of(n: int) -> list[dict[str, Any]]:
    created = ticket_event(n, "team0", prefix="bl")
    ticket = created["ticket"]

    def later(kind: str, minute: int, **extra: Any) -> dict[str, Any]:
        return {"id": f"bl-evt-{n}-{minute}", "type": kind,
                "occurred_at": f"2026-11-23T09:{30 + minute:02d}:00Z",
                "ticket": dict(ticket, **extra.pop("ticket", {})), **extra}

    def said(minute: int, role: str, name: str, body: str) -> dict[str, Any]:
        return later("ticket.commented", minute, comment={
            "id": f"c-{n}-{minute}", "author": {"name": name, "email": f"{role}@example.com"},
            "author_role": role, "public": True, "body": body})

    return [created, said(1, "agent", "Bob Agent", f"Looking at ticket {n}"),
            said(2, "end-user", "Ann Client", "Thanks, still broken"),
            later("ticket.updated", 3, ticket={"status": "open"})]


def complete_threads(fake: FakeSlack) -> int:
    """Threads that hold all their replies (parts are divided by dividers)."""
    messages = fake.messages(CHANNEL)
    parts: dict[str, int] = {}
    for m in messages:
        if m.get("thread_ts") and m["thread_ts"] != m["ts"]:
            parts[m["thread_ts"]] = parts.get(m["thread_ts"], 0) + 1 + sum(
                1 for b in m.get("blocks") or [] if b.get("type") == "divider")
    return sum(1 for count in parts.values() if count >= REPLIES)


def run(tickets: int) -> dict[str, Any]:
    fake = FakeSlack(token=TOKEN, enforce_rate_limit=True).start()
    server = Server(teams=1, fake=fake)
    try:
        events = [e for n in range(tickets) for e in events_of(n)]
        started = time.monotonic()
        post_all(server.port, events, clients=16, in_order=True)
        accepted = time.monotonic() - started
        complete_at = drained_at = None
        deadline = started + 4 * len(events) + 120  # far beyond one message per event
        while time.monotonic() < deadline and drained_at is None:
            time.sleep(1.0)
            if complete_at is None and complete_threads(fake) >= tickets:
                complete_at = time.monotonic() - started
            if complete_at is not None and _pending(server) == 0:
                drained_at = time.monotonic() - started
        posts = fake.calls_to("chat.postMessage")
        updates = fake.calls_to("chat.update")
        refused = sum(1 for c in fake.calls if c.status == 429)
    finally:
        server.stop()
        fake.stop()
    statuses = _statuses(server)
    return {"events": len(events), "accepted_s": accepted, "posts": len(posts),
            "updates": len(updates), "refused_429": refused, "complete_s": complete_at,
            "drained_s": drained_at, "complete_threads": tickets if complete_at else None,
            "merged_rows": statuses.get("merged", 0), "superseded_rows": statuses.get("skipped", 0),
            "rows": sum(statuses.values())}


def _pending(server: Server) -> int:
    with sqlite3.connect(server.dir / "chatops.db", timeout=30) as db:
        return db.execute("SELECT count(*) FROM outbox WHERE status = 'pending'").fetchone()[0]


def _statuses(server: Server) -> dict[str, int]:
    with sqlite3.connect(server.dir / "chatops.db", timeout=30) as db:
        return dict(db.execute("SELECT status, count(*) FROM outbox GROUP BY status").fetchall())


def main(argv: list[str] | None = None) -> dict[str, Any]:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--tickets", type=int, default=500)
    args = p.parse_args(argv)
    r = run(args.tickets)
    one_per_event = args.tickets * (1 + REPLIES)  # posts: the parent and each reply
    print(f"{args.tickets} tickets x 4 events = {r['events']} events into one channel "
          f"(accepted in {r['accepted_s']:.1f} s)")
    print("| measure | coalesced | one message per event |")
    print("|---|---|---|")
    print(f"| posts (chat.postMessage) | {r['posts']} | {one_per_event} |")
    print(f"| parent redraws (chat.update) | {r['updates']} | one per redraw queued "
          f"({r['updates'] + r['superseded_rows']} here) |")
    print(f"| every thread complete after | {_s(r['complete_s'])} | at least "
          f"{one_per_event - 1} s (one post per second) |")
    print(f"| outbox empty after | {_s(r['drained_s'])} | |")
    print(f"| rows merged into another / superseded | {r['merged_rows']} / "
          f"{r['superseded_rows']} of {r['rows']} | 0 |")
    print(f"| 429s received | {r['refused_429']} | |")
    return r


def _s(seconds: float | None) -> str:
    return "not within the time allowed" if seconds is None else f"{seconds:.0f} s"


if __name__ == "__main__":
    main()
