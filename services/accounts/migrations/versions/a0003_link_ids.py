"""accounts: one-time tokens get an id (what events name a link by); the digest waits for the message

Revision ID: a0003
Revises: a0002
Create Date: 2026-12-02

Before, the secret was made with the token and travelled in the event that asked for the
message; now the event carries ``id`` and the secret is made when the message is sent, so
``token_hash`` is NULL until then. Rows already there keep their digest (their links went
out in the old events) and get an id of their own.
"""
import uuid

import sqlalchemy as sa
from alembic import op

revision = "a0003"
down_revision = "a0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("one_time_tokens", sa.Column("id", sa.String(36), nullable=True))
    tokens = sa.table("one_time_tokens", sa.column("id", sa.String), sa.column("token_hash", sa.String))
    conn = op.get_bind()
    for (digest,) in conn.execute(sa.select(tokens.c.token_hash)).all():
        conn.execute(tokens.update().where(tokens.c.token_hash == digest).values(id=str(uuid.uuid4())))
    # A new primary key: the table is rebuilt on every database (batch mode copies it), which also
    # drops the old key whatever the database named it.
    with op.batch_alter_table("one_time_tokens", recreate="always") as batch:
        batch.alter_column("id", existing_type=sa.String(36), nullable=False)
        batch.alter_column("token_hash", existing_type=sa.String(64), nullable=True)
        batch.create_primary_key("pk_one_time_tokens", ["id"])
        batch.create_unique_constraint("uq_one_time_tokens_token_hash", ["token_hash"])


def downgrade() -> None:
    # Links not sent yet have no digest, and the old key cannot hold them: they are dropped (the
    # customer asks again, the administrator invites again).
    op.execute("DELETE FROM one_time_tokens WHERE token_hash IS NULL")
    with op.batch_alter_table("one_time_tokens", recreate="always") as batch:
        batch.drop_constraint("uq_one_time_tokens_token_hash", type_="unique")
        batch.alter_column("token_hash", existing_type=sa.String(64), nullable=False)
        batch.create_primary_key("pk_one_time_tokens", ["token_hash"])
        batch.drop_column("id")
