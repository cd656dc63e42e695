"""A review's content → its outbox rows, all in the review's own stream (so they go in this
order, the DMs after the thread: nothing, ratings included, reaches an agent before the
review is in the channel), but the Teams card, which has its own.

1. the parent in the team channel (its ts starts the review's thread);
2. one thread reply per negative rating of the week (and one counting the rest);
3. the chart of the week by day, a deferred row the worker draws and uploads;
4. the leads' per-agent breakdown, one DM per lead;
5. each agent's own week, one DM per agent, with their kept ratings under `after_review`;
6. the summary card for the team's Teams channel, when it has one.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from blocks import review as review_blocks
from blocks import review_dms
from blocks.ratings import RatingView
from blocks.review_card import review_cards
from blocks.review_views import AgentWeek, ReviewFigures, ReviewHeader
from chatops.config import TeamConfig
from chatops.delivery import outbox
from chatops.review.chart import chart_later
from domain.recipients import Recipient

UNKNOWN = "unknown:"  # key prefix of an agent nobody can DM (not an address, a ref or a user)


@dataclass(frozen=True)
class ReviewContent:
    """Everything one review shows, read from one snapshot."""

    header: ReviewHeader
    figures: ReviewFigures
    negatives: list[RatingView]  # the first MAX_NEGATIVE_REPLIES of the week's
    agents: Mapping[str, AgentWeek]  # by recipient (`U…`, `email:…`, `zendesk:…`) or UNKNOWN + …
    leads: list[str]
    with_ratings: bool  # `after_review`: agents' DMs carry their kept ratings


def review_stream(review_id: int) -> str:
    return f"review:{review_id}"


def review_messages(review_id: int, iso_week: str, team: TeamConfig,
                    content: ReviewContent) -> list[outbox.Message]:
    stream, channel = review_stream(review_id), team.channel
    header, figures = content.header, content.figures
    negatives = figures.week.ratings.negative
    messages = [outbox.thread_parent(stream, channel,
                                     review_blocks.summary(header, figures, negatives))]
    messages += [outbox.stream_reply(stream, channel,
                                     review_blocks.negative_reply(card, header.per_agent))
                 for card in content.negatives]
    if negatives > len(content.negatives):
        messages.append(outbox.stream_reply(stream, channel, review_blocks.more_negatives(
            len(content.negatives), negatives)))
    messages.append(chart_later(stream, channel, review_blocks.title(header),
                                f"weekly-review-{team.name}-{iso_week}.png", figures.days))
    everyone = sorted(content.agents.values(), key=lambda a: (a.person.name.lower(), a.person.email or ""))
    breakdown = review_dms.leads_breakdown(header, everyone)
    messages += [outbox.direct_message(Recipient.user(lead), breakdown, stream=stream)
                 for lead in dict.fromkeys(content.leads)]
    for key, week in content.agents.items():
        if not key.startswith(UNKNOWN):
            messages.append(outbox.direct_message(
                Recipient.parse(key), review_dms.own_week(header, week, content.with_ratings),
                stream=stream))
    if team.teams_webhook_env:
        messages.append(outbox.teams_card(team.name, review_cards(header, figures)))
    return messages
