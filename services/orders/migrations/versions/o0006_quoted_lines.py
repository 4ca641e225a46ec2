"""orders: a cart line priced by an accepted quote keeps the quoted quantity (REVIEW R20)

Revision ID: o0006
Revises: o0005
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "o0006"
down_revision = "o0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cart_lines") as batch:
        batch.add_column(sa.Column("quoted", sa.Boolean, nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("cart_lines") as batch:
        batch.drop_column("quoted")
