"""journey lifetime and change count

What caches of a journey are keyed by, from the database alone: a value of its own for each
journey stored under an id (a journey deleted for good and imported again under its id is
another one), and a count of the writes to the journey, its ratings, ideas and surveys.
Journeys stored before have the lifetime "" (any journey stored later gets a value of its
own) and the count 0.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 21:10:00.000000
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN, which SQLite does in place: a batch operation would copy the journey table, and dropping the
    # old one would take every row that belongs to a journey with it (their foreign keys cascade)
    op.add_column(
        "journey",
        sa.Column("lifetime", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False, server_default=""),
    )
    op.add_column("journey", sa.Column("change_count", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    # plain DROP COLUMN (SQLite 3.35 and newer do it in place), for the same reason
    op.drop_column("journey", "change_count")
    op.drop_column("journey", "lifetime")
