"""Prometheus metrics, one registry per app instance (tests create many apps).

Under `chatops serve` the app process counts into files of its run directory
(prometheus_client's multiprocess mode), so that `/metrics` goes on counting across a restart
of that process.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, disable_created_metrics, generate_latest, values
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

disable_created_metrics()  # the *_created series only add noise to dashboards


SHARED_DIR_ENV = "PROMETHEUS_MULTIPROC_DIR"  # prometheus_client's own name for it


class _OutboxGauges(Collector):
    """Outbox depth, read from the database at each scrape (right in every process)."""

    def __init__(self) -> None:
        self.pending: Callable[[], float] | None = None
        self.failed: Callable[[], float] | None = None

    def collect(self) -> Iterator[GaugeMetricFamily]:
        if self.pending is None or self.failed is None:
            return
        yield GaugeMetricFamily("chatops_outbox_pending", "Outbox rows waiting to be sent",
                                value=self.pending())
        yield GaugeMetricFamily("chatops_outbox_failed", "Outbox rows given up on",
                                value=self.failed())


_counting_into: list[str] = []  # the shared directory this process switched to, if any


def _count_into(shared_dir: str) -> None:
    """Switch this process's counters to files in `shared_dir` (once per process: the
    setting is global to prometheus_client)."""
    if _counting_into:
        if _counting_into[0] != shared_dir:
            raise RuntimeError(f"this process already counts into {_counting_into[0]}")
        return
    os.environ[SHARED_DIR_ENV] = shared_dir
    values.ValueClass = values.MultiProcessValue()  # counters created from now on use it
    _counting_into.append(shared_dir)


class Metrics:
    def __init__(self, shared_dir: str | None = None) -> None:
        """`shared_dir`: count into this directory, shared with the other processes of one
        `chatops serve` (it must exist and start empty)."""
        self.shared_dir = shared_dir
        if shared_dir is not None:
            _count_into(shared_dir)
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
        self._outbox = _OutboxGauges()
        r.register(self._outbox)
        self.slash_commands = Counter("chatops_slash_commands_total", "Slash commands by verb",
                                      ["verb"], registry=r)
        self.nudges = Counter("chatops_sla_nudges_total", "SLA nudges by mark", ["mark"],
                              registry=r)

    def watch_outbox(self, pending: Callable[[], float], failed: Callable[[], float]) -> None:
        self._outbox.pending, self._outbox.failed = pending, failed

    def render(self) -> bytes:
        if self.shared_dir is None:
            return generate_latest(self.registry)
        combined = CollectorRegistry()
        MultiProcessCollector(combined, path=self.shared_dir)
        combined.register(self._outbox)
        return generate_latest(combined)
