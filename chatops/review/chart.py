"""The week by day as a PNG (tickets, SLA met on time, ratings), uploaded into the review's
thread.

The review writes a deferred row (`chart_later`) with the day figures; the delivery worker
draws the picture (`expand_chart`) off every hot path and puts the upload in the row's place,
in the review's stream, after the thread's replies. matplotlib is imported here only, when a
chart is drawn: processes that never draw one never load it. Its object API with the Agg
canvas is used (no pyplot: no global figure state, no GUI backend).

Sized for Slack's preview: 1200 × 675 px (16:9), type large enough to stay readable when
Slack shows it about 480 px wide in the thread.
"""
from __future__ import annotations

import io
import math
import threading
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from blocks.review_views import DayFigures
from chatops.delivery import outbox

CHART = "review.chart"  # the deferred handler's name
WIDTH_IN, HEIGHT_IN, DPI = 12.0, 6.75, 100  # 1200 × 675 px
COLOURS = {"opened": "#1F6FD1", "solved": "#2EB67D", "first_response": "#7B3FC4",
           "resolution": "#E8912D", "good": "#2EB67D", "other": "#C9C9C9", "negative": "#E01E5A"}
_DRAWING = threading.Lock()  # matplotlib's font cache and rc settings are process-wide


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


def _met_percent(pair: Sequence[int]) -> float:
    on_time, met = pair
    return 100.0 * on_time / met if met else math.nan


def draw(days: Sequence[dict[str, Any]]) -> bytes:
    """The PNG: three panels side by side, one tick per day (the file's title names it)."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    labels = [d["label"] for d in days]
    x = list(range(len(days)))
    with _DRAWING, rc_context({"font.size": 18, "axes.titlesize": 21, "axes.titleweight": "bold",
                               "axes.spines.top": False, "axes.spines.right": False,
                               "legend.fontsize": 16, "legend.frameon": False}):
        figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, layout="constrained")
        FigureCanvasAgg(figure)
        tickets, sla, ratings = figure.subplots(1, 3)
        width = 0.4
        tickets.bar([i - width / 2 for i in x], [d["opened"] for d in days], width,
                    color=COLOURS["opened"], label="opened")
        tickets.bar([i + width / 2 for i in x], [d["solved"] for d in days], width,
                    color=COLOURS["solved"], label="solved")
        tickets.set_title("Tickets")
        for target, name in (("first_response", "first reply"), ("resolution", "resolved")):
            sla.plot(x, [_met_percent(d[target]) for d in days], marker="o", linewidth=3,
                     markersize=9, color=COLOURS[target], label=name)
        sla.set_ylim(0, 105)
        sla.set_title("SLA met on time, %")
        bottom = [0] * len(days)
        for part in ("good", "other", "negative"):
            heights = [d[part] for d in days]
            ratings.bar(x, heights, 0.6, bottom=bottom, color=COLOURS[part], label=part)
            bottom = [b + h for b, h in zip(bottom, heights)]
        ratings.set_title("Ratings")
        for axes in (tickets, sla, ratings):
            axes.set_xticks(x, labels)
            axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.08), ncols=3,
                        handlelength=1.2, columnspacing=0.8)
            axes.grid(axis="y", alpha=0.3)
        for axes in (tickets, ratings):
            axes.yaxis.get_major_locator().set_params(integer=True)
        out = io.BytesIO()
        figure.savefig(out, format="png", facecolor="white")
    return out.getvalue()
