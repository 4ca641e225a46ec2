"""orders: what the customer is told to do to pay

Revision ID: o0003
Revises: o0002
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

revision = "o0003"
down_revision = "o0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("payment_instructions", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("payment_instructions")
