"""Ratings, their DMs and follow-ups; admin setting overrides and their audit trail.

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

from db.types import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("rating_id", sa.String(200), nullable=False),
        sa.Column("event_id", sa.String(200), nullable=False),
        sa.Column("ticket_id", sa.String(200), nullable=False),
        sa.Column("team", sa.String(200), nullable=False),
        sa.Column("score", sa.String(10), nullable=False),
        sa.Column("negative", sa.Boolean, nullable=False),
        sa.Column("comment", sa.Text),
        sa.Column("agent_name", sa.Text),
        sa.Column("agent_email", sa.String(320)),
        sa.Column("agent_target", sa.String(330)),
        sa.Column("agent_visibility", sa.String(30), nullable=False),
        sa.Column("occurred_at", UTCDateTime(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("delivered_to_agent_at", UTCDateTime()),
        sa.UniqueConstraint("rating_id", name="uq_ratings_rating_id"),
    )
    op.create_index("ix_ratings_team_received", "ratings", ["team", "received_at"])
    op.create_table(
        "rating_notices",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("rating_pk", sa.Integer, sa.ForeignKey("ratings.id"), nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("recipient", sa.String(330), nullable=False),
        sa.Column("queued_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("rating_pk", "role", "recipient", name="uq_rating_notices_once"),
    )
    op.create_table(
        "rating_follow_ups",
        sa.Column("rating_pk", sa.Integer, sa.ForeignKey("ratings.id"), primary_key=True),
        sa.Column("by_user", sa.String(40), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("channel", sa.String(40)),
        sa.Column("ts", sa.String(40)),
    )
    op.create_table(
        "team_settings",
        sa.Column("team", sa.String(200), primary_key=True),
        sa.Column("key", sa.String(40), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("changed_by", sa.String(40), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=False),
    )
    op.create_table(
        "settings_audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(40), nullable=False),
        sa.Column("team", sa.String(200), nullable=False),
        sa.Column("setting", sa.String(40), nullable=False),
        sa.Column("old_value", sa.Text, nullable=False),
        sa.Column("new_value", sa.Text, nullable=False),
    )
    op.create_index("ix_settings_audit_at", "settings_audit", ["at"])


def downgrade() -> None:
    op.drop_index("ix_settings_audit_at", table_name="settings_audit")
    op.drop_index("ix_ratings_team_received", table_name="ratings")
    for table in ("settings_audit", "team_settings", "rating_follow_ups", "rating_notices",
                  "ratings"):
        op.drop_table(table)
