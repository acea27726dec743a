"""revision changes as records

What changed in a revision is kept as records in no language (store.summaries), so that
the history reads in the reader's language. Revisions saved before keep their English
summary; the workbench reads it into records when it shows them.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 10:12:40.118204
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("revision", schema=None) as batch_op:
        batch_op.add_column(sa.Column("changes", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("revision", schema=None) as batch_op:
        batch_op.drop_column("changes")
