"""The week by day as a PNG (tickets, SLA met on time, ratings), uploaded into the review's
thread.

The review writes a deferred row (`chart_later`) with the day figures; the delivery worker
draws the picture (`expand_chart`) off every hot path and puts the upload in the row's place,
in the review's stream, after the thread's replies. The drawing itself is done by a
short-lived child process (chatops/review/drawing.py), so no long-running process loads
matplotlib.
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from blocks.review_views import DayFigures
from chatops.delivery import outbox
from chatops.processes import ChildFailed, run_child

CHART = "review.chart"  # the deferred handler's name
_DRAWER = Path(__file__).with_name("drawing.py")


def day_args(days: Sequence[DayFigures]) -> list[dict[str, Any]]:
    return [{"label": f"{d.start:%a}"[:2] + f"\n{d.start.day}", "opened": d.opened, "solved": d.solved,
             "first_response": [d.targets["first_response"].on_time, d.targets["first_response"].met],
             "resolution": [d.targets["resolution"].on_time, d.targets["resolution"].met],
             "good": d.good, "other": d.other, "negative": d.negative} for d in days]


def chart_later(stream: str, channel: str, title: str, filename: str,
                days: Sequence[DayFigures]) -> outbox.Message:
    """The deferred row that becomes the chart's upload into `stream`'s thread."""
    return outbox.deferred(CHART, {"stream": stream, "channel": channel, "title": title,
                                   "filename": filename, "days": day_args(days)}, stream=stream)


def expand_chart(session: Session, args: dict[str, Any]) -> list[outbox.Message]:
    """The worker's half (a deferred handler): draw, and upload in the row's place."""
    del session  # everything is in the row
    png = draw(args["days"])
    alt = "; ".join(f"{d['label'].replace(chr(10), ' ')}: {d['opened']} opened, {d['solved']} solved, "
                    f"{d['good'] + d['other'] + d['negative']} ratings" for d in args["days"])
    return [outbox.stream_file(args["stream"], args["channel"], png, args["filename"],
                               f"{args['title']}: the week by day", alt[:1000])]


def draw(days: Sequence[dict[str, Any]]) -> bytes:
    """The PNG, drawn by a short-lived child process (chatops/review/drawing.py, given the
    days as JSON): matplotlib and numpy take some 50 MB that a long-running process would keep
    for good after its first chart."""
    png = run_child(_DRAWER, stdin=json.dumps(list(days)).encode())
    if not png.startswith(b"\x89PNG"):
        raise ChildFailed(f"{_DRAWER.name}: not a PNG")
    return png
