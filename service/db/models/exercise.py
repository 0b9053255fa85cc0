"""An exercise of an establishment, with its two preparation inputs.

The business questionnaire and the SI description are each one JSON document in a row of its
own, one-to-one with the exercise, rather than one row per answer or per component:

- they are read and replaced whole (PUT), and validated whole against the kit — conditional
  questions depend on other answers, dependencies between components must form no cycle — so
  a row per item would only be reassembled on every read and rewritten on every save;
- each row carries its own ``revision``, hence its own ETag: a colleague filling in the
  questionnaire does not make the SI description (or the exercise's parameters) stale;
- no query looks inside them; statistics that need answers across establishments will read
  them from PostgreSQL's jsonb or from a derived table, not from this one.

Their shapes are the wire formats of ``service.domain.exercises.schemas`` (``AnswerValue``
by question code, ``SiComponent`` fields), checked against the kit before every write.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any
from uuid import UUID

from advanced_alchemy.types import JsonB
from sqlalchemy import Boolean, Connection, Date, ForeignKey, Index, Integer, String, Text, Time, event
from sqlalchemy.orm import Mapped, Mapper, mapped_column

from service.db.base import Base
from service.lib.text import fold


class Exercise(Base):
    """« Paramètres exercice »: the exercise's settings and its place in the lifecycle."""

    __tablename__ = "exercise"
    # Prefilling looks for an organisation's latest exercise; lists filter by organisation.
    __table_args__ = (Index("ix_exercise_organisation_date", "organisation_id", "exercise_date"),)

    organisation_id: Mapped[UUID] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    kit_version: Mapped[str] = mapped_column(String(16))
    # Europe/Paris wall-clock date and time of the start (DEBEX): the exercise happens on site,
    # and its chronogram reads in local time. Both optional while the date is not fixed.
    exercise_date: Mapped[date | None] = mapped_column(Date, index=True)
    start_time: Mapped[time | None] = mapped_column(Time)
    duration_minutes: Mapped[int] = mapped_column(Integer)
    briefing_minutes: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(16))
    format: Mapped[str] = mapped_column(String(16))
    scenario_type: Mapped[str] = mapped_column(String(40), index=True)
    objectives: Mapped[list[str]] = mapped_column(JsonB, default=list)
    # [{"role": ParticipantRole, "count": int, "names": [str]}], one entry per role.
    participants: Mapped[list[dict[str, Any]]] = mapped_column(JsonB, default=list)
    facilitators_count: Mapped[int] = mapped_column(Integer)
    observers_count: Mapped[int] = mapped_column(Integer)
    include_perturbations: Mapped[bool] = mapped_column(Boolean)
    status: Mapped[str] = mapped_column(String(16), index=True)
    # The exercise whose questionnaire and SI description were copied at creation. No foreign
    # key: that exercise may be deleted later, and its provenance stays worth knowing (a SET
    # NULL would also change this row behind its revision, hence behind its ETag).
    prefilled_from_id: Mapped[UUID | None] = mapped_column()
    # fold(title), derived on every write: titles sort without regard to case or accents.
    sort_title: Mapped[str] = mapped_column(Text, default="")


@event.listens_for(Exercise, "before_insert")
@event.listens_for(Exercise, "before_update")
def _derive_sort_title(_mapper: Mapper[Exercise], _connection: Connection, target: Exercise) -> None:
    target.sort_title = fold(target.title)


class ExerciseQuestionnaire(Base):
    """« Questionnaire métier (ESSMS) »: answers keyed by question code."""

    __tablename__ = "exercise_questionnaire"

    exercise_id: Mapped[UUID] = mapped_column(ForeignKey("exercise.id", ondelete="CASCADE"), unique=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JsonB, default=dict)


class ExerciseInformationSystem(Base):
    """« Description du SI »: the components present, in the order the establishment lists them."""

    __tablename__ = "exercise_information_system"

    exercise_id: Mapped[UUID] = mapped_column(ForeignKey("exercise.id", ondelete="CASCADE"), unique=True)
    components: Mapped[list[dict[str, Any]]] = mapped_column(JsonB, default=list)
