"""HTTP routes of the RETEX action plan: an exercise's actions, suggestions, and the open actions
of an organisation across its exercises."""

from __future__ import annotations

import functools
from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from advanced_alchemy.extensions.litestar.providers import create_service_provider
from advanced_alchemy.filters import LimitOffset
from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody, PathParameter, QueryParameter

from service.db.models import RetexAction
from service.domain.action_plan.engine import Suggestion, derived_due_date, is_overdue
from service.domain.action_plan.schemas import (
    ActionCreate,
    ActionPage,
    ActionRead,
    ActionSort,
    ActionSuggestion,
    ActionSuggestions,
    ActionUpdate,
    LinkedItemRead,
    StatusChangeRead,
)
from service.domain.action_plan.services import ActionService
from service.domain.exercises.controllers import EXERCISES_PATH, ExerciseId
from service.domain.organisations.controllers import ORGANISATIONS_PATH, OrganisationId
from service.errors import problem_responses
from service.kit.catalogue import get_catalogue
from service.kit.codes import ActionHorizon, ActionStatus, ParticipantRole
from service.kit.content import get_kit
from service.lib.etags import ETAG_HEADER, LOCATION_HEADER, IfMatch, tagged
from service.lib.idempotency import IDEMPOTENCY_DEPENDENCIES, REPLAYED_RESPONSE_HEADER, Idempotency
from service.lib.pagination import PAGINATION_DEPENDENCIES, SortOrder
from service.lib.time import PARIS
from service.security.guards import ORGANISATION_MEMBERS, allow
from service.security.principal import Caller

ActionId = Annotated[UUID, PathParameter(description="Identifiant de l'action.")]
OverdueFilter = Annotated[
    bool | None,
    QueryParameter(description="Filtre : true, les actions en retard seulement ; false, les autres."),
]


def paris_today() -> date:
    """Due dates are Paris calendar days: an action is late from the day after, in Paris."""
    return datetime.now(PARIS).date()


def provide_today() -> date:
    # Looked up at each call, so a test can move the clock by replacing ``paris_today``.
    return paris_today()


@functools.cache
def _item_labels() -> dict[str, str]:
    return {item.code: item.label for family in get_kit().families.values() for item in family.items}


def item_read(code: str) -> LinkedItemRead:
    return LinkedItemRead(code=code, label=_item_labels()[code], family_code=get_kit().item_families[code])


def action_read(action: RetexAction, today: date) -> ActionRead:
    catalogue = get_catalogue()
    horizon, owner, status = (
        ActionHorizon(action.horizon),
        ParticipantRole(action.owner_role),
        ActionStatus(action.status),
    )
    history = []
    for change in action.status_history:
        source = ActionStatus(change["from_status"]) if change["from_status"] else None
        target = ActionStatus(change["to_status"])
        history.append(
            StatusChangeRead(
                from_status=source,
                from_status_label=catalogue.label(source) if source else None,
                to_status=target,
                to_status_label=catalogue.label(target),
                changed_at=datetime.fromisoformat(change["changed_at"]),
                changed_by=change["changed_by"],
                reason=change["reason"],
            )
        )
    return ActionRead(
        id=action.id,
        exercise_id=action.exercise_id,
        library_code=action.library_code,
        title=action.title,
        description=action.description,
        horizon=horizon,
        horizon_label=catalogue.label(horizon),
        due_date=action.due_date,
        due_date_overridden=action.due_date_overridden,
        owner_role=owner,
        owner_role_label=catalogue.label(owner),
        contact_id=action.contact_id,
        status=status,
        status_label=catalogue.label(status),
        status_changed_at=action.status_changed_at,
        status_history=history,
        # Items the framework no longer has are left out rather than failing the read.
        competency_items=[item_read(code) for code in action.competency_items if code in _item_labels()],
        overdue=is_overdue(status, action.due_date, today),
        revision=action.revision,
        created_at=action.created_at,
        updated_at=action.updated_at,
    )


def suggestion_read(suggestion: Suggestion, exercise_date: date | None) -> ActionSuggestion:
    catalogue, template = get_catalogue(), suggestion.template
    return ActionSuggestion(
        library_code=template.code,
        title=template.title,
        description=template.description,
        horizon=template.horizon,
        horizon_label=catalogue.label(template.horizon),
        due_date=derived_due_date(exercise_date, template.horizon),
        owner_role=template.owner_role,
        owner_role_label=catalogue.label(template.owner_role),
        answers=[item_read(code) for code in suggestion.answers],
    )


def action_page(items: list[RetexAction], total: int, page: LimitOffset, today: date) -> ActionPage:
    return ActionPage(
        items=[action_read(item, today) for item in items],
        total=total,
        limit=page.limit,
        offset=page.offset,
    )


DEPENDENCIES = {
    "actions": Provide(create_service_provider(ActionService)),
    "today": Provide(provide_today, sync_to_thread=False),
    **PAGINATION_DEPENDENCIES,
}


class ActionController(Controller):
    path = EXERCISES_PATH + "/{exercise_id:uuid}/actions"
    tags = ["actions"]
    guards = [allow(*ORGANISATION_MEMBERS)]
    dependencies = {**DEPENDENCIES, **IDEMPOTENCY_DEPENDENCIES}

    @get(
        "/",
        operation_id="listActions",
        response_description="Page du plan d'actions RETEX.",
        summary="Lister le plan d'actions RETEX d'un exercice",
        responses=problem_responses(404),
    )
    async def list_actions(
        self,
        *,
        caller: NamedDependency[Caller],
        actions: NamedDependency[ActionService],
        today: NamedDependency[date],
        exercise_id: ExerciseId,
        page: NamedDependency[LimitOffset],
        sort: Annotated[
            ActionSort, QueryParameter(description="Champ de tri (sans échéance : en fin de liste).")
        ] = ActionSort.DUE_DATE,
        order: Annotated[SortOrder, QueryParameter(description="Sens du tri.")] = SortOrder.ASC,
        status: Annotated[ActionStatus | None, QueryParameter(description="Filtre : avancement.")] = None,
        overdue: OverdueFilter = None,
    ) -> ActionPage:
        """Actions décidées au RETEX de l'exercice, les plus proches de leur échéance d'abord.

        `overdue` signale une action encore « À faire » ou « En cours » après son échéance (jour
        de Paris). Un exercice pas encore joué a un plan vide."""
        items, total = await actions.list_actions(
            caller,
            exercise_id,
            page=page,
            sort=sort,
            order=order,
            status=status,
            overdue=overdue,
            today=today,
        )
        return action_page(list(items), total, page, today)

    @post(
        "/",
        operation_id="createAction",
        response_description="Action ajoutée au plan, « À faire ».",
        summary="Ajouter une action au plan RETEX",
        responses=problem_responses(404, 409, 413, 415, 422),
        response_headers=[ETAG_HEADER, LOCATION_HEADER, REPLAYED_RESPONSE_HEADER],
    )
    async def create_action(
        self,
        *,
        request: Request[Any, Any, Any],
        caller: NamedDependency[Caller],
        actions: NamedDependency[ActionService],
        idempotency: NamedDependency[Idempotency],
        today: NamedDependency[date],
        exercise_id: ExerciseId,
        data: JSONBody[ActionCreate],
    ) -> Response[ActionRead]:
        """Ajoute une action au plan d'un exercice joué (409 `exercise_not_played` avant ; le
        plan reste modifiable après la clôture de l'exercice, le suivi durant des mois).

        Sans `due_date`, l'échéance est la date de l'exercice + la fin de l'horizon (30, 90, 120
        ou 300 jours), null pour un exercice sans date ; une échéance donnée ne peut précéder
        l'exercice (422 `due_before_exercise`). `contact_id` : un contact de l'annuaire du même
        établissement ; `competency_items` : des items du référentiel (422 sinon)."""
        if (earlier := await idempotency.replay(data, ActionRead)) is not None:
            return earlier
        action = await actions.create_action(caller, exercise_id, data)
        return await idempotency.remember(
            tagged(
                action_read(action, today),
                action.revision,
                status_code=201,
                location=request.app.route_reverse("getAction", exercise_id=exercise_id, action_id=action.id),
            )
        )

    @post(
        "/suggestions",
        operation_id="suggestActions",
        status_code=200,
        response_description="Actions proposées (et créées avec apply=true).",
        summary="Proposer des actions pour les compétences faibles",
        responses=problem_responses(404, 409),
    )
    async def suggest_actions(
        self,
        caller: NamedDependency[Caller],
        actions: NamedDependency[ActionService],
        today: NamedDependency[date],
        exercise_id: ExerciseId,
        apply: Annotated[
            bool,
            QueryParameter(
                description="true : ajouter les actions proposées au plan ; false : proposer seulement."
            ),
        ] = False,
    ) -> ActionSuggestions:
        """Propose des actions types du kit pour les items notés « Non réalisé » ou « Peu
        satisfaisant » à l'évaluation, jamais pour les autres.

        Peu d'actions, mais des actions tenues : 5 au plus, chacune répondant à un item faible
        qu'aucune action précédente (ni une action non abandonnée du plan) ne couvre, d'abord
        celles qui couvrent le plus d'items « Non réalisé », puis le plus d'items faibles, puis
        dans l'ordre de priorité du kit ; présentées par horizon. Une action type déjà au plan
        (même code, ou même intitulé à la casse, aux accents et à la ponctuation près) n'est
        jamais reproposée : appliquer deux fois n'ajoute rien la seconde."""
        exercise, weak, suggestions, created = await actions.suggest(caller, exercise_id, apply=apply)
        return ActionSuggestions(
            exercise_id=exercise.id,
            applied=apply,
            weak_items=[item_read(code) for code in _item_labels() if code in weak],  # framework order
            suggestions=[suggestion_read(suggestion, exercise.exercise_date) for suggestion in suggestions],
            created=[action_read(action, today) for action in created],
        )

    @get(
        "/{action_id:uuid}",
        operation_id="getAction",
        name="getAction",
        response_description="L'action demandée.",
        summary="Lire une action du plan RETEX",
        responses=problem_responses(404),
        response_headers=[ETAG_HEADER],
    )
    async def get_action(
        self,
        caller: NamedDependency[Caller],
        actions: NamedDependency[ActionService],
        today: NamedDependency[date],
        exercise_id: ExerciseId,
        action_id: ActionId,
    ) -> Response[ActionRead]:
        """Une action, avec son historique d'avancement et les libellés de ses codes."""
        action = await actions.get_action(caller, exercise_id, action_id)
        return tagged(action_read(action, today), action.revision)

    @patch(
        "/{action_id:uuid}",
        operation_id="updateAction",
        response_description="L'action modifiée.",
        summary="Modifier une action ou son avancement",
        responses=problem_responses(404, 409, 412, 413, 415, 422),
        response_headers=[ETAG_HEADER],
    )
    async def update_action(
        self,
        *,
        caller: NamedDependency[Caller],
        actions: NamedDependency[ActionService],
        today: NamedDependency[date],
        exercise_id: ExerciseId,
        action_id: ActionId,
        data: JSONBody[ActionUpdate],
        if_match: IfMatch = None,
    ) -> Response[ActionRead]:
        """Modifie les champs envoyés. Changer `status` ajoute une ligne à l'historique (qui,
        quand, d'où, vers où, `reason`).

        Une action « Fait » ne passe pas à « Abandonné » (409 `invalid_transition`) ; rouvrir une
        action faite, ou changer une action abandonnée, demande un motif (422 `reason_required`).
        `due_date: null` rend l'échéance à l'horizon."""
        action = await actions.update_action(caller, exercise_id, action_id, data, if_match=if_match)
        return tagged(action_read(action, today), action.revision)

    @delete(
        "/{action_id:uuid}",
        operation_id="deleteAction",
        response_description="Action retirée du plan.",
        summary="Retirer une action du plan RETEX",
        responses=problem_responses(404, 409, 412),
    )
    async def delete_action(
        self,
        caller: NamedDependency[Caller],
        actions: NamedDependency[ActionService],
        exercise_id: ExerciseId,
        action_id: ActionId,
        if_match: IfMatch = None,
    ) -> None:
        """Retire une action saisie par erreur ; une action décidée puis écartée se passe plutôt
        à « Abandonné », avec son motif, pour en garder la trace."""
        await actions.delete_action(caller, exercise_id, action_id, if_match=if_match)


class OrganisationActionController(Controller):
    path = ORGANISATIONS_PATH + "/{organisation_id:uuid}/actions"
    tags = ["actions"]
    guards = [allow(*ORGANISATION_MEMBERS)]
    dependencies = DEPENDENCIES

    @get(
        "/",
        operation_id="listOrganisationActions",
        response_description="Page des actions ouvertes de l'établissement.",
        summary="Lister les actions RETEX ouvertes d'un établissement",
        responses=problem_responses(404),
    )
    async def list_organisation_actions(
        self,
        *,
        caller: NamedDependency[Caller],
        actions: NamedDependency[ActionService],
        today: NamedDependency[date],
        organisation_id: OrganisationId,
        page: NamedDependency[LimitOffset],
        overdue: OverdueFilter = None,
    ) -> ActionPage:
        """Actions « À faire » ou « En cours » de tous les exercices de l'établissement, par
        échéance (les plus proches d'abord, sans échéance à la fin) ; `overdue` signale celles
        en retard."""
        items, total = await actions.list_open_actions(
            caller, organisation_id, page=page, overdue=overdue, today=today
        )
        return action_page(list(items), total, page, today)
