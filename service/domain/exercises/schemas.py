"""Wire format of exercises: parameters and lifecycle, business questionnaire, SI description.

Each field type is declared once with its constraints and French description, then shared by
the create, update and read bodies. Bounds that the kit defines (question options, integer
bounds, text lengths, required attributes) are checked against the kit (422), not repeated in
the schema, so a new kit revision needs no new contract.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any
from uuid import UUID

import msgspec
from msgspec import UNSET, Meta, UnsetType

from service.kit.codes import (
    ExerciseFormat,
    ExerciseLevel,
    ExerciseStatus,
    HostingMode,
    ParticipantRole,
    ScenarioType,
    SiCategory,
)
from service.lib.schema import (
    CreatedAt,
    Limit,
    Offset,
    RequestStruct,
    RequiredText,
    ResourceId,
    ResponseStruct,
    Revision,
    Total,
    UpdatedAt,
)

CLOCK_PATTERN = r"^(?:[01][0-9]|2[0-3]):[0-5][0-9]$"
COMPONENT_CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]*$"
MAX_COMPONENTS = 100

# Exercise fields.
OrganisationRef = Annotated[UUID, Meta(description="Établissement qui organise l'exercice.")]
Title = Annotated[
    RequiredText,
    Meta(max_length=200, description="Intitulé de l'exercice.", examples=["Exercice cyber 2026"]),
]
KitVersion = Annotated[str, Meta(description="Version du kit ANS dont l'exercice suit le contenu (ex. V2).")]
ExerciseDate = Annotated[
    date,
    Meta(
        description="Date de l'exercice (AAAA-MM-JJ), à Paris, entre 2000 et 2100.",
        examples=["2026-03-12"],
    ),
]
StartTime = Annotated[
    str,
    Meta(
        pattern=CLOCK_PATTERN,
        description=(
            "Heure de début de la séance (DEBEX), heure légale de Paris, au format HH:MM ; demande une date."
        ),
        examples=["09:30"],
    ),
]
StartsAt = Annotated[
    datetime | None,
    Meta(description="Début de la séance en UTC, d'après la date et l'heure de Paris (null sans elles)."),
]
DurationMinutes = Annotated[
    int,
    Meta(
        ge=10,
        le=1440,
        description=(
            "Durée totale de la séance en minutes, mise en situation et débriefing compris ; "
            "plus longue que la mise en situation. Par défaut, celle du format."
        ),
    ),
]
BriefingMinutes = Annotated[
    int,
    Meta(
        ge=0,
        le=240,
        description=(
            "Durée de la mise en situation (rappel de la démarche) en minutes ; le jeu commence "
            "ensuite (T0). Par défaut, celle du format."
        ),
    ),
]
Level = Annotated[ExerciseLevel, Meta(description="Niveau de l'exercice.")]
Format = Annotated[ExerciseFormat, Meta(description="Format de l'exercice.")]
Scenario = Annotated[ScenarioType, Meta(description="Type de scénario joué.")]
Objective = Annotated[RequiredText, Meta(max_length=500, description="Un objectif, en une phrase.")]
Objectives = Annotated[
    list[Objective],
    Meta(max_length=20, description="Objectifs de l'exercice (20 au plus), dans l'ordre de priorité."),
]
FacilitatorsCount = Annotated[int, Meta(ge=0, le=100, description="Nombre d'animateurs.")]
ObserversCount = Annotated[int, Meta(ge=0, le=100, description="Nombre d'observateurs.")]
IncludePerturbations = Annotated[
    bool,
    Meta(description="Ajouter des stimuli perturbateurs (ex. l'appel inquiet d'un agent d'entretien)."),
]
Status = Annotated[ExerciseStatus, Meta(description="Étape du cycle de vie de l'exercice.")]
StatusChange = Annotated[
    ExerciseStatus,
    Meta(
        description=(
            "Nouvelle étape du cycle de vie : DRAFT ↔ READY (questionnaire complet et au moins un "
            "composant du SI), GENERATED → READY (pour modifier les données d'entrée ; le "
            "chronogramme est conservé et sera régénéré), GENERATED → PLAYED (exercice joué, par "
            "exemple sur table), EVALUATED → CLOSED (lecture seule ensuite). Les passages READY → "
            "GENERATED (génération du chronogramme) et PLAYED → EVALUATED (grille d'évaluation "
            "complète) sont faits par le service ; seul un administrateur national peut les "
            "forcer. Sauter une étape : 409."
        )
    ),
]
Label = Annotated[str, Meta(description="Libellé français du code.")]
Prefill = Annotated[
    bool,
    Meta(
        description=(
            "Reprendre le questionnaire métier et la description du SI du dernier exercice de "
            "l'établissement (le plus récent par date, puis par création ; les réponses que le kit "
            "actuel n'accepte plus sont laissées de côté). true par défaut ; false pour partir de "
            "zéro. Sans exercice précédent, sans effet."
        )
    ),
]
PrefilledFrom = Annotated[
    UUID | None,
    Meta(
        description=(
            "Exercice dont le questionnaire et la description du SI ont été repris à la création "
            "(null sinon ; il peut avoir été supprimé depuis)."
        )
    ),
]

# Participants.
PlayerRole = Annotated[ParticipantRole, Meta(description="Fonction des joueurs.")]
PlayerCount = Annotated[int, Meta(ge=1, le=500, description="Nombre de joueurs de cette fonction.")]
PlayerName = Annotated[RequiredText, Meta(max_length=200, description="Nom d'un joueur.")]
PlayerNames = Annotated[
    list[PlayerName],
    Meta(max_length=500, description="Noms des joueurs, facultatifs ; pas plus que leur nombre."),
]


class Participant(RequestStruct):
    """Joueurs d'une même fonction."""

    role: PlayerRole
    count: PlayerCount
    names: PlayerNames = msgspec.field(default_factory=list)


class ParticipantRead(ResponseStruct):
    """Joueurs d'une même fonction."""

    role: PlayerRole
    role_label: Label
    count: PlayerCount
    names: PlayerNames


Participants = Annotated[
    list[Participant],
    Meta(max_length=len(ParticipantRole), description="Joueurs, une ligne par fonction."),
]


class ExerciseCreate(RequestStruct):
    """Exercice à préparer ; il commence à l'étape DRAFT (brouillon)."""

    organisation_id: OrganisationRef
    title: Title
    scenario_type: Scenario
    level: Level = ExerciseLevel.DEBUTANT
    format: Format = ExerciseFormat.TABLE_TOP
    exercise_date: ExerciseDate | None = None
    start_time: StartTime | None = None
    duration_minutes: DurationMinutes | UnsetType = UNSET
    briefing_minutes: BriefingMinutes | UnsetType = UNSET
    objectives: Objectives = msgspec.field(default_factory=list)
    participants: Participants = msgspec.field(default_factory=list)
    facilitators_count: FacilitatorsCount = 1
    observers_count: ObserversCount = 0
    include_perturbations: IncludePerturbations = False
    prefill: Prefill = True


class ExerciseUpdate(RequestStruct):
    """Modification partielle : seuls les champs envoyés changent (null efface la date ou l'heure).

    Changer de format sans préciser les durées les aligne sur celles du nouveau format quand
    elles étaient celles de l'ancien. Un exercice clôturé ne se modifie plus (409)."""

    title: Title | UnsetType = UNSET
    scenario_type: Scenario | UnsetType = UNSET
    level: Level | UnsetType = UNSET
    format: Format | UnsetType = UNSET
    exercise_date: ExerciseDate | UnsetType | None = UNSET
    start_time: StartTime | UnsetType | None = UNSET
    duration_minutes: DurationMinutes | UnsetType = UNSET
    briefing_minutes: BriefingMinutes | UnsetType = UNSET
    objectives: Objectives | UnsetType = UNSET
    participants: Participants | UnsetType = UNSET
    facilitators_count: FacilitatorsCount | UnsetType = UNSET
    observers_count: ObserversCount | UnsetType = UNSET
    include_perturbations: IncludePerturbations | UnsetType = UNSET
    status: StatusChange | UnsetType = UNSET


class ExerciseRead(ResponseStruct):
    """Exercice de crise d'un établissement (« Paramètres exercice »)."""

    id: ResourceId
    organisation_id: OrganisationRef
    title: Title
    kit_version: KitVersion
    status: Status
    status_label: Label
    exercise_date: ExerciseDate | None
    start_time: StartTime | None
    starts_at: StartsAt
    duration_minutes: DurationMinutes
    briefing_minutes: BriefingMinutes
    level: Level
    level_label: Label
    format: Format
    format_label: Label
    scenario_type: Scenario
    scenario_label: Label
    objectives: Objectives
    participants: Annotated[list[ParticipantRead], Meta(description="Joueurs, une ligne par fonction.")]
    players_count: Annotated[int, Meta(ge=0, description="Nombre total de joueurs.")]
    facilitators_count: FacilitatorsCount
    observers_count: ObserversCount
    include_perturbations: IncludePerturbations
    prefilled_from_id: PrefilledFrom
    revision: Revision
    created_at: CreatedAt
    updated_at: UpdatedAt


class ExercisePage(ResponseStruct):
    """Une page d'exercices."""

    items: Annotated[list[ExerciseRead], Meta(description="Exercices de la page.")]
    total: Total
    limit: Limit
    offset: Offset


class ExerciseSort(StrEnum):
    """Champ de tri des exercices (sans date : en fin de liste, quel que soit le sens)."""

    EXERCISE_DATE = "exercise_date"
    TITLE = "title"
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"


# Business questionnaire.
ExerciseRef = Annotated[UUID, Meta(description="Exercice concerné.")]
# Keys and values are left free in the schema: which codes exist and what each answer must be
# is the kit's to say (422 naming ``answers.<CODE>``), not the contract's.
QuestionCode = Annotated[str, Meta(description="Code de question du kit (ex. Q_PLAN_BLEU).")]
AnswerValue = Annotated[
    Any,
    Meta(
        description=(
            "Réponse, selon le type de la question (GET /api/v1/kit/questions) : true/false "
            "(BOOL), nombre entier (INTEGER), code d'option (SINGLE_CHOICE), liste de codes "
            "d'options, éventuellement vide (MULTIPLE_CHOICE), texte (TEXT). null : pas de réponse."
        )
    ),
]
StoredAnswer = Annotated[
    bool | int | str | list[str],
    Meta(description="Réponse : booléen, entier, code d'option, liste de codes ou texte, selon la question."),
]


class QuestionnairePut(RequestStruct):
    """Réponses au questionnaire métier, qui remplacent toutes les précédentes.

    Tant que l'exercice est un brouillon, le questionnaire peut être incomplet ; à partir de
    l'étape READY, il doit rester complet (409 sinon)."""

    answers: Annotated[
        dict[QuestionCode, AnswerValue],
        Meta(description="Réponses par code de question ; une question absente est sans réponse."),
    ]


class QuestionnaireCompleteness(ResponseStruct):
    """Avancement du questionnaire : l'exercice ne peut passer à READY que complet."""

    answered: Annotated[int, Meta(ge=0, description="Nombre de questions répondues.")]
    required: Annotated[
        int,
        Meta(
            ge=0,
            description=(
                "Nombre de questions obligatoires posées, compte tenu des réponses "
                "(une question conditionnelle est posée quand sa condition est remplie)."
            ),
        ),
    ]
    missing: Annotated[
        list[str],
        Meta(description="Codes des questions obligatoires encore sans réponse, dans l'ordre du kit."),
    ]
    complete: Annotated[bool, Meta(description="Toutes les questions obligatoires posées ont une réponse.")]


class QuestionnaireRead(ResponseStruct):
    """Questionnaire métier (ESSMS) d'un exercice."""

    exercise_id: ExerciseRef
    kit_version: KitVersion
    answers: Annotated[dict[str, StoredAnswer], Meta(description="Réponses par code de question.")]
    completeness: Annotated[
        QuestionnaireCompleteness, Meta(description="Avancement : réponses données et réponses manquantes.")
    ]
    revision: Revision
    updated_at: UpdatedAt


# SI description. The attributes after ``category`` are those of the kit
# (GET /api/v1/kit/si-categories); a test checks that both agree.
ComponentCode = Annotated[
    str,
    Meta(
        min_length=1,
        max_length=64,
        pattern=COMPONENT_CODE_PATTERN,
        description="Code du composant, unique dans la description ; les dépendances le citent.",
        examples=["DUI"],
    ),
]
ComponentCategory = Annotated[SiCategory, Meta(description="Catégorie du composant.")]
ComponentText = Annotated[RequiredText, Meta(max_length=1000)]
ComponentName = Annotated[ComponentText, Meta(description="Nom du logiciel ou du service.")]
ComponentEditor = Annotated[ComponentText, Meta(description="Éditeur ou fournisseur.")]
Hosting = Annotated[HostingMode, Meta(description="Mode d'hébergement.")]
Criticality = Annotated[int, Meta(description="Criticité, de 1 (faible) à 4 (vitale).")]
UsersCount = Annotated[int, Meta(description="Nombre approximatif d'utilisateurs.")]
PersonalData = Annotated[bool, Meta(description="Traite des données personnelles.")]
HealthData = Annotated[bool, Meta(description="Traite des données de santé.")]
DegradedProcedure = Annotated[bool, Meta(description="Une procédure dégradée écrite existe.")]
RtoHours = Annotated[int, Meta(description="Délai maximal d'interruption admissible, en heures (RTO).")]
DependsOn = Annotated[
    list[ComponentCode],
    Meta(
        max_length=MAX_COMPONENTS,
        description="Codes des composants de la même description dont celui-ci dépend (sans cycle).",
    ),
]


class SiComponent(RequestStruct):
    """Composant du système d'information présent dans l'établissement.

    Les attributs obligatoires et leurs bornes sont ceux du kit (422 sinon)."""

    code: ComponentCode
    category: ComponentCategory
    name: ComponentName | None = None
    editor: ComponentEditor | None = None
    hosting: Hosting | None = None
    criticality: Criticality | None = None
    users_count: UsersCount | None = None
    personal_data: PersonalData | None = None
    health_data: HealthData | None = None
    degraded_procedure: DegradedProcedure | None = None
    rto_hours: RtoHours | None = None
    depends_on: DependsOn = msgspec.field(default_factory=list)


class SiComponentRead(ResponseStruct):
    """Composant du système d'information, avec les libellés de ses codes."""

    code: ComponentCode
    category: ComponentCategory
    category_label: Label
    name: ComponentName | None
    editor: ComponentEditor | None
    hosting: Hosting | None
    hosting_label: Annotated[str | None, Meta(description="Libellé français du mode d'hébergement.")]
    criticality: Criticality | None
    criticality_label: Annotated[str | None, Meta(description="Libellé français de la criticité.")]
    users_count: UsersCount | None
    personal_data: PersonalData | None
    health_data: HealthData | None
    degraded_procedure: DegradedProcedure | None
    rto_hours: RtoHours | None
    depends_on: DependsOn


class InformationSystemPut(RequestStruct):
    """Description du SI, qui remplace entièrement la précédente.

    Tant que l'exercice est un brouillon, elle peut être vide ; à partir de l'étape READY, elle
    doit garder au moins un composant (409 sinon)."""

    components: Annotated[
        list[SiComponent],
        Meta(max_length=MAX_COMPONENTS, description="Composants présents, dans l'ordre voulu (100 au plus)."),
    ]


class InformationSystemRead(ResponseStruct):
    """Description du système d'information d'un exercice."""

    exercise_id: ExerciseRef
    kit_version: KitVersion
    components: Annotated[list[SiComponentRead], Meta(description="Composants présents.")]
    revision: Revision
    updated_at: UpdatedAt
