"""drop-out exits

An exit is where customers leave the journey; a drop-out exit is one where they give up
(an unsuccessful end). Existing exits are successful ends until a team marks them.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 06:49:43.551504
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a plain ADD COLUMN, which SQLite does in place: a batch operation would copy the table, and dropping the old
    # one would take its ratings, needs and pain points with it (their foreign keys cascade)
    op.add_column("touchpoint", sa.Column("drop_out", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("touchpoint", schema=None) as batch_op:
        batch_op.drop_column("drop_out")
