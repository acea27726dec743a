"""ratings and touchpoint metrics

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 16:21:55.753698
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("touchpoint_id", sa.Integer(), nullable=False),
        sa.Column("rater", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("discipline", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("desirable", sa.Integer(), nullable=True),
        sa.Column("viable", sa.Integer(), nullable=True),
        sa.Column("feasible", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["touchpoint_id"], ["touchpoint.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("touchpoint_id", "rater"),
    )
    with op.batch_alter_table("rating", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rating_touchpoint_id"), ["touchpoint_id"], unique=False)

    op.create_table(
        "touchpointmetric",
        sa.Column("touchpoint_id", sa.Integer(), nullable=False),
        sa.Column("journey_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("flow", sa.Float(), nullable=False),
        sa.Column("c_dvf", sa.Float(), nullable=False),
        sa.Column("c_gap", sa.Float(), nullable=False),
        sa.Column("c_pain", sa.Float(), nullable=False),
        sa.Column("c_emotion", sa.Float(), nullable=False),
        sa.Column("desirable", sa.Float(), nullable=True),
        sa.Column("viable", sa.Float(), nullable=True),
        sa.Column("feasible", sa.Float(), nullable=True),
        sa.Column("raters", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["journey_id"], ["journey.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["touchpoint_id"], ["touchpoint.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("touchpoint_id"),
    )
    with op.batch_alter_table("touchpointmetric", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_touchpointmetric_journey_id"), ["journey_id"], unique=False)

    with op.batch_alter_table("journey", schema=None) as batch_op:
        batch_op.add_column(sa.Column("metrics_version", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("journey", schema=None) as batch_op:
        batch_op.drop_column("metrics_version")

    with op.batch_alter_table("touchpointmetric", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_touchpointmetric_journey_id"))

    op.drop_table("touchpointmetric")
    with op.batch_alter_table("rating", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rating_touchpoint_id"))

    op.drop_table("rating")
