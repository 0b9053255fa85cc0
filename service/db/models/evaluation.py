"""The competency evaluation of an exercise, and observers' free observations.

Ratings are rows, one per rated item, unlike the questionnaire's single JSON document:
statistics read them across tens of thousands of establishments (a few million rows over five
years, DESIGN §6), by item and by rating, with plain indexed SQL. The grid is still read and
replaced whole (PUT); its header row carries the revision, hence the one ETag of the grid, and
whoever filled it in.

Links to the chronogram are real foreign keys: an entry deleted from the chronogram takes its
links with it (a rating keeps its value), and an observation keeps its text without its entry.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.db.base import Base


class CompetencyEvaluation(Base):
    """« Évaluation des compétences »: the grid's header, created by its first save."""

    __tablename__ = "competency_evaluation"

    exercise_id: Mapped[UUID] = mapped_column(ForeignKey("exercise.id", ondelete="CASCADE"), unique=True)
    # Free text: evaluators are often observers from the CRRC, without an account here.
    evaluator_name: Mapped[str | None] = mapped_column(String(200))
    evaluator_role: Mapped[str | None] = mapped_column(String(200))


class CompetencyRating(Base):
    """The level reached on one item of the framework (service.kit competencies)."""

    __tablename__ = "competency_rating"
    # One rating per item and exercise; statistics group by item across exercises.
    __table_args__ = (
        UniqueConstraint("exercise_id", "item_code"),
        Index("ix_competency_rating_item_rating", "item_code", "rating"),
    )

    exercise_id: Mapped[UUID] = mapped_column(ForeignKey("exercise.id", ondelete="CASCADE"))
    item_code: Mapped[str] = mapped_column(String(40))
    # Rating code (NA … TRES_SATISFAISANT).
    rating: Mapped[str] = mapped_column(String(24))
    comment: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[str | None] = mapped_column(Text)
    # Who gave the current rating, and when: set by the service when the rating changes.
    evaluator_name: Mapped[str | None] = mapped_column(String(200))
    evaluator_role: Mapped[str | None] = mapped_column(String(200))
    evaluated_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    links: Mapped[list[CompetencyRatingEntry]] = relationship(
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="CompetencyRatingEntry.position",
        passive_deletes=True,
    )


class CompetencyRatingEntry(Base):
    """A chronogram entry where the rated competency was observed (same exercise: checked by
    the service before every write)."""

    __tablename__ = "competency_rating_entry"
    __table_args__ = (UniqueConstraint("rating_id", "entry_id"),)

    rating_id: Mapped[UUID] = mapped_column(ForeignKey("competency_rating.id", ondelete="CASCADE"))
    entry_id: Mapped[UUID] = mapped_column(ForeignKey("chronogram_entry.id", ondelete="CASCADE"), index=True)
    # The order the evaluator gave the links in.
    position: Mapped[int] = mapped_column()


class ExerciseObservation(Base):
    """A free observation noted by an observer while the exercise is played."""

    __tablename__ = "exercise_observation"
    __table_args__ = (Index("ix_exercise_observation_exercise_time", "exercise_id", "observed_at"),)

    exercise_id: Mapped[UUID] = mapped_column(ForeignKey("exercise.id", ondelete="CASCADE"))
    observed_at: Mapped[datetime] = mapped_column(DateTimeUTC(timezone=True))
    text: Mapped[str] = mapped_column(Text)
    observer: Mapped[str | None] = mapped_column(String(200))
    entry_id: Mapped[UUID | None] = mapped_column(
        ForeignKey("chronogram_entry.id", ondelete="SET NULL"), index=True
    )
