"""orders: at most one active cart per customer, as a partial unique index (two replicas choosing
the active cart at once both won before)

Revision ID: o0007
Revises: o0006
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "o0007"
down_revision = "o0006"
branch_labels = None
depends_on = None

ACTIVE = sa.text("status = 'active'")


def upgrade() -> None:
    # A customer whom the race left with several active carts keeps the one changed last active.
    op.execute("""
        UPDATE carts SET status = 'inactive'
        WHERE status = 'active' AND EXISTS (
            SELECT 1 FROM carts AS newer
            WHERE newer.owner_id = carts.owner_id AND newer.status = 'active'
              AND (newer.updated_at > carts.updated_at OR (newer.updated_at = carts.updated_at AND newer.id > carts.id)))
    """)
    op.create_index("uq_carts_one_active", "carts", ["owner_id"], unique=True, postgresql_where=ACTIVE,
                    sqlite_where=ACTIVE)


def downgrade() -> None:
    op.drop_index("uq_carts_one_active", table_name="carts")
