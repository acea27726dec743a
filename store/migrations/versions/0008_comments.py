"""comments

Comment threads on touchpoints (by key) and ideas, rows of their own beside the journey, and the
people each comment mentions (indexed by the folded name, for "mentions of me"). New tables: on
SQLite adding them touches no other table.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08 10:19:04.578197
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("journey_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("touchpoint_key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
        sa.Column("idea_id", sa.Integer(), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("author", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("resolved_by", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("resolved_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.CheckConstraint("(touchpoint_key IS NULL) <> (idea_id IS NULL)", name="comment_one_subject"),
        sa.ForeignKeyConstraint(["idea_id"], ["idea.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["journey_id"], ["journey.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["parent_id"], ["comment.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_comment_idea_id", "comment", ["idea_id"])
    op.create_index("ix_comment_journey_id_touchpoint_key", "comment", ["journey_id", "touchpoint_key"])
    op.create_index("ix_comment_parent_id", "comment", ["parent_id"])
    op.create_table(
        "comment_mention",
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("person", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.ForeignKeyConstraint(["comment_id"], ["comment.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("comment_id", "person"),
    )
    op.create_index("ix_comment_mention_person", "comment_mention", ["person"])


def downgrade() -> None:
    op.drop_index("ix_comment_mention_person", table_name="comment_mention")
    op.drop_table("comment_mention")
    op.drop_index("ix_comment_parent_id", table_name="comment")
    op.drop_index("ix_comment_journey_id_touchpoint_key", table_name="comment")
    op.drop_index("ix_comment_idea_id", table_name="comment")
    op.drop_table("comment")
