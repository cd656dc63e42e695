"""Ratings, admin settings and their audit trail."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models import Base
from db.types import UTCDateTime


class Rating(Base):
    """One customer rating, stored once per helpdesk rating id (a second event changes nothing).

    `agent_visibility` is the team's mode when the rating arrived; with `after_review` the
    agent's DM waits for the weekly review, which sets `delivered_to_agent_at`.
    """

    __tablename__ = "ratings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    rating_id: Mapped[str] = mapped_column(String(200))  # the helpdesk's id
    event_id: Mapped[str] = mapped_column(String(200))
    ticket_id: Mapped[str] = mapped_column(String(200))
    team: Mapped[str] = mapped_column(String(200))
    score: Mapped[str] = mapped_column(String(10))  # good | neutral | bad | 1 … 5
    negative: Mapped[bool] = mapped_column(Boolean)  # by `ratings.negative` when it arrived
    comment: Mapped[str | None] = mapped_column(Text)
    agent_name: Mapped[str | None] = mapped_column(Text)
    agent_email: Mapped[str | None] = mapped_column(String(320))
    agent_ref: Mapped[str | None] = mapped_column(String(210))  # the helpdesk's id: zendesk:123
    agent_target: Mapped[str | None] = mapped_column(String(330))  # U…, email:<addr> or a ref
    agent_visibility: Mapped[str] = mapped_column(String(30))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    delivered_to_agent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("rating_id", name="uq_ratings_rating_id"),
        # The weekly review counts a team's ratings of a week from this index alone.
        Index("ix_ratings_team_received", "team", "received_at", "score", "negative", "agent_email",
              "agent_ref"),
    )


class RatingNotice(Base):
    """A DM about a rating, to a lead or the agent: at most one per rating and recipient."""

    __tablename__ = "rating_notices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    rating_pk: Mapped[int] = mapped_column(ForeignKey("ratings.id"))
    role: Mapped[str] = mapped_column(String(10))  # lead | agent
    recipient: Mapped[str] = mapped_column(String(330))
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("rating_pk", "role", "recipient", name="uq_rating_notices_once"),
    )


class RatingFollowUp(Base):
    """Who followed up a negative rating, and when: at most one per rating (primary key).

    `channel` and `ts` name the DM whose button was pressed (the one rewritten in place).
    """

    __tablename__ = "rating_follow_ups"

    rating_pk: Mapped[int] = mapped_column(ForeignKey("ratings.id"), primary_key=True)
    by_user: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    channel: Mapped[str | None] = mapped_column(String(40))
    ts: Mapped[str | None] = mapped_column(String(40))


class TeamSetting(Base):
    """An admin's override of one app.yaml team setting; it wins over app.yaml."""

    __tablename__ = "team_settings"

    team: Mapped[str] = mapped_column(String(200), primary_key=True)
    key: Mapped[str] = mapped_column(String(40), primary_key=True)  # rating_visibility | leads
    value: Mapped[str] = mapped_column(Text)  # JSON
    changed_by: Mapped[str] = mapped_column(String(40))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SettingChange(Base):
    """The audit trail: every settings change, who made it, old and new value (JSON), when."""

    __tablename__ = "settings_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(40))
    team: Mapped[str] = mapped_column(String(200))
    setting: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str] = mapped_column(Text)
    new_value: Mapped[str] = mapped_column(Text)

    __table_args__ = (Index("ix_settings_audit_at", "at"),)
