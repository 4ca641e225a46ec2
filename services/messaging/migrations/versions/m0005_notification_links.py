"""messaging: a notification names the single-use link it carries (accounts issues it at send time)

Revision ID: m0005
Revises: m0004
Create Date: 2026-12-02

Rows queued before hold the link in their body and no ``link_id``: they are sent as they
are and their body is replaced afterwards, as before (``Notification._forget_secret_link``).
"""
import sqlalchemy as sa
from alembic import op

revision = "m0005"
down_revision = "m0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("notifications", sa.Column("link_id", sa.String(36), nullable=True))


def downgrade() -> None:
    # The older code would send the marker instead of a link: such rows are closed with a reason.
    op.execute("UPDATE notifications SET status = 'failed', last_error = 'its link can only be issued by a newer "
               "version', locked_until = NULL WHERE link_id IS NOT NULL AND status = 'pending'")
    with op.batch_alter_table("notifications") as batch:
        batch.drop_column("link_id")
