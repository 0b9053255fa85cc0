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
            "Écart avec l'exercice précédent (actuel − précédent) sur les items notés les deux "
            "fois, calculé exactement puis arrondi à 2 décimales ; null : aucun item comparé."
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


class UnratedItem(ResponseStruct):
    """Item pas encore noté, et ce que le chronogramme en dit : un item qu'aucun stimulus joué
    n'a mis en jeu se note N/A (sans objet), un item joué mais non fait « Non réalisé »."""

    item_code: ItemCode
    item_label: Label
    family_code: FamilyCode
    exercised: Annotated[
        bool | None,
        Meta(
            description=(
                "Au moins un stimulus du chronogramme, ni écarté ni hors du temps de jeu (DEBEX, "
                "FINEX, RETEX), met l'item en jeu (null : pas de chronogramme généré)."
            )
        ),
    ]
    entry_ids: Annotated[
        list[EntryRef],
        Meta(description="Entrées du chronogramme qui mettent l'item en jeu, dans l'ordre du jeu."),
    ]
    suggested_rating: Annotated[
        Rating | None,
        Meta(
            description=(
                "Note proposée : NA quand aucun stimulus du chronogramme ne met l'item en jeu ; "
                "null sinon. Simple proposition, à enregistrer par PUT comme toute note."
            )
        ),
    ]
    suggestion_reason: Annotated[str | None, Meta(description="Pourquoi cette note est proposée.")]


class EvaluationRead(ResponseStruct):
    """Grille d'évaluation des compétences d'un exercice."""

    exercise_id: ExerciseRef
    exercise_status: Annotated[ExerciseStatus, Meta(description="Étape de l'exercice après l'opération.")]
    kit_version: KitVersion
    evaluator: Annotated[EvaluatorRead | None, Meta(description="Dernier évaluateur déclaré.")]
    ratings: Annotated[dict[ItemCode, ItemRatingRead], Meta(description="Notes par code d'item.")]
    completeness: Annotated[EvaluationCompleteness, Meta(description="Avancement de la grille.")]
    unrated: Annotated[
        list[UnratedItem],
        Meta(description="Items sans note, dans l'ordre du référentiel, avec la note proposée."),
    ]
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


class FamilyRef(ResponseStruct):
    """Une famille de compétences."""

    family_code: FamilyCode
    label: Label


class FamilyRanking(ResponseStruct):
    """La famille (ou les familles ex aequo) au meilleur ou au plus faible résultat.

    Rang : le score moyen d'abord ; à score égal, le taux d'acquisition. Des familles égales
    sur les deux sont ex aequo : toutes sont citées, aucune n'est choisie d'office."""

    families: Annotated[
        list[FamilyRef],
        Meta(min_length=1, description="La ou les familles, dans l'ordre du référentiel."),
    ]
    ex_aequo: Annotated[
        bool, Meta(description="Plusieurs familles à égalité de score et de taux d'acquisition.")
    ]
    score: Annotated[float, Meta(ge=0, le=3, description="Score moyen, arrondi à 2 décimales.")]
    acquisition_rate: Annotated[
        float, Meta(ge=0, le=1, description="Taux d'acquisition, de 0 à 1, arrondi à 2 décimales.")
    ]


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


ComparedCount = Annotated[
    int, Meta(ge=0, description="Items comparés : notés (hors N/A) lors des deux exercices.")
]
ComparedScore = Annotated[
    Annotated[float, Meta(ge=0, le=3)] | None,
    Meta(
        description="Score moyen sur les items comparés, arrondi à 2 décimales (null : aucun item comparé)."
    ),
]
ComparedRate = Annotated[
    Annotated[float, Meta(ge=0, le=1)] | None,
    Meta(
        description=(
            "Taux d'acquisition sur les items comparés, de 0 à 1, arrondi à 2 décimales "
            "(null : aucun item comparé)."
        )
    ),
]


class ExcludedItem(ResponseStruct):
    """Item laissé hors de la comparaison : il n'a pas été noté (hors N/A) les deux fois."""

    item_code: ItemCode
    label: Label
    rating: Annotated[Rating | None, Meta(description="Niveau de cet exercice (null : pas encore noté).")]
    previous_rating: Annotated[
        Rating | None, Meta(description="Niveau de l'exercice précédent (null : pas noté).")
    ]
    reason: Annotated[str, Meta(description="Pourquoi l'item n'est pas comparé, en français.")]


class FamilyProgress(ResponseStruct):
    """Progression d'une famille depuis l'exercice précédent, sur ses seuls items notés (hors
    N/A) les deux fois : les deux scores portent sur le même périmètre."""

    family_code: FamilyCode
    label: Label
    compared_count: ComparedCount
    excluded_items: Annotated[
        list[ExcludedItem],
        Meta(description="Items de la famille laissés hors de la comparaison, dans l'ordre du référentiel."),
    ]
    score: ComparedScore
    previous_score: ComparedScore
    score_delta: Delta
    acquisition_rate: ComparedRate
    previous_acquisition_rate: ComparedRate
    acquisition_rate_delta: Delta


class OverallProgress(ResponseStruct):
    """Progression globale, sur les items notés (hors N/A) lors des deux exercices."""

    compared_count: ComparedCount
    excluded_count: Annotated[
        int, Meta(ge=0, description="Items du référentiel laissés hors de la comparaison.")
    ]
    score: ComparedScore
    previous_score: ComparedScore
    score_delta: Delta
    acquisition_rate: ComparedRate
    previous_acquisition_rate: ComparedRate
    acquisition_rate_delta: Delta


class ResultsComparison(ResponseStruct):
    """Comparaison avec l'exercice évalué précédent de l'établissement, à périmètre égal : seuls
    les items notés (hors N/A) lors des deux exercices comptent, les autres sont nommés."""

    previous_exercise_id: Annotated[UUID, Meta(description="Exercice précédent.")]
    previous_title: Annotated[str, Meta(description="Intitulé de l'exercice précédent.")]
    previous_exercise_date: Annotated[date | None, Meta(description="Date de l'exercice précédent.")]
    overall: Annotated[OverallProgress, Meta(description="Progression globale, sur les items comparés.")]
    excluded_families: Annotated[
        list[FamilyRef],
        Meta(
            description="Familles dont aucun item n'a été noté (hors N/A) les deux fois : sans progression."
        ),
    ]
    families: Annotated[list[FamilyProgress], Meta(description="Progression par famille.")]


class ScoredResults(ResponseStruct):
    """Ce que calcule le moteur à partir des seules notes (sans I/O)."""

    complete: Annotated[bool, Meta(description="Chaque item du référentiel a une note.")]
    overall: Annotated[OverallResult, Meta(description="Résultat global, tous items notés confondus.")]
    families: Annotated[list[FamilyResult], Meta(description="Familles, dans l'ordre du référentiel.")]
    strongest: Annotated[
        FamilyRanking | None,
        Meta(
            description=(
                "Famille au meilleur score (à score égal : au meilleur taux d'acquisition) ; "
                "plusieurs si elles sont ex aequo ; null si rien n'est noté."
            )
        ),
    ]
    weakest: Annotated[
        FamilyRanking | None,
        Meta(
            description=(
                "Famille au plus faible score (à score égal : au plus faible taux d'acquisition) ; "
                "plusieurs si elles sont ex aequo ; null si rien n'est noté."
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
