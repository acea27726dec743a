"""ideas, idea ratings and surveys

A rating now belongs to a touchpoint or to an idea (exactly one of them): ideas are
scored by the same mechanism as touchpoints.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 18:22:28.562708
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "idea",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("journey_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("effort", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["journey_id"], ["journey.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("idea", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_idea_journey_id"), ["journey_id"], unique=False)

    op.create_table(
        "survey",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("journey_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("surveyed_on", sa.Date(), nullable=False),
        sa.Column("responses", sa.Integer(), nullable=False),
        sa.Column("skipped_rows", sa.JSON(), nullable=False),
        sa.Column("overall_scale", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=True),
        sa.Column("overall_mean", sa.Float(), nullable=True),
        sa.Column("overall_top2", sa.Float(), nullable=True),
        sa.Column("overall_n", sa.Integer(), nullable=True),
        sa.Column("overall_nps", sa.Float(), nullable=True),
        sa.Column("imported_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("imported_by", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.ForeignKeyConstraint(["journey_id"], ["journey.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("survey", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_survey_journey_id"), ["journey_id"], unique=False)

    op.create_table(
        "idea_target",
        sa.Column("idea_id", sa.Integer(), nullable=False),
        sa.Column("touchpoint_id", sa.Integer(), nullable=False),
        sa.Column("pains", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["idea_id"], ["idea.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["touchpoint_id"], ["touchpoint.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("idea_id", "touchpoint_id"),
    )
    op.create_table(
        "measurement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("touchpoint_id", sa.Integer(), nullable=False),
        sa.Column("scale", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("mean", sa.Float(), nullable=False),
        sa.Column("top2", sa.Float(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("nps", sa.Float(), nullable=True),
        sa.Column("importance", sa.Float(), nullable=True),
        sa.Column("importance_n", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["survey_id"], ["survey.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["touchpoint_id"], ["touchpoint.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("survey_id", "touchpoint_id"),
    )
    with op.batch_alter_table("measurement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_measurement_survey_id"), ["survey_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_measurement_touchpoint_id"), ["touchpoint_id"], unique=False)

    with op.batch_alter_table("rating", schema=None) as batch_op:
        batch_op.add_column(sa.Column("idea_id", sa.Integer(), nullable=True))
        batch_op.alter_column("touchpoint_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_index(batch_op.f("ix_rating_idea_id"), ["idea_id"], unique=False)
        batch_op.create_unique_constraint("uq_rating_idea_id_rater", ["idea_id", "rater"])
        batch_op.create_foreign_key("fk_rating_idea_id_idea", "idea", ["idea_id"], ["id"], ondelete="CASCADE")
        batch_op.create_check_constraint("rating_one_subject", "(touchpoint_id IS NULL) <> (idea_id IS NULL)")


def downgrade() -> None:
    with op.batch_alter_table("rating", schema=None) as batch_op:
        batch_op.drop_constraint("rating_one_subject", type_="check")
        batch_op.drop_constraint("fk_rating_idea_id_idea", type_="foreignkey")
        batch_op.drop_constraint("uq_rating_idea_id_rater", type_="unique")
        batch_op.drop_index(batch_op.f("ix_rating_idea_id"))
        batch_op.alter_column("touchpoint_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("idea_id")

    with op.batch_alter_table("measurement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_measurement_touchpoint_id"))
        batch_op.drop_index(batch_op.f("ix_measurement_survey_id"))

    op.drop_table("measurement")
    op.drop_table("idea_target")
    with op.batch_alter_table("survey", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_survey_journey_id"))

    op.drop_table("survey")
    with op.batch_alter_table("idea", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idea_journey_id"))

    op.drop_table("idea")
