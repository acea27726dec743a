"""All tables of the workbench, normalised so that cross-journey questions are plain SQL.

A journey owns its stages, personas, touchpoints, transitions and revisions; a
touchpoint owns its needs, pain points, emotions and persona links. Deleting a
journey removes all of it, both through the ORM and through ``ON DELETE CASCADE``.
Times are timezone-aware, in UTC.
"""

from datetime import UTC, date, datetime
from uuid import uuid4

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Index, Integer, Text, UniqueConstraint, func
from sqlmodel import Field, Relationship, SQLModel

__all__ = [
    "Comment",
    "CommentMention",
    "Emotion",
    "Idea",
    "IdeaTarget",
    "Journey",
    "KeptDraft",
    "Measurement",
    "Need",
    "PainPoint",
    "Persona",
    "Presence",
    "Revision",
    "Stage",
    "Survey",
    "Touchpoint",
    "TouchpointPersona",
    "Transition",
    "new_lifetime",
    "utcnow",
]


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_lifetime() -> str:
    """A value of its own for a journey stored anew (see ``Journey.lifetime``)."""
    return uuid4().hex


def _fk(target: str, ondelete: str = "CASCADE", *, nullable: bool = False, primary_key: bool = False):
    return Field(
        default=None if nullable else ...,
        sa_column=Column(
            Integer,
            ForeignKey(target, ondelete=ondelete),
            nullable=nullable,
            primary_key=primary_key,
            index=not primary_key,
        ),
    )


class Journey(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=64)
    name: str
    description: str = Field(default="", sa_type=Text)
    state: str = Field(default="as-is", max_length=16)
    version: int = 1
    source_id: str | None = Field(default=None, max_length=64)  # the journey this one was copied from
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: str = ""
    deleted_at: datetime | None = None
    deleted_by: str = ""
    # the version whose figures are in touchpointmetric; 0 = to be recomputed (see store.analysis)
    metrics_version: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # What caches of a journey are keyed by, from the database alone (never a clock): a value of its own for each
    # journey stored under an id (the id of one deleted for good may be given again, by an import or a restore;
    # journeys from before 0007 have "", and any stored after them under the same id a new value), and how many
    # times the journey, its ratings, ideas and surveys were written (store.repository.count_change).
    lifetime: str = Field(default_factory=new_lifetime, max_length=32, sa_column_kwargs={"server_default": ""})
    change_count: int = Field(default=0, sa_column_kwargs={"server_default": "0"})

    stages: list["Stage"] = Relationship(back_populates="journey", cascade_delete=True, passive_deletes=True)
    personas: list["Persona"] = Relationship(back_populates="journey", cascade_delete=True, passive_deletes=True)
    touchpoints: list["Touchpoint"] = Relationship(back_populates="journey", cascade_delete=True, passive_deletes=True)
    transitions: list["Transition"] = Relationship(back_populates="journey", cascade_delete=True, passive_deletes=True)
    revisions: list["Revision"] = Relationship(back_populates="journey", cascade_delete=True, passive_deletes=True)
    ideas: list["Idea"] = Relationship(back_populates="journey", cascade_delete=True, passive_deletes=True)
    surveys: list["Survey"] = Relationship(back_populates="journey", cascade_delete=True, passive_deletes=True)
    kept_drafts: list["KeptDraft"] = Relationship(back_populates="journey", cascade_delete=True, passive_deletes=True)
    comments: list["Comment"] = Relationship(back_populates="journey", cascade_delete=True, passive_deletes=True)
    presence: list["Presence"] = Relationship(back_populates="journey", cascade_delete=True, passive_deletes=True)


class Stage(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("journey_id", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    journey_id: str = Field(foreign_key="journey.id", ondelete="CASCADE", index=True, max_length=64)
    key: str
    name: str
    position: int

    journey: "Journey" = Relationship(back_populates="stages")
    touchpoints: list["Touchpoint"] = Relationship(back_populates="stage")


class Persona(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("journey_id", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    journey_id: str = Field(foreign_key="journey.id", ondelete="CASCADE", index=True, max_length=64)
    key: str
    name: str
    segment: str = Field(default="", sa_type=Text)
    goals: str = Field(default="", sa_type=Text)
    quote: str = Field(default="", sa_type=Text)
    value: float | None = None
    position: int

    journey: "Journey" = Relationship(back_populates="personas")


class Touchpoint(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("journey_id", "key"),)
    id: int | None = Field(default=None, primary_key=True)
    journey_id: str = Field(foreign_key="journey.id", ondelete="CASCADE", index=True, max_length=64)
    key: str
    stage_id: int = _fk("stage.id", "RESTRICT")
    name: str
    channel: str = ""
    owner: str = ""
    description: str = Field(default="", sa_type=Text)
    backstage: bool = False
    moment_of_truth: bool = False
    entry: bool = False
    exit: bool = False
    expectation: int | None = None
    experience: int | None = None
    drop_out: bool = False  # an exit where customers give up (journeys.model.fields)
    position: int

    journey: "Journey" = Relationship(back_populates="touchpoints")
    stage: "Stage" = Relationship(back_populates="touchpoints")
    needs: list["Need"] = Relationship(back_populates="touchpoint", cascade_delete=True, passive_deletes=True)
    pains: list["PainPoint"] = Relationship(back_populates="touchpoint", cascade_delete=True, passive_deletes=True)
    emotions: list["Emotion"] = Relationship(back_populates="touchpoint", cascade_delete=True, passive_deletes=True)
    persona_links: list["TouchpointPersona"] = Relationship(
        back_populates="touchpoint", cascade_delete=True, passive_deletes=True
    )
    ratings: list["Rating"] = Relationship(back_populates="touchpoint", cascade_delete=True, passive_deletes=True)
    idea_targets: list["IdeaTarget"] = Relationship(
        back_populates="touchpoint", cascade_delete=True, passive_deletes=True
    )
    measurements: list["Measurement"] = Relationship(
        back_populates="touchpoint", cascade_delete=True, passive_deletes=True
    )


class TouchpointPersona(SQLModel, table=True):
    """A persona who passes a touchpoint."""

    touchpoint_id: int = _fk("touchpoint.id", primary_key=True)
    persona_id: int = _fk("persona.id", primary_key=True)
    position: int

    touchpoint: "Touchpoint" = Relationship(back_populates="persona_links")


class Emotion(SQLModel, table=True):
    """How a persona feels at a touchpoint, -2..+2."""

    touchpoint_id: int = _fk("touchpoint.id", primary_key=True)
    persona_id: int = _fk("persona.id", primary_key=True)
    value: int

    touchpoint: "Touchpoint" = Relationship(back_populates="emotions")


class Need(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    touchpoint_id: int = _fk("touchpoint.id")
    persona_id: int | None = _fk("persona.id", "SET NULL", nullable=True)
    text: str = Field(sa_type=Text)
    motivation: str = Field(default="", sa_type=Text)
    kind: str = Field(default="functional", max_length=16)
    position: int

    touchpoint: "Touchpoint" = Relationship(back_populates="needs")


class PainPoint(SQLModel, table=True):
    __tablename__ = "pain_point"
    id: int | None = Field(default=None, primary_key=True)
    touchpoint_id: int = _fk("touchpoint.id")
    persona_id: int | None = _fk("persona.id", "SET NULL", nullable=True)
    text: str = Field(sa_type=Text)
    severity: int
    evidence: str = Field(default="assumption", max_length=16)
    position: int

    touchpoint: "Touchpoint" = Relationship(back_populates="pains")


class Transition(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("source_id", "target_id"),)
    id: int | None = Field(default=None, primary_key=True)
    journey_id: str = Field(foreign_key="journey.id", ondelete="CASCADE", index=True, max_length=64)
    source_id: int = _fk("touchpoint.id")
    target_id: int = _fk("touchpoint.id")
    label: str = ""
    share: float | None = None
    position: int

    journey: "Journey" = Relationship(back_populates="transitions")


class Revision(SQLModel, table=True):
    """One saved version of a journey: who, when, what changed, and the journey itself.

    ``changes`` tells what changed as records in no language (``store.summaries``);
    versions saved before it existed have none and an English ``summary`` instead
    (which also holds a text given to ``save_journey`` in place of the records).
    ``snapshot`` holds either the whole journey as JSON or what changed since the version
    before (see ``store.rows.patch``); ``store.repository.load_revision`` reads either.
    """

    __table_args__ = (
        UniqueConstraint("journey_id", "version"),
        Index("ix_revision_created_at", "created_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    journey_id: str = Field(foreign_key="journey.id", ondelete="CASCADE", index=True, max_length=64)
    version: int
    author: str = ""
    created_at: datetime = Field(default_factory=utcnow)
    summary: str = Field(default="", sa_type=Text)
    changes: list[dict] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    snapshot: str = Field(sa_type=Text)

    journey: "Journey" = Relationship(back_populates="revisions")


class Rating(SQLModel, table=True):
    """One participant's desirable / viable / feasible scores (1..5) for one touchpoint or one idea.

    Touchpoints and ideas are scored by the same mechanism: a rating belongs to exactly
    one of them. One row per rater and touchpoint (or idea): raters never overwrite each
    other, and a rater's new scores replace only their own.
    """

    __table_args__ = (
        UniqueConstraint("touchpoint_id", "rater"),
        UniqueConstraint("idea_id", "rater", name="uq_rating_idea_id_rater"),
        CheckConstraint("(touchpoint_id IS NULL) <> (idea_id IS NULL)", name="rating_one_subject"),
    )
    id: int | None = Field(default=None, primary_key=True)
    touchpoint_id: int | None = _fk("touchpoint.id", nullable=True)
    idea_id: int | None = _fk("idea.id", nullable=True)
    rater: str
    discipline: str = Field(default="other", max_length=32)
    desirable: int | None = None
    viable: int | None = None
    feasible: int | None = None
    comment: str = Field(default="", sa_type=Text)
    updated_at: datetime = Field(default_factory=utcnow)

    touchpoint: "Touchpoint" = Relationship(back_populates="ratings")
    idea: "Idea" = Relationship(back_populates="ratings")


class TouchpointMetric(SQLModel, table=True):
    """Derived figures of a touchpoint, kept so that portfolio heatmaps are one SQL query.

    Recomputed from the journey and its ratings whenever ``journey.metrics_version``
    is behind ``journey.version`` (see ``store.analysis.refresh_metrics``).
    """

    touchpoint_id: int = _fk("touchpoint.id", primary_key=True)
    journey_id: str = Field(foreign_key="journey.id", ondelete="CASCADE", index=True, max_length=64)
    flow: float
    c_dvf: float
    c_gap: float
    c_pain: float
    c_emotion: float
    desirable: float | None = None
    viable: float | None = None
    feasible: float | None = None
    raters: int = 0


class Idea(SQLModel, table=True):
    """A proposed change (opportunity) to one or more touchpoints of a journey.

    Ideas are rows of their own, versioned one by one: editing an idea never conflicts
    with editing the journey, and two people editing the same idea get a conflict, not
    a silent overwrite.
    """

    id: int | None = Field(default=None, primary_key=True)
    journey_id: str = Field(foreign_key="journey.id", ondelete="CASCADE", index=True, max_length=64)
    title: str
    description: str = Field(default="", sa_type=Text)
    owner: str = ""
    status: str = Field(default="open", max_length=16)
    effort: int | None = None
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str = ""
    updated_at: datetime = Field(default_factory=utcnow)
    updated_by: str = ""

    journey: "Journey" = Relationship(back_populates="ideas")
    targets: list["IdeaTarget"] = Relationship(back_populates="idea", cascade_delete=True, passive_deletes=True)
    ratings: list["Rating"] = Relationship(back_populates="idea", cascade_delete=True, passive_deletes=True)
    comments: list["Comment"] = Relationship(back_populates="idea", cascade_delete=True, passive_deletes=True)


class IdeaTarget(SQLModel, table=True):
    """A touchpoint an idea addresses, and which of its pain points (by text; empty = the touchpoint as a whole)."""

    __tablename__ = "idea_target"
    idea_id: int = _fk("idea.id", primary_key=True)
    touchpoint_id: int = _fk("touchpoint.id", primary_key=True)
    pains: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    position: int

    idea: "Idea" = Relationship(back_populates="targets")
    touchpoint: "Touchpoint" = Relationship(back_populates="idea_targets")


class Survey(SQLModel, table=True):
    """One imported customer survey of a journey: when it was run and its overall rating."""

    id: int | None = Field(default=None, primary_key=True)
    journey_id: str = Field(foreign_key="journey.id", ondelete="CASCADE", index=True, max_length=64)
    name: str
    surveyed_on: date
    responses: int
    skipped_rows: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    overall_scale: str | None = Field(default=None, max_length=8)
    overall_mean: float | None = None
    overall_top2: float | None = None
    overall_n: int | None = None
    overall_nps: float | None = None
    imported_at: datetime = Field(default_factory=utcnow)
    imported_by: str = ""

    journey: "Journey" = Relationship(back_populates="surveys")
    measurements: list["Measurement"] = Relationship(back_populates="survey", cascade_delete=True, passive_deletes=True)


class Measurement(SQLModel, table=True):
    """A touchpoint's measured experience in one survey (see journeys.analysis.survey.Aggregate)."""

    __table_args__ = (UniqueConstraint("survey_id", "touchpoint_id"),)
    id: int | None = Field(default=None, primary_key=True)
    survey_id: int = _fk("survey.id")
    touchpoint_id: int = _fk("touchpoint.id")
    scale: str = Field(max_length=8)
    mean: float
    top2: float
    n: int
    nps: float | None = None
    importance: float | None = None
    importance_n: int = 0

    survey: "Survey" = Relationship(back_populates="measurements")
    touchpoint: "Touchpoint" = Relationship(back_populates="measurements")


class KeptDraft(SQLModel, table=True):
    """A person's unsaved working copy of a journey in the Editor, kept so that a reload or another tab goes on with it.

    One per person and journey: the draft as the Editor holds it (JSON text), the version it
    is based on, and when it was last written, by the database's clock. ``person`` is the
    signed-in user's e-mail address, or the id of a browser on an open workbench. Backups
    leave kept drafts out; deleting the journey deletes them.
    """

    __tablename__ = "kept_draft"
    journey_id: str = Field(foreign_key="journey.id", ondelete="CASCADE", primary_key=True, max_length=64)
    person: str = Field(primary_key=True, max_length=320)
    text: str = Field(sa_type=Text)
    base_version: int
    updated_at: datetime = Field(sa_column_kwargs={"server_default": func.now()})

    journey: "Journey" = Relationship(back_populates="kept_drafts")


class Comment(SQLModel, table=True):
    """A comment on a touchpoint (by its key) or on an idea of a journey: the first of a thread, or a reply to one.

    Comments are rows of their own, never part of the journey's graph: writing one neither
    conflicts with an edit of the journey nor changes its version. A touchpoint is named by its
    key, as the journey's versions name it, so that its comments outlive a save that writes its
    row anew and come back with a version that brings the touchpoint back. Threads are one
    level deep (a reply's ``parent_id`` names a top comment); only a top comment is resolved.
    Deleting the journey, the idea or the top comment deletes the comment.
    """

    __table_args__ = (
        CheckConstraint("(touchpoint_key IS NULL) <> (idea_id IS NULL)", name="comment_one_subject"),
        Index("ix_comment_journey_id_touchpoint_key", "journey_id", "touchpoint_key"),
    )
    id: int | None = Field(default=None, primary_key=True)
    # indexed with the touchpoint's key (ix_comment_journey_id_touchpoint_key), which also serves the journey alone
    journey_id: str = Field(foreign_key="journey.id", ondelete="CASCADE", max_length=64)
    touchpoint_key: str | None = Field(default=None, max_length=200)
    idea_id: int | None = _fk("idea.id", nullable=True)
    parent_id: int | None = _fk("comment.id", nullable=True)
    author: str = Field(max_length=200)
    text: str = Field(sa_type=Text)
    created_at: datetime = Field(default_factory=utcnow)
    resolved_by: str = Field(default="", max_length=200)
    resolved_at: datetime | None = None

    journey: "Journey" = Relationship(back_populates="comments")
    idea: "Idea" = Relationship(back_populates="comments")
    mentions: list["CommentMention"] = Relationship(back_populates="comment", cascade_delete=True, passive_deletes=True)


class CommentMention(SQLModel, table=True):
    """A person a comment mentions (``@Name``): the name as written, and folded (``casefold``) to look it up by."""

    __tablename__ = "comment_mention"
    comment_id: int = _fk("comment.id", primary_key=True)
    person: str = Field(primary_key=True, max_length=200, index=True)  # the name, casefolded
    name: str = Field(max_length=200)

    comment: "Comment" = Relationship(back_populates="mentions")


class Presence(SQLModel, table=True):
    """Who has a journey open right now, and on which page: one row per browser tab, renewed while it is open.

    ``seen_at`` is the database's clock at the last heartbeat (never the app server's: several
    servers may share the database); a row not renewed for :data:`store.presence.GONE_AFTER_S`
    counts as gone, and is deleted by a later heartbeat. Backups leave presence out; deleting the
    journey deletes it.
    """

    journey_id: str = Field(foreign_key="journey.id", ondelete="CASCADE", primary_key=True, max_length=64)
    tab: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=200)
    page: str = Field(max_length=32)
    seen_at: datetime = Field(sa_column_kwargs={"server_default": func.now()})

    journey: "Journey" = Relationship(back_populates="presence")
