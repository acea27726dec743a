"""kept drafts

The Editor's unsaved working copy of a journey, kept per person (a signed-in user's e-mail
address, or a browser's id) so that a reload or another tab can go on with it. A new table:
on SQLite adding one touches no other table.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 08:19:54.534567
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kept_draft",
        sa.Column("journey_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("person", sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=False),
        # the database's clock (now() on PostgreSQL, CURRENT_TIMESTAMP on SQLite), not the app server's
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["journey_id"], ["journey.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("journey_id", "person"),
    )


def downgrade() -> None:
    op.drop_table("kept_draft")
