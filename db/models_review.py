"""The weekly review: one row per posted review, and where an outbox stream's thread lives.

"Once per team per ISO week" is the unique key `uq_weekly_reviews_once` over (team,
`once_per_week`): the week's review stores its ISO week there; a forced extra review stores
NULL, which the key never compares equal (SQLite and PostgreSQL alike).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models import Base
from db.types import UTCDateTime


class WeeklyReview(Base):
    """A weekly review that was written to the outbox (its messages in the same transaction)."""

    __tablename__ = "weekly_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    team: Mapped[str] = mapped_column(String(200))
    iso_week: Mapped[str] = mapped_column(String(10))  # `2026-W48`, of the run in the team's zone
    once_per_week: Mapped[str | None] = mapped_column(String(10))  # iso_week, NULL when forced
    window_start: Mapped[datetime] = mapped_column(UTCDateTime())
    window_end: Mapped[datetime] = mapped_column(UTCDateTime())  # the run moment
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    trigger: Mapped[str] = mapped_column(String(20))  # schedule | command | slash
    actor: Mapped[str | None] = mapped_column(String(40))  # who asked (slash command)

    __table_args__ = (
        UniqueConstraint("team", "once_per_week", name="uq_weekly_reviews_once"),
        Index("ix_weekly_reviews_team_week", "team", "iso_week"),
    )


class StreamThread(Base):
    """The Slack message that an outbox stream's `thread_parent` row posted: the stream's
    `thread_reply` and `thread_file` rows go into its thread. Ticket threads keep their own
    table (`slack_threads`, keyed by ticket); this one serves threads keyed by anything else
    (a weekly review's stream)."""

    __tablename__ = "stream_threads"

    stream: Mapped[str] = mapped_column(String(300), primary_key=True)
    channel: Mapped[str] = mapped_column(String(40))
    ts: Mapped[str] = mapped_column(String(40))
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime())
