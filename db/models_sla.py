"""SLA models: per-ticket target clocks and the nudges sent (at most once each).

`sla_clocks` holds one row per (ticket, target) with exactly the fields of
`chatops.sla.targets.TargetClock`, plus what the scan needs: `next_mark_at` (indexed) is the
moment the next unsent mark is crossed, so a scan reads only `WHERE next_mark_at <= now`.
`sla_nudges` records every mark crossed, sent or skipped; its unique key is the promise
"each (ticket, target, mark) is nudged at most once, ever".
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from db.models import Base
from db.types import UTCDateTime


class SlaClock(Base):
    """One SLA target of one ticket: a working-time clock on a business calendar."""

    __tablename__ = "sla_clocks"

    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.id"), primary_key=True)
    target: Mapped[str] = mapped_column(String(20), primary_key=True)  # first_response | resolution
    calendar: Mapped[str] = mapped_column(String(100))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    budget_us: Mapped[int] = mapped_column(BigInteger)  # working time allowed, microseconds
    paused_work_us: Mapped[int] = mapped_column(BigInteger, default=0)  # finished pauses
    paused_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    met_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Working time used when it was met (None while not met): met on time when <= budget_us.
    met_work_us: Mapped[int | None] = mapped_column(BigInteger)
    # Finished pauses as wall-clock spans (JSON [[start_us, end_us], ...], epoch microseconds):
    # re-measured when a priority change moves the target to another calendar.
    pauses: Mapped[str] = mapped_column(Text, default="[]")
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # while running
    # The most urgent mark recorded so far (basis points of time left: 5000 = 50 %, 0 = breach).
    mark_floor: Mapped[int | None] = mapped_column(Integer)
    next_mark_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_sla_clocks_next_mark_at", "next_mark_at"),
                      # The weekly review's targets met in a week, read from the index alone.
                      Index("ix_sla_clocks_met_at", "met_at", "target", "met_work_us", "budget_us",
                            "ticket_id"))


class SlaNudge(Base):
    """A mark crossed by a target: `sent` when it was the most urgent one crossed in its scan."""

    __tablename__ = "sla_nudges"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ticket_id: Mapped[str] = mapped_column(ForeignKey("tickets.id"))
    target: Mapped[str] = mapped_column(String(20))
    mark: Mapped[int] = mapped_column(Integer)  # basis points of time left; 0 = breach
    colour: Mapped[str] = mapped_column(String(7))
    sent: Mapped[bool] = mapped_column(Boolean)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (UniqueConstraint("ticket_id", "target", "mark", name="uq_sla_nudges_once"),
                      Index("ix_sla_nudges_mark_recorded", "mark", "recorded_at"))
