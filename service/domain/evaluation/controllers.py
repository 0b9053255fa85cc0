"""HTTP routes of the competency evaluation: the grid, observations, results and their charts."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar
from uuid import UUID

import msgspec
from advanced_alchemy.extensions.litestar.providers import create_service_provider
from advanced_alchemy.filters import LimitOffset
from litestar import Controller, Request, Response, delete, get, post, put
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody, PathParameter, QueryParameter

from service.db.models import CompetencyRating, ExerciseObservation
from service.domain.evaluation import results as computed
from service.domain.evaluation.charts import SVG_MEDIA_TYPE, render_chart
from service.domain.evaluation.engine import Framework, compare, compute_results, missing_items, unrated_items
from service.domain.evaluation.schemas import (
    EvaluationCompleteness,
    EvaluationPut,
    EvaluationRead,
    EvaluatorRead,
    ItemRatingRead,
    ObservationCreate,
    ObservationPage,
    ObservationRead,
    ResultsComparison,
    ResultsRead,
    ScoredResults,
    UnratedItem,
)
from service.domain.evaluation.services import EvaluationService, Grid, ResultsInput, framework
from service.domain.exercises.controllers import EXERCISES_PATH, ExerciseId
from service.errors import NotFoundError, problem_responses
from service.kit.codes import ExerciseStatus, Rating
from service.lib.etags import ETAG_HEADER, LOCATION_HEADER, IfMatch, tagged
from service.lib.idempotency import IDEMPOTENCY_DEPENDENCIES, REPLAYED_RESPONSE_HEADER, Idempotency
from service.lib.pagination import PAGINATION_DEPENDENCIES, SortOrder
from service.security.guards import ORGANISATION_MEMBERS, allow
from service.security.principal import Caller

T = TypeVar("T")
ObservationId = Annotated[UUID, PathParameter(description="Identifiant de l'observation.")]
ChartFile = Annotated[
    str,
    PathParameter(
        max_length=100,
        description=(
            "Nom du graphique suivi de « .svg » : radar.svg (radar des familles) ou "
            "family-<code de famille en minuscules, tirets>.svg (barres des items d'une famille, "
            "ex. family-continuite-activite.svg). Les noms figurent dans charts.bars[].chart des "
            "résultats."
        ),
    ),
]
ROUNDING = (
    "Les moyennes, taux et écarts sont calculés exactement (fractions) puis arrondis une seule "
    "fois, à 2 décimales, la moitié s'arrondissant en s'éloignant de zéro (1,125 → 1,13 ; "
    "−0,125 → −0,13). Les items N/A sont exclus de tout calcul ; une famille sans item noté a un "
    "score et un taux null. Le score global est la moyenne de tous les items notés : une famille "
    "pèse à proportion de ses items notés."
)


def _rating_read(row: CompetencyRating, scoring: Framework) -> ItemRatingRead:
    rating = Rating(row.rating)
    level = scoring.level(rating)
    family, item = scoring.locate(row.item_code)
    return ItemRatingRead(
        item_code=row.item_code,
        item_label=item.label,
        family_code=family.code,
        rating=rating,
        rating_label=level.label,
        score=level.score,
        comment=row.comment,
        evidence=row.evidence,
        entry_ids=[link.entry_id for link in row.links],
        evaluator=EvaluatorRead(name=row.evaluator_name, role=row.evaluator_role)
        if row.evaluator_name
        else None,
        evaluated_at=row.evaluated_at,
    )


def evaluation_read(grid: Grid) -> EvaluationRead:
    scoring = framework()
    exercise, header = grid.exercise, grid.header
    # Ratings of items the current kit no longer has stay stored but out of the grid.
    known = set(scoring.item_codes())
    ratings = {row.item_code: _rating_read(row, scoring) for row in grid.ratings if row.item_code in known}
    missing = missing_items(ratings, scoring)
    return EvaluationRead(
        exercise_id=exercise.id,
        exercise_status=ExerciseStatus(exercise.status),
        kit_version=exercise.kit_version,
        evaluator=(
            EvaluatorRead(name=header.evaluator_name, role=header.evaluator_role)
            if header is not None and header.evaluator_name
            else None
        ),
        ratings=ratings,
        completeness=EvaluationCompleteness(
            rated=len(ratings), total=len(known), missing=missing, complete=not missing
        ),
        unrated=[as_read(item, UnratedItem) for item in unrated_items(ratings, scoring, grid.exercising)],
        revision=grid.revision,
        updated_at=header.updated_at if header is not None else None,
    )


def as_read(computed: object, wire: type[T]) -> T:
    """The scoring's own values as the documented response Structs (the same field names)."""
    return msgspec.convert(computed, wire, from_attributes=True)


def scored(data: ResultsInput) -> computed.ScoredResults:
    previous = data.previous
    return compute_results(data.ratings, framework(), previous.ratings if previous else None)


def results_read(data: ResultsInput) -> ResultsRead:
    previous = data.previous
    comparison = compare(data.ratings, previous, framework()) if previous is not None else None
    return ResultsRead(
        exercise_id=data.exercise.id,
        exercise_status=ExerciseStatus(data.exercise.status),
        kit_version=data.exercise.kit_version,
        results=as_read(scored(data), ScoredResults),
        comparison=as_read(comparison, ResultsComparison) if comparison is not None else None,
    )


def observation_read(observation: ExerciseObservation) -> ObservationRead:
    return ObservationRead(
        id=observation.id,
        exercise_id=observation.exercise_id,
        observed_at=observation.observed_at,
        text=observation.text,
        observer=observation.observer,
        entry_id=observation.entry_id,
        revision=observation.revision,
        created_at=observation.created_at,
        updated_at=observation.updated_at,
    )


class EvaluationController(Controller):
    path = EXERCISES_PATH + "/{exercise_id:uuid}"
    tags = ["evaluation"]
    guards = [allow(*ORGANISATION_MEMBERS)]
    dependencies = {
        "evaluations": Provide(create_service_provider(EvaluationService)),
        **PAGINATION_DEPENDENCIES,
        **IDEMPOTENCY_DEPENDENCIES,
    }

    @get(
        "/evaluation",
        operation_id="getEvaluation",
        response_description="La grille d'évaluation des compétences de l'exercice.",
        summary="Lire la grille d'évaluation",
        responses=problem_responses(404),
        response_headers=[ETAG_HEADER],
    )
    async def get_evaluation(
        self,
        caller: NamedDependency[Caller],
        evaluations: NamedDependency[EvaluationService],
        exercise_id: ExerciseId,
    ) -> Response[EvaluationRead]:
        """Notes par item, évaluateur et avancement (items notés / items du référentiel).

        Une grille jamais enregistrée est vide, de version 0 (ETag "0").

        Pour chaque item sans note, `unrated` dit si le chronogramme généré le met en jeu
        (`exercised`, avec les entrées concernées : ni écartées, ni DEBEX, FINEX ou RETEX) et,
        quand aucun stimulus ne le fait, propose `suggested_rating` NA (« Aucun stimulus du
        chronogramme ne l'a mis en jeu. ») : la règle est N/A pour un item que l'exercice n'a
        pas joué, « Non réalisé » pour un item joué mais non fait. La proposition n'est pas une
        note : elle ne compte pas dans l'avancement et s'enregistre par `PUT` comme toute note.
        Sans chronogramme généré, rien n'est proposé (`exercised` null)."""
        grid = await evaluations.get_grid(caller, exercise_id)
        return tagged(evaluation_read(grid), grid.revision)

    @put(
        "/evaluation",
        operation_id="putEvaluation",
        response_description="La grille enregistrée.",
        summary="Enregistrer la grille d'évaluation",
        responses=problem_responses(404, 409, 412, 413, 415, 422),
        response_headers=[ETAG_HEADER],
    )
    async def put_evaluation(
        self,
        caller: NamedDependency[Caller],
        evaluations: NamedDependency[EvaluationService],
        exercise_id: ExerciseId,
        data: JSONBody[EvaluationPut],
        if_match: IfMatch = None,
    ) -> Response[EvaluationRead]:
        """Remplace toute la grille, d'un bloc : une seule note refusée et rien n'est enregistré.

        Item inconnu du référentiel, niveau hors de l'échelle, lien vers une entrée du
        chronogramme inconnue ou d'un autre exercice : 422 nommant `ratings.<ITEM>` (ou
        `ratings.<ITEM>.entry_ids[i]`). La grille s'ouvre quand l'exercice est « Joué »
        (409 `exercise_not_played` avant, `exercise_closed` après la clôture) ; elle peut y
        être partielle. Enregistrée complète, elle fait passer l'exercice à « Évalué » ; il
        doit alors le rester (409 `evaluation_incomplete`). L'heure et l'évaluateur d'une note
        sont ceux de son dernier changement de niveau."""
        grid = await evaluations.put_grid(caller, exercise_id, data, if_match=if_match)
        return tagged(evaluation_read(grid), grid.revision)

    @get(
        "/observations",
        operation_id="listObservations",
        response_description="Page d'observations.",
        summary="Lister les observations",
        responses=problem_responses(404),
    )
    async def list_observations(
        self,
        *,
        caller: NamedDependency[Caller],
        evaluations: NamedDependency[EvaluationService],
        exercise_id: ExerciseId,
        page: NamedDependency[LimitOffset],
        order: Annotated[
            SortOrder, QueryParameter(description="Sens du tri par moment observé.")
        ] = SortOrder.ASC,
    ) -> ObservationPage:
        """Observations libres des observateurs, par moment observé."""
        items, total = await evaluations.list_observations(caller, exercise_id, page=page, order=order)
        return ObservationPage(
            items=[observation_read(item) for item in items],
            total=total,
            limit=page.limit,
            offset=page.offset,
        )

    @post(
        "/observations",
        operation_id="addObservation",
        response_description="Observation enregistrée.",
        summary="Noter une observation",
        responses=problem_responses(404, 409, 413, 415, 422),
        response_headers=[ETAG_HEADER, LOCATION_HEADER, REPLAYED_RESPONSE_HEADER],
    )
    async def add_observation(
        self,
        *,
        request: Request[Any, Any, Any],
        caller: NamedDependency[Caller],
        evaluations: NamedDependency[EvaluationService],
        idempotency: NamedDependency[Idempotency],
        exercise_id: ExerciseId,
        data: JSONBody[ObservationCreate],
    ) -> Response[ObservationRead]:
        """Note ce qu'un observateur a vu, à un moment donné, éventuellement sur une entrée du
        chronogramme de cet exercice (422 sinon). Possible une fois le chronogramme généré,
        jusqu'à la clôture (409 `exercise_not_started`, `exercise_closed`)."""
        if (earlier := await idempotency.replay(data, ObservationRead)) is not None:
            return earlier
        observation = await evaluations.add_observation(caller, exercise_id, data)
        location = request.app.route_reverse(
            "getObservation", exercise_id=exercise_id, observation_id=observation.id
        )
        return await idempotency.remember(
            tagged(observation_read(observation), observation.revision, status_code=201, location=location)
        )

    @get(
        "/observations/{observation_id:uuid}",
        operation_id="getObservation",
        name="getObservation",
        response_description="L'observation demandée.",
        summary="Lire une observation",
        responses=problem_responses(404),
        response_headers=[ETAG_HEADER],
    )
    async def get_observation(
        self,
        caller: NamedDependency[Caller],
        evaluations: NamedDependency[EvaluationService],
        exercise_id: ExerciseId,
        observation_id: ObservationId,
    ) -> Response[ObservationRead]:
        """Une observation libre d'un observateur."""
        _, observation = await evaluations.get_observation(caller, exercise_id, observation_id)
        return tagged(observation_read(observation), observation.revision)

    @delete(
        "/observations/{observation_id:uuid}",
        operation_id="deleteObservation",
        response_description="Observation supprimée.",
        summary="Supprimer une observation",
        responses=problem_responses(404, 409, 412),
    )
    async def delete_observation(
        self,
        caller: NamedDependency[Caller],
        evaluations: NamedDependency[EvaluationService],
        exercise_id: ExerciseId,
        observation_id: ObservationId,
        if_match: IfMatch = None,
    ) -> None:
        """Supprime une observation ; pas une fois l'exercice clôturé (409)."""
        await evaluations.delete_observation(caller, exercise_id, observation_id, if_match=if_match)

    @get(
        "/results",
        operation_id="getResults",
        response_description="Résultats par item, par famille et au global, données des graphiques.",
        summary="Lire les résultats",
        responses=problem_responses(404),
        description=(
            "Scores (0 à 3), nombre d'items notés, répartition sur l'échelle (N/A comptés à part), "
            "taux d'acquisition (part des items notés au moins « Satisfaisant »), résultat global, "
            "familles la plus forte et la plus faible (par score, puis taux d'acquisition ; "
            "toutes celles qui sont à égalité sur les deux, ex_aequo), données des graphiques, et "
            "comparaison avec l'exercice évalué précédent de l'établissement (le plus récent avant "
            "celui-ci par date, puis par création ; null s'il n'y en a pas). La comparaison ne "
            "porte que sur les items notés (hors N/A) les deux fois, des deux côtés ; les autres "
            "items, et les familles qui n'en gardent aucun, sont nommés. " + ROUNDING
        ),
    )
    async def get_results(
        self,
        caller: NamedDependency[Caller],
        evaluations: NamedDependency[EvaluationService],
        exercise_id: ExerciseId,
    ) -> ResultsRead:
        return results_read(await evaluations.results_input(caller, exercise_id))

    @get(
        "/results/charts/{chart:str}",
        operation_id="getResultsChart",
        media_type=SVG_MEDIA_TYPE,
        response_description="Le graphique, en SVG accessible (titre et description en français).",
        summary="Graphique des résultats (SVG)",
        responses=problem_responses(404),
    )
    async def get_results_chart(
        self,
        caller: NamedDependency[Caller],
        evaluations: NamedDependency[EvaluationService],
        exercise_id: ExerciseId,
        chart: ChartFile,
    ) -> str:
        """Radar des familles ou barres des items d'une famille, lisibles en noir et blanc
        (hachures, pointillés, valeurs écrites), avec un titre et une description qui disent
        ce qu'ils montrent et les valeurs ; nom inconnu : 404 `chart_not_found`."""
        data = await evaluations.results_input(caller, exercise_id)
        name = chart.removesuffix(".svg") if chart.endswith(".svg") else None
        svg = render_chart(name, scored(data)) if name else None
        if svg is None:
            raise NotFoundError(
                "Aucun graphique ne porte ce nom : radar.svg ou family-<famille>.svg.", code="chart_not_found"
            )
        return svg
