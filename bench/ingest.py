"""Benchmark: signed helpdesk events accepted per second through the real HTTP server, and
webhook → fake-Slack end-to-end latency (p50/p99) when Slack is not limiting.

    python bench/ingest.py [--events 3000] [--clients 16] [--latency-samples 200]

It starts `chatops serve` (granian's app process with the worker beside the web app, SQLite) as a
subprocess against the fake Slack, as a laptop deployment runs. Latency: one event at a time, round-robin over 50
channels so Slack's 1 message/s/channel pacing never applies, timed from the request until
the fake Slack has received the parent message.
"""
from __future__ import annotations

import argparse
import http.client
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from bench.common import (  # noqa: E402
    Server,
    helpdesk_request,
    percentile,
    post_all,
    table,
    ticket_event,
)


def measure_latency(server: Server, samples: int, teams: int) -> list[float]:
    received: dict[str, float] = {}
    seen = threading.Condition()

    def on_call(call) -> None:  # type: ignore[no-untyped-def]
        if call.method == "chat.postMessage" and call.ok:
            text = str(call.args.get("text", ""))
            with seen:
                received[text.split(":")[0]] = time.monotonic()
                seen.notify_all()

    server.fake.on_call = on_call
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    latencies = []
    for n in range(samples):
        event = ticket_event(n, f"team{n % teams}", prefix="lat")
        body, headers = helpdesk_request(event)
        key = f"Ticket #lat-{n}"
        start = time.monotonic()
        conn.request("POST", "/webhooks/helpdesk", body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        assert response.status == 202, response.status
        with seen:
            if not seen.wait_for(lambda key=key: key in received, timeout=10):  # type: ignore[misc]
                raise RuntimeError(f"{key} never reached the fake Slack")
        latencies.append(received[key] - start)
        time.sleep(0.01)
    server.fake.on_call = None
    return latencies


def measure_throughput(server: Server, events: int, clients: int, teams: int) -> float:
    return events / post_all(server.port, [ticket_event(n, f"team{n % teams}", prefix="tp")
                                           for n in range(events)], clients)


def main(argv: list[str] | None = None) -> dict[str, float]:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--events", type=int, default=3000)
    p.add_argument("--clients", type=int, default=16)
    p.add_argument("--latency-samples", type=int, default=200)
    p.add_argument("--teams", type=int, default=50)
    args = p.parse_args(argv)
    server = Server(teams=args.teams)
    try:
        latencies = measure_latency(server, args.latency_samples, args.teams)
        rate = measure_throughput(server, args.events, args.clients, args.teams)
    finally:
        server.stop()
    result = {"events_per_second": rate, "p50_ms": percentile(latencies, 50) * 1000,
              "p99_ms": percentile(latencies, 99) * 1000}
    print(table([
        ("accepted events/s (" + f"{args.events} events, {args.clients} clients)",
         f"{rate:.0f}"),
        (f"end-to-end p50 ({args.latency_samples} samples)", f"{result['p50_ms']:.1f} ms"),
        (f"end-to-end p99 ({args.latency_samples} samples)", f"{result['p99_ms']:.1f} ms"),
    ]))
    return result


if __name__ == "__main__":
    main()
