"""Native helpdesk webhooks: the helpdesk's own ids of a ticket's people and of a rated agent
(`zendesk:123`, in the weekly review's ratings index too), whether a ticket's state is only
what a partial snapshot said, and the cache of names and emails read from a helpdesk's API.

Revision ID: 0009
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

from db.types import UTCDateTime

revision = "0009"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("requester_ref", sa.String(210)))
        batch.add_column(sa.Column("assignee_ref", sa.String(210)))
        batch.add_column(sa.Column("state_partial", sa.Boolean, nullable=False,
                                   server_default=sa.false()))
    with op.batch_alter_table("ratings") as batch:
        batch.add_column(sa.Column("agent_ref", sa.String(210)))
    # The weekly review's per-agent ratings read this index alone (0006): now by ref too.
    op.drop_index("ix_ratings_team_received", "ratings")
    op.create_index("ix_ratings_team_received", "ratings",
                    ["team", "received_at", "score", "negative", "agent_email", "agent_ref"])
    op.create_table(
        "helpdesk_people",
        sa.Column("ref", sa.String(210), primary_key=True),
        sa.Column("name", sa.Text),
        sa.Column("email", sa.String(320)),
        sa.Column("looked_up_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("helpdesk_people")
    op.drop_index("ix_ratings_team_received", "ratings")
    with op.batch_alter_table("ratings") as batch:
        batch.drop_column("agent_ref")
    op.create_index("ix_ratings_team_received", "ratings",
                    ["team", "received_at", "score", "negative", "agent_email"])
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("state_partial")
        batch.drop_column("assignee_ref")
        batch.drop_column("requester_ref")
