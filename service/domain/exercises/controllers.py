"""HTTP routes of exercises: parameters and lifecycle, business questionnaire, SI description."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from advanced_alchemy.extensions.litestar.providers import create_service_provider
from advanced_alchemy.filters import LimitOffset
from litestar import Controller, Request, Response, delete, get, patch, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody, PathParameter, QueryParameter

from service.db.models import Exercise, ExerciseInformationSystem, ExerciseQuestionnaire
from service.domain.exercises.rules import completeness
from service.domain.exercises.schemas import (
    ExerciseCreate,
    ExercisePage,
    ExerciseRead,
    ExerciseSort,
    ExerciseUpdate,
    InformationSystemPut,
    InformationSystemRead,
    ParticipantRead,
    QuestionnaireCompleteness,
    QuestionnairePut,
    QuestionnaireRead,
    SiComponentRead,
)
from service.domain.exercises.services import ExerciseService
from service.errors import problem_responses
from service.kit.catalogue import get_catalogue
from service.kit.codes import (
    ExerciseFormat,
    ExerciseLevel,
    ExerciseStatus,
    HostingMode,
    ParticipantRole,
    ScenarioType,
    SiCategory,
)
from service.kit.content import Establishment, get_kit
from service.kit.context import KitDependency
from service.lib.etags import ETAG_HEADER, LOCATION_HEADER, IfMatch, tagged
from service.lib.idempotency import IDEMPOTENCY_DEPENDENCIES, REPLAYED_RESPONSE_HEADER, Idempotency
from service.lib.pagination import PAGINATION_DEPENDENCIES, SortOrder
from service.lib.time import EXERCISE_YEARS, format_clock, paris_moment
from service.security.guards import ORGANISATION_MEMBERS, allow
from service.security.principal import Caller

EXERCISES_PATH = "/exercises"

ExerciseId = Annotated[UUID, PathParameter(description="Identifiant de l'exercice.")]


def exercise_read(exercise: Exercise) -> ExerciseRead:
    catalogue = get_catalogue()
    status = ExerciseStatus(exercise.status)
    level = ExerciseLevel(exercise.level)
    exercise_format = ExerciseFormat(exercise.format)
    scenario = ScenarioType(exercise.scenario_type)
    participants = [
        ParticipantRead(
            role=ParticipantRole(item["role"]),
            role_label=catalogue.label(ParticipantRole(item["role"])),
            count=item["count"],
            names=list(item.get("names") or []),
        )
        for item in exercise.participants
    ]
    day, clock = exercise.exercise_date, exercise.start_time
    return ExerciseRead(
        id=exercise.id,
        organisation_id=exercise.organisation_id,
        title=exercise.title,
        kit_version=exercise.kit_version,
        status=status,
        status_label=catalogue.label(status),
        exercise_date=day,
        start_time=format_clock(clock),
        starts_at=paris_moment(day, clock) if day is not None and clock is not None else None,
        duration_minutes=exercise.duration_minutes,
        briefing_minutes=exercise.briefing_minutes,
        level=level,
        level_label=catalogue.label(level),
        format=exercise_format,
        format_label=catalogue.label(exercise_format),
        scenario_type=scenario,
        scenario_label=catalogue.label(scenario),
        objectives=list(exercise.objectives),
        participants=participants,
        players_count=sum(participant.count for participant in participants),
        facilitators_count=exercise.facilitators_count,
        observers_count=exercise.observers_count,
        include_perturbations=exercise.include_perturbations,
        prefilled_from_id=exercise.prefilled_from_id,
        revision=exercise.revision,
        created_at=exercise.created_at,
        updated_at=exercise.updated_at,
    )


def questionnaire_read(
    exercise: Exercise, questionnaire: ExerciseQuestionnaire, establishment: Establishment
) -> QuestionnaireRead:
    progress = completeness(questionnaire.answers, get_kit(), establishment)
    return QuestionnaireRead(
        exercise_id=exercise.id,
        kit_version=exercise.kit_version,
        answers=dict(questionnaire.answers),
        completeness=QuestionnaireCompleteness(
            answered=progress.answered,
            required=progress.required,
            missing=list(progress.missing),
            complete=progress.complete,
        ),
        revision=questionnaire.revision,
        updated_at=questionnaire.updated_at,
    )


def component_read(component: dict[str, Any]) -> SiComponentRead:
    catalogue, kit = get_catalogue(), get_kit()
    category = SiCategory(component["category"])
    hosting = HostingMode(component["hosting"]) if component.get("hosting") else None
    criticality = kit.criticality_levels.get(component.get("criticality") or 0)
    return SiComponentRead(
        code=component["code"],
        category=category,
        category_label=catalogue.label(category),
        name=component.get("name"),
        editor=component.get("editor"),
        hosting=hosting,
        hosting_label=catalogue.label(hosting) if hosting else None,
        criticality=component.get("criticality"),
        criticality_label=criticality.label if criticality else None,
        users_count=component.get("users_count"),
        personal_data=component.get("personal_data"),
        health_data=component.get("health_data"),
        degraded_procedure=component.get("degraded_procedure"),
        rto_hours=component.get("rto_hours"),
        depends_on=list(component.get("depends_on") or []),
    )


def information_system_read(
    exercise: Exercise, information_system: ExerciseInformationSystem
) -> InformationSystemRead:
    return InformationSystemRead(
        exercise_id=exercise.id,
        kit_version=exercise.kit_version,
        components=[component_read(component) for component in information_system.components],
        revision=information_system.revision,
        updated_at=information_system.updated_at,
    )


class ExerciseController(Controller):
    path = EXERCISES_PATH
    tags = ["exercises"]
    guards = [allow(*ORGANISATION_MEMBERS)]
    dependencies = {
        "exercises": Provide(create_service_provider(ExerciseService)),
        **PAGINATION_DEPENDENCIES,
        **IDEMPOTENCY_DEPENDENCIES,
    }

    @get(
        "/",
        operation_id="listExercises",
        response_description="Page d'exercices.",
        summary="Lister les exercices",
        responses=problem_responses(),
    )
    async def list_exercises(
        self,
        *,
        caller: NamedDependency[Caller],
        exercises: NamedDependency[ExerciseService],
        page: NamedDependency[LimitOffset],
        sort: Annotated[
            ExerciseSort, QueryParameter(description="Champ de tri (sans date : en fin de liste).")
        ] = ExerciseSort.EXERCISE_DATE,
        order: Annotated[SortOrder, QueryParameter(description="Sens du tri.")] = SortOrder.DESC,
        organisation_id: Annotated[
            UUID | None, QueryParameter(description="Filtre : établissement organisateur.")
        ] = None,
        status: Annotated[
            ExerciseStatus | None, QueryParameter(description="Filtre : étape du cycle de vie.")
        ] = None,
        year: Annotated[
            int | None,
            QueryParameter(
                ge=EXERCISE_YEARS.start,
                le=EXERCISE_YEARS.stop - 1,
                description="Filtre : année de la date de l'exercice (les exercices sans date sont exclus).",
            ),
        ] = None,
        scenario_type: Annotated[
            ScenarioType | None, QueryParameter(description="Filtre : type de scénario.")
        ] = None,
    ) -> ExercisePage:
        """Exercices des établissements visibles, filtrés et paginés (les plus récents d'abord)."""
        items, total = await exercises.list_exercises(
            caller,
            page=page,
            sort=sort,
            order=order,
            organisation_id=organisation_id,
            status=status,
            year=year,
            scenario_type=scenario_type,
        )
        return ExercisePage(
            items=[exercise_read(item) for item in items],
            total=total,
            limit=page.limit,
            offset=page.offset,
        )

    @post(
        "/",
        operation_id="createExercise",
        response_description="Exercice créé, à l'étape DRAFT.",
        summary="Préparer un exercice",
        responses=problem_responses(413, 415, 422),
        response_headers=[ETAG_HEADER, LOCATION_HEADER, REPLAYED_RESPONSE_HEADER],
    )
    async def create_exercise(
        self,
        *,
        request: Request[Any, Any, Any],
        caller: NamedDependency[Caller],
        exercises: NamedDependency[ExerciseService],
        idempotency: NamedDependency[Idempotency],
        kit: KitDependency,
        data: JSONBody[ExerciseCreate],
    ) -> Response[ExerciseRead]:
        """Crée un exercice pour un établissement visible, à l'étape DRAFT (brouillon).

        Sauf `prefill: false`, son questionnaire métier et sa description du SI reprennent ceux
        du dernier exercice de l'établissement (le plus récent par date, puis par création)."""
        if (earlier := await idempotency.replay(data, ExerciseRead)) is not None:
            return earlier
        exercise = await exercises.create_exercise(caller, data, kit=kit)
        return await idempotency.remember(
            tagged(
                exercise_read(exercise),
                exercise.revision,
                status_code=201,
                location=request.app.route_reverse("getExercise", exercise_id=exercise.id),
            )
        )

    @get(
        "/{exercise_id:uuid}",
        operation_id="getExercise",
        name="getExercise",
        response_description="L'exercice demandé.",
        summary="Lire un exercice",
        responses=problem_responses(404),
        response_headers=[ETAG_HEADER],
    )
    async def get_exercise(
        self,
        caller: NamedDependency[Caller],
        exercises: NamedDependency[ExerciseService],
        exercise_id: ExerciseId,
    ) -> Response[ExerciseRead]:
        """Un exercice, avec les libellés français de ses codes."""
        exercise = await exercises.get_exercise(caller, exercise_id)
        return tagged(exercise_read(exercise), exercise.revision)

    @patch(
        "/{exercise_id:uuid}",
        operation_id="updateExercise",
        response_description="L'exercice modifié.",
        summary="Modifier un exercice ou changer d'étape",
        responses=problem_responses(404, 409, 412, 413, 415, 422),
        response_headers=[ETAG_HEADER],
    )
    async def update_exercise(
        self,
        *,
        caller: NamedDependency[Caller],
        exercises: NamedDependency[ExerciseService],
        kit: KitDependency,
        exercise_id: ExerciseId,
        data: JSONBody[ExerciseUpdate],
        if_match: IfMatch = None,
    ) -> Response[ExerciseRead]:
        """Modifie les champs envoyés ; `status` fait avancer (ou reculer) l'exercice d'une étape.

        Passer à READY demande un questionnaire complet et au moins un composant du SI (409
        `exercise_incomplete` sinon) ; sauter une étape répond 409 `invalid_transition` ; un
        exercice clôturé ne se modifie plus (409 `exercise_closed`). Les organisateurs déclarent
        l'exercice joué (GENERATED → PLAYED) ; les passages faits par le service (génération du
        chronogramme, grille d'évaluation complète) ne peuvent être forcés que par un
        administrateur national (403 `transition_reserved`)."""
        exercise = await exercises.update_exercise(caller, exercise_id, data, if_match=if_match, kit=kit)
        return tagged(exercise_read(exercise), exercise.revision)

    @delete(
        "/{exercise_id:uuid}",
        operation_id="deleteExercise",
        response_description="Exercice supprimé.",
        summary="Supprimer un exercice",
        responses=problem_responses(404, 409, 412),
    )
    async def delete_exercise(
        self,
        caller: NamedDependency[Caller],
        exercises: NamedDependency[ExerciseService],
        exercise_id: ExerciseId,
        if_match: IfMatch = None,
    ) -> None:
        """Supprime l'exercice, son questionnaire et sa description du SI ; pas s'il est clôturé (409)."""
        await exercises.delete_exercise(caller, exercise_id, if_match=if_match)

    @get(
        "/{exercise_id:uuid}/questionnaire",
        operation_id="getQuestionnaire",
        response_description="Le questionnaire métier de l'exercice.",
        summary="Lire le questionnaire métier",
        responses=problem_responses(404),
        response_headers=[ETAG_HEADER],
    )
    async def get_questionnaire(
        self,
        caller: NamedDependency[Caller],
        exercises: NamedDependency[ExerciseService],
        exercise_id: ExerciseId,
    ) -> Response[QuestionnaireRead]:
        """Réponses au questionnaire métier (ESSMS) et leur avancement, compté sur les seules
        questions posées à l'établissement (sa catégorie et son mode de prise en charge)."""
        exercise = await exercises.get_exercise(caller, exercise_id)
        questionnaire = await exercises.questionnaire_of(exercise)
        establishment = await exercises.establishment_of(exercise.organisation_id)
        return tagged(questionnaire_read(exercise, questionnaire, establishment), questionnaire.revision)

    @put(
        "/{exercise_id:uuid}/questionnaire",
        operation_id="putQuestionnaire",
        response_description="Le questionnaire enregistré.",
        summary="Enregistrer le questionnaire métier",
        responses=problem_responses(404, 409, 412, 413, 415, 422),
        response_headers=[ETAG_HEADER],
    )
    async def put_questionnaire(
        self,
        *,
        caller: NamedDependency[Caller],
        exercises: NamedDependency[ExerciseService],
        kit: KitDependency,
        exercise_id: ExerciseId,
        data: JSONBody[QuestionnairePut],
        if_match: IfMatch = None,
    ) -> Response[QuestionnaireRead]:
        """Remplace toutes les réponses, d'un bloc : une seule réponse refusée (422, champ
        `answers.<CODE>`) et rien n'est enregistré.

        Chaque réponse est vérifiée selon sa question dans le kit (type, options, bornes) et
        selon l'établissement : une question que sa catégorie ou son mode de prise en charge
        exclut est refusée (`question_not_asked`), comme une option qui ne lui est pas proposée
        (`option_not_offered`) ; `GET /api/v1/kit/questions?category=…&service_mode=…` liste ce
        qui lui est posé. Une question conditionnelle dont la condition n'est pas remplie ne
        prend pas de réponse (`not_asked`). Enregistrement partiel tant que l'exercice est un
        brouillon, complet ensuite (409)."""
        exercise, questionnaire = await exercises.put_questionnaire(
            caller, exercise_id, data, if_match=if_match, kit=kit
        )
        establishment = await exercises.establishment_of(exercise.organisation_id)
        return tagged(questionnaire_read(exercise, questionnaire, establishment), questionnaire.revision)

    @get(
        "/{exercise_id:uuid}/information-system",
        operation_id="getInformationSystem",
        response_description="La description du SI de l'exercice.",
        summary="Lire la description du SI",
        responses=problem_responses(404),
        response_headers=[ETAG_HEADER],
    )
    async def get_information_system(
        self,
        caller: NamedDependency[Caller],
        exercises: NamedDependency[ExerciseService],
        exercise_id: ExerciseId,
    ) -> Response[InformationSystemRead]:
        """Composants du système d'information présents, avec les libellés de leurs codes."""
        exercise = await exercises.get_exercise(caller, exercise_id)
        information_system = await exercises.information_system_of(exercise)
        return tagged(information_system_read(exercise, information_system), information_system.revision)

    @put(
        "/{exercise_id:uuid}/information-system",
        operation_id="putInformationSystem",
        response_description="La description du SI enregistrée.",
        summary="Enregistrer la description du SI",
        responses=problem_responses(404, 409, 412, 413, 415, 422),
        response_headers=[ETAG_HEADER],
    )
    async def put_information_system(
        self,
        caller: NamedDependency[Caller],
        exercises: NamedDependency[ExerciseService],
        exercise_id: ExerciseId,
        data: JSONBody[InformationSystemPut],
        if_match: IfMatch = None,
    ) -> Response[InformationSystemRead]:
        """Remplace toute la description, d'un bloc : un seul composant refusé (422, champ
        `components[i].<attribut>`) et rien n'est enregistré.

        Les attributs suivent le kit ; les dépendances citent des composants de la même
        description, jamais le composant lui-même, et ne forment pas de cycle."""
        exercise, information_system = await exercises.put_information_system(
            caller, exercise_id, data, if_match=if_match
        )
        return tagged(information_system_read(exercise, information_system), information_system.revision)
