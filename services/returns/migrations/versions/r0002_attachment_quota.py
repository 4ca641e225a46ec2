"""returns: index attachments by uploader and time (the per-customer upload quota reads it on every upload)

Revision ID: r0002
Revises: r0001
Create Date: 2026-11-22
"""
from alembic import op

revision = "r0002"
down_revision = "r0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_rma_attachments_uploader", "rma_attachments", ["uploaded_by", "uploaded_at"])


def downgrade() -> None:
    op.drop_index("ix_rma_attachments_uploader", table_name="rma_attachments")
