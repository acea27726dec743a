"""presence

Who has a journey open right now, and on which page: one row per browser tab, renewed by a
heartbeat and counted as gone when it is not. A new table: on SQLite adding one touches no other
table.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 10:40:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "presence",
        sa.Column("journey_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("tab", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("page", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        # the database's clock (now() on PostgreSQL, CURRENT_TIMESTAMP on SQLite), not the app server's
        sa.Column("seen_at", sqlmodel.sql.sqltypes.UTCDateTime(), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["journey_id"], ["journey.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("journey_id", "tab"),
    )


def downgrade() -> None:
    op.drop_table("presence")
