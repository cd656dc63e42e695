"""The weekly review's chart, drawn as a PNG: run by `chatops.review.chart` as a short-lived
child process (never imported), the days as JSON on stdin, the PNG on stdout.

Three panels side by side (tickets opened and solved, SLA met on time, ratings), one tick per
day, sized for Slack's preview: 1200 × 675 px (16:9), type large enough to stay readable when
Slack shows it about 480 px wide in the thread. matplotlib's object API with the Agg canvas
(no pyplot: no global figure state, no GUI backend).
"""
from __future__ import annotations

import io
import json
import math
import sys
from collections.abc import Sequence
from typing import Any

WIDTH_IN, HEIGHT_IN, DPI = 12.0, 6.75, 100  # 1200 × 675 px
COLOURS = {"opened": "#1F6FD1", "solved": "#2EB67D", "first_response": "#7B3FC4",
           "resolution": "#E8912D", "good": "#2EB67D", "other": "#C9C9C9", "negative": "#E01E5A"}


def _met_percent(pair: Sequence[int]) -> float:
    on_time, met = pair
    return 100.0 * on_time / met if met else math.nan


def draw(days: Sequence[dict[str, Any]]) -> bytes:
    """The PNG (the file's title, given by the upload, names the week)."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    labels = [d["label"] for d in days]
    x = list(range(len(days)))
    with rc_context({"font.size": 18, "axes.titlesize": 21, "axes.titleweight": "bold",
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


if __name__ == "__main__":
    sys.stdout.buffer.write(draw(json.load(sys.stdin)))
