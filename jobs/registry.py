"""`chatops jobs run <name>`: each scheduled job, runnable once from the command line."""
from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from chatops.runtime import Runtime
from jobs.sla_scan import run_sla_scan
from jobs.weekly_review import run_weekly_review


def _sla_scan(rt: Runtime, args: argparse.Namespace) -> int:
    result = run_sla_scan(rt)
    print(f"sla-scan: {result.scanned} ticket(s) scanned, {result.sent} nudge(s) sent")
    return 0


def _weekly_review(rt: Runtime, args: argparse.Namespace) -> int:
    team = getattr(args, "team", None)
    if team is not None and rt.config.team(team) is None:
        names = ", ".join(t.name for t in rt.config.teams)
        print(f"weekly-review: there is no team {team!r} (teams: {names})", file=sys.stderr)
        return 2
    for result in run_weekly_review(rt, team, force=bool(getattr(args, "force", False))):
        if not result.posted:
            print(f"weekly-review: {result.team}: this week's review ({result.iso_week}) was "
                  "posted already; --force posts one more")
        else:
            what = "one more review" if result.extra else f"the review of {result.iso_week}"
            print(f"weekly-review: {result.team}: posted {what} (#{result.review_id}, "
                  f"{result.messages} message(s) queued)")
    return 0


JOBS: dict[str, Callable[[Any, argparse.Namespace], int]] = {
    "sla-scan": _sla_scan,
    "weekly-review": _weekly_review,
}


def run_job(rt: Runtime, args: argparse.Namespace) -> int:
    return JOBS[args.job](rt, args)
