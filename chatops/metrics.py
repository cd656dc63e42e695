"""Prometheus metrics, one registry per app instance (tests create many apps)."""
from __future__ import annotations

from typing import Callable

from prometheus_client import CollectorRegistry, disable_created_metrics, Counter, Gauge, Histogram, generate_latest


disable_created_metrics()  # the *_created series only add noise to dashboards


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.events_received = Counter("chatops_helpdesk_events_total",
                                       "Helpdesk webhook requests by result", ["result"],
                                       registry=r)
        self.deliveries = Counter("chatops_deliveries_total",
                                  "Outbox deliveries by transport and outcome",
                                  ["transport", "outcome"], registry=r)
        self.retries = Counter("chatops_delivery_retries_total",
                               "Delivery attempts that will be retried", ["transport"],
                               registry=r)
        self.rate_limited = Counter("chatops_rate_limited_total",
                                    "429 answers received", ["transport"], registry=r)
        self.latency = Histogram("chatops_delivery_latency_seconds",
                                 "From outbox row created to delivered",
                                 buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
                                          60, 300, 900), registry=r)
        self.outbox_depth = Gauge("chatops_outbox_pending", "Outbox rows waiting to be sent",
                                  registry=r)
        self.outbox_failed = Gauge("chatops_outbox_failed", "Outbox rows given up on",
                                   registry=r)
        self.slash_commands = Counter("chatops_slash_commands_total", "Slash commands by verb",
                                      ["verb"], registry=r)
        self.nudges = Counter("chatops_sla_nudges_total", "SLA nudges by mark", ["mark"],
                              registry=r)

    def watch_outbox(self, pending: Callable[[], float], failed: Callable[[], float]) -> None:
        self.outbox_depth.set_function(pending)
        self.outbox_failed.set_function(failed)

    def render(self) -> bytes:
        return generate_latest(self.registry)
