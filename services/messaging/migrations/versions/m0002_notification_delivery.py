"""messaging: notifications carry their text and delivery state; erased customers

Revision ID: m0002
Revises: m0001
Create Date: 2026-11-23

Rows queued before delivery existed hold no text (only a recipient), and
nothing ever sent them. They are closed as failed with a reason, rather than
sent now, long after the event, with a text made up after the fact.
"""
import sqlalchemy as sa
from alembic import op

from services.chassis.tables import UtcDateTime

revision = "m0002"
down_revision = "m0001"
branch_labels = None
depends_on = None

BEFORE_DELIVERY = "queued before delivery existed; nothing to send"


def upgrade() -> None:
    # Batch mode: SQLite cannot alter or drop columns in place (it copies the table).
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("customer_id", sa.String(64), nullable=True))
        batch.add_column(sa.Column("subject", sa.Text, nullable=True))
        batch.add_column(sa.Column("body", sa.Text, nullable=True))
        batch.add_column(sa.Column("language", sa.String(8), nullable=True))
        batch.add_column(sa.Column("attempts", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("next_attempt_at", UtcDateTime, nullable=True))
        batch.add_column(sa.Column("locked_until", UtcDateTime, nullable=True))
        batch.add_column(sa.Column("last_error", sa.Text, nullable=True))
        batch.add_column(sa.Column("sent_at", UtcDateTime, nullable=True))

    notifications = sa.table(
        "notifications",
        sa.column("subject"), sa.column("body"), sa.column("language"), sa.column("status"),
        sa.column("next_attempt_at"), sa.column("created_at"), sa.column("last_error"),
    )
    op.execute(
        notifications.update().values(
            subject="", body="", language="en", next_attempt_at=notifications.c.created_at,
            status=sa.case((notifications.c.status == "pending", "failed"), else_=notifications.c.status),
            last_error=BEFORE_DELIVERY,
        )
    )

    with op.batch_alter_table("notifications") as batch:
        batch.alter_column("subject", existing_type=sa.Text, nullable=False)
        batch.alter_column("body", existing_type=sa.Text, nullable=False)
        batch.alter_column("language", existing_type=sa.String(8), nullable=False)
        batch.alter_column("next_attempt_at", existing_type=UtcDateTime, nullable=False)
        batch.drop_column("data")  # always "{}": the text now lives in subject and body
        batch.create_index("ix_notifications_customer", ["customer_id"])

    op.create_table(
        "erased_customers",
        sa.Column("customer_id", sa.String(64), primary_key=True),
        sa.Column("erased_at", UtcDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("erased_customers")
    with op.batch_alter_table("notifications") as batch:
        batch.drop_index("ix_notifications_customer")
        batch.add_column(sa.Column("data", sa.Text, nullable=False, server_default="{}"))
        for column in ("sent_at", "last_error", "locked_until", "next_attempt_at", "attempts",
                       "language", "body", "subject", "customer_id"):
            batch.drop_column(column)
