"""messaging: the desk (threads, messages), the facts order mails need, refusals apart from tries

Revision ID: m0003
Revises: m0002
Create Date: 2026-11-24

``refusals`` starts at 0 for existing rows: earlier tries were not told
apart (refused message or channel down), so every pending notification gets
the full budget of refusals from here on; sent and failed rows keep their
state, and their ``attempts``.
"""
import sqlalchemy as sa
from alembic import op

from services.chassis.tables import UtcDateTime

revision = "m0003"
down_revision = "m0002"
branch_labels = None
depends_on = None

OPEN_CHANNEL = sa.text("status <> 'closed' AND context_ref IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("refusals", sa.Integer, nullable=False, server_default="0"))

    op.create_table(
        "threads",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("customer_id", sa.String(64), nullable=False),
        sa.Column("customer_email", sa.String(254), nullable=True),
        sa.Column("customer_language", sa.String(8), nullable=True),
        sa.Column("context_type", sa.String(10), nullable=False),
        sa.Column("context_ref", sa.String(40), nullable=True),
        sa.Column("subject", sa.String(100), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("assigned_to", sa.String(64), nullable=True),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.Column("last_activity_at", UtcDateTime, nullable=False),
        sa.Column("first_response_due_at", UtcDateTime, nullable=False),
        sa.Column("first_response_at", UtcDateTime, nullable=True),
        sa.Column("closed_at", UtcDateTime, nullable=True),
        sa.Column("message_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("customer_unread", sa.Integer, nullable=False, server_default="0"),
        sa.Column("staff_unread", sa.Integer, nullable=False, server_default="0"),
        sa.Column("staff_alerted", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_threads_customer", "threads", ["customer_id", "last_activity_at"])
    op.create_index("ix_threads_status", "threads", ["status", "last_activity_at"])
    op.create_index("ix_threads_context", "threads", ["context_type", "context_ref"])
    op.create_index("ix_threads_first_response", "threads", ["first_response_at", "first_response_due_at"])
    op.create_index("uq_threads_open_channel", "threads", ["customer_id", "context_type", "context_ref"],
                    unique=True, sqlite_where=OPEN_CHANNEL, postgresql_where=OPEN_CHANNEL)

    op.create_table(
        "thread_messages",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("thread_id", sa.String(36), sa.ForeignKey("threads.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("author", sa.String(10), nullable=False),
        sa.Column("author_id", sa.String(64), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False),
        sa.UniqueConstraint("thread_id", "position", name="uq_thread_messages_position"),
    )

    op.create_table(
        "customer_languages",
        sa.Column("customer_id", sa.String(64), primary_key=True),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("updated_at", UtcDateTime, nullable=False),
    )
    op.create_table(
        "known_orders",
        sa.Column("order_number", sa.String(40), primary_key=True),
        sa.Column("customer_id", sa.String(64), nullable=False),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("placed_at", UtcDateTime, nullable=False),
    )
    op.create_index("ix_known_orders_customer", "known_orders", ["customer_id"])


def downgrade() -> None:
    op.drop_index("ix_known_orders_customer", table_name="known_orders")
    op.drop_table("known_orders")
    op.drop_table("customer_languages")
    op.drop_table("thread_messages")
    for name in ("uq_threads_open_channel", "ix_threads_first_response", "ix_threads_context", "ix_threads_status",
                 "ix_threads_customer"):
        op.drop_index(name, table_name="threads")
    op.drop_table("threads")
    with op.batch_alter_table("notifications") as batch:
        batch.drop_column("refusals")
