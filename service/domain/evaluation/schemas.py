"""Wire format of the competency evaluation (« Évaluation des compétences »), of observers'
free observations, and of the results (« Résultats », « Tableau de bord »).

Ratings travel as a document keyed by item code, like the questionnaire's answers: which item
codes exist and which ratings the scale has is the kit's to say (422 naming ``ratings.<ITEM>``),
so the rating is text in the schema and checked against the scale by the service.

Every number of the results is computed exactly (fractions) and rounded once, at the edge,
half away from zero (« arrondi au plus proche, la moitié vers le haut ») to 2 decimals.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

import msgspec
from msgspec import Meta

from service.kit.codes import ExerciseStatus, Rating
from service.lib.schema import (
    CreatedAt,
    Limit,
    MultilineText,
    Offset,
    RequestStruct,
    RequiredText,
    ResourceId,
    ResponseStruct,
    Revision,
    Total,
    UpdatedAt,
)

MAX_LINKED_ENTRIES = 20
MAX_RATED_ITEMS = 100

ExerciseRef = Annotated[UUID, Meta(description="Exercice concerné.")]
KitVersion = Annotated[str, Meta(description="Version du kit ANS dont le référentiel est suivi.")]
Label = Annotated[str, Meta(description="Libellé français du code.")]
ItemCode = Annotated[str, Meta(description="Code d'item du référentiel de compétences (ex. CA_PLAN_BLEU).")]
FamilyCode = Annotated[str, Meta(description="Code de famille de compétences (ex. CONTINUITE_ACTIVITE).")]
RatingCode = Annotated[
    str,
    Meta(
        max_length=40,
        description=(
            "Niveau atteint, code de l'échelle du kit : NA (sans objet, exclu de tout score), "
            "NON_REALISE (0), PEU_SATISFAISANT (1), SATISFAISANT (2), TRES_SATISFAISANT (3). "
            "Un autre code : 422 sur ratings.<ITEM>."
        ),
        examples=["SATISFAISANT"],
    ),
]
Note = Annotated[MultilineText, Meta(max_length=2000)]
PersonName = Annotated[RequiredText, Meta(max_length=200, description="Nom de la personne.")]
PersonRole = Annotated[
    RequiredText, Meta(max_length=200, description="Fonction de la personne (ex. « Observateur CRRC »).")
]
EntryRef = Annotated[UUID, Meta(description="Entrée du chronogramme de cet exercice.")]
Score = Annotated[
    Annotated[float, Meta(ge=0, le=3)] | None,
    Meta(
        description="Score moyen sur l'échelle 0 à 3, arrondi à 2 décimales (null : rien de noté).",
    ),
]
Rate = Annotated[
    Annotated[float, Meta(ge=0, le=1)] | None,
    Meta(
        description=(
            "Taux d'acquisition : part des items notés (hors N/A) au moins « Satisfaisant », "
            "de 0 à 1, arrondi à 2 décimales (null : rien de noté)."
        ),
    ),
]
Delta = Annotated[
    float | None,
    Meta(
        description=(
            "Écart avec l'exercice précédent (actuel − précédent), arrondi à 2 décimales ; "
            "null si l'un des deux manque."
        )
    ),
]
LevelScore = Annotated[int, Meta(ge=0, le=3)]


# ---------------------------------------------------------------------------------------------
# The grid


class Evaluator(RequestStruct):
    """Qui remplit la grille (texte libre : pas forcément un compte du service)."""

    name: PersonName
    role: PersonRole | None = None


class EvaluatorRead(ResponseStruct):
    """Qui a rempli la grille."""

    name: PersonName
    role: PersonRole | None


class ItemRatingPut(RequestStruct):
    """Note d'un item, avec ce qui l'étaye."""

    rating: RatingCode
    comment: Annotated[Note | None, Meta(description="Commentaire de l'évaluateur.")] = None
    evidence: Annotated[
        Note | None, Meta(description="Éléments observés qui justifient la note (faits, horaires).")
    ] = None
    entry_ids: Annotated[
        list[EntryRef],
        Meta(
            max_length=MAX_LINKED_ENTRIES,
            description=(
                "Entrées du chronogramme de cet exercice où la compétence a été observée (20 au plus)."
            ),
        ),
    ] = msgspec.field(default_factory=list)


class EvaluationPut(RequestStruct):
    """La grille entière, qui remplace la précédente d'un bloc.

    Tant que l'exercice est « Joué », la grille peut être partielle ; enregistrée complète (un
    niveau, N/A compris, pour chaque item du référentiel), elle fait passer l'exercice à
    « Évalué ». Un exercice évalué garde une grille complète (409 sinon)."""

    ratings: Annotated[
        dict[ItemCode, ItemRatingPut],
        Meta(
            max_length=MAX_RATED_ITEMS,
            description="Notes par code d'item ; un item absent n'est pas (encore) noté.",
        ),
    ]
    evaluator: Annotated[
        Evaluator | None,
        Meta(description="Évaluateur, noté sur chaque item dont la note change (null : inconnu)."),
    ] = None


class ItemRatingRead(ResponseStruct):
    """Note d'un item."""

    item_code: ItemCode
    item_label: Label
    family_code: FamilyCode
    rating: Annotated[Rating, Meta(description="Niveau atteint (code de l'échelle).")]
    rating_label: Label
    score: Annotated[LevelScore | None, Meta(description="Score du niveau (null pour N/A).")]
    comment: Annotated[str | None, Meta(description="Commentaire de l'évaluateur.")]
    evidence: Annotated[str | None, Meta(description="Éléments observés qui justifient la note.")]
    entry_ids: Annotated[list[EntryRef], Meta(description="Entrées du chronogramme liées.")]
    evaluator: Annotated[
        EvaluatorRead | None, Meta(description="Évaluateur au moment où la note a été donnée.")
    ]
    evaluated_at: Annotated[datetime, Meta(description="Moment (UTC) où la note a pris sa valeur actuelle.")]


class EvaluationCompleteness(ResponseStruct):
    """Avancement de la grille : l'exercice passe à « Évalué » quand elle est complète."""

    rated: Annotated[int, Meta(ge=0, description="Items notés (N/A compris).")]
    total: Annotated[int, Meta(ge=0, description="Items du référentiel.")]
    missing: Annotated[list[ItemCode], Meta(description="Items sans note, dans l'ordre du référentiel.")]
    complete: Annotated[bool, Meta(description="Chaque item du référentiel a une note.")]


class EvaluationRead(ResponseStruct):
    """Grille d'évaluation des compétences d'un exercice."""

    exercise_id: ExerciseRef
    exercise_status: Annotated[ExerciseStatus, Meta(description="Étape de l'exercice après l'opération.")]
    kit_version: KitVersion
    evaluator: Annotated[EvaluatorRead | None, Meta(description="Dernier évaluateur déclaré.")]
    ratings: Annotated[dict[ItemCode, ItemRatingRead], Meta(description="Notes par code d'item.")]
    completeness: Annotated[EvaluationCompleteness, Meta(description="Avancement de la grille.")]
    revision: Annotated[int, Meta(ge=0, description="Version de la grille (0 : jamais enregistrée) ; ETag.")]
    updated_at: Annotated[datetime | None, Meta(description="Dernier enregistrement (UTC ; null : jamais).")]


# ---------------------------------------------------------------------------------------------
# Observations


class ObservationCreate(RequestStruct):
    """Observation libre d'un observateur pendant l'exercice."""

    observed_at: Annotated[
        datetime,
        Meta(
            description="Moment observé (RFC 3339 ; sans décalage : UTC), entre 2000 et 2100.",
            examples=["2026-03-12T09:47:00+01:00"],
        ),
    ]
    text: Annotated[MultilineText, Meta(min_length=1, max_length=4000, description="Ce qui a été observé.")]
    observer: Annotated[PersonName | None, Meta(description="Nom de l'observateur.")] = None
    entry_id: Annotated[
        EntryRef | None,
        Meta(description="Entrée du chronogramme de cet exercice concernée."),
    ] = None


class ObservationRead(ResponseStruct):
    """Observation libre d'un observateur."""

    id: ResourceId
    exercise_id: ExerciseRef
    observed_at: Annotated[datetime, Meta(description="Moment observé (UTC).")]
    text: Annotated[str, Meta(description="Ce qui a été observé.")]
    observer: Annotated[str | None, Meta(description="Nom de l'observateur.")]
    entry_id: Annotated[UUID | None, Meta(description="Entrée du chronogramme liée (null sinon).")]
    revision: Revision
    created_at: CreatedAt
    updated_at: UpdatedAt


class ObservationPage(ResponseStruct):
    """Une page d'observations, dans l'ordre où elles ont été faites."""

    items: Annotated[list[ObservationRead], Meta(description="Observations de la page.")]
    total: Total
    limit: Limit
    offset: Offset


# ---------------------------------------------------------------------------------------------
# Results


class RatingCount(ResponseStruct):
    """Nombre d'items notés à un niveau de l'échelle."""

    rating: Annotated[Rating, Meta(description="Niveau de l'échelle.")]
    label: Label
    score: Annotated[int, Meta(ge=0, le=3, description="Score du niveau.")]
    count: Annotated[int, Meta(ge=0, description="Items notés à ce niveau.")]


class ItemResult(ResponseStruct):
    """Résultat d'un item."""

    item_code: ItemCode
    label: Label
    rating: Annotated[Rating | None, Meta(description="Niveau atteint (null : pas encore noté).")]
    rating_label: Annotated[str | None, Meta(description="Libellé du niveau (null : pas encore noté).")]
    score: Annotated[LevelScore | None, Meta(description="Score 0 à 3 (null : N/A ou pas noté).")]
    acquired: Annotated[
        bool | None, Meta(description="Acquis : au moins « Satisfaisant » (null : N/A ou pas noté).")
    ]


class FamilyResult(ResponseStruct):
    """Résultat d'une famille de compétences (N/A exclu de tout calcul)."""

    family_code: FamilyCode
    label: Label
    item_count: Annotated[int, Meta(ge=0, description="Items de la famille.")]
    rated_count: Annotated[int, Meta(ge=0, description="Items notés sur l'échelle 0 à 3 (hors N/A).")]
    na_count: Annotated[int, Meta(ge=0, description="Items notés N/A.")]
    unrated_count: Annotated[int, Meta(ge=0, description="Items pas encore notés.")]
    acquired_count: Annotated[int, Meta(ge=0, description="Items acquis (au moins « Satisfaisant »).")]
    score: Score
    acquisition_rate: Rate
    distribution: Annotated[
        list[RatingCount],
        Meta(description="Items notés par niveau, de Non réalisé à Très satisfaisant, sans N/A."),
    ]
    items: Annotated[list[ItemResult], Meta(description="Items, dans l'ordre du référentiel.")]


class OverallResult(ResponseStruct):
    """Résultat global : tous les items notés de toutes les familles, comptés une fois chacun."""

    item_count: Annotated[int, Meta(ge=0, description="Items du référentiel.")]
    rated_count: Annotated[int, Meta(ge=0, description="Items notés sur l'échelle 0 à 3 (hors N/A).")]
    na_count: Annotated[int, Meta(ge=0, description="Items notés N/A.")]
    unrated_count: Annotated[int, Meta(ge=0, description="Items pas encore notés.")]
    acquired_count: Annotated[int, Meta(ge=0, description="Items acquis (au moins « Satisfaisant »).")]
    score: Score
    acquisition_rate: Rate
    distribution: Annotated[list[RatingCount], Meta(description="Items notés par niveau (sans N/A).")]


class FamilyHighlight(ResponseStruct):
    """Une famille et son score."""

    family_code: FamilyCode
    label: Label
    score: Annotated[float, Meta(ge=0, le=3, description="Score moyen, arrondi à 2 décimales.")]


class ItemBar(ResponseStruct):
    """Barre d'un item dans le graphique de sa famille."""

    item_code: ItemCode
    label: Label
    score: Annotated[LevelScore | None, Meta(description="Hauteur 0 à 3 (null : N/A ou pas noté).")]
    rating: Annotated[Rating | None, Meta(description="Niveau atteint (null : pas encore noté).")]


class FamilyBars(ResponseStruct):
    """Graphique en barres d'une famille : un item par barre."""

    family_code: FamilyCode
    label: Label
    chart: Annotated[str, Meta(description="Nom du graphique SVG (…/results/charts/<nom>).")]
    bars: Annotated[list[ItemBar], Meta(description="Une barre par item, dans l'ordre du référentiel.")]


class RadarAxis(ResponseStruct):
    """Axe du radar : une famille."""

    family_code: FamilyCode
    label: Label
    score: Score
    previous_score: Annotated[
        float | None, Meta(description="Score de l'exercice précédent évalué (null : aucun ou rien de noté).")
    ]


class ChartData(ResponseStruct):
    """Données des graphiques du tableau de bord (rendus en SVG par getResultsChart)."""

    scale_max: Annotated[int, Meta(description="Haut de l'échelle (3).")]
    radar: Annotated[list[RadarAxis], Meta(description="Radar des familles, dans l'ordre du référentiel.")]
    bars: Annotated[list[FamilyBars], Meta(description="Barres par item, une série par famille.")]


class FamilyProgress(ResponseStruct):
    """Progression d'une famille depuis l'exercice précédent."""

    family_code: FamilyCode
    label: Label
    score: Score
    previous_score: Score
    score_delta: Delta
    acquisition_rate: Rate
    previous_acquisition_rate: Rate
    acquisition_rate_delta: Delta


class ResultsComparison(ResponseStruct):
    """Comparaison avec l'exercice évalué précédent de l'établissement."""

    previous_exercise_id: Annotated[UUID, Meta(description="Exercice précédent.")]
    previous_title: Annotated[str, Meta(description="Intitulé de l'exercice précédent.")]
    previous_exercise_date: Annotated[date | None, Meta(description="Date de l'exercice précédent.")]
    overall_score_delta: Delta
    overall_acquisition_rate_delta: Delta
    families: Annotated[list[FamilyProgress], Meta(description="Progression par famille.")]


class ScoredResults(ResponseStruct):
    """Ce que calcule le moteur à partir des seules notes (sans I/O)."""

    complete: Annotated[bool, Meta(description="Chaque item du référentiel a une note.")]
    overall: Annotated[OverallResult, Meta(description="Résultat global, tous items notés confondus.")]
    families: Annotated[list[FamilyResult], Meta(description="Familles, dans l'ordre du référentiel.")]
    strongest_family: Annotated[
        FamilyHighlight | None,
        Meta(
            description=(
                "Famille au meilleur score (à égalité : meilleur taux d'acquisition, puis ordre du "
                "référentiel) ; null si rien n'est noté."
            )
        ),
    ]
    weakest_family: Annotated[
        FamilyHighlight | None,
        Meta(
            description=(
                "Famille au plus faible score (à égalité : plus faible taux d'acquisition, puis "
                "ordre du référentiel) ; null si rien n'est noté."
            )
        ),
    ]
    charts: Annotated[ChartData, Meta(description="Données des graphiques du tableau de bord.")]


class ResultsRead(ResponseStruct):
    """Résultats et tableau de bord d'un exercice."""

    exercise_id: ExerciseRef
    exercise_status: Annotated[ExerciseStatus, Meta(description="Étape de l'exercice.")]
    kit_version: KitVersion
    results: Annotated[ScoredResults, Meta(description="Résultats calculés à partir des notes.")]
    comparison: Annotated[
        ResultsComparison | None,
        Meta(description="Comparaison avec l'exercice évalué précédent de l'établissement (null : aucun)."),
    ]
