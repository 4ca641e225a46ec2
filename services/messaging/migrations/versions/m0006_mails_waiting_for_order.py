"""messaging: a mail that overtook its order waits for it (status waiting_for_order, order_number)

Revision ID: m0006
Revises: m0005
Create Date: 2026-12-02

Such mails were re-queued for ten minutes, then dropped (REVIEW R7); now they are stored
without an address and addressed when the order's order_placed is handled.
"""
import sqlalchemy as sa
from alembic import op

revision = "m0006"
down_revision = "m0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("notifications", sa.Column("order_number", sa.String(40), nullable=True))
    op.create_index("ix_notifications_order_number", "notifications", ["order_number"])


def downgrade() -> None:
    # The older code knows no waiting state: a waiting mail cannot be addressed there.
    op.execute("UPDATE notifications SET status = 'cancelled', last_error = 'waited for its order; downgraded' "
               "WHERE status = 'waiting_for_order'")
    op.drop_index("ix_notifications_order_number", "notifications")
    with op.batch_alter_table("notifications") as batch:
        batch.drop_column("order_number")
