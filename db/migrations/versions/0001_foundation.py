"""Foundation: tickets, received events, Slack threads, outbox, pacing, user cache.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

from db.types import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tickets",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("team", sa.String(200), nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("priority", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("requester_name", sa.Text, nullable=False),
        sa.Column("requester_email", sa.Text),
        sa.Column("assignee_name", sa.Text),
        sa.Column("assignee_email", sa.Text),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("state_at", UTCDateTime(), nullable=False),
        sa.Column("first_response_at", UTCDateTime()),
        sa.Column("solved_at", UTCDateTime()),
    )
    op.create_table(
        "received_events",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("ticket_id", sa.String(200)),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "slack_threads",
        sa.Column("ticket_id", sa.String(200), sa.ForeignKey("tickets.id"), primary_key=True),
        sa.Column("channel", sa.String(40), nullable=False),
        sa.Column("ts", sa.String(40), nullable=False),
        sa.Column("posted_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("stream", sa.String(300), nullable=False),
        sa.Column("transport", sa.String(10), nullable=False),
        sa.Column("method", sa.String(40), nullable=False),
        sa.Column("target", sa.String(300), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("ticket_id", sa.String(200)),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(), nullable=False),
        sa.Column("claimed_until", UTCDateTime()),
        sa.Column("claimed_by", sa.String(100)),
        sa.Column("delivered_at", UTCDateTime()),
        sa.Column("last_error", sa.Text),
        sa.Column("result_channel", sa.String(40)),
        sa.Column("result_ts", sa.String(40)),
    )
    op.create_index("ix_outbox_due", "outbox", ["status", "next_attempt_at"])
    op.create_index("ix_outbox_stream", "outbox", ["stream", "status", "id"])
    op.create_index("ix_outbox_transport", "outbox", ["transport", "status", "id"])
    op.create_table(
        "channel_pace",
        sa.Column("channel", sa.String(300), primary_key=True),
        sa.Column("next_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "slack_users",
        sa.Column("email", sa.String(320), primary_key=True),
        sa.Column("user_id", sa.String(40)),
        sa.Column("looked_up_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    for table in ("slack_users", "channel_pace", "outbox", "slack_threads",
                  "received_events", "tickets"):
        op.drop_table(table)
