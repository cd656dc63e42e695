"""Delivery: transport-wide pauses (an outage, refused credentials) shared by every worker, and
which outbox rows may be coalesced under a backlog.

Revision ID: 0007
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

from db.types import UTCDateTime

revision = "0007"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "delivery_pauses",
        sa.Column("key", sa.String(300), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("since", UTCDateTime(), nullable=False),
        sa.Column("until", UTCDateTime(), nullable=False),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("probe_by", sa.String(100)),
    )
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("merge", sa.String(10)))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("merge")
    op.drop_table("delivery_pauses")
