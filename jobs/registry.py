"""`chatops jobs run <name>`: each scheduled job, runnable once from the command line."""
from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from chatops.runtime import Runtime
from jobs.sla_scan import run_sla_scan


def _sla_scan(rt: Runtime, args: argparse.Namespace) -> int:
    result = run_sla_scan(rt)
    print(f"sla-scan: {result.scanned} ticket(s) scanned, {result.sent} nudge(s) sent")
    return 0


JOBS: dict[str, Callable[[Any, argparse.Namespace], int]] = {
    "sla-scan": _sla_scan,
}


def run_job(rt: Runtime, args: argparse.Namespace) -> int:
    job = JOBS.get(args.job)
    if job is None:
        print(f"job {args.job} is not available yet", file=sys.stderr)
        return 2
    return job(rt, args)
