"""SLA: per-ticket target clocks (next mark indexed) and nudges (unique per ticket, target, mark).

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

from db.types import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sla_clocks",
        sa.Column("ticket_id", sa.String(200), sa.ForeignKey("tickets.id"), primary_key=True),
        sa.Column("target", sa.String(20), primary_key=True),
        sa.Column("calendar", sa.String(100), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("budget_us", sa.BigInteger, nullable=False),
        sa.Column("paused_work_us", sa.BigInteger, nullable=False),
        sa.Column("paused_since", UTCDateTime()),
        sa.Column("met_at", UTCDateTime()),
        sa.Column("pauses", sa.Text, nullable=False),
        sa.Column("due_at", UTCDateTime()),
        sa.Column("mark_floor", sa.Integer),
        sa.Column("next_mark_at", UTCDateTime()),
    )
    op.create_index("ix_sla_clocks_next_mark_at", "sla_clocks", ["next_mark_at"])
    op.create_table(
        "sla_nudges",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("ticket_id", sa.String(200), sa.ForeignKey("tickets.id"), nullable=False),
        sa.Column("target", sa.String(20), nullable=False),
        sa.Column("mark", sa.Integer, nullable=False),
        sa.Column("colour", sa.String(7), nullable=False),
        sa.Column("sent", sa.Boolean, nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("ticket_id", "target", "mark", name="uq_sla_nudges_once"),
    )


def downgrade() -> None:
    op.drop_table("sla_nudges")
    op.drop_index("ix_sla_clocks_next_mark_at", table_name="sla_clocks")
    op.drop_table("sla_clocks")
