"""QA flow: outbox rows name what they are about (`ref`, so DMs about one review or appeal can
be rewritten later), and ticket threads are found by their parent message (the shortcut).

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("ref", sa.String(200)))
    op.create_index("ix_outbox_ref", "outbox", ["ref"])
    op.create_index("ix_slack_threads_message", "slack_threads", ["channel", "ts"])


def downgrade() -> None:
    op.drop_index("ix_slack_threads_message", "slack_threads")
    op.drop_index("ix_outbox_ref", "outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("ref")
