"""The weekly review's summary for the team's Teams channel: the headline figures only (no
rating comments, no agent names: neither is in the data it is given)."""
from __future__ import annotations

from blocks.colours import BLUE
from blocks.review import title
from blocks.review_format import summary_lines, week_range
from blocks.review_views import ReviewFigures, ReviewHeader
from blocks.teams import Card, cards, teams_text


def _plain_score(score: str) -> str:
    return f"{score}/5" if score.isdigit() else score


def review_cards(header: ReviewHeader, figures: ReviewFigures) -> Card:
    lines = [f"The 7 days {week_range(header.start, header.end, header.timezone)}"]
    for group in summary_lines(figures, score_label=_plain_score):
        lines += [f"**{label}**: {teams_text(value, 500)}" for label, value in group]
    lines.append("The negative ratings of the week are discussed in the team's Slack thread.")
    return cards(f"📊 {teams_text(title(header), 200)}", lines, BLUE, None)
