"""Business rules of the RETEX action plan. Services never commit.

The plan opens once the exercise is played (409 ``exercise_not_played`` before) and lives on
after the exercise is closed: follow-up happens months later, when the exercise itself is long
read-only, so actions stay editable on a CLOSED exercise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal
from uuid import UUID

from advanced_alchemy.filters import LimitOffset, OrderBy, StatementFilter
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import ColumnElement, and_, select

from service.db.models import Contact, Exercise, RetexAction
from service.domain.action_plan.engine import (
    OPEN_STATUSES,
    PlannedAction,
    Proposal,
    competency_item_problems,
    derived_due_date,
    due_date_problems,
    missing_change_reason,
    propose,
    status_change_conflict,
)
from service.domain.action_plan.schemas import ActionCreate, ActionSort, ActionUpdate
from service.domain.audit.services import AuditedService, changed_fields
from service.domain.evaluation.services import exercise_ratings
from service.domain.exercises.services import INVALID_DETAIL, ExerciseService
from service.domain.organisations.services import OrganisationService
from service.errors import ConflictError, FieldError, InvalidDataError, NotFoundError
from service.kit.codes import ActionHorizon, ActionStatus, AuditAction, ExerciseStatus, Rating, ResourceType
from service.kit.content import get_kit
from service.kit.context import KitContext
from service.lib.etags import check_if_match
from service.lib.pagination import SortOrder
from service.security.principal import Caller

# Statuses of an exercise whose action plan is open.
PLAN_STATUSES = frozenset({ExerciseStatus.PLAYED, ExerciseStatus.EVALUATED, ExerciseStatus.CLOSED})
# What a partial update compares to say which fields changed.
_COLUMNS = (
    "title",
    "description",
    "horizon",
    "due_date",
    "due_date_overridden",
    "owner_role",
    "contact_id",
    "competency_items",
    "status",
)


def _raise_if_invalid(errors: Sequence[FieldError]) -> None:
    if errors:
        raise InvalidDataError(INVALID_DETAIL, errors=errors)


def overdue_clause(today: date) -> ColumnElement[bool]:
    """SQL form of ``engine.is_overdue``, for filtering lists."""
    return and_(
        RetexAction.status.in_([status.value for status in OPEN_STATUSES]),
        RetexAction.due_date.is_not(None),
        RetexAction.due_date < today,
    )


@dataclass(frozen=True)
class Suggestions:
    """What ``ActionService.suggest`` found: the exercise, the proposal, the plan's actions as
    they were before (by id), and the actions the application created."""

    exercise: Exercise
    proposal: Proposal
    plan: dict[UUID, RetexAction]
    created: list[RetexAction]


class ActionService(AuditedService[RetexAction]):
    class Repo(SQLAlchemyAsyncRepository[RetexAction]):
        model_type = RetexAction

    repository_type = Repo
    audited_as = ResourceType.ACTION
    # See OrganisationService: a separate COUNT keeps ``total`` right past the last page.
    count_with_window_function = False

    @property
    def _exercises(self) -> ExerciseService:
        return ExerciseService(session=self.repository.session)

    # Scope

    async def exercise_of_plan(
        self, caller: Caller, exercise_id: UUID, *, for_update: bool = False
    ) -> Exercise:
        """The exercise, within the caller's scope (404 otherwise); its plan must be open."""
        exercise = await self._exercises.get_exercise(caller, exercise_id, for_update=for_update)
        if ExerciseStatus(exercise.status) not in PLAN_STATUSES:
            raise ConflictError(
                "Le plan d'actions RETEX s'ouvre une fois l'exercice joué (étape « Joué ») : "
                "cet exercice ne l'est pas encore.",
                code="exercise_not_played",
            )
        return exercise

    async def get_action(self, caller: Caller, exercise_id: UUID, action_id: UUID) -> RetexAction:
        exercise = await self._exercises.get_exercise(caller, exercise_id)
        return await self._action_of(exercise, action_id, for_update=False)

    async def _action_of(self, exercise: Exercise, action_id: UUID, *, for_update: bool) -> RetexAction:
        action = await self.get_one_or_none(
            id=action_id, exercise_id=exercise.id, with_for_update=for_update or None
        )
        if action is None:
            raise NotFoundError(
                "Cette action n'existe pas dans le plan RETEX de cet exercice.", code="action_not_found"
            )
        return action

    # Lists

    async def list_actions(
        self,
        caller: Caller,
        exercise_id: UUID,
        *,
        page: LimitOffset,
        sort: ActionSort,
        order: SortOrder,
        status: ActionStatus | None,
        overdue: bool | None,
        today: date,
    ) -> tuple[Sequence[RetexAction], int]:
        """Any exercise in scope has a plan to read, empty until it is played."""
        exercise = await self._exercises.get_exercise(caller, exercise_id)
        direction: Literal["asc", "desc"] = "desc" if order is SortOrder.DESC else "asc"
        filters: list[StatementFilter | ColumnElement[bool]] = [
            page,
            # Actions without a due date come last either way (see ExerciseService).
            OrderBy(field_name=sort.value, sort_order=direction, nulls="last"),
            OrderBy(field_name="id", sort_order=direction),
            RetexAction.exercise_id == exercise.id,
        ]
        if status is not None:
            filters.append(RetexAction.status == status.value)
        if overdue is not None:
            filters.append(overdue_clause(today) if overdue else ~overdue_clause(today))
        return await self.get_many_and_count(*filters)

    async def list_open_actions(
        self,
        caller: Caller,
        organisation_id: UUID,
        *,
        page: LimitOffset,
        overdue: bool | None,
        today: date,
    ) -> tuple[Sequence[RetexAction], int]:
        """Open actions of every exercise of the organisation, soonest due first (undated last)."""
        organisation = await OrganisationService(session=self.repository.session).get_organisation(
            caller, organisation_id
        )
        filters: list[StatementFilter | ColumnElement[bool]] = [
            page,
            OrderBy(field_name="due_date", sort_order="asc", nulls="last"),
            OrderBy(field_name="id", sort_order="asc"),
            RetexAction.exercise_id.in_(
                select(Exercise.id).where(Exercise.organisation_id == organisation.id)
            ),
            RetexAction.status.in_([status.value for status in OPEN_STATUSES]),
        ]
        if overdue is not None:
            filters.append(overdue_clause(today) if overdue else ~overdue_clause(today))
        return await self.get_many_and_count(*filters)

    # Writes

    async def create_action(
        self, caller: Caller, exercise_id: UUID, data: ActionCreate, *, kit: KitContext
    ) -> RetexAction:
        exercise = await self.exercise_of_plan(caller, exercise_id, for_update=True)
        state = data.provided_fields()
        problems = competency_item_problems(state["competency_items"], kit.content.item_families)
        problems += due_date_problems(state["due_date"], exercise.exercise_date)
        errors = [FieldError.of(problem) for problem in problems]
        errors += await self._contact_errors(exercise, state["contact_id"])
        _raise_if_invalid(errors)
        # provided_fields() hands codes back as plain str.
        state["horizon"] = ActionHorizon(state["horizon"])
        return await self._add(caller, exercise, library_code=None, **state)

    async def update_action(
        self,
        caller: Caller,
        exercise_id: UUID,
        action_id: UUID,
        data: ActionUpdate,
        *,
        if_match: str | None,
        kit: KitContext,
    ) -> RetexAction:
        exercise = await self.exercise_of_plan(caller, exercise_id, for_update=True)
        action = await self._action_of(exercise, action_id, for_update=True)
        check_if_match(if_match, action.revision)
        changes = data.provided_fields()
        reason: str | None = changes.pop("reason", None)
        current_status = ActionStatus(action.status)
        target = ActionStatus(changes.pop("status", current_status))
        errors: list[FieldError] = []
        if reason is not None and target is current_status:
            errors.append(
                FieldError(
                    field="reason",
                    code="no_status_change",
                    message="Un motif accompagne un changement d'avancement (status) ; aucun n'est demandé.",
                )
            )
        if "competency_items" in changes:
            problems = competency_item_problems(changes["competency_items"], kit.content.item_families)
            errors += map(FieldError.of, problems)
        if "due_date" in changes:
            errors += map(FieldError.of, due_date_problems(changes["due_date"], exercise.exercise_date))
        if "contact_id" in changes:
            errors += await self._contact_errors(exercise, changes["contact_id"])
        _raise_if_invalid(errors)
        if conflict := status_change_conflict(current_status, target, kit.catalogue):
            raise ConflictError.refusing(conflict)
        if missing := missing_change_reason(current_status, target, reason, kit.catalogue):
            raise InvalidDataError.refusing(missing)

        current = {name: getattr(action, name) for name in _COLUMNS}
        state = current | changes
        horizon = ActionHorizon(state["horizon"])
        if "due_date" in changes:
            state["due_date_overridden"] = changes["due_date"] is not None
        if not state["due_date_overridden"]:
            # A derived due date follows the horizon and the exercise's current date.
            state["due_date"] = derived_due_date(exercise.exercise_date, horizon)
        state["status"] = target.value
        for name, value in state.items():
            setattr(action, name, value)
        if target is not current_status:
            self._change_status(caller, action, current_status, target, reason)
        action = await self.update(action)
        fields = changed_fields(current, state)
        if target is not current_status:
            fields.append("status_history")
        self.record(
            caller, AuditAction.UPDATE, action.id, region_code=await self._region_of(exercise), fields=fields
        )
        return action

    async def delete_action(
        self, caller: Caller, exercise_id: UUID, action_id: UUID, *, if_match: str | None
    ) -> None:
        exercise = await self.exercise_of_plan(caller, exercise_id, for_update=True)
        action = await self._action_of(exercise, action_id, for_update=True)
        check_if_match(if_match, action.revision)
        self.record(caller, AuditAction.DELETE, action.id, region_code=await self._region_of(exercise))
        await self.delete(action.id)

    async def suggest(
        self, caller: Caller, exercise_id: UUID, *, apply: bool, every: bool, kit: KitContext
    ) -> Suggestions:
        """Suggestions for the exercise's weak items; with ``apply``, added to the plan.

        Applying is idempotent for the same evaluation: the actions it creates keep the weak
        ratings it read (``suggested_from``), and a rating read once is not proposed for again
        (``engine.propose``). ``every`` lifts the cap and that memory, to show what is left
        out; it is never applied (422 ``every_not_applicable``): applying stays « peu
        d'actions »."""
        if apply and every:
            raise InvalidDataError(
                INVALID_DETAIL,
                errors=[
                    FieldError(
                        field="all",
                        code="every_not_applicable",
                        message=(
                            "all=true montre toutes les propositions sans rien ajouter au plan\u00a0: "
                            "il ne se combine pas avec apply=true, qui en ajoute 5 au plus."
                        ),
                    )
                ],
            )
        exercise = await self.exercise_of_plan(caller, exercise_id, for_update=apply)
        ratings = await self._ratings_of(exercise)
        rows = sorted(
            await self.get_many(RetexAction.exercise_id == exercise.id),
            key=lambda action: (action.created_at, action.id),
        )
        plan = [
            PlannedAction(
                library_code=action.library_code,
                title=action.title,
                status=ActionStatus(action.status),
                competency_items=tuple(action.competency_items),
                suggested_from=(
                    {item: Rating(rating) for item, rating in action.suggested_from.items()}
                    if action.suggested_from is not None
                    else None
                ),
                id=action.id,
            )
            for action in rows
        ]
        proposal = propose(ratings, kit.actions.actions.values(), plan, every=every)
        created: list[RetexAction] = []
        # What ``engine.applied`` records on each action: every weak rating this application read.
        read = {item: rating.value for item, rating in proposal.weak.items()}
        if apply:
            for suggestion in proposal.suggestions:
                template = suggestion.template
                created.append(
                    await self._add(
                        caller,
                        exercise,
                        library_code=template.code,
                        title=template.title,
                        description=template.description,
                        horizon=template.horizon,
                        due_date=None,
                        owner_role=template.owner_role,
                        contact_id=None,
                        competency_items=list(template.competency_items),
                        suggested_from=dict(read),
                    )
                )
        return Suggestions(exercise, proposal, {action.id: action for action in rows}, created)

    # Helpers

    async def _add(
        self,
        caller: Caller,
        exercise: Exercise,
        *,
        library_code: str | None,
        title: str,
        description: str | None,
        horizon: ActionHorizon,
        due_date: date | None,
        owner_role: str,
        contact_id: UUID | None,
        competency_items: list[str],
        suggested_from: dict[str, str] | None = None,
    ) -> RetexAction:
        action = RetexAction(
            exercise_id=exercise.id,
            library_code=library_code,
            title=title,
            description=description,
            horizon=horizon.value,
            due_date=due_date or derived_due_date(exercise.exercise_date, horizon),
            due_date_overridden=due_date is not None,
            owner_role=owner_role,
            contact_id=contact_id,
            status_history=[],
            competency_items=competency_items,
            suggested_from=suggested_from,
        )
        self._change_status(caller, action, None, ActionStatus.A_FAIRE, None)
        action = await self.create(action)
        fields = [name for name in _COLUMNS if getattr(action, name) not in (None, [])]
        if library_code is not None:
            fields.append("library_code")
        if suggested_from is not None:
            fields.append("suggested_from")
        self.record(
            caller, AuditAction.CREATE, action.id, region_code=await self._region_of(exercise), fields=fields
        )
        return action

    @staticmethod
    def _change_status(
        caller: Caller,
        action: RetexAction,
        source: ActionStatus | None,
        target: ActionStatus,
        reason: str | None,
    ) -> None:
        moment = datetime.now(UTC)
        action.status = target.value
        action.status_changed_at = moment
        change: dict[str, Any] = {
            "from_status": source.value if source else None,
            "to_status": target.value,
            "changed_at": moment.isoformat(),
            "changed_by": caller.principal.label,
            "reason": reason,
        }
        # A new list: SQLAlchemy sees a JSON column change only when the value is replaced.
        action.status_history = [*action.status_history, change]

    async def _contact_errors(self, exercise: Exercise, contact_id: UUID | None) -> list[FieldError]:
        if contact_id is None:
            return []
        found = await self.repository.session.scalar(
            select(Contact.id).where(
                Contact.id == contact_id, Contact.organisation_id == exercise.organisation_id
            )
        )
        if found is not None:
            return []
        return [
            FieldError(
                field="contact_id",
                code="unknown_contact",
                message="Le contact doit appartenir à l'annuaire de crise de l'établissement de l'exercice.",
            )
        ]

    async def _ratings_of(self, exercise: Exercise) -> dict[str, Rating]:
        """The exercise's ratings, for the items of the current framework only."""
        known = get_kit().item_families
        ratings = await exercise_ratings(self.repository.session, exercise.id)
        return {item: rating for item, rating in ratings.items() if item in known}

    async def _region_of(self, exercise: Exercise) -> str:
        return await self._exercises.region_of(exercise)
