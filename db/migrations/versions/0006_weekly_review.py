"""Weekly review: its rows (once per team per ISO week), the thread of an outbox stream, the
working time a met SLA target used, and the indexes the week's figures read.

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

from db.types import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "weekly_reviews",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("team", sa.String(200), nullable=False),
        sa.Column("iso_week", sa.String(10), nullable=False),
        sa.Column("once_per_week", sa.String(10)),
        sa.Column("window_start", UTCDateTime(), nullable=False),
        sa.Column("window_end", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("trigger", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(40)),
        sa.UniqueConstraint("team", "once_per_week", name="uq_weekly_reviews_once"),
    )
    op.create_index("ix_weekly_reviews_team_week", "weekly_reviews", ["team", "iso_week"])
    op.create_table(
        "stream_threads",
        sa.Column("stream", sa.String(300), primary_key=True),
        sa.Column("channel", sa.String(40), nullable=False),
        sa.Column("ts", sa.String(40), nullable=False),
        sa.Column("posted_at", UTCDateTime(), nullable=False),
    )
    with op.batch_alter_table("sla_clocks") as batch:
        batch.add_column(sa.Column("met_work_us", sa.BigInteger))
    # Indexes the week's figures read alone (covering), without visiting the rows.
    op.create_index("ix_sla_clocks_met_at", "sla_clocks",
                    ["met_at", "target", "met_work_us", "budget_us", "ticket_id"])
    op.create_index("ix_sla_nudges_mark_recorded", "sla_nudges", ["mark", "recorded_at"])
    op.create_index("ix_tickets_team_created", "tickets", ["team", "created_at"])
    op.create_index("ix_tickets_team_solved", "tickets", ["team", "solved_at"])
    op.create_index("ix_tickets_id_team", "tickets", ["id", "team"])
    op.drop_index("ix_ratings_team_received", "ratings")
    op.create_index("ix_ratings_team_received", "ratings",
                    ["team", "received_at", "score", "negative", "agent_email"])


def downgrade() -> None:
    op.drop_index("ix_ratings_team_received", "ratings")
    op.create_index("ix_ratings_team_received", "ratings", ["team", "received_at"])
    op.drop_index("ix_tickets_id_team", "tickets")
    op.drop_index("ix_tickets_team_solved", "tickets")
    op.drop_index("ix_tickets_team_created", "tickets")
    op.drop_index("ix_sla_nudges_mark_recorded", "sla_nudges")
    op.drop_index("ix_sla_clocks_met_at", "sla_clocks")
    with op.batch_alter_table("sla_clocks") as batch:
        batch.drop_column("met_work_us")
    op.drop_table("stream_threads")
    op.drop_index("ix_weekly_reviews_team_week", "weekly_reviews")
    op.drop_table("weekly_reviews")
