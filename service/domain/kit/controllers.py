"""HTTP routes of the kit's reference content: read-only, whole lists, French labels.

The content is fixed for a given revision of the kit (it ships with the service and is checked
at start-up), so each answer is built once and reused.
"""

from __future__ import annotations

import functools
from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.params import QueryParameter

from service.domain.kit.schemas import (
    KitCategoryTraitRef,
    KitCompetencies,
    KitCompetencyFamily,
    KitCompetencyItem,
    KitCompetencyItemRef,
    KitCondition,
    KitCounts,
    KitCriticalityLevel,
    KitEstablishment,
    KitFormat,
    KitFormatRef,
    KitHostingMode,
    KitInject,
    KitInjectList,
    KitLevel,
    KitLinks,
    KitOption,
    KitPlaceholder,
    KitQuestion,
    KitQuestionList,
    KitRating,
    KitScenario,
    KitScenarioList,
    KitScenarioRef,
    KitSection,
    KitServiceModeRef,
    KitSiAttribute,
    KitSiCategory,
    KitSiCategoryList,
    KitSiCategoryRef,
    KitSummary,
)
from service.errors import FieldError, InvalidDataError, problem_responses
from service.kit.catalogue import get_catalogue
from service.kit.codes import (
    EssmsCategory,
    HostingMode,
    Phase,
    QuestionSection,
    ScenarioType,
    ServiceMode,
    SiAttributeType,
)
from service.kit.content import Establishment, Option, Question, SiAttribute, get_kit
from service.kit.context import KitContext, KitDependency
from service.kit.injects import PLACEHOLDERS, InjectTemplate, get_inject_library
from service.kit.rules.french import describe
from service.kit.rules.model import reads
from service.security.guards import ORGANISATION_MEMBERS, allow


def kit_filters(entry: Question | Option) -> tuple[list[KitServiceModeRef], list[KitCategoryTraitRef]]:
    """The ``modes`` and ``traits`` filters of a question or an option, with their labels."""
    catalogue = get_catalogue()
    return (
        [KitServiceModeRef(code=mode, label=catalogue.label(mode)) for mode in entry.modes],
        [KitCategoryTraitRef(code=trait, label=catalogue.label(trait)) for trait in entry.traits],
    )


def kit_option(option: Option) -> KitOption:
    modes, traits = kit_filters(option)
    return KitOption(code=option.code, label=option.label, modes=modes, traits=traits)


def kit_question(question: Question, establishment: Establishment | None = None) -> KitQuestion:
    """A question with its options: all of them, or those offered to ``establishment``."""
    catalogue, kit = get_catalogue(), get_kit()
    condition = question.asked_if
    options = kit.options(question) if establishment is None else kit.offered_options(question, establishment)
    modes, traits = kit_filters(question)
    return KitQuestion(
        code=question.code,
        section=question.section,
        section_label=catalogue.label(question.section),
        label=question.label,
        help=question.help,
        answer_type=question.answer_type,
        answer_type_label=catalogue.label(question.answer_type),
        required=question.required,
        used_by_rules=question.used_by_rules,
        options=[kit_option(option) for option in options],
        minimum=question.minimum,
        maximum=question.maximum,
        unit=question.unit,
        max_length=question.max_length,
        asked_if=KitCondition(question=condition.question, answer=condition.answer) if condition else None,
        modes=modes,
        traits=traits,
    )


def kit_si_attribute(attribute: SiAttribute) -> KitSiAttribute:
    minimum, maximum = attribute.minimum, attribute.maximum
    if attribute.value_type is SiAttributeType.CRITICALITY:
        # The bounds of a criticality are those of the scale.
        values = list(get_kit().criticality_levels)
        minimum, maximum = min(values), max(values)
    return KitSiAttribute(
        code=attribute.code,
        label=attribute.label,
        help=attribute.help,
        value_type=attribute.value_type,
        value_type_label=get_catalogue().label(attribute.value_type),
        required=attribute.required,
        minimum=minimum,
        maximum=maximum,
        unit=attribute.unit,
        max_length=attribute.max_length,
    )


def questions_establishment(
    category: EssmsCategory | None, service_mode: ServiceMode | None
) -> Establishment | None:
    """The establishment the query parameters describe: a category, with its own mode of care
    unless another is given (an organisation may state it); none without a category."""
    if category is None:
        if service_mode is None:
            return None
        raise InvalidDataError(
            "Un mode de prise en charge ne suffit pas à dire ce qui est posé\u00a0: "
            "précisez aussi la catégorie.",
            errors=[
                FieldError(
                    field="category",
                    code="category_required",
                    message="Catégorie d'établissement requise avec service_mode.",
                )
            ],
        )
    mode = service_mode or get_catalogue().essms_categories[category].service_mode
    if mode is None:
        raise InvalidDataError(
            "Le mode de prise en charge ne se déduit pas de cette catégorie\u00a0: précisez-le.",
            errors=[
                FieldError(
                    field="service_mode",
                    code="service_mode_required",
                    message=(
                        "Précisez le mode de prise en charge (service_mode)\u00a0: "
                        "il ne peut pas être déduit de la catégorie «\u00a0Autre\u00a0»."
                    ),
                )
            ],
        )
    return Establishment(category=category, service_mode=mode)


@functools.cache
def kit_questions(
    section: QuestionSection | None, establishment: Establishment | None = None
) -> KitQuestionList:
    catalogue, kit = get_catalogue(), get_kit()
    items = [
        kit_question(question, establishment)
        for question in kit.questions.values()
        if (section is None or question.section is section)
        and (establishment is None or kit.asks(question, establishment))
    ]
    sections = [
        KitSection(code=code, label=catalogue.label(code), questions=count)
        for code in QuestionSection
        if (count := sum(item.section is code for item in items))
    ]
    return KitQuestionList(
        establishment=None
        if establishment is None
        else KitEstablishment(
            category=establishment.category,
            category_label=catalogue.label(establishment.category),
            service_mode=establishment.service_mode,
            service_mode_label=catalogue.label(establishment.service_mode),
        ),
        items=items,
        sections=sections,
    )


@functools.cache
def kit_si_categories() -> KitSiCategoryList:
    catalogue, kit = get_catalogue(), get_kit()
    return KitSiCategoryList(
        items=[
            KitSiCategory(code=code, label=catalogue.label(code), description=content.description)
            for code, content in kit.si_categories.items()
        ],
        hosting_modes=[KitHostingMode(code=code, label=catalogue.label(code)) for code in HostingMode],
        criticality_levels=[
            KitCriticalityLevel(value=level.value, label=level.label, description=level.description)
            for level in kit.criticality_levels.values()
        ],
        attributes=[kit_si_attribute(attribute) for attribute in kit.si_attributes.values()],
    )


@functools.cache
def kit_scenarios() -> KitScenarioList:
    catalogue = get_catalogue()
    return KitScenarioList(
        items=[
            KitScenario(
                code=code,
                title=catalogue.label(code),
                synopsis=scenario.synopsis,
                first_signal=scenario.first_signal,
                impacted_categories=[
                    KitSiCategoryRef(code=category, label=catalogue.label(category))
                    for category in scenario.impacted_categories
                ],
                references=list(scenario.references),
            )
            for code, scenario in get_kit().scenarios.items()
        ]
    )


@functools.cache
def kit_competencies() -> KitCompetencies:
    catalogue, kit = get_catalogue(), get_kit()
    return KitCompetencies(
        items=[
            KitCompetencyFamily(
                code=family.code,
                label=family.label,
                items=[KitCompetencyItem(code=item.code, label=item.label) for item in family.items],
            )
            for family in kit.families.values()
        ],
        rating_scale=[
            KitRating(
                code=code,
                label=entry.label,
                score=entry.score,
                acquired=entry.score is not None and entry.score >= kit.acquired_score,
            )
            for code, entry in catalogue.ratings.items()
        ],
        acquired_score=kit.acquired_score,
    )


def kit_inject(inject: InjectTemplate, kit: KitContext) -> KitInject:
    catalogue = kit.catalogue
    items = {item.code: item.label for family in kit.content.families.values() for item in family.items}
    return KitInject(
        code=inject.code,
        title=inject.title,
        scenario_types=[
            KitScenarioRef(code=code, label=catalogue.label(code)) for code in inject.scenario_types
        ],
        phase=inject.phase,
        phase_label=catalogue.label(inject.phase),
        offset_minutes=inject.offset_minutes,
        sender=inject.sender,
        sender_label=catalogue.label(inject.sender),
        recipient=inject.recipient,
        recipient_label=catalogue.label(inject.recipient),
        channel=inject.channel,
        channel_label=catalogue.label(inject.channel),
        stimulus=inject.stimulus,
        expected_reactions=list(inject.expected_reactions),
        competency_items=[
            KitCompetencyItemRef(code=code, label=items[code]) for code in inject.competency_items
        ],
        min_level=inject.min_level,
        min_level_label=catalogue.label(inject.min_level),
        formats=[KitFormatRef(code=code, label=catalogue.label(code)) for code in inject.formats],
        priority=inject.priority,
        rule=describe(inject.rule, kit) if inject.rule else None,
        rule_reads=sorted(reads(inject.rule)) if inject.rule else [],
        perturbation=inject.perturbation,
        requires=list(inject.requires),
        anchor=inject.anchor,
        anchor_label=catalogue.label(inject.anchor) if inject.anchor else None,
    )


# Bounded: one entry per filter pair and kit context (an application builds one context).
@functools.lru_cache(maxsize=256)
def kit_injects(scenario_type: ScenarioType | None, phase: Phase | None, kit: KitContext) -> KitInjectList:
    library = kit.injects
    return KitInjectList(
        version=library.version,
        reference_minutes=library.reference_minutes,
        items=[
            kit_inject(inject, kit)
            for inject in library.injects.values()
            if scenario_type in (None, *inject.scenario_types) and phase in (None, inject.phase)
        ],
        placeholders=[KitPlaceholder(name=name, description=text) for name, text in PLACEHOLDERS.items()],
    )


def kit_summary(links: KitLinks) -> KitSummary:
    catalogue, kit = get_catalogue(), get_kit()
    return KitSummary(
        kit_version=kit.kit_version,
        revision=kit.revision,
        counts=KitCounts(
            questions=len(kit.questions),
            required_questions=sum(question.required for question in kit.questions.values()),
            question_sections=len({question.section for question in kit.questions.values()}),
            si_categories=len(kit.si_categories),
            scenarios=len(kit.scenarios),
            competency_families=len(kit.families),
            competency_items=len(kit.item_families),
            injects=len(get_inject_library().injects),
        ),
        links=links,
        levels=[
            KitLevel(code=code, label=catalogue.label(code), rank=rank, description=level.description)
            for rank, (code, level) in enumerate(kit.levels.items(), start=1)
        ],
        formats=[
            KitFormat(
                code=code,
                label=catalogue.label(code),
                description=fmt.description,
                briefing_minutes=fmt.briefing_minutes,
                play_minutes=fmt.play_minutes,
                debriefing_minutes=fmt.debriefing_minutes,
                total_minutes=fmt.total_minutes,
            )
            for code, fmt in kit.formats.items()
        ],
    )


class KitController(Controller):
    path = "/kit"
    tags = ["kit"]
    # Observatory accounts see statistics only.
    guards = [allow(*ORGANISATION_MEMBERS)]

    @get(
        "/",
        operation_id="getKit",
        name="getKit",
        response_description="Le kit : version, contenu, niveaux et formats.",
        summary="Décrire le kit d'exercice",
        responses=problem_responses(),
    )
    async def describe_kit(self, request: Request[Any, Any, Any]) -> KitSummary:
        """Version et révision du kit, taille de chacune de ses listes et où les lire, ainsi que
        les niveaux et les formats d'exercice avec ce que chacun change."""
        app = request.app
        return kit_summary(
            KitLinks(
                questions=app.route_reverse("listKitQuestions"),
                si_categories=app.route_reverse("listKitSiCategories"),
                scenarios=app.route_reverse("listKitScenarios"),
                competencies=app.route_reverse("listKitCompetencies"),
                injects=app.route_reverse("listKitInjects"),
            )
        )

    @get(
        "/questions",
        operation_id="listKitQuestions",
        name="listKitQuestions",
        response_description="Les questions du questionnaire métier.",
        summary="Lister les questions du questionnaire métier",
        responses=problem_responses(422),
    )
    async def list_questions(
        self,
        section: Annotated[
            QuestionSection | None, QueryParameter(description="Filtre : rubrique du questionnaire.")
        ] = None,
        category: Annotated[
            EssmsCategory | None,
            QueryParameter(
                description=(
                    "Filtre : catégorie de l'établissement. Seules les questions qui lui sont "
                    "posées sont listées, avec les seules options qui lui sont proposées."
                )
            ),
        ] = None,
        service_mode: Annotated[
            ServiceMode | None,
            QueryParameter(
                description=(
                    "Avec category : mode de prise en charge de l'établissement, s'il a déclaré un "
                    "autre mode que celui de sa catégorie (obligatoire pour la catégorie OTHER)."
                )
            ),
        ] = None,
    ) -> KitQuestionList:
        """Les questions du questionnaire métier (ESSMS), toutes à la fois et dans l'ordre du
        classeur : type de réponse, options, bornes, condition d'affichage, et si les règles du
        chronogramme s'en servent.

        Certaines questions et options ne concernent que certains établissements : `modes`
        (modes de prise en charge) et `traits` (caractéristiques de la catégorie, par exemple
        « Prépare ou distribue des médicaments ») les réservent, avec leurs libellés ; une liste
        vide ne réserve rien. Avec `category` (et `service_mode` si l'établissement a déclaré un
        autre mode que celui de sa catégorie), la liste ne donne que ce qui est posé à cet
        établissement, options filtrées : c'est ce que `PUT /api/v1/exercises/{exercise_id}/questionnaire`
        accepte de lui (sinon 422 `question_not_asked` ou `option_not_offered`), et sur quoi son
        avancement est compté. `service_mode` sans `category` (422 `category_required`), ou la
        catégorie OTHER sans `service_mode` (422 `service_mode_required`), sont refusés."""
        return kit_questions(section, questions_establishment(category, service_mode))

    @get(
        "/si-categories",
        operation_id="listKitSiCategories",
        name="listKitSiCategories",
        response_description="Les catégories de composants du SI et leurs attributs.",
        summary="Lister les catégories de composants du SI",
        responses=problem_responses(),
    )
    async def list_si_categories(self) -> KitSiCategoryList:
        """Les catégories de composants de la description du SI, les modes d'hébergement,
        l'échelle de criticité et les attributs que porte chaque composant."""
        return kit_si_categories()

    @get(
        "/scenarios",
        operation_id="listKitScenarios",
        name="listKitScenarios",
        response_description="Les types de scénario.",
        summary="Lister les types de scénario",
        responses=problem_responses(),
    )
    async def list_scenarios(self) -> KitScenarioList:
        """Les types de scénario d'exercice, avec leur titre, leur synopsis et le signal faible
        par lequel la crise commence."""
        return kit_scenarios()

    @get(
        "/competencies",
        operation_id="listKitCompetencies",
        name="listKitCompetencies",
        response_description="Le référentiel de compétences et l'échelle d'évaluation.",
        summary="Lister le référentiel de compétences",
        responses=problem_responses(),
    )
    async def list_competencies(self) -> KitCompetencies:
        """Les familles de compétences et leurs items, tels que la grille d'évaluation les
        affiche, et l'échelle d'évaluation (N/A exclu de tout score)."""
        return kit_competencies()

    @get(
        "/injects",
        operation_id="listKitInjects",
        name="listKitInjects",
        response_description="La bibliothèque de stimuli du chronogramme.",
        summary="Lister les stimuli de la bibliothèque",
        responses=problem_responses(),
    )
    async def list_injects(
        self,
        kit: KitDependency,
        scenario_type: Annotated[
            ScenarioType | None,
            QueryParameter(description="Filtre : type de scénario dans lequel il est joué."),
        ] = None,
        phase: Annotated[Phase | None, QueryParameter(description="Filtre : phase de l'exercice.")] = None,
    ) -> KitInjectList:
        """Les stimuli dont les chronogrammes sont tirés, dans l'ordre de la bibliothèque : phase et
        place sur la chronologie de référence, émetteur, destinataire et canal (avec leurs
        libellés), texte, réactions attendues, compétences évaluées, et la règle qui dit, en
        français, pour quels établissements ils sont retenus."""
        return kit_injects(scenario_type, phase, kit)
