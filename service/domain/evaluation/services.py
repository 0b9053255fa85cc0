"""Business rules of the competency evaluation and of observations. Services never commit.

The grid opens once the exercise has been played (PLAYED: partial saves) and stays open while
it is EVALUATED (complete saves only); the first complete save of a PLAYED exercise moves it to
EVALUATED, in the same transaction. Observations are taken while the exercise is played, from
the chronogram's generation (GENERATED) on. A CLOSED exercise is read-only.

Locks: every write reads the exercise ``FOR UPDATE`` first (as the exercises' services do), so
a save of the grid, a status change and a deletion of the exercise queue on one row.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal
from uuid import UUID

from advanced_alchemy.filters import LimitOffset, OrderBy
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from service.db.models import (
    Chronogram,
    ChronogramEntry,
    CompetencyEvaluation,
    CompetencyRating,
    CompetencyRatingEntry,
    Exercise,
    ExerciseObservation,
)
from service.domain.audit.services import AuditedService
from service.domain.evaluation.engine import (
    ExerciseKey,
    Framework,
    PlayedEntry,
    PreviousExercise,
    entry_problem,
    exercising_entries,
    grid_problems,
    missing_items,
    previous_of,
)
from service.domain.evaluation.schemas import EvaluationPut, Evaluator, ItemRatingPut, ObservationCreate
from service.domain.exercises.services import (
    INVALID_DETAIL,
    ExerciseService,
    ensure_not_closed,
    visible_exercises,
)
from service.errors import ConflictError, FieldError, InvalidDataError, NotFoundError
from service.kit.catalogue import get_catalogue
from service.kit.codes import AuditAction, ExerciseStatus, Rating, ResourceType
from service.kit.content import get_kit
from service.lib.etags import check_if_match
from service.lib.pagination import SortOrder
from service.lib.time import EXERCISE_YEARS, as_utc
from service.security.principal import Caller

S = ExerciseStatus
# The grid may be saved in these statuses (partially while PLAYED).
EVALUABLE = frozenset({S.PLAYED, S.EVALUATED})
# Observers note what they see from the moment the chronogram exists (the exercise is played).
OBSERVABLE = frozenset({S.GENERATED, S.PLAYED, S.EVALUATED})
# Results are compared with the organisation's exercises whose evaluation is final.
COMPARABLE = (S.EVALUATED.value, S.CLOSED.value)


@functools.cache
def framework() -> Framework:
    """The kit's framework and scale, as the scoring reads them (both are fixed at start-up)."""
    return Framework.of(get_kit(), get_catalogue())


async def exercise_ratings(session: AsyncSession, exercise_id: UUID) -> dict[str, Rating]:
    """The exercise's ratings by item code (no rating: no key). Read by the results and by the
    RETEX action plan's suggestions."""
    rows = await session.execute(
        select(CompetencyRating.item_code, CompetencyRating.rating).where(
            CompetencyRating.exercise_id == exercise_id
        )
    )
    return {code: Rating(rating) for code, rating in rows.tuples()}


def _text(value: str | None) -> str | None:
    """Blank text is no text."""
    return (value.strip() or None) if value is not None else None


@dataclass(frozen=True)
class Grid:
    """An exercise's grid as stored: its header (None until the first save) and its ratings in
    the framework's order; for reading, the chronogram's entries that put each item in play
    (None: no chronogram, or not read)."""

    exercise: Exercise
    header: CompetencyEvaluation | None
    ratings: list[CompetencyRating]
    exercising: dict[str, list[UUID]] | None = None

    @property
    def revision(self) -> int:
        return self.header.revision if self.header is not None else 0


@dataclass(frozen=True)
class ResultsInput:
    """What the results of an exercise are computed from."""

    exercise: Exercise
    ratings: dict[str, Rating]
    previous: PreviousExercise | None


class EvaluationService(AuditedService[CompetencyEvaluation]):
    class Repo(SQLAlchemyAsyncRepository[CompetencyEvaluation]):
        model_type = CompetencyEvaluation

    repository_type = Repo
    audited_as = ResourceType.EVALUATION

    @property
    def _session(self) -> AsyncSession:
        session: AsyncSession = self.repository.session
        return session

    @property
    def exercises(self) -> ExerciseService:
        return ExerciseService(session=self._session)

    # Reading

    async def get_grid(self, caller: Caller, exercise_id: UUID) -> Grid:
        exercise = await self.exercises.get_exercise(caller, exercise_id)
        return await self._grid(exercise, for_update=False, with_play=True)

    async def _grid(self, exercise: Exercise, *, for_update: bool, with_play: bool = False) -> Grid:
        header = await self.get_one_or_none(
            CompetencyEvaluation.exercise_id == exercise.id, with_for_update=for_update or None
        )
        rows = (
            (
                await self._session.execute(
                    select(CompetencyRating).where(CompetencyRating.exercise_id == exercise.id)
                )
            )
            .scalars()
            .all()
        )
        order = {code: rank for rank, code in enumerate(framework().item_codes())}
        return Grid(
            exercise,
            header,
            sorted(rows, key=lambda row: order.get(row.item_code, len(order))),
            await self._exercising(exercise.id) if with_play else None,
        )

    async def _exercising(self, exercise_id: UUID) -> dict[str, list[UUID]] | None:
        """Item code → the entries of the exercise's chronogram that put it in play, in play
        order; None when no chronogram was generated (one query: the header, outer-joined to
        its entries)."""
        rows = (
            await self._session.execute(
                select(
                    ChronogramEntry.id,
                    ChronogramEntry.status,
                    ChronogramEntry.phase,
                    ChronogramEntry.competency_items,
                )
                .select_from(Chronogram)
                .outerjoin(ChronogramEntry, ChronogramEntry.chronogram_id == Chronogram.id)
                .where(Chronogram.exercise_id == exercise_id)
                .order_by(ChronogramEntry.offset_minutes, ChronogramEntry.seq)
            )
        ).all()
        if not rows:
            return None
        return exercising_entries(
            PlayedEntry(row.id, row.status, row.phase, row.competency_items or [])
            for row in rows
            if row.id is not None
        )

    async def results_input(self, caller: Caller, exercise_id: UUID) -> ResultsInput:
        """The exercise's ratings, and those of the organisation's previous exercise whose
        evaluation is final (EVALUATED or CLOSED), by date then creation (see ExerciseKey)."""
        exercise = await self.exercises.get_exercise(caller, exercise_id)
        candidates = (
            await self._session.execute(
                select(Exercise.id, Exercise.exercise_date, Exercise.created_at, Exercise.title).where(
                    Exercise.organisation_id == exercise.organisation_id,
                    Exercise.status.in_(COMPARABLE),
                    Exercise.id != exercise.id,
                )
            )
        ).all()
        titles = {row.id: row.title for row in candidates}
        found = previous_of(
            ExerciseKey(exercise.exercise_date, exercise.created_at, exercise.id),
            (ExerciseKey(row.exercise_date, row.created_at, row.id) for row in candidates),
        )
        previous = (
            PreviousExercise(
                id=found.id,
                title=titles[found.id],
                exercise_date=found.exercise_date,
                ratings=await exercise_ratings(self._session, found.id),
            )
            if found is not None
            else None
        )
        return ResultsInput(exercise, await exercise_ratings(self._session, exercise.id), previous)

    # Saving the grid

    async def put_grid(
        self, caller: Caller, exercise_id: UUID, data: EvaluationPut, *, if_match: str | None
    ) -> Grid:
        exercises = self.exercises
        exercise = await exercises.get_exercise(caller, exercise_id, for_update=True)
        grid = await self._grid(exercise, for_update=True)
        check_if_match(if_match, grid.revision)
        status = ExerciseStatus(exercise.status)
        ensure_not_closed(status)
        if status not in EVALUABLE:
            raise ConflictError(
                "L'exercice n'a pas encore été joué : la grille d'évaluation s'ouvre à l'étape « Joué ».",
                code="exercise_not_played",
            )
        scoring = framework()
        entries = await self._entry_exercises(
            caller, (entry for item in data.ratings.values() for entry in item.entry_ids)
        )
        if problems := grid_problems(data.ratings, scoring, exercise.id, entries):
            raise InvalidDataError(INVALID_DETAIL, errors=[FieldError.of(problem) for problem in problems])
        missing = missing_items(data.ratings, scoring)
        if status is S.EVALUATED and missing:
            raise ConflictError(
                "L'exercice est évalué : sa grille doit rester complète (un niveau, N/A compris, "
                "pour chaque item du référentiel).",
                code="evaluation_incomplete",
                errors=[
                    FieldError(field=f"ratings.{code}", code="required", message="Niveau à indiquer.")
                    for code in missing
                ],
            )
        fields = await self._apply(grid, data, datetime.now(UTC))
        header = grid.header or CompetencyEvaluation(exercise_id=exercise.id)
        if grid.header is None:
            self._session.add(header)
        if (header.evaluator_name, header.evaluator_role) != _evaluator(data.evaluator):
            fields.append("evaluator")
        header.evaluator_name, header.evaluator_role = _evaluator(data.evaluator)
        # Every save is a new version of the grid (and a new ETag), its rows changed or not.
        header.updated_at = datetime.now(UTC)
        region_code = await exercises.region_of(exercise)
        if status is S.PLAYED and not missing:
            exercise.status = S.EVALUATED.value
            exercises.record(
                caller, AuditAction.UPDATE, exercise.id, region_code=region_code, fields=["status"]
            )
        await self._session.flush()
        action = AuditAction.CREATE if grid.header is None else AuditAction.UPDATE
        self.record(caller, action, exercise.id, region_code=region_code, fields=fields)
        return await self._grid(exercise, for_update=False, with_play=True)

    async def _apply(self, grid: Grid, data: EvaluationPut, now: datetime) -> list[str]:
        """Write ``data`` over the stored rows; the fields of the items that changed."""
        stored = {row.item_code: row for row in grid.ratings}
        changed: list[str] = []
        for code, item in data.ratings.items():
            row = stored.pop(code, None)
            if row is None:
                row = CompetencyRating(exercise_id=grid.exercise.id, item_code=code, links=[])
                self._session.add(row)
            if _update_row(row, item, data.evaluator, now):
                changed.append(code)
        for code, row in stored.items():
            changed.append(code)
            await self._session.delete(row)
        return [f"ratings.{code}" for code in sorted(changed)]

    async def _entry_exercises(self, caller: Caller, entry_ids: Iterable[UUID]) -> dict[UUID, UUID]:
        """Entry id → its exercise, for those of ``entry_ids`` in an exercise the caller sees.

        An entry out of scope is as unknown as one that exists nowhere (``unknown_entry``, not
        ``entry_of_another_exercise``, which would tell that the id exists elsewhere), and costs
        the same single query: the scope is in its WHERE clause."""
        wanted = set(entry_ids)
        if not wanted:
            return {}
        rows = await self._session.execute(
            select(ChronogramEntry.id, ChronogramEntry.exercise_id).where(
                ChronogramEntry.id.in_(wanted),
                ChronogramEntry.exercise_id.in_(
                    select(Exercise.id).where(visible_exercises(caller.principal))
                ),
            )
        )
        return dict(rows.tuples().all())

    # Observations

    async def list_observations(
        self, caller: Caller, exercise_id: UUID, *, page: LimitOffset, order: SortOrder
    ) -> tuple[Sequence[ExerciseObservation], int]:
        exercise = await self.exercises.get_exercise(caller, exercise_id)
        observations = ObservationService(session=self._session)
        direction: Literal["asc", "desc"] = "desc" if order is SortOrder.DESC else "asc"
        return await observations.get_many_and_count(
            page,
            OrderBy(field_name="observed_at", sort_order=direction),
            OrderBy(field_name="id", sort_order=direction),
            ExerciseObservation.exercise_id == exercise.id,
        )

    async def add_observation(
        self, caller: Caller, exercise_id: UUID, data: ObservationCreate
    ) -> ExerciseObservation:
        exercises = self.exercises
        exercise = await exercises.get_exercise(caller, exercise_id, for_update=True)
        status = ExerciseStatus(exercise.status)
        ensure_not_closed(status)
        if status not in OBSERVABLE:
            raise ConflictError(
                "L'exercice n'a pas encore commencé : les observations se notent une fois le "
                "chronogramme généré, pendant le jeu.",
                code="exercise_not_started",
            )
        text = data.text.strip()
        errors: list[FieldError] = []
        if data.observed_at.year not in EXERCISE_YEARS:
            errors.append(
                FieldError(
                    field="observed_at", code="out_of_range", message="Date attendue entre 2000 et 2100."
                )
            )
        if not text:
            errors.append(FieldError(field="text", code="required", message="Décrivez ce qui a été observé."))
        if data.entry_id is not None:
            entries = await self._entry_exercises(caller, [data.entry_id])
            if (problem := entry_problem("entry_id", data.entry_id, exercise.id, entries)) is not None:
                errors.append(FieldError.of(problem))
        if errors:
            raise InvalidDataError(INVALID_DETAIL, errors=errors)
        observations = ObservationService(session=self._session)
        observation = await observations.create(
            ExerciseObservation(
                exercise_id=exercise.id,
                observed_at=as_utc(data.observed_at),
                text=text,
                observer=_text(data.observer),
                entry_id=data.entry_id,
            )
        )
        observations.record(
            caller,
            AuditAction.CREATE,
            observation.id,
            region_code=await exercises.region_of(exercise),
            fields=[
                name for name in ("observed_at", "text", "observer", "entry_id") if getattr(observation, name)
            ],
        )
        return observation

    async def get_observation(
        self, caller: Caller, exercise_id: UUID, observation_id: UUID, *, for_update: bool = False
    ) -> tuple[Exercise, ExerciseObservation]:
        exercise = await self.exercises.get_exercise(caller, exercise_id, for_update=for_update)
        observation = await ObservationService(session=self._session).get_one_or_none(
            ExerciseObservation.id == observation_id, ExerciseObservation.exercise_id == exercise.id
        )
        if observation is None:
            raise NotFoundError(
                "Aucune observation de cet exercice ne porte cet identifiant.", code="observation_not_found"
            )
        return exercise, observation

    async def delete_observation(
        self, caller: Caller, exercise_id: UUID, observation_id: UUID, *, if_match: str | None
    ) -> None:
        exercise, observation = await self.get_observation(
            caller, exercise_id, observation_id, for_update=True
        )
        exercises, observations = self.exercises, ObservationService(session=self._session)
        check_if_match(if_match, observation.revision)
        ensure_not_closed(ExerciseStatus(exercise.status))
        observations.record(
            caller, AuditAction.DELETE, observation.id, region_code=await exercises.region_of(exercise)
        )
        await observations.delete(observation.id)


class ObservationService(AuditedService[ExerciseObservation]):
    class Repo(SQLAlchemyAsyncRepository[ExerciseObservation]):
        model_type = ExerciseObservation

    repository_type = Repo
    audited_as = ResourceType.OBSERVATION
    count_with_window_function = False


def _evaluator(evaluator: Evaluator | None) -> tuple[str | None, str | None]:
    if evaluator is None:
        return None, None
    return evaluator.name.strip(), _text(evaluator.role)


def _update_row(
    row: CompetencyRating, item: ItemRatingPut, evaluator: Evaluator | None, now: datetime
) -> bool:
    """Write ``item`` on ``row``; whether anything changed. The time and evaluator follow the
    rating: rewriting a comment does not re-date the rating."""
    changed = False
    if row.rating != item.rating:
        row.rating = item.rating
        row.evaluated_at = now
        row.evaluator_name, row.evaluator_role = _evaluator(evaluator)
        changed = True
    comment, evidence = _text(item.comment), _text(item.evidence)
    if (row.comment, row.evidence) != (comment, evidence):
        row.comment, row.evidence = comment, evidence
        changed = True
    if [link.entry_id for link in row.links] != list(item.entry_ids):
        # Links kept are updated in place: a new row for the same entry would collide with the
        # old one on (rating_id, entry_id) before the old one is deleted.
        kept = {link.entry_id: link for link in row.links}
        links = []
        for position, entry_id in enumerate(item.entry_ids):
            link = kept.get(entry_id) or CompetencyRatingEntry(entry_id=entry_id)
            link.position = position
            links.append(link)
        row.links = links
        changed = True
    return changed
