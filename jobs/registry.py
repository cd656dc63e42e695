"""`chatops jobs run <name>`: each scheduled job, runnable once from the command line."""
from __future__ import annotations

import argparse
import sys
from typing import Any


def run_job(rt: Any, args: argparse.Namespace) -> int:
    print(f"job {args.job} is not available yet", file=sys.stderr)
    return 2
