"""The SLA scan job: one scan of the due clocks, as the scheduler and `chatops jobs run` run it."""
from __future__ import annotations

import logging

from chatops.runtime import Runtime
from chatops.sla.scan import ScanResult

log = logging.getLogger("chatops.jobs.sla_scan")


def run_sla_scan(rt: Runtime) -> ScanResult:
    """Scan at the runtime clock's now; count nudges; wake an in-process delivery worker."""
    result = rt.sla.scan_due(rt.sessions, rt.clock.now())
    for mark in result.marks:
        rt.metrics.nudges.labels(mark).inc()
    if result.sent:
        rt.wakeup.notify()
    log.log(logging.INFO if result.sent else logging.DEBUG,
            "SLA scan: %d ticket(s) scanned, %d nudge(s) sent", result.scanned, result.sent)
    return result

