"""QA reviews, their answers and appeals; the ticket history QA's signals read.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

from db.types import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("received_events") as batch:
        batch.add_column(sa.Column("status", sa.String(20)))
        batch.add_column(sa.Column("comment_role", sa.String(40)))
        batch.add_column(sa.Column("comment_public", sa.Boolean))
    op.create_index("ix_received_events_ticket", "received_events", ["ticket_id", "occurred_at"])
    op.create_table(
        "qa_reviews",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("ticket_id", sa.String(200), sa.ForeignKey("tickets.id"), nullable=False),
        sa.Column("team", sa.String(200), nullable=False),
        sa.Column("agent_name", sa.Text),
        sa.Column("agent_email", sa.String(320)),
        sa.Column("agent_target", sa.String(330)),
        sa.Column("reviewer", sa.String(40), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("score", sa.Integer, nullable=False),
        sa.Column("passed", sa.Boolean, nullable=False),
        sa.Column("critical_failed", sa.Boolean, nullable=False),
        sa.Column("comment", sa.Text),
        sa.Column("signals", sa.Text, nullable=False),
        sa.Column("source", sa.String(100), nullable=False),
        sa.Column("corrects_id", sa.Integer, sa.ForeignKey("qa_reviews.id")),
        sa.Column("superseded_by_id", sa.Integer, sa.ForeignKey("qa_reviews.id")),
        sa.UniqueConstraint("source", name="uq_qa_reviews_source"),
    )
    op.create_index("ix_qa_reviews_team_created", "qa_reviews", ["team", "created_at"])
    op.create_index("ix_qa_reviews_ticket", "qa_reviews", ["ticket_id"])
    op.create_table(
        "qa_answers",
        sa.Column("review_id", sa.Integer, sa.ForeignKey("qa_reviews.id"), primary_key=True),
        sa.Column("item_id", sa.String(50), primary_key=True),
        sa.Column("result", sa.String(10), nullable=False),
        sa.Column("weight", sa.Integer, nullable=False),
        sa.Column("critical", sa.Boolean, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
    )
    op.create_table(
        "qa_appeals",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("review_id", sa.Integer, sa.ForeignKey("qa_reviews.id"), nullable=False),
        sa.Column("team", sa.String(200), nullable=False),
        sa.Column("agent", sa.String(40), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("decided_by", sa.String(40)),
        sa.Column("decided_at", UTCDateTime()),
        sa.Column("decision_reason", sa.Text),
        sa.Column("corrected_review_id", sa.Integer, sa.ForeignKey("qa_reviews.id")),
        sa.UniqueConstraint("review_id", name="uq_qa_appeals_review"),
    )
    op.create_index("ix_qa_appeals_team_opened", "qa_appeals", ["team", "opened_at"])
    op.create_index("ix_qa_appeals_team_decided", "qa_appeals", ["team", "decided_at"])


def downgrade() -> None:
    op.drop_table("qa_appeals")
    op.drop_table("qa_answers")
    op.drop_table("qa_reviews")
    op.drop_index("ix_received_events_ticket", "received_events")
    with op.batch_alter_table("received_events") as batch:
        batch.drop_column("comment_public")
        batch.drop_column("comment_role")
        batch.drop_column("status")
