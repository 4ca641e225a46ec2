"""accounts: a company's tax id can be released (REVIEW R17: numbers are not verified, so they can be squatted)

Revision ID: a0002
Revises: a0001
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

from services.chassis.tables import UtcDateTime

revision = "a0002"
down_revision = "a0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("companies") as batch:
        batch.alter_column("tax_id_normalised", existing_type=sa.String(40), nullable=True)
        batch.add_column(sa.Column("tax_id_released_at", UtcDateTime, nullable=True))
        batch.add_column(sa.Column("tax_id_released_by", sa.String(36), nullable=True))


def downgrade() -> None:
    # A released company gets its number back (spaces and dashes dropped, as most were written); a clash with the company that then
    # registered it makes the downgrade fail, which is right: two companies cannot both hold one.
    op.execute("UPDATE companies SET tax_id_normalised = UPPER(REPLACE(REPLACE(tax_id, ' ', ''), '-', '')) "
               "WHERE tax_id_normalised IS NULL")
    with op.batch_alter_table("companies") as batch:
        batch.drop_column("tax_id_released_by")
        batch.drop_column("tax_id_released_at")
        batch.alter_column("tax_id_normalised", existing_type=sa.String(40), nullable=False)
