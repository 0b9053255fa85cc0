"""Wire format of the kit's reference content (read-only, the same for every caller).

Lists are small and fixed by the kit's revision: they are returned whole, in an ``items`` field,
never paginated.
"""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta

from service.kit.codes import (
    AnswerType,
    CategoryTrait,
    Channel,
    EssmsCategory,
    ExerciseFormat,
    ExerciseLevel,
    HostingMode,
    InjectAnchor,
    InjectSender,
    ParticipantRole,
    Phase,
    QuestionSection,
    Rating,
    ScenarioType,
    ServiceMode,
    SiAttributeType,
    SiCategory,
)
from service.kit.injects import CODE
from service.lib.schema import ResponseStruct

Label = Annotated[str, Meta(description="Libellé français.")]
Help = Annotated[str, Meta(description="Aide en français : ce qu'il faut savoir pour répondre.")]
ContentCode = Annotated[str, Meta(pattern=r"^[A-Z][A-Z0-9_]*$", description="Code stable (UPPER_SNAKE).")]
Minimum = Annotated[int | None, Meta(description="Valeur minimale admise (nombres seulement, sinon null).")]
Maximum = Annotated[int | None, Meta(description="Valeur maximale admise (nombres seulement, sinon null).")]
Unit = Annotated[str | None, Meta(description="Unité de la valeur, en français (null si sans objet).")]
MaxLength = Annotated[
    int | None,
    Meta(description="Longueur maximale d'une réponse en texte libre (null pour les autres types)."),
]
Required = Annotated[bool, Meta(description="La réponse est nécessaire pour que la saisie soit complète.")]
INJECT_CODE = f"^{CODE.pattern}$"


# GET /kit


class KitLevel(ResponseStruct):
    """Niveau d'exercice et ce qu'il change."""

    code: Annotated[ExerciseLevel, Meta(description="Code du niveau.")]
    label: Label
    rank: Annotated[int, Meta(ge=1, description="Rang, de 1 (débutant) au plus exigeant.")]
    description: Annotated[str, Meta(description="Ce que le niveau change dans l'exercice, en français.")]


class KitFormat(ResponseStruct):
    """Format d'exercice, ce qu'il change et son déroulé par défaut."""

    code: Annotated[ExerciseFormat, Meta(description="Code du format.")]
    label: Label
    description: Annotated[str, Meta(description="Ce que le format change dans l'exercice, en français.")]
    briefing_minutes: Annotated[
        int, Meta(ge=0, description="Rappel de la démarche et mise en situation, en minutes (par défaut).")
    ]
    play_minutes: Annotated[int, Meta(ge=1, description="Temps de jeu, en minutes (par défaut).")]
    debriefing_minutes: Annotated[int, Meta(ge=0, description="Débriefing à chaud, en minutes (par défaut).")]
    total_minutes: Annotated[int, Meta(ge=1, description="Durée totale de la séance, en minutes.")]


class KitCounts(ResponseStruct):
    """Nombre d'éléments de chaque liste du kit."""

    questions: Annotated[int, Meta(ge=0, description="Questions du questionnaire métier.")]
    required_questions: Annotated[
        int, Meta(ge=0, description="Questions dont la réponse est nécessaire (si elles sont posées).")
    ]
    question_sections: Annotated[int, Meta(ge=0, description="Rubriques du questionnaire métier.")]
    si_categories: Annotated[int, Meta(ge=0, description="Catégories de composants du SI.")]
    scenarios: Annotated[int, Meta(ge=0, description="Types de scénario.")]
    competency_families: Annotated[int, Meta(ge=0, description="Familles de compétences.")]
    competency_items: Annotated[int, Meta(ge=0, description="Items de compétence évalués.")]
    injects: Annotated[int, Meta(ge=0, description="Stimuli de la bibliothèque du chronogramme.")]


class KitLinks(ResponseStruct):
    """Chemins des listes du kit."""

    questions: Annotated[str, Meta(description="Questions du questionnaire métier.")]
    si_categories: Annotated[str, Meta(description="Catégories de composants du SI et leurs attributs.")]
    scenarios: Annotated[str, Meta(description="Types de scénario et leurs synopsis.")]
    competencies: Annotated[str, Meta(description="Référentiel de compétences et échelle d'évaluation.")]
    injects: Annotated[str, Meta(description="Bibliothèque de stimuli du chronogramme.")]


class KitSummary(ResponseStruct):
    """Le kit d'exercice de crise : version, contenu, niveaux et formats d'exercice."""

    kit_version: Annotated[str, Meta(description="Version du kit de l'ANS (ex. « V2 »).")]
    revision: Annotated[
        str, Meta(description="Révision du contenu ; elle change à chaque modification d'une liste du kit.")
    ]
    counts: Annotated[KitCounts, Meta(description="Taille de chaque liste.")]
    links: Annotated[KitLinks, Meta(description="Où lire chaque liste.")]
    levels: Annotated[list[KitLevel], Meta(description="Niveaux d'exercice, du moins au plus exigeant.")]
    formats: Annotated[list[KitFormat], Meta(description="Formats d'exercice.")]


# GET /kit/questions


class KitServiceModeRef(ResponseStruct):
    """Mode de prise en charge."""

    code: Annotated[ServiceMode, Meta(description="Code du mode de prise en charge.")]
    label: Label


class KitCategoryTraitRef(ResponseStruct):
    """Caractéristique d'une catégorie d'établissement (public accompagné, soins, obligations)."""

    code: Annotated[CategoryTrait, Meta(description="Code de la caractéristique.")]
    label: Label


ModesFilter = Annotated[
    list[KitServiceModeRef],
    Meta(
        description=(
            "Réservée aux établissements de l'un de ces modes de prise en charge (celui que "
            "l'établissement a déclaré) ; liste vide : à tous."
        )
    ),
]
TraitsFilter = Annotated[
    list[KitCategoryTraitRef],
    Meta(
        description=(
            "Réservée aux établissements dont la catégorie a l'une de ces caractéristiques ; "
            "liste vide : à tous. Les deux filtres s'ajoutent."
        )
    ),
]


class KitOption(ResponseStruct):
    """Option d'une question à choix."""

    code: Annotated[ContentCode, Meta(description="Code de l'option, à envoyer comme réponse.")]
    label: Label
    modes: ModesFilter
    traits: TraitsFilter


class KitCondition(ResponseStruct):
    """Condition à laquelle une question est posée."""

    question: Annotated[ContentCode, Meta(description="Code de la question (antérieure) dont elle dépend.")]
    answer: Annotated[
        bool | str,
        Meta(
            description=(
                "Réponse qui fait poser la question : true ou false pour une question oui / non, "
                "code d'option pour un choix unique (ou option cochée, pour un choix multiple)."
            )
        ),
    ]


class KitQuestion(ResponseStruct):
    """Question du questionnaire métier (ESSMS)."""

    code: Annotated[
        ContentCode, Meta(description="Code stable de la question ; les réponses s'y rapportent.")
    ]
    section: Annotated[QuestionSection, Meta(description="Rubrique du questionnaire.")]
    section_label: Annotated[str, Meta(description="Libellé français de la rubrique.")]
    label: Annotated[str, Meta(description="La question, en français.")]
    help: Help
    answer_type: Annotated[AnswerType, Meta(description="Type de réponse attendu.")]
    answer_type_label: Annotated[str, Meta(description="Libellé français du type de réponse.")]
    required: Required
    used_by_rules: Annotated[
        bool, Meta(description="La génération du chronogramme tient compte de la réponse.")
    ]
    options: Annotated[
        list[KitOption], Meta(description="Options possibles (questions à choix ; liste vide sinon).")
    ]
    minimum: Minimum
    maximum: Maximum
    unit: Unit
    max_length: MaxLength
    asked_if: Annotated[
        KitCondition | None, Meta(description="Condition pour que la question soit posée (null : toujours).")
    ]
    modes: ModesFilter
    traits: TraitsFilter


class KitSection(ResponseStruct):
    """Rubrique du questionnaire métier."""

    code: Annotated[QuestionSection, Meta(description="Code de la rubrique.")]
    label: Label
    questions: Annotated[int, Meta(ge=0, description="Nombre de questions listées de cette rubrique.")]


class KitEstablishment(ResponseStruct):
    """Établissement dont la liste donne les questions : sa catégorie et son mode de prise en
    charge."""

    category: Annotated[EssmsCategory, Meta(description="Catégorie d'établissement.")]
    category_label: Annotated[str, Meta(description="Libellé français de la catégorie.")]
    service_mode: Annotated[ServiceMode, Meta(description="Mode de prise en charge retenu.")]
    service_mode_label: Annotated[str, Meta(description="Libellé français du mode de prise en charge.")]


class KitQuestionList(ResponseStruct):
    """Questions du questionnaire métier, dans l'ordre du classeur."""

    establishment: Annotated[
        KitEstablishment | None,
        Meta(
            description=(
                "Établissement pour lequel la liste est filtrée (paramètre category) : seules "
                "les questions qui lui sont posées, avec les seules options qui lui sont "
                "proposées ; null : tout le questionnaire, avec les filtres de chaque question "
                "et de chaque option."
            )
        ),
    ]
    items: Annotated[list[KitQuestion], Meta(description="Les questions.")]
    sections: Annotated[list[KitSection], Meta(description="Rubriques des questions listées, dans l'ordre.")]


# GET /kit/si-categories


class KitSiCategory(ResponseStruct):
    """Catégorie de composant du système d'information."""

    code: Annotated[SiCategory, Meta(description="Code de la catégorie.")]
    label: Label
    description: Annotated[str, Meta(description="Ce que la catégorie couvre, en français.")]


class KitHostingMode(ResponseStruct):
    """Mode d'hébergement d'un composant."""

    code: Annotated[HostingMode, Meta(description="Code du mode d'hébergement.")]
    label: Label


class KitCriticalityLevel(ResponseStruct):
    """Degré de criticité d'un composant."""

    value: Annotated[int, Meta(ge=1, description="Valeur de la criticité (1 : faible).")]
    label: Label
    description: Annotated[str, Meta(description="Ce que ce degré signifie, en français.")]


class KitSiAttribute(ResponseStruct):
    """Attribut d'un composant du système d'information."""

    code: Annotated[
        str,
        Meta(
            pattern=r"^[a-z][a-z0-9_]*$", description="Nom du champ du composant dans la description du SI."
        ),
    ]
    label: Label
    help: Help
    value_type: Annotated[SiAttributeType, Meta(description="Type de valeur.")]
    value_type_label: Annotated[str, Meta(description="Libellé français du type de valeur.")]
    required: Required
    minimum: Minimum
    maximum: Maximum
    unit: Unit
    max_length: MaxLength


class KitSiCategoryList(ResponseStruct):
    """Catégories de composants du SI, modes d'hébergement et attributs d'un composant."""

    items: Annotated[list[KitSiCategory], Meta(description="Les catégories de composants.")]
    hosting_modes: Annotated[list[KitHostingMode], Meta(description="Modes d'hébergement possibles.")]
    criticality_levels: Annotated[
        list[KitCriticalityLevel],
        Meta(description="Échelle de criticité, de la plus faible à la plus forte."),
    ]
    attributes: Annotated[list[KitSiAttribute], Meta(description="Attributs que porte chaque composant.")]


# GET /kit/scenarios


class KitSiCategoryRef(ResponseStruct):
    """Catégorie de composant du SI, avec son libellé."""

    code: Annotated[SiCategory, Meta(description="Code de la catégorie.")]
    label: Label


class KitScenario(ResponseStruct):
    """Type de scénario d'exercice et son synopsis."""

    code: Annotated[ScenarioType, Meta(description="Code du type de scénario.")]
    title: Annotated[str, Meta(description="Titre français du scénario.")]
    synopsis: Annotated[str, Meta(description="Synopsis en un paragraphe, lisible par les joueurs.")]
    first_signal: Annotated[str, Meta(description="Le signal faible par lequel la crise commence (T0).")]
    impacted_categories: Annotated[
        list[KitSiCategoryRef], Meta(description="Catégories de composants touchées en premier.")
    ]
    references: Annotated[list[str], Meta(description="Sources publiques dont le scénario s'inspire.")]


class KitScenarioList(ResponseStruct):
    """Types de scénario d'exercice."""

    items: Annotated[list[KitScenario], Meta(description="Les types de scénario.")]


# GET /kit/competencies


class KitCompetencyItem(ResponseStruct):
    """Item de compétence évalué après l'exercice."""

    code: Annotated[ContentCode, Meta(description="Code stable de l'item ; les évaluations s'y rapportent.")]
    label: Annotated[str, Meta(description="Libellé français, tel que le classeur l'affiche.")]


class KitCompetencyFamily(ResponseStruct):
    """Famille de compétences et ses items."""

    code: Annotated[ContentCode, Meta(description="Code stable de la famille.")]
    label: Annotated[str, Meta(description="Libellé français, tel que le classeur l'affiche.")]
    items: Annotated[
        list[KitCompetencyItem], Meta(description="Items de la famille, dans l'ordre du classeur.")
    ]


class KitRating(ResponseStruct):
    """Niveau de l'échelle d'évaluation."""

    code: Annotated[Rating, Meta(description="Code de l'évaluation.")]
    label: Label
    score: Annotated[int | None, Meta(description="Score (0 à 3) ; null pour N/A, exclu de tout score.")]
    acquired: Annotated[bool, Meta(description="Un item ainsi évalué est acquis.")]


class KitCompetencies(ResponseStruct):
    """Référentiel de compétences et échelle d'évaluation."""

    items: Annotated[list[KitCompetencyFamily], Meta(description="Familles de compétences, dans l'ordre.")]
    rating_scale: Annotated[list[KitRating], Meta(description="Échelle d'évaluation, de N/A au meilleur.")]
    acquired_score: Annotated[int, Meta(ge=0, description="Score à partir duquel un item est acquis.")]


# GET /kit/injects


class KitScenarioRef(ResponseStruct):
    """Type de scénario, avec son titre."""

    code: Annotated[ScenarioType, Meta(description="Code du type de scénario.")]
    label: Label


class KitFormatRef(ResponseStruct):
    """Format d'exercice, avec son libellé."""

    code: Annotated[ExerciseFormat, Meta(description="Code du format.")]
    label: Label


class KitCompetencyItemRef(ResponseStruct):
    """Item de compétence, avec son libellé."""

    code: Annotated[ContentCode, Meta(description="Code de l'item de compétence.")]
    label: Label


class KitInject(ResponseStruct):
    """Stimulus de la bibliothèque, tel que le chronogramme le reprend."""

    code: Annotated[str, Meta(pattern=INJECT_CODE, description="Code stable du stimulus (ex. RAN-T0-01).")]
    title: Annotated[str, Meta(description="Titre court, en français, pour les animateurs.")]
    scenario_types: Annotated[list[KitScenarioRef], Meta(description="Scénarios dans lesquels il est joué.")]
    phase: Annotated[Phase, Meta(description="Phase de l'exercice.")]
    phase_label: Annotated[str, Meta(description="Libellé français de la phase.")]
    offset_minutes: Annotated[
        int,
        Meta(
            description=(
                "Place sur la chronologie de référence, en minutes depuis T0 (négative avant T0) ; "
                "la génération l'adapte à la durée de l'exercice."
            )
        ),
    ]
    sender: Annotated[InjectSender, Meta(description="Émetteur : le rôle que joue l'animateur.")]
    sender_label: Annotated[str, Meta(description="Libellé français de l'émetteur.")]
    recipient: Annotated[ParticipantRole, Meta(description="Destinataire : la fonction du joueur visé.")]
    recipient_label: Annotated[str, Meta(description="Libellé français du destinataire.")]
    channel: Annotated[Channel, Meta(description="Canal de transmission.")]
    channel_label: Annotated[str, Meta(description="Libellé français du canal.")]
    stimulus: Annotated[
        str,
        Meta(description="Texte du stimulus ; les éléments entre accolades sont remplis à la génération."),
    ]
    expected_reactions: Annotated[list[str], Meta(description="Réactions attendues des joueurs.")]
    competency_items: Annotated[list[KitCompetencyItemRef], Meta(description="Items de compétence évalués.")]
    min_level: Annotated[ExerciseLevel, Meta(description="Niveau minimal de l'exercice.")]
    min_level_label: Annotated[str, Meta(description="Libellé français du niveau minimal.")]
    formats: Annotated[list[KitFormatRef], Meta(description="Formats d'exercice dans lesquels il est joué.")]
    priority: Annotated[
        int,
        Meta(ge=1, le=5, description="Priorité : 1 est écarté en premier quand le rythme est trop dense."),
    ]
    rule: Annotated[
        str | None,
        Meta(description="Quand il est retenu, en français (null : pour tout établissement)."),
    ]
    rule_reads: Annotated[
        list[str],
        Meta(description="Données que la règle consulte (ex. answer:Q_PLAN_BLEU, si:MSSANTE), triées."),
    ]
    perturbation: Annotated[bool, Meta(description="Stimulus perturbateur, joué si l'exercice en prévoit.")]
    requires: Annotated[
        list[str], Meta(description="Stimuli qui doivent aussi être retenus pour qu'il le soit.")
    ]
    anchor: Annotated[
        InjectAnchor | None, Meta(description="Jalon obligatoire qu'il porte (null : stimulus facultatif).")
    ]
    anchor_label: Annotated[str | None, Meta(description="Libellé français du jalon (null si aucun).")]


class KitPlaceholder(ResponseStruct):
    """Élément qu'un stimulus peut citer entre accolades."""

    name: Annotated[str, Meta(pattern=r"^[a-z][a-z0-9_]*$", description="Nom, tel qu'écrit entre accolades.")]
    description: Annotated[str, Meta(description="Ce qui le remplace à la génération, en français.")]


class KitInjectList(ResponseStruct):
    """Bibliothèque de stimuli du chronogramme."""

    version: Annotated[str, Meta(description="Version de la bibliothèque.")]
    reference_minutes: Annotated[
        int, Meta(ge=1, description="Durée de la chronologie de référence, de T0 à la fin d'exercice.")
    ]
    items: Annotated[list[KitInject], Meta(description="Les stimuli, dans l'ordre de la bibliothèque.")]
    placeholders: Annotated[
        list[KitPlaceholder], Meta(description="Éléments que les stimuli peuvent citer entre accolades.")
    ]
