"""Business rules of exercises and of their preparation inputs. Services never commit.

An exercise is visible exactly when its organisation is: every query carries
``visible_exercises(principal)``, a subquery on ``visible_organisations``, so an exercise out
of scope is not found (404) and never counted.

Locks: an edit reads the exercise ``FOR UPDATE`` first, then the questionnaire or SI row it
changes. The lifecycle check (READY needs complete inputs) and the saves of the inputs (which
must stay complete from READY on) thus queue on the exercise row and cannot interleave.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, TypeVar
from uuid import UUID

import msgspec
from advanced_alchemy.filters import LimitOffset, OrderBy, StatementFilter
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import ColumnElement, select

from service.db.base import Base
from service.db.models import (
    Exercise,
    ExerciseInformationSystem,
    ExerciseQuestionnaire,
    Organisation,
    RetexAction,
)
from service.domain.action_plan.engine import derived_due_date
from service.domain.audit.services import AuditedService, changed_fields, record_event
from service.domain.exercises.rules import (
    EDITABLE_INCOMPLETE,
    answer_errors,
    closed_problem,
    component_errors,
    missing_answer_errors,
    normalise_answers,
    normalise_components,
    normalise_parameters,
    parameter_errors,
    readiness_errors,
    reserved_transition_problem,
    transition_problem,
    valid_answers,
    valid_components,
)
from service.domain.exercises.schemas import (
    ExerciseCreate,
    ExerciseSort,
    ExerciseUpdate,
    InformationSystemPut,
    QuestionnairePut,
)
from service.errors import ConflictError, FieldError, ForbiddenError, InvalidDataError, NotFoundError
from service.kit.codes import (
    ActionHorizon,
    AuditAction,
    EssmsCategory,
    ExerciseFormat,
    ExerciseStatus,
    ResourceType,
    ScenarioType,
    ServiceMode,
)
from service.kit.content import Establishment, Kit, get_kit
from service.kit.context import KitContext
from service.lib.etags import check_if_match
from service.lib.pagination import SortOrder
from service.lib.problems import Problem
from service.security.principal import Caller, Principal
from service.security.scopes import visible_organisations

INVALID_DETAIL = "Certaines valeurs ne respectent pas les règles : voir la liste des erreurs."
# Titles sort on their folded form (case and accents aside).
SORT_COLUMNS = {ExerciseSort.TITLE: "sort_title"}
# The parameters a partial update may change (``status`` goes through the lifecycle).
_PARAMETERS = tuple(name for name in ExerciseUpdate.__struct_fields__ if name != "status")

InputT = TypeVar("InputT", ExerciseQuestionnaire, ExerciseInformationSystem)


def visible_exercises(principal: Principal) -> ColumnElement[bool]:
    """Exercises of the organisations ``principal`` sees, as a condition on the exercise row."""
    return Exercise.organisation_id.in_(select(Organisation.id).where(visible_organisations(principal)))


def _raise_if_invalid(problems: Sequence[Problem]) -> None:
    if problems:
        raise InvalidDataError(INVALID_DETAIL, errors=[FieldError.of(problem) for problem in problems])


def ensure_not_closed(status: ExerciseStatus) -> None:
    """409 ``exercise_closed``: nothing of a closed exercise changes any more."""
    if closed := closed_problem(status):
        raise ConflictError(closed.message, code=closed.code)


def _format_timing(kit: Kit, code: str) -> tuple[int, int]:
    timing = kit.formats[ExerciseFormat(code)]
    return timing.total_minutes, timing.briefing_minutes


@dataclass(frozen=True)
class Prefill:
    """What a new exercise copies from its organisation's latest one."""

    source_id: UUID | None
    answers: dict[str, Any]
    components: list[dict[str, Any]]


class ExerciseService(AuditedService[Exercise]):
    class Repo(SQLAlchemyAsyncRepository[Exercise]):
        model_type = Exercise

    repository_type = Repo
    audited_as = ResourceType.EXERCISE
    # See OrganisationService: a separate COUNT keeps ``total`` right past the last page.
    count_with_window_function = False

    # Reading

    async def get_exercise(self, caller: Caller, exercise_id: UUID, *, for_update: bool = False) -> Exercise:
        """Out of the caller's scope reads as missing; ``for_update`` locks the row until commit."""
        exercise = await self.get_one_or_none(
            Exercise.id == exercise_id,
            visible_exercises(caller.principal),
            with_for_update=for_update or None,
        )
        if exercise is None:
            raise NotFoundError("Aucun exercice ne porte cet identifiant.", code="exercise_not_found")
        return exercise

    async def list_exercises(
        self,
        caller: Caller,
        *,
        page: LimitOffset,
        sort: ExerciseSort,
        order: SortOrder,
        organisation_id: UUID | None = None,
        status: ExerciseStatus | None = None,
        year: int | None = None,
        scenario_type: ScenarioType | None = None,
    ) -> tuple[Sequence[Exercise], int]:
        direction: Literal["asc", "desc"] = "desc" if order is SortOrder.DESC else "asc"
        filters: list[StatementFilter | ColumnElement[bool]] = [
            page,
            # Undated exercises come last either way: the databases disagree on NULL's place.
            OrderBy(field_name=SORT_COLUMNS.get(sort, sort.value), sort_order=direction, nulls="last"),
            OrderBy(field_name="id", sort_order=direction),
            visible_exercises(caller.principal),
        ]
        equalities = {"organisation_id": organisation_id, "status": status, "scenario_type": scenario_type}
        filters += [getattr(Exercise, name) == value for name, value in equalities.items() if value]
        if year is not None:
            # A range on the indexed date, the same on both databases.
            filters += [
                Exercise.exercise_date >= date(year, 1, 1),
                Exercise.exercise_date < date(year + 1, 1, 1),
            ]
        return await self.get_many_and_count(*filters)

    async def region_of(self, exercise: Exercise) -> str:
        """The region of the exercise's organisation, for the audit trail."""
        result = await self.repository.session.execute(
            select(Organisation.region_code).where(Organisation.id == exercise.organisation_id)
        )
        region: str = result.scalar_one()
        return region

    async def establishment_of(self, organisation_id: UUID) -> Establishment:
        """Who answers the questionnaire: the organisation's category and its stored mode of
        care."""
        row = (
            await self.repository.session.execute(
                select(Organisation.category, Organisation.service_mode).where(
                    Organisation.id == organisation_id
                )
            )
        ).one()
        return Establishment(category=EssmsCategory(row.category), service_mode=ServiceMode(row.service_mode))

    async def questionnaire_of(
        self, exercise: Exercise, *, for_update: bool = False
    ) -> ExerciseQuestionnaire:
        return await self._input_of(ExerciseQuestionnaire, exercise, for_update=for_update)

    async def information_system_of(
        self, exercise: Exercise, *, for_update: bool = False
    ) -> ExerciseInformationSystem:
        return await self._input_of(ExerciseInformationSystem, exercise, for_update=for_update)

    async def _input_of(self, model: type[InputT], exercise: Exercise, *, for_update: bool) -> InputT:
        statement = select(model).where(model.exercise_id == exercise.id)
        if for_update:
            statement = statement.with_for_update()
        row: InputT = (await self.repository.session.execute(statement)).scalar_one()
        return row

    # Exercise

    async def create_exercise(self, caller: Caller, data: ExerciseCreate, *, kit: KitContext) -> Exercise:
        state = data.provided_fields()
        prefill = state.pop("prefill")
        region_code = await self._visible_region(caller, data.organisation_id)
        total, briefing = _format_timing(kit.content, data.format)
        state.setdefault("duration_minutes", total)
        state.setdefault("briefing_minutes", briefing)
        normalise_parameters(state)
        _raise_if_invalid(parameter_errors(state))
        copied = await self._prefill(data.organisation_id, kit) if prefill else Prefill(None, {}, [])
        exercise = await self.create(
            Exercise(
                **state,
                kit_version=kit.content.kit_version,
                status=ExerciseStatus.DRAFT.value,
                prefilled_from_id=copied.source_id,
            )
        )
        session = self.repository.session
        session.add(ExerciseQuestionnaire(exercise_id=exercise.id, answers=copied.answers))
        session.add(ExerciseInformationSystem(exercise_id=exercise.id, components=copied.components))
        await session.flush()
        fields = list(state)
        if copied.source_id is not None:
            fields += ["information_system", "questionnaire"]
        self.record(caller, AuditAction.CREATE, exercise.id, region_code=region_code, fields=fields)
        return exercise

    async def update_exercise(
        self,
        caller: Caller,
        exercise_id: UUID,
        data: ExerciseUpdate,
        *,
        if_match: str | None,
        kit: KitContext,
    ) -> Exercise:
        exercise = await self.get_exercise(caller, exercise_id, for_update=True)
        check_if_match(if_match, exercise.revision)
        current_status = ExerciseStatus(exercise.status)
        ensure_not_closed(current_status)
        changes = data.provided_fields()
        # provided_fields() hands text back as plain str: read the status as its code again.
        target = ExerciseStatus(changes.pop("status", current_status))
        current = {name: getattr(exercise, name) for name in _PARAMETERS}
        self._follow_format(current, changes)
        normalise_parameters(changes)
        state = current | changes
        _raise_if_invalid(parameter_errors(state))
        if conflict := transition_problem(current_status, target, kit.catalogue):
            raise ConflictError.refusing(conflict)
        if reserved := reserved_transition_problem(
            current_status, target, caller.principal.role, kit.catalogue
        ):
            raise ForbiddenError(reserved.message, code=reserved.code)
        if current_status is ExerciseStatus.DRAFT and target is ExerciseStatus.READY:
            await self._ensure_ready(exercise, kit)
        for name, value in changes.items():
            setattr(exercise, name, value)
        fields = changed_fields(current, state)
        if target is not current_status:
            exercise.status = target.value
            fields.append("status")
        exercise = await self.update(exercise)
        region_code = await self.region_of(exercise)
        self.record(caller, AuditAction.UPDATE, exercise.id, region_code=region_code, fields=fields)
        if "exercise_date" in fields:
            await self._follow_exercise_date(caller, exercise, region_code)
        return exercise

    async def _follow_exercise_date(self, caller: Caller, exercise: Exercise, region_code: str) -> None:
        """Due dates derived from the exercise's date move with it; dates set by hand stay."""
        session = self.repository.session
        actions = await session.scalars(
            select(RetexAction).where(
                RetexAction.exercise_id == exercise.id, RetexAction.due_date_overridden.is_(False)
            )
        )
        for action in actions:
            due_date = derived_due_date(exercise.exercise_date, ActionHorizon(action.horizon))
            if due_date != action.due_date:
                action.due_date = due_date
                record_event(
                    session,
                    caller,
                    action=AuditAction.UPDATE,
                    resource_type=ResourceType.ACTION,
                    resource_id=action.id,
                    region_code=region_code,
                    fields=["due_date"],
                )
        await session.flush()

    async def delete_exercise(self, caller: Caller, exercise_id: UUID, *, if_match: str | None) -> None:
        exercise = await self.get_exercise(caller, exercise_id, for_update=True)
        check_if_match(if_match, exercise.revision)
        ensure_not_closed(ExerciseStatus(exercise.status))
        region_code = await self.region_of(exercise)
        self.record(caller, AuditAction.DELETE, exercise.id, region_code=region_code)
        # Its questionnaire and SI description go with it (ON DELETE CASCADE).
        await self.delete(exercise.id)

    @staticmethod
    def _follow_format(current: Mapping[str, Any], changes: dict[str, Any]) -> None:
        """Durations that merely followed the old format follow the new one; chosen ones stay."""
        if "format" not in changes:
            return
        kit = get_kit()
        old_total, old_briefing = _format_timing(kit, current["format"])
        new_total, new_briefing = _format_timing(kit, changes["format"])
        if "duration_minutes" not in changes and current["duration_minutes"] == old_total:
            changes["duration_minutes"] = new_total
        if "briefing_minutes" not in changes and current["briefing_minutes"] == old_briefing:
            changes["briefing_minutes"] = new_briefing

    async def _ensure_ready(self, exercise: Exercise, kit: KitContext) -> None:
        questionnaire = await self.questionnaire_of(exercise, for_update=True)
        information_system = await self.information_system_of(exercise, for_update=True)
        establishment = await self.establishment_of(exercise.organisation_id)
        problems = readiness_errors(
            questionnaire.answers, information_system.components, kit.content, establishment, kit.catalogue
        )
        if problems:
            raise ConflictError(
                "L'exercice ne peut pas passer à « Prêt » : le questionnaire métier doit être complet "
                "et la description du SI compter au moins un composant.",
                code="exercise_incomplete",
                errors=[FieldError.of(problem) for problem in problems],
            )

    async def _visible_region(self, caller: Caller, organisation_id: UUID) -> str:
        """The organisation's region; an organisation out of scope is reported as unknown."""
        region: str | None = (
            await self.repository.session.execute(
                select(Organisation.region_code).where(
                    Organisation.id == organisation_id, visible_organisations(caller.principal)
                )
            )
        ).scalar_one_or_none()
        if region is None:
            raise InvalidDataError(
                INVALID_DETAIL,
                errors=[
                    FieldError(
                        field="organisation_id", code="unknown_organisation", message="Établissement inconnu."
                    )
                ],
            )
        return region

    async def _prefill(self, organisation_id: UUID, kit: KitContext) -> Prefill:
        """The inputs of the organisation's latest exercise (by date, undated last, then by
        creation), keeping what the current kit still accepts."""
        latest = (
            await self.repository.session.execute(
                select(Exercise.id)
                .where(Exercise.organisation_id == organisation_id)
                .order_by(
                    Exercise.exercise_date.is_(None),
                    Exercise.exercise_date.desc(),
                    Exercise.created_at.desc(),
                    Exercise.id.desc(),
                )
                .limit(1)
            )
        ).scalar_one_or_none()
        if latest is None:
            return Prefill(None, {}, [])
        session = self.repository.session
        answers = (
            await session.execute(
                select(ExerciseQuestionnaire.answers).where(ExerciseQuestionnaire.exercise_id == latest)
            )
        ).scalar_one()
        components = (
            await session.execute(
                select(ExerciseInformationSystem.components).where(
                    ExerciseInformationSystem.exercise_id == latest
                )
            )
        ).scalar_one()
        establishment = await self.establishment_of(organisation_id)
        content = kit.content
        return Prefill(
            latest,
            valid_answers(answers, content, establishment, kit.catalogue),
            valid_components(components, content),
        )

    # Preparation inputs

    async def put_questionnaire(
        self,
        caller: Caller,
        exercise_id: UUID,
        data: QuestionnairePut,
        *,
        if_match: str | None,
        kit: KitContext,
    ) -> tuple[Exercise, ExerciseQuestionnaire]:
        exercise, questionnaire = await self._lock_input(caller, exercise_id, ExerciseQuestionnaire, if_match)
        establishment = await self.establishment_of(exercise.organisation_id)
        answers = normalise_answers(data.answers)
        _raise_if_invalid(answer_errors(answers, kit.content, establishment, kit.catalogue))
        if ExerciseStatus(exercise.status) not in EDITABLE_INCOMPLETE and (
            missing := missing_answer_errors(answers, kit.content, establishment)
        ):
            raise ConflictError(
                "L'exercice n'est plus un brouillon : son questionnaire doit rester complet. "
                "Repassez-le à l'étape « Brouillon » pour l'enregistrer en partie.",
                code="questionnaire_incomplete",
                errors=[FieldError.of(problem) for problem in missing],
            )
        fields = [f"questionnaire.{code}" for code in _changed_keys(questionnaire.answers, answers)]
        questionnaire.answers = answers
        await self._save(questionnaire)
        await self._record_input(caller, exercise, fields)
        return exercise, questionnaire

    async def put_information_system(
        self, caller: Caller, exercise_id: UUID, data: InformationSystemPut, *, if_match: str | None
    ) -> tuple[Exercise, ExerciseInformationSystem]:
        exercise, information_system = await self._lock_input(
            caller, exercise_id, ExerciseInformationSystem, if_match
        )
        kit = get_kit()
        components = normalise_components([msgspec.to_builtins(item) for item in data.components], kit)
        _raise_if_invalid(component_errors(components, kit))
        if ExerciseStatus(exercise.status) not in EDITABLE_INCOMPLETE and not components:
            raise ConflictError(
                "L'exercice n'est plus un brouillon : sa description du SI doit garder au moins un "
                "composant. Repassez-le à l'étape « Brouillon » pour la vider.",
                code="information_system_empty",
                errors=[FieldError(field="components", code="required", message="Au moins un composant.")],
            )
        before = {item.get("code"): item for item in information_system.components}
        after = {item["code"]: item for item in components}
        fields = [f"information_system.{code}" for code in _changed_keys(before, after)]
        if [item.get("code") for item in information_system.components] != list(after):
            fields.append("information_system")  # order changed, or components added/removed
        information_system.components = components
        await self._save(information_system)
        await self._record_input(caller, exercise, sorted(set(fields)))
        return exercise, information_system

    async def _lock_input(
        self, caller: Caller, exercise_id: UUID, model: type[InputT], if_match: str | None
    ) -> tuple[Exercise, InputT]:
        exercise = await self.get_exercise(caller, exercise_id, for_update=True)
        row = await self._input_of(model, exercise, for_update=True)
        check_if_match(if_match, row.revision)
        ensure_not_closed(ExerciseStatus(exercise.status))
        return exercise, row

    async def _save(self, row: Base) -> None:
        session = self.repository.session
        await session.flush()
        await session.refresh(row)

    async def _record_input(self, caller: Caller, exercise: Exercise, fields: list[str]) -> None:
        region_code = await self.region_of(exercise)
        self.record(caller, AuditAction.UPDATE, exercise.id, region_code=region_code, fields=fields)


def _changed_keys(before: Mapping[Any, Any], after: Mapping[Any, Any]) -> list[str]:
    """Keys added, removed or whose value changed, sorted."""
    return sorted(str(key) for key in before.keys() | after.keys() if before.get(key) != after.get(key))
