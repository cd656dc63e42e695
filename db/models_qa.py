"""QA reviews: the checklist answers of one review, and the agent's appeal of it.

A ticket can be reviewed again: every review is kept, and the newest one of a ticket counts
(`superseded_by_id` is set on the older one in the same transaction). A review corrected
after an accepted appeal is superseded by its correction (`corrects_id` names the original).
"At most once" promises are constraints: one review per submitted modal (`source`), one appeal
per review, ever (`uq_qa_appeals_review`).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models import Base
from db.types import UTCDateTime


class QaReview(Base):
    """One filled-in QA checklist of one ticket."""

    __tablename__ = "qa_reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.id"))
    team: Mapped[str] = mapped_column(String(200))
    agent_name: Mapped[str | None] = mapped_column(Text)
    agent_email: Mapped[str | None] = mapped_column(String(320))
    agent_target: Mapped[str | None] = mapped_column(String(330))  # a Recipient's string form
    reviewer: Mapped[str] = mapped_column(String(40))  # Slack user id
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    score: Mapped[int] = mapped_column(Integer)  # 0 … 100
    passed: Mapped[bool] = mapped_column(Boolean)  # score >= qa.pass_mark when reviewed
    critical_failed: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str | None] = mapped_column(Text)
    signals: Mapped[str] = mapped_column(Text, default="[]")  # JSON: what the ticket showed
    source: Mapped[str] = mapped_column(String(100))  # idempotency key (the submitted view)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("qa_reviews.id"))
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("qa_reviews.id"))

    __table_args__ = (
        UniqueConstraint("source", name="uq_qa_reviews_source"),
        Index("ix_qa_reviews_team_created", "team", "created_at"),
        Index("ix_qa_reviews_ticket", "ticket_id"),
    )


class QaAnswer(Base):
    """One checklist item of a review, with the item as it was configured then."""

    __tablename__ = "qa_answers"

    review_id: Mapped[int] = mapped_column(ForeignKey("qa_reviews.id"), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(50), primary_key=True)
    result: Mapped[str] = mapped_column(String(10))  # pass | fail | na
    weight: Mapped[int] = mapped_column(Integer)
    critical: Mapped[bool] = mapped_column(Boolean)
    text: Mapped[str] = mapped_column(Text)


class QaAppeal(Base):
    """The agent's appeal of a review, and the lead's decision."""

    __tablename__ = "qa_appeals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("qa_reviews.id"))
    team: Mapped[str] = mapped_column(String(200))
    agent: Mapped[str] = mapped_column(String(40))  # the Slack user who appealed
    reason: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | accepted | rejected
    decided_by: Mapped[str | None] = mapped_column(String(40))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_reason: Mapped[str | None] = mapped_column(Text)
    corrected_review_id: Mapped[int | None] = mapped_column(ForeignKey("qa_reviews.id"))

    __table_args__ = (
        UniqueConstraint("review_id", name="uq_qa_appeals_review"),
        Index("ix_qa_appeals_team_opened", "team", "opened_at"),
        Index("ix_qa_appeals_team_decided", "team", "decided_at"),
    )
