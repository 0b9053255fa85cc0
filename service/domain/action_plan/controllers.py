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
from service.domain.action_plan.engine import (
    SUGGESTION_CAP,
    NotProposed,
    NotProposedReason,
    Proposal,
    Suggestion,
    derived_due_date,
    is_overdue,
)
from service.domain.action_plan.schemas import (
    ActionCreate,
    ActionPage,
    ActionRead,
    ActionSort,
    ActionSuggestion,
    ActionSuggestions,
    ActionUpdate,
    LinkedItemRead,
    NotProposedRead,
    RatedItemRead,
    StatusChangeRead,
)
from service.domain.action_plan.services import ActionService, Suggestions
from service.domain.exercises.controllers import EXERCISES_PATH, ExerciseId
from service.domain.organisations.controllers import ORGANISATIONS_PATH, OrganisationId
from service.errors import problem_responses
from service.kit.catalogue import get_catalogue
from service.kit.codes import ActionHorizon, ActionStatus, ParticipantRole, Rating
from service.kit.content import get_kit
from service.kit.context import KitDependency
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


def rated_item_read(code: str, rating: Rating) -> RatedItemRead:
    item = item_read(code)
    return RatedItemRead(
        code=item.code,
        label=item.label,
        family_code=item.family_code,
        rating=rating,
        rating_label=get_catalogue().label(rating),
    )


def suggestion_read(
    suggestion: Suggestion, weak: dict[str, Rating], exercise_date: date | None
) -> ActionSuggestion:
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
        answers=[rated_item_read(code, weak[code]) for code in suggestion.answers],
        because=[rated_item_read(code, weak[code]) for code in suggestion.because],
    )


def _quoted(text: str) -> str:
    return f"«\u00a0{text}\u00a0»"


def _explanation(entry: NotProposed, rating: Rating) -> str:
    """Why ``entry.item`` has no suggestion, said to the person reading the plan."""
    level = _quoted(get_catalogue().label(rating))
    match entry.reason:
        case NotProposedReason.ANSWERED_BY_PLAN:
            titles = ", ".join(_quoted(action.title) for action in entry.actions)
            return f"Une action du plan y répond déjà\u00a0: {titles}."
        case NotProposedReason.NO_ACTION_LEFT:
            return (
                "Toutes les actions types qui y répondent sont déjà au plan (abandonnées comprises)\u00a0: "
                "ajoutez une action à la main si besoin."
            )
        case NotProposedReason.ALREADY_APPLIED:
            return (
                f"Une application précédente des propositions a lu cette note ({level}) et laissé "
                "l'item de côté\u00a0: il n'est reproposé que si sa note change\u00a0; all=true montre "
                "l'action qui y répondrait."
            )
    return (
        f"Noté {level}, mais les {SUGGESTION_CAP} propositions sont allées à des items plus urgents "
        "(peu d'actions, mais des actions tenues)\u00a0: all=true montre l'action qui y répondrait."
    )


def _counted(count: int, noun: str) -> str:
    """« 1 action », « 5 actions » (the nouns and adjectives here take an s)."""
    return f"{count} {noun}" if count == 1 else f"{count} {' '.join(word + 's' for word in noun.split())}"


def _summary(proposal: Proposal, *, apply: bool, every: bool, created: int) -> str:
    """The answer in one or two French sentences: what was added or proposed, and why nothing."""
    if not proposal.weak:
        return (
            "Aucun item n'est noté «\u00a0Non réalisé\u00a0» ou «\u00a0Peu satisfaisant\u00a0»\u00a0: "
            "rien à proposer."
        )
    proposed = len(proposal.suggestions)
    read_before = any(
        entry.reason is NotProposedReason.ALREADY_APPLIED
        or any(action.suggested_from is not None for action in entry.actions)
        for entry in proposal.not_proposed
    )
    if apply and created:
        sentence = f"{_counted(created, 'action ajoutée')} au plan."
    elif proposed and every:
        sentence = f"{_counted(proposed, 'action proposée')}, sans limite\u00a0: rien n'est ajouté au plan."
    elif proposed:
        sentence = f"{_counted(proposed, 'action proposée')}\u00a0; apply=true les ajoute au plan."
    elif read_before:
        sentence = (
            "Rien à ajouter\u00a0: les propositions ont déjà été appliquées pour cette évaluation "
            f"({_counted(len(proposal.applied_before), 'action')} au plan)\u00a0; une note qui change "
            "peut en faire proposer d'autres."
        )
    else:
        sentence = (
            "Rien à proposer\u00a0: chaque item faible a déjà une action au plan, ou plus d'action type "
            "pour y répondre (voir not_proposed)."
        )
    if proposal.left_out:
        verb = "reste" if proposal.left_out == 1 else "restent"
        sentence += (
            f" {_counted(proposal.left_out, 'item faible')} {verb} sans action proposée\u00a0: "
            "all=true, sans apply, montre toutes les propositions sans rien ajouter au plan."
        )
    return sentence


def suggestions_read(outcome: Suggestions, *, apply: bool, every: bool, today: date) -> ActionSuggestions:
    proposal, exercise = outcome.proposal, outcome.exercise
    weak = proposal.weak
    order = {code: rank for rank, code in enumerate(_item_labels())}
    not_proposed = sorted(proposal.not_proposed, key=lambda entry: order[entry.item])
    return ActionSuggestions(
        exercise_id=exercise.id,
        applied=apply,
        summary=_summary(proposal, apply=apply, every=every, created=len(outcome.created)),
        weak_items=[rated_item_read(code, weak[code]) for code in _item_labels() if code in weak],
        suggestions=[suggestion_read(item, weak, exercise.exercise_date) for item in proposal.suggestions],
        created=[action_read(action, today) for action in outcome.created],
        already_applied=[
            action_read(outcome.plan[action.id], today)
            for action in proposal.applied_before
            if action.id is not None
        ],
        not_proposed=[
            NotProposedRead(
                code=entry.item,
                label=_item_labels()[entry.item],
                family_code=get_kit().item_families[entry.item],
                rating=weak[entry.item],
                rating_label=get_catalogue().label(weak[entry.item]),
                reason=entry.reason,
                explanation=_explanation(entry, weak[entry.item]),
                action_ids=[action.id for action in entry.actions if action.id is not None],
            )
            for entry in not_proposed
        ],
        left_out=proposal.left_out,
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
        kit: KitDependency,
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
        action = await actions.create_action(caller, exercise_id, data, kit=kit)
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
        responses=problem_responses(404, 409, 422),
    )
    async def suggest_actions(
        self,
        *,
        caller: NamedDependency[Caller],
        actions: NamedDependency[ActionService],
        today: NamedDependency[date],
        kit: KitDependency,
        exercise_id: ExerciseId,
        apply: Annotated[
            bool,
            QueryParameter(
                description=(
                    "true\u00a0: ajouter les actions proposées au plan\u00a0; "
                    "false\u00a0: proposer seulement (ce qu'une application ajouterait)."
                )
            ),
        ] = False,
        every: Annotated[
            bool,
            QueryParameter(
                query="all",
                description=(
                    "true\u00a0: toutes les propositions, sans la limite de 5 ni la mémoire des applications "
                    "précédentes, pour voir les items laissés de côté (`left_out`)\u00a0; jamais appliqué "
                    "(422 `every_not_applicable` avec apply=true)."
                ),
            ),
        ] = False,
    ) -> ActionSuggestions:
        """Propose des actions types du kit pour les items notés «\u00a0Non réalisé\u00a0» ou «\u00a0Peu
        satisfaisant\u00a0» à l'évaluation, jamais pour les autres.

        Peu d'actions, mais des actions tenues\u00a0: 5 au plus, chacune répondant à un item faible
        qu'aucune action précédente (ni une action non abandonnée du plan) ne couvre, d'abord
        celles qui couvrent le plus d'items «\u00a0Non réalisé\u00a0», puis le plus d'items faibles, puis
        dans l'ordre de priorité du kit\u00a0; présentées par horizon. Une action type déjà au plan
        (même code, ou même intitulé à la casse, aux accents et à la ponctuation près) n'est
        jamais reproposée.

        Appliquer est idempotent pour une même évaluation\u00a0: chaque action créée garde les notes
        faibles que l'application a lues, et une note lue une fois ne fait plus rien proposer.
        Appliquer deux fois n'ajoute donc rien la seconde, et la réponse le dit
        (`already_applied`, `not_proposed`)\u00a0; une note modifiée depuis peut faire proposer de
        nouvelles actions, et `because` la nomme. Les items laissés de côté par la limite sont
        comptés dans `left_out`\u00a0: `all=true` (sans `apply`) les montre."""
        outcome = await actions.suggest(caller, exercise_id, apply=apply, every=every, kit=kit)
        return suggestions_read(outcome, apply=apply, every=every, today=today)

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
        kit: KitDependency,
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
        action = await actions.update_action(caller, exercise_id, action_id, data, if_match=if_match, kit=kit)
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
