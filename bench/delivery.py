"""Benchmark: new tickets in many channels at once, against Slack's documented rate.

    python bench/delivery.py [--channels 20] [--per-channel 10] [--runs 3]

A real `chatops serve` (SQLite) and a fake Slack that answers 429 to a second post into a
channel within one second, as Slack documents its limit ("1 per second" per channel,
https://docs.slack.dev/apis/web-api/rate-limits). Every ticket.created event is sent at once
(round-robin over the channels, 16 clients); the wall time runs from the first event sent to
the last parent message received. Slack's rate sets the floor: the last of a channel's
`per-channel` posts cannot come sooner than `per-channel - 1` seconds after its first.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import TOKEN, Server, post_all, ticket_event  # noqa: E402
from chatops.sandbox.fake_slack import FakeSlack  # noqa: E402


def one_run(channels: int, per_channel: int) -> dict[str, float]:
    fake = FakeSlack(token=TOKEN, enforce_rate_limit=True).start()
    server = Server(teams=channels, fake=fake)
    try:
        total = channels * per_channel
        events = [ticket_event(n, f"team{n % channels}", prefix="d") for n in range(total)]
        started = time.monotonic()
        post_all(server.port, events, clients=16)
        if not fake.wait_for(lambda: len(fake.messages()) >= total, timeout=120):
            raise RuntimeError(f"only {len(fake.messages())} of {total} parents arrived")
        posts = fake.calls_to("chat.postMessage", ok_only=False)
        ok = [c.at for c in posts if c.ok]
        refused = sum(1 for c in posts if c.status == 429)
        return {"wall_s": max(ok) - started, "first_to_last_s": max(ok) - min(ok),
                "parents": len(ok), "refused_429": refused}
    finally:
        server.stop()
        fake.stop()


def main(argv: list[str] | None = None) -> list[dict[str, float]]:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--channels", type=int, default=20)
    p.add_argument("--per-channel", type=int, default=10)
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args(argv)
    floor = float(args.per_channel - 1)
    runs = [one_run(args.channels, args.per_channel) for _ in range(args.runs)]
    walls = [r["wall_s"] for r in runs]
    print(f"{args.channels} channels x {args.per_channel} parents; Slack's floor {floor:.1f} s")
    print("| run | wall (first event -> last parent) | first post -> last | parents | 429s |")
    print("|---|---|---|---|---|")
    for n, r in enumerate(runs, 1):
        print(f"| {n} | {r['wall_s']:.2f} s | {r['first_to_last_s']:.2f} s | "
              f"{r['parents']:.0f} | {r['refused_429']:.0f} |")
    median = statistics.median(walls)
    print(f"median wall {median:.2f} s ({min(walls):.2f}-{max(walls):.2f}); "
          f"{floor / median:.3f} of the floor's speed; "
          f"429s received: {sum(r['refused_429'] for r in runs):.0f}")
    return runs


if __name__ == "__main__":
    main()
