"""`chatops jobs run <name>`: each scheduled job, runnable once from the command line."""
from __future__ import annotations

import argparse
import sys
from typing import Any, Callable

from jobs.sla_scan import run_sla_scan


def _sla_scan(rt: Any, args: argparse.Namespace) -> int:
    result = run_sla_scan(rt)
    print(f"sla-scan: {result.scanned} ticket(s) scanned, {result.sent} nudge(s) sent")
    return 0


JOBS: dict[str, Callable[[Any, argparse.Namespace], int]] = {
    "sla-scan": _sla_scan,
}


def run_job(rt: Any, args: argparse.Namespace) -> int:
    job = JOBS.get(args.job)
    if job is None:
        print(f"job {args.job} is not available yet", file=sys.stderr)
        return 2
    return job(rt, args)
