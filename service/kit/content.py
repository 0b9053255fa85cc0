"""The kit's reference content (questionnaire, SI description, scenarios, competencies, levels and
formats), loaded from the TOML files of ``data/`` and checked at start-up.

Each file is decoded into frozen Structs that refuse unknown fields and unknown codes; the checks
below then refuse what a type cannot say (duplicate codes, empty French text, references to
options or questions that do not exist…). Any problem raises :class:`KitContentError` naming the
file and the code, and the service does not start.

Labels of the code lists the Python code branches on (scenario types, levels, formats, SI
categories, hosting modes, answer types, ratings…) live in the one catalogue
(``catalogue.toml``); content items (questions, options, competency items, synopses) carry
their own.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum
from importlib import resources
from typing import Any, TypeVar

import msgspec

from service.kit.catalogue import Catalogue, get_catalogue
from service.kit.codes import (
    AnswerType,
    CategoryTrait,
    EssmsCategory,
    ExerciseFormat,
    ExerciseLevel,
    QuestionSection,
    ScenarioType,
    ServiceMode,
    SiAttributeType,
    SiCategory,
)
from service.lib.duplicates import duplicates

CODE_PATTERN = re.compile(r"[A-Z][A-Z0-9_]*")
FIELD_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
CHOICE_TYPES = frozenset({AnswerType.SINGLE_CHOICE, AnswerType.MULTIPLE_CHOICE})
# Decision 2: each competency family has 4 to 6 items.
FAMILY_SIZE = range(4, 7)


# kit.toml
class LevelContent(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """What an exercise level changes (label: catalogue ``exercise_levels``)."""

    code: ExerciseLevel
    description: str


class FormatContent(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """What an exercise format changes, and its default timing in minutes."""

    code: ExerciseFormat
    description: str
    briefing_minutes: int
    play_minutes: int
    debriefing_minutes: int

    @property
    def total_minutes(self) -> int:
        return self.briefing_minutes + self.play_minutes + self.debriefing_minutes


class KitFile(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    kit_version: str
    revision: str
    levels: tuple[LevelContent, ...]
    formats: tuple[FormatContent, ...]


# questionnaire.toml
class Option(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    code: str
    label: str
    # Offered only to an establishment of one of these modes of care, and of a category with one
    # of these traits (empty: to every establishment).
    modes: tuple[ServiceMode, ...] = ()
    traits: tuple[CategoryTrait, ...] = ()


class OptionList(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    code: str
    options: tuple[Option, ...]


class Condition(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A question is asked only when an earlier question's answer is (or contains) ``answer``."""

    question: str
    answer: bool | str


class Question(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    code: str
    section: QuestionSection
    label: str
    help: str
    answer_type: AnswerType
    required: bool
    used_by_rules: bool
    # The code of an option list, for choice questions only.
    options: str | None = None
    minimum: int | None = None
    maximum: int | None = None
    unit: str | None = None
    max_length: int | None = None
    asked_if: Condition | None = None
    # Asked only of an establishment of one of these modes of care, and of a category with one of
    # these traits (empty: of every establishment).
    modes: tuple[ServiceMode, ...] = ()
    traits: tuple[CategoryTrait, ...] = ()


class QuestionnaireFile(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    option_lists: tuple[OptionList, ...]
    questions: tuple[Question, ...]


# information_system.toml
class SiCategoryContent(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """What a category of SI component covers (label: catalogue ``si_categories``)."""

    code: SiCategory
    description: str


class CriticalityLevel(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    value: int
    label: str
    description: str


class SiAttribute(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """An attribute of an SI component; ``code`` is its field name in the description."""

    code: str
    label: str
    help: str
    value_type: SiAttributeType
    required: bool
    minimum: int | None = None
    maximum: int | None = None
    unit: str | None = None
    max_length: int | None = None


class InformationSystemFile(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    categories: tuple[SiCategoryContent, ...]
    criticality_levels: tuple[CriticalityLevel, ...]
    attributes: tuple[SiAttribute, ...]


# scenarios.toml
class Scenario(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """A scenario type's synopsis (title: catalogue ``scenario_types``)."""

    code: ScenarioType
    synopsis: str
    first_signal: str
    impacted_categories: tuple[SiCategory, ...]
    references: tuple[str, ...] = ()


class ScenariosFile(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    scenarios: tuple[Scenario, ...]


# competencies.toml
class CompetencyItem(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    code: str
    label: str


class CompetencyFamily(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    code: str
    label: str
    items: tuple[CompetencyItem, ...]


class CompetenciesFile(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    acquired_score: int
    families: tuple[CompetencyFamily, ...]


KIT_FILES: dict[str, type[msgspec.Struct]] = {
    "kit.toml": KitFile,
    "questionnaire.toml": QuestionnaireFile,
    "information_system.toml": InformationSystemFile,
    "scenarios.toml": ScenariosFile,
    "competencies.toml": CompetenciesFile,
}


class Establishment(msgspec.Struct, frozen=True):
    """Who answers the questionnaire: the organisation's category and the mode of care it
    states (its stored ``service_mode``; the chronogram's « effective » mode, where an IME
    without internat plays as a day service, is not the questionnaire's business)."""

    category: EssmsCategory
    service_mode: ServiceMode


class Kit(msgspec.Struct, frozen=True):
    """The whole reference content, checked; every collection keeps the files' order (enum
    order for the code lists) and is keyed by code."""

    kit_version: str
    revision: str
    levels: dict[ExerciseLevel, LevelContent]
    formats: dict[ExerciseFormat, FormatContent]
    option_lists: dict[str, tuple[Option, ...]]
    questions: dict[str, Question]
    si_categories: dict[SiCategory, SiCategoryContent]
    criticality_levels: dict[int, CriticalityLevel]
    si_attributes: dict[str, SiAttribute]
    scenarios: dict[ScenarioType, Scenario]
    families: dict[str, CompetencyFamily]
    # Item code → its family's code.
    item_families: dict[str, str]
    acquired_score: int
    # Each category's traits (catalogue ``essms_categories``), which the ``traits`` filters of
    # questions and options read.
    category_traits: dict[EssmsCategory, tuple[CategoryTrait, ...]]

    def options(self, question: Question) -> tuple[Option, ...]:
        """The options of a choice question (none for the other types)."""
        return self.option_lists[question.options] if question.options else ()

    def fits(self, entry: Question | Option, establishment: Establishment) -> bool:
        """Whether the establishment passes the ``modes`` and ``traits`` filters of a question or
        an option: its mode is one of ``modes`` and its category has one of ``traits`` (an empty
        filter lets everyone through)."""
        traits = self.category_traits[establishment.category]
        return (not entry.modes or establishment.service_mode in entry.modes) and (
            not entry.traits or any(trait in traits for trait in entry.traits)
        )

    def offered_options(self, question: Question, establishment: Establishment) -> tuple[Option, ...]:
        """The options of a choice question that are offered to the establishment, in order."""
        return tuple(option for option in self.options(question) if self.fits(option, establishment))

    def asks(self, question: Question, establishment: Establishment) -> bool:
        """Whether the establishment is asked ``question`` at all, whatever its answers: it passes
        the question's filters and, for a conditional question, is asked the question the
        condition reads and offered the option the condition expects (otherwise the condition
        could never be met). Which answers meet ``asked_if`` is
        :func:`service.domain.exercises.rules.asked`'s business."""
        if not self.fits(question, establishment):
            return False
        condition = question.asked_if
        if condition is None:
            return True
        parent = self.questions[condition.question]
        if not self.asks(parent, establishment):
            return False
        if isinstance(condition.answer, str):
            return condition.answer in {option.code for option in self.offered_options(parent, establishment)}
        return True


class KitContentError(ValueError):
    """The kit's content files are inconsistent; the service must not start."""


# Checks. Each returns problems for the developer who edits the files: "file: entry code: what is wrong".


def _untrimmed_text_problems(where: str, texts: Mapping[str, str | None]) -> list[str]:
    """French text must be there and trimmed (optional fields: absent or non-blank)."""
    return [
        f"{where}: {name} is empty or has surrounding spaces"
        for name, text in texts.items()
        if text is not None and (not text.strip() or text != text.strip())
    ]


def _code_problems(where: str, code: str, pattern: re.Pattern[str]) -> list[str]:
    return [] if pattern.fullmatch(code) else [f"{where}: code {code!r} must match {pattern.pattern}"]


def _coverage_problems(file: str, kind: str, enum: type[StrEnum], codes: Iterable[StrEnum]) -> list[str]:
    codes = list(codes)
    problems = [f"{file}: {kind} {code} is listed twice" for code in duplicates(codes)]
    problems += [f"{file}: {kind} {code} is missing" for code in enum if code not in codes]
    return problems


def _check_kit_file(data: KitFile) -> list[str]:
    file = "kit.toml"
    problems = _untrimmed_text_problems(file, {"kit_version": data.kit_version, "revision": data.revision})
    problems += _coverage_problems(file, "level", ExerciseLevel, (level.code for level in data.levels))
    problems += _coverage_problems(file, "format", ExerciseFormat, (fmt.code for fmt in data.formats))
    for level in data.levels:
        problems += _untrimmed_text_problems(
            f"{file}: level {level.code}", {"description": level.description}
        )
    for fmt in data.formats:
        where = f"{file}: format {fmt.code}"
        problems += _untrimmed_text_problems(where, {"description": fmt.description})
        if fmt.briefing_minutes < 0 or fmt.debriefing_minutes < 0 or fmt.play_minutes <= 0:
            problems.append(f"{where}: durations must be positive (play) or zero or more (the others)")
    return problems


def _bounds_problems(where: str, *, numeric: bool, textual: bool, entry: Question | SiAttribute) -> list[str]:
    problems: list[str] = []
    if numeric:
        if entry.minimum is None or entry.maximum is None:
            problems.append(f"{where}: minimum and maximum are required")
        elif entry.minimum > entry.maximum:
            problems.append(f"{where}: minimum {entry.minimum} is above maximum {entry.maximum}")
    elif entry.minimum is not None or entry.maximum is not None or entry.unit is not None:
        problems.append(f"{where}: minimum, maximum and unit are for integers only")
    if textual:
        if entry.max_length is None or entry.max_length < 1:
            problems.append(f"{where}: max_length (at least 1) is required")
    elif entry.max_length is not None:
        problems.append(f"{where}: max_length is for text only")
    return problems


def _condition_problems(
    where: str, condition: Condition, earlier: Mapping[str, Question], option_lists: Mapping[str, Any]
) -> list[str]:
    target = earlier.get(condition.question)
    if target is None:
        return [f"{where}: asked_if refers to {condition.question}, which is not an earlier question"]
    if target.answer_type is AnswerType.BOOL:
        if not isinstance(condition.answer, bool):
            return [f"{where}: asked_if on {target.code} (yes/no) needs answer = true or false"]
        return []
    if target.answer_type in CHOICE_TYPES:
        codes = {option.code for option in option_lists.get(target.options or "", ())}
        if isinstance(condition.answer, bool) or condition.answer not in codes:
            return [f"{where}: asked_if answer {condition.answer!r} is not an option of {target.code}"]
        return []
    return [f"{where}: asked_if must refer to a yes/no or choice question, not {target.code}"]


def _filter_problems(where: str, entry: Question | Option) -> list[str]:
    """Unknown modes and traits are refused by their types; a code listed twice is a slip."""
    return [
        f"{where}: {name} lists {code} twice"
        for name, codes in (("modes", entry.modes), ("traits", entry.traits))
        for code in duplicates(codes)
    ]


def _check_questionnaire(data: QuestionnaireFile) -> list[str]:
    file = "questionnaire.toml"
    problems: list[str] = []
    lists = {option_list.code: option_list.options for option_list in data.option_lists}
    problems += [
        f"{file}: option list {code} is defined twice"
        for code in duplicates(option_list.code for option_list in data.option_lists)
    ]
    for option_list in data.option_lists:
        where = f"{file}: option list {option_list.code}"
        problems += _code_problems(where, option_list.code, CODE_PATTERN)
        if not option_list.options:
            problems.append(f"{where}: has no option")
        codes = [option.code for option in option_list.options]
        problems += [f"{where}: option {code} is listed twice" for code in duplicates(codes)]
        for option in option_list.options:
            problems += _code_problems(f"{where}: option {option.code}", option.code, CODE_PATTERN)
            problems += _untrimmed_text_problems(f"{where}: option {option.code}", {"label": option.label})
            problems += _filter_problems(f"{where}: option {option.code}", option)

    problems += [
        f"{file}: question {code} is defined twice"
        for code in duplicates(question.code for question in data.questions)
    ]
    earlier: dict[str, Question] = {}
    for question in data.questions:
        where = f"{file}: question {question.code}"
        problems += _code_problems(where, question.code, CODE_PATTERN)
        problems += _untrimmed_text_problems(
            where, {"label": question.label, "help": question.help, "unit": question.unit}
        )
        if question.answer_type in CHOICE_TYPES:
            if question.options is None:
                problems.append(f"{where}: a {question.answer_type} question needs options")
            elif question.options not in lists:
                problems.append(f"{where}: option list {question.options} does not exist")
        elif question.options is not None:
            problems.append(f"{where}: only choice questions take options")
        problems += _bounds_problems(
            where,
            numeric=question.answer_type is AnswerType.INTEGER,
            textual=question.answer_type is AnswerType.TEXT,
            entry=question,
        )
        if question.asked_if is not None:
            problems += _condition_problems(where, question.asked_if, earlier, lists)
        problems += _filter_problems(where, question)
        earlier.setdefault(question.code, question)

    used = {question.options for question in data.questions}
    problems += [f"{file}: option list {code} is used by no question" for code in lists if code not in used]
    return problems


def _check_information_system(data: InformationSystemFile) -> list[str]:
    file = "information_system.toml"
    problems = _coverage_problems(file, "category", SiCategory, (item.code for item in data.categories))
    for category in data.categories:
        problems += _untrimmed_text_problems(
            f"{file}: category {category.code}", {"description": category.description}
        )

    values = [level.value for level in data.criticality_levels]
    if values != list(range(1, len(values) + 1)) or len(values) < 2:
        problems.append(f"{file}: criticality levels must be numbered 1, 2, 3… in order (found {values})")
    for level in data.criticality_levels:
        where = f"{file}: criticality level {level.value}"
        problems += _untrimmed_text_problems(where, {"label": level.label, "description": level.description})

    codes = [attribute.code for attribute in data.attributes]
    problems += [f"{file}: attribute {code} is defined twice" for code in duplicates(codes)]
    for attribute in data.attributes:
        where = f"{file}: attribute {attribute.code}"
        problems += _code_problems(where, attribute.code, FIELD_PATTERN)
        problems += _untrimmed_text_problems(
            where, {"label": attribute.label, "help": attribute.help, "unit": attribute.unit}
        )
        problems += _bounds_problems(
            where,
            numeric=attribute.value_type is SiAttributeType.INTEGER,
            textual=attribute.value_type is SiAttributeType.TEXT,
            entry=attribute,
        )
    return problems


def _check_scenarios(data: ScenariosFile) -> list[str]:
    file = "scenarios.toml"
    problems = _coverage_problems(file, "scenario", ScenarioType, (item.code for item in data.scenarios))
    for scenario in data.scenarios:
        where = f"{file}: scenario {scenario.code}"
        problems += _untrimmed_text_problems(
            where, {"synopsis": scenario.synopsis, "first_signal": scenario.first_signal}
        )
        problems += _untrimmed_text_problems(
            where, {f"references[{i}]": text for i, text in enumerate(scenario.references)}
        )
        if not scenario.impacted_categories:
            problems.append(f"{where}: impacted_categories is empty")
        problems += [
            f"{where}: impacted category {code} is listed twice"
            for code in duplicates(scenario.impacted_categories)
        ]
    return problems


def _check_competencies(data: CompetenciesFile, catalogue: Catalogue) -> list[str]:
    file = "competencies.toml"
    problems: list[str] = []
    scores = {entry.score for entry in catalogue.ratings.values() if entry.score is not None}
    if data.acquired_score not in scores:
        problems.append(f"{file}: acquired_score {data.acquired_score} is no score of the rating scale")
    families = [family.code for family in data.families]
    problems += [f"{file}: family {code} is defined twice" for code in duplicates(families)]
    items = [item.code for family in data.families for item in family.items]
    problems += [f"{file}: item {code} is defined twice" for code in duplicates(items)]
    for family in data.families:
        where = f"{file}: family {family.code}"
        problems += _code_problems(where, family.code, CODE_PATTERN)
        problems += _untrimmed_text_problems(where, {"label": family.label})
        if len(family.items) not in FAMILY_SIZE:
            problems.append(
                f"{where}: has {len(family.items)} items, between {FAMILY_SIZE.start} and "
                f"{FAMILY_SIZE.stop - 1} expected"
            )
        for item in family.items:
            problems += _code_problems(f"{where}: item {item.code}", item.code, CODE_PATTERN)
            problems += _untrimmed_text_problems(f"{where}: item {item.code}", {"label": item.label})
    return problems


def every_establishment() -> list[Establishment]:
    """Every pair of category and mode of care an organisation may hold: the mode is the
    category's by default, but an organisation may state another one."""
    return [Establishment(category, mode) for category in EssmsCategory for mode in ServiceMode]


def _offer_problems(kit: Kit) -> list[str]:
    """A choice question asked of an establishment must offer it at least one option: the
    ``modes`` and ``traits`` filters of an option list must not empty it for anyone the question
    is asked of."""
    file = "questionnaire.toml"
    problems: list[str] = []
    for question in kit.questions.values():
        if question.options is None:
            continue
        left_bare: dict[EssmsCategory, list[ServiceMode]] = {}
        for establishment in every_establishment():
            if kit.asks(question, establishment) and not kit.offered_options(question, establishment):
                left_bare.setdefault(establishment.category, []).append(establishment.service_mode)
        if left_bare:
            who = ", ".join(f"{category} ({'/'.join(modes)})" for category, modes in left_bare.items())
            problems.append(
                f"{file}: question {question.code}: the filters of option list {question.options} "
                f"leave no option for an establishment it is asked of: {who}"
            )
    return problems


# Decoding: a type error names the file, the path and the code of the enclosing entry.

_PATH_STEP = re.compile(r"\.(\w+)|\[(\d+)\]")


def _enclosing_code(document: object, path: str) -> str | None:
    """The ``code`` of the innermost entry on a msgspec error path (``$.questions[3].label``)."""
    node, code = document, None
    for key, index in _PATH_STEP.findall(path.removeprefix("$")):
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and index and int(index) < len(node):
            node = node[int(index)]
        else:
            break
        if isinstance(node, dict) and isinstance(node.get("code"), str):
            code = node["code"]
    return code


def decode_error(file: str, document: object, error: msgspec.ValidationError) -> str:
    message = str(error)
    path = message.rpartition(" - at `")[2].rstrip("`") if " - at `" in message else ""
    code = _enclosing_code(document, path)
    return f"{file}: {code}: {message}" if code else f"{file}: {message}"


_F = TypeVar("_F", bound=msgspec.Struct)


def _convert(file: str, documents: Mapping[str, object], kind: type[_F], problems: list[str]) -> _F | None:
    if file not in documents:
        problems.append(f"{file}: missing")
        return None
    try:
        return msgspec.convert(documents[file], type=kind)
    except msgspec.ValidationError as exc:
        problems.append(decode_error(file, documents[file], exc))
        return None


def _keyed(items: Iterable[Any], key: Callable[[Any], Any] = lambda item: item.code) -> dict[Any, Any]:
    return {key(item): item for item in items}


def _in_enum_order(enum: type[StrEnum], items: Iterable[Any]) -> dict[Any, Any]:
    by_code = _keyed(items)
    return {code: by_code[code] for code in enum}


def build_kit(documents: Mapping[str, object], catalogue: Catalogue | None = None) -> Kit:
    """Convert and check the decoded files (keyed by file name); raise KitContentError listing
    every problem found."""
    catalogue = catalogue or get_catalogue()
    problems: list[str] = []
    problems += [f"{name}: not a file of the kit" for name in documents if name not in KIT_FILES]
    kit_file = _convert("kit.toml", documents, KitFile, problems)
    questionnaire = _convert("questionnaire.toml", documents, QuestionnaireFile, problems)
    information_system = _convert("information_system.toml", documents, InformationSystemFile, problems)
    scenarios = _convert("scenarios.toml", documents, ScenariosFile, problems)
    competencies = _convert("competencies.toml", documents, CompetenciesFile, problems)
    if kit_file:
        problems += _check_kit_file(kit_file)
    if questionnaire:
        problems += _check_questionnaire(questionnaire)
    if information_system:
        problems += _check_information_system(information_system)
    if scenarios:
        problems += _check_scenarios(scenarios)
    if competencies:
        problems += _check_competencies(competencies, catalogue)
    if problems or not (kit_file and questionnaire and information_system and scenarios and competencies):
        raise KitContentError("The kit's content is invalid: " + "; ".join(problems))
    kit = Kit(
        kit_version=kit_file.kit_version,
        revision=kit_file.revision,
        levels=_in_enum_order(ExerciseLevel, kit_file.levels),
        formats=_in_enum_order(ExerciseFormat, kit_file.formats),
        option_lists={item.code: item.options for item in questionnaire.option_lists},
        questions=_keyed(questionnaire.questions),
        si_categories=_in_enum_order(SiCategory, information_system.categories),
        criticality_levels=_keyed(information_system.criticality_levels, lambda level: level.value),
        si_attributes=_keyed(information_system.attributes),
        scenarios=_in_enum_order(ScenarioType, scenarios.scenarios),
        families=_keyed(competencies.families),
        item_families={item.code: family.code for family in competencies.families for item in family.items},
        acquired_score=competencies.acquired_score,
        category_traits={code: entry.traits for code, entry in catalogue.essms_categories.items()},
    )
    problems = _offer_problems(kit)
    if problems:
        raise KitContentError("The kit's content is invalid: " + "; ".join(problems))
    return kit


def read_kit_documents() -> dict[str, object]:
    """The kit's files as shipped, decoded from TOML (a syntax error names its file)."""
    directory = resources.files("service.kit") / "data"
    documents: dict[str, object] = {}
    for name in KIT_FILES:
        try:
            documents[name] = msgspec.toml.decode((directory / name).read_bytes())
        except msgspec.DecodeError as exc:
            raise KitContentError(f"{name}: not valid TOML: {exc}") from exc
    return documents


@functools.cache
def get_kit() -> Kit:
    return build_kit(read_kit_documents())


def read_data_file(path: str) -> Any:
    """A TOML file of ``data/`` (``path`` relative to it), decoded; KitContentError naming it
    when it is missing or not TOML."""
    try:
        return msgspec.toml.decode((resources.files("service.kit") / "data" / path).read_bytes())
    except (msgspec.DecodeError, FileNotFoundError) as exc:
        raise KitContentError(f"{path}: not a readable TOML file: {exc}") from exc
