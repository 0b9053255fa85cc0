"""The inclusion rules of the inject library: a small declarative language read from TOML.

A rule says when an inject fits an establishment and an exercise: ``all`` / ``any`` / ``not``
combine tests on the SI description (a category present, a component's attribute), the business
questionnaire's answers, the exercise's parameters, the category and the service mode. Rules are
parsed and checked against the kit at start-up; at generation time they are evaluated on a
:class:`RuleContext`, and :func:`explain` says in French why a rule matched.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum
from importlib import resources
from types import MappingProxyType
from typing import Any, ClassVar, Literal, NoReturn, TypeAlias, TypeVar, cast

import msgspec

from service.kit.catalogue import get_catalogue
from service.kit.codes import (
    AnswerType,
    CategoryTrait,
    EssmsCategory,
    ExerciseFormat,
    ExerciseLevel,
    HostingMode,
    ScenarioType,
    ServiceMode,
    SiAttributeType,
    SiCategory,
)
from service.kit.content import CHOICE_TYPES, Kit, KitContentError, get_kit


class ComponentFacts(msgspec.Struct, frozen=True):
    """What a rule may read of one SI component (the stored component dict, typed)."""

    code: str
    category: SiCategory
    name: str | None = None
    editor: str | None = None
    hosting: HostingMode | None = None
    criticality: int | None = None
    users_count: int | None = None
    personal_data: bool | None = None
    health_data: bool | None = None
    degraded_procedure: bool | None = None
    rto_hours: int | None = None
    depends_on: tuple[str, ...] = ()


class RuleContext(msgspec.Struct, frozen=True):
    """Everything a rule may look at: the establishment, the exercise's parameters, the
    questionnaire's answers (by question code) and the SI description."""

    category: EssmsCategory
    service_mode: ServiceMode
    level: ExerciseLevel
    format: ExerciseFormat
    scenario_type: ScenarioType
    include_perturbations: bool
    answers: Mapping[str, Any]
    components: tuple[ComponentFacts, ...]
    # What the category is or does (catalogue ``traits``).
    traits: frozenset[CategoryTrait] = frozenset()
    # The SI categories the exercise's scenario hits (scenarios.toml ``impacted_categories``).
    impacted_categories: frozenset[SiCategory] = frozenset()


Operator = Literal["equals", "in", "contains", "at_least"]
Value: TypeAlias = "bool | int | str | tuple[str, ...]"
ParameterName = Literal["format", "level", "scenario_type", "include_perturbations"]

# The exercise parameters a rule may test, with the codes each may take.
PARAMETERS: Mapping[str, type[StrEnum] | type[bool]] = MappingProxyType(
    {
        "format": ExerciseFormat,
        "level": ExerciseLevel,
        "scenario_type": ScenarioType,
        "include_perturbations": bool,
    }
)


# Wording: how rules are said in French (data/rule_wording.toml).


class Noun(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    noun: str
    feminine: bool

    def agree(self, text: str) -> str:
        """``text`` with its agreement marks set for this noun (« hébergé{e} »)."""
        return text.replace("{e}", "e" if self.feminine else "")

    @property
    def present(self) -> str:
        return f"{self.noun} {self.agree('présent{e}')}"

    @property
    def none(self) -> str:
        return f"{'aucune' if self.feminine else 'aucun'} {self.noun}"


class YesNo(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    yes: str
    no: str


class Wording(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    si_categories: dict[SiCategory, Noun]
    hosting_modes: dict[HostingMode, str]
    yes_no_attributes: dict[str, YesNo]
    service_modes: dict[ServiceMode, YesNo]
    questions: dict[str, str]
    parameters: dict[str, str]


_ANY_COMPONENT = Noun("composant", feminine=False)


def _missing(file: str, kind: str, expected: Iterable[str], present: Iterable[str]) -> list[str]:
    present = set(present)
    return [f"{file}: {kind} {code} has no wording" for code in expected if code not in present]


def wording_problems(wording: Wording, kit: Kit) -> list[str]:
    """Every code a rule may name can be said, and every word refers to something that exists."""
    file = "rule_wording.toml"
    yes_no = [code for code, item in kit.si_attributes.items() if item.value_type is SiAttributeType.BOOL]
    problems = _missing(file, "SI category", SiCategory, wording.si_categories)
    problems += _missing(file, "hosting mode", HostingMode, wording.hosting_modes)
    problems += _missing(file, "service mode", ServiceMode, wording.service_modes)
    problems += _missing(file, "yes/no attribute", yes_no, wording.yes_no_attributes)
    problems += _missing(file, "parameter", PARAMETERS, wording.parameters)
    problems += [
        f"{file}: {code} is no yes/no attribute" for code in wording.yes_no_attributes if code not in yes_no
    ]
    problems += [
        f"{file}: question {code} does not exist" for code in wording.questions if code not in kit.questions
    ]
    problems += [
        f"{file}: parameter {name} does not exist" for name in wording.parameters if name not in PARAMETERS
    ]
    pairs = [*wording.yes_no_attributes.values(), *wording.service_modes.values()]
    texts = [noun.noun for noun in wording.si_categories.values()] + [
        text for pair in pairs for text in (pair.yes, pair.no)
    ]
    texts += [*wording.hosting_modes.values(), *wording.questions.values(), *wording.parameters.values()]
    problems += [
        f"{file}: {text!r} is empty or has surrounding spaces"
        for text in texts
        if text != text.strip() or not text
    ]
    return problems


@functools.cache
def get_wording() -> Wording:
    raw = (resources.files("service.kit") / "data" / "rule_wording.toml").read_bytes()
    try:
        return msgspec.toml.decode(raw, type=Wording)
    except (msgspec.DecodeError, msgspec.ValidationError) as exc:
        raise KitContentError(f"rule_wording.toml is invalid: {exc}") from exc


# French typography: a no-break space before a colon or a semicolon and inside guillemets.
_COLON = "\u00a0:"


def _label(code: StrEnum) -> str:
    return get_catalogue().label(code)


def _listed(texts: Iterable[str], word: str = "ou") -> str:
    """« A », « A ou B », « A, B ou C » (duplicates said once)."""
    items = list(dict.fromkeys(texts))
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {word} {items[-1]}"


def _quoted(text: str) -> str:
    return f"«\u00a0{text}\u00a0»"


def _answer_text(question: str, value: object) -> str:
    """An answer as the establishment gave it: oui / non, an option's label, a number and unit."""
    kit_question = get_kit().questions[question]
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, str):
        labels = {option.code: option.label for option in get_kit().options(kit_question)}
        return _quoted(labels.get(value, value))
    if isinstance(value, list | tuple):
        return _listed((_answer_text(question, item) for item in value), "et") if value else "aucune"
    return f"{value} {kit_question.unit}" if kit_question.unit else str(value)


def _attribute_phrase(noun: Noun, attribute: str, operator: Operator, value: object) -> str:
    """What follows a component's noun: « hébergé en SaaS », « de criticité forte au moins »…"""
    wording, kit = get_wording(), get_kit()
    at_least = " au moins" if operator == "at_least" else ""
    if attribute == "hosting":
        codes = value if isinstance(value, tuple) else (value,)
        return noun.agree(_listed(wording.hosting_modes[HostingMode(code)] for code in codes))
    if attribute in wording.yes_no_attributes:
        pair = wording.yes_no_attributes[attribute]
        return noun.agree(pair.yes if value else pair.no)
    if attribute == "criticality" and isinstance(value, int) and value in kit.criticality_levels:
        return f"de criticité {kit.criticality_levels[value].label.lower()}{at_least}"
    definition = kit.si_attributes[attribute]
    shown = _quoted(value) if isinstance(value, str) else f"{value} {definition.unit or ''}".strip()
    return f"({definition.label.lower()}\u00a0:{at_least} {shown})"


def _compare(actual: object, operator: Operator, value: Value) -> bool:
    """Whether ``actual`` (an answer or an attribute, None when missing) passes the test; a
    missing value never does, and a boolean never equals a number."""
    if actual is None:
        return False
    if operator == "equals":
        return isinstance(actual, bool) == isinstance(value, bool) and actual == value
    if operator == "in":
        return isinstance(value, tuple) and actual in value
    if operator == "contains":
        return isinstance(actual, list | tuple) and value in actual
    return (
        isinstance(actual, int)
        and not isinstance(actual, bool)
        and isinstance(value, int)
        and actual >= value
    )


def _rank(level: ExerciseLevel) -> int:
    return list(ExerciseLevel).index(level)


# The rules. Each knows how to evaluate itself, what it reads, and how to say itself in French.


class _Rule(msgspec.Struct, frozen=True):
    def evaluate(self, context: RuleContext) -> bool:
        raise NotImplementedError

    def reads(self) -> frozenset[str]:
        raise NotImplementedError

    def problems(self, kit: Kit) -> list[str]:
        """Codes of the kit the rule refers to that do not exist, or values of the wrong type."""
        return []

    def said(self, negated: bool) -> str:
        """The test in French, or its negation."""
        raise NotImplementedError

    def facts(self, context: RuleContext) -> list[str]:
        """The state of what the test reads, said as facts of this context."""
        raise NotImplementedError

    def describe(self, negated: bool, nested: bool) -> str:
        return self.said(negated)

    def why(self, context: RuleContext, wanted: bool) -> list[str]:
        """The facts that make the rule evaluate to ``wanted``."""
        return self.facts(context)


class _Combination(_Rule, frozen=True):
    rules: tuple[Rule, ...]
    # True for « all », False for « any ».
    conjunction: ClassVar[bool]

    def evaluate(self, context: RuleContext) -> bool:
        results = (rule.evaluate(context) for rule in self.rules)
        return all(results) if self.conjunction else any(results)

    def reads(self) -> frozenset[str]:
        return frozenset().union(*(rule.reads() for rule in self.rules))

    def problems(self, kit: Kit) -> list[str]:
        return [problem for rule in self.rules for problem in rule.problems(kit)]

    def describe(self, negated: bool, nested: bool) -> str:
        # De Morgan: « non (A et B) » is said « non A ou non B ».
        parts = [rule.describe(negated, nested=True) for rule in self.rules]
        if len(parts) == 1:
            return parts[0]
        # Every branch is joined by its word: a branch may itself hold a comma or a colon.
        text = f" {'et' if self.conjunction != negated else 'ou'} ".join(parts)
        return f"({text})" if nested else text

    def why(self, context: RuleContext, wanted: bool) -> list[str]:
        # « all » that holds and « any » that fails need every branch; otherwise only the deciding ones.
        deciding = [
            rule for rule in self.rules if self.conjunction == wanted or rule.evaluate(context) == wanted
        ]
        return [fact for rule in deciding for fact in rule.why(context, wanted)]


class All(_Combination, frozen=True):
    conjunction: ClassVar[bool] = True


class AnyOf(_Combination, frozen=True):
    conjunction: ClassVar[bool] = False


class Not(_Rule, frozen=True):
    rule: Rule

    def evaluate(self, context: RuleContext) -> bool:
        return not self.rule.evaluate(context)

    def reads(self) -> frozenset[str]:
        return self.rule.reads()

    def problems(self, kit: Kit) -> list[str]:
        return self.rule.problems(kit)

    def describe(self, negated: bool, nested: bool) -> str:
        return self.rule.describe(not negated, nested)

    def why(self, context: RuleContext, wanted: bool) -> list[str]:
        return self.rule.why(context, not wanted)


class SiPresent(_Rule, frozen=True):
    """At least one component of ``category`` is described."""

    category: SiCategory

    def evaluate(self, context: RuleContext) -> bool:
        return any(component.category is self.category for component in context.components)

    def reads(self) -> frozenset[str]:
        return frozenset({f"si:{self.category}"})

    def said(self, negated: bool) -> str:
        noun = get_wording().si_categories[self.category]
        return noun.none if negated else noun.present

    def facts(self, context: RuleContext) -> list[str]:
        return [self.said(negated=not self.evaluate(context))]


class SiHit(_Rule, frozen=True):
    """A component of ``category`` is described and the exercise's scenario hits that category:
    a stimulus about a component speaks only of what the scenario breaks."""

    category: SiCategory

    def evaluate(self, context: RuleContext) -> bool:
        return self.category in context.impacted_categories and SiPresent(self.category).evaluate(context)

    def reads(self) -> frozenset[str]:
        return frozenset({f"si:{self.category}", "param:scenario_type"})

    def said(self, negated: bool) -> str:
        noun = get_wording().si_categories[self.category]
        touched = noun.agree("touché{e}")
        if negated:
            return f"{noun.none} {touched} par le scénario"
        return f"{noun.noun} {touched} par le scénario"

    def facts(self, context: RuleContext) -> list[str]:
        if not SiPresent(self.category).evaluate(context):
            return [SiPresent(self.category).said(negated=True)]
        return [self.said(negated=not self.evaluate(context))]


class SiAttribute(_Rule, frozen=True):
    """At least one component (of ``category``, or of any category when None) has ``attribute``
    compared to ``value`` by ``operator`` (equals, in, at_least)."""

    category: SiCategory | None
    attribute: str
    operator: Operator
    value: Value

    def _concerned(self, context: RuleContext) -> list[ComponentFacts]:
        return [component for component in context.components if self.category in (None, component.category)]

    def _matching(self, context: RuleContext) -> list[ComponentFacts]:
        return [
            component
            for component in self._concerned(context)
            if _compare(getattr(component, self.attribute), self.operator, self.value)
        ]

    def evaluate(self, context: RuleContext) -> bool:
        return bool(self._matching(context))

    def reads(self) -> frozenset[str]:
        return frozenset({f"si_attr:{self.category or '*'}.{self.attribute}"})

    def problems(self, kit: Kit) -> list[str]:
        attribute = kit.si_attributes.get(self.attribute)
        if attribute is None:
            return [f"unknown SI attribute {self.attribute}"]
        kind = attribute.value_type
        check = _ATTRIBUTE_CHECKS.get(kind)
        if check is None or self.operator not in check[0]:
            return [f"{self.operator} cannot compare {self.attribute} ({kind})"]
        return check[1](self, kit)

    def said(self, negated: bool) -> str:
        noun = get_wording().si_categories[self.category] if self.category else _ANY_COMPONENT
        phrase = _attribute_phrase(noun, self.attribute, self.operator, self.value)
        return f"{noun.none if negated else noun.noun} {phrase}"

    def facts(self, context: RuleContext) -> list[str]:
        components = self._matching(context) or self._concerned(context)
        if not components:
            return [
                SiPresent(self.category).said(negated=True) if self.category else "aucun composant décrit"
            ]
        facts = []
        for component in components:
            noun = get_wording().si_categories[component.category]
            actual = getattr(component, self.attribute)
            if actual is None:
                label = get_kit().si_attributes[self.attribute].label.lower()
                facts.append(f"{noun.noun} ({label}\u00a0: non renseigné)")
            else:
                facts.append(f"{noun.noun} {_attribute_phrase(noun, self.attribute, 'equals', actual)}")
        return facts


def _hosting_problems(rule: SiAttribute, kit: Kit) -> list[str]:
    codes = rule.value if isinstance(rule.value, tuple) else (rule.value,)
    return [f"{code!r} is no hosting mode" for code in codes if code not in HostingMode.__members__]


def _yes_no_problems(rule: SiAttribute, kit: Kit) -> list[str]:
    return [] if isinstance(rule.value, bool) else [f"{rule.attribute} is yes/no: equals needs true or false"]


def _number_problems(rule: SiAttribute, kit: Kit) -> list[str]:
    if isinstance(rule.value, bool) or not isinstance(rule.value, int):
        return [f"{rule.attribute} takes a whole number"]
    return []


def _criticality_problems(rule: SiAttribute, kit: Kit) -> list[str]:
    if _number_problems(rule, kit) or rule.value not in kit.criticality_levels:
        levels = ", ".join(map(str, kit.criticality_levels))
        return [f"criticality {rule.value!r} is no level of the kit ({levels})"]
    return []


def _text_problems(rule: SiAttribute, kit: Kit) -> list[str]:
    return [] if isinstance(rule.value, str) else [f"{rule.attribute} is text: equals needs a string"]


# By attribute type: the comparisons it allows and the check of the compared value. The component
# lists (depends_on) are compared by no rule.
_ATTRIBUTE_CHECKS: dict[
    SiAttributeType, tuple[tuple[Operator, ...], Callable[[SiAttribute, Kit], list[str]]]
] = {
    SiAttributeType.HOSTING_MODE: (("equals", "in"), _hosting_problems),
    SiAttributeType.BOOL: (("equals",), _yes_no_problems),
    SiAttributeType.INTEGER: (("equals", "at_least"), _number_problems),
    SiAttributeType.CRITICALITY: (("equals", "at_least"), _criticality_problems),
    SiAttributeType.TEXT: (("equals",), _text_problems),
}

# By question type: the comparisons it allows.
_ANSWER_OPERATORS: dict[AnswerType, tuple[Operator, ...]] = {
    AnswerType.BOOL: ("equals",),
    AnswerType.SINGLE_CHOICE: ("equals", "in"),
    AnswerType.MULTIPLE_CHOICE: ("contains",),
    AnswerType.INTEGER: ("equals", "at_least"),
    AnswerType.TEXT: (),
}


class AnswerIs(_Rule, frozen=True):
    """The answer to ``question`` compared to ``value``; an unanswered question never matches."""

    question: str
    operator: Operator
    value: Value

    def evaluate(self, context: RuleContext) -> bool:
        return _compare(context.answers.get(self.question), self.operator, self.value)

    def reads(self) -> frozenset[str]:
        return frozenset({f"answer:{self.question}"})

    def problems(self, kit: Kit) -> list[str]:
        question = kit.questions.get(self.question)
        if question is None:
            return [f"unknown question {self.question}"]
        problems = []
        if self.question not in get_wording().questions:
            problems.append(f"question {self.question} has no subject in rule_wording.toml")
        if not question.used_by_rules:
            problems.append(f"question {self.question} is not marked used_by_rules")
        if self.operator not in _ANSWER_OPERATORS[question.answer_type]:
            return [
                *problems,
                f"{self.operator} cannot test {self.question}, a {question.answer_type} question",
            ]
        value = self.value
        if question.answer_type is AnswerType.BOOL and not isinstance(value, bool):
            problems.append(f"{self.question} is a yes/no question: equals needs true or false")
        elif question.answer_type is AnswerType.INTEGER and (
            isinstance(value, bool) or not isinstance(value, int)
        ):
            problems.append(f"{self.question} takes a whole number")
        elif question.answer_type in CHOICE_TYPES:
            options = {option.code for option in kit.options(question)}
            codes = value if isinstance(value, tuple) else (value,)
            problems += [
                f"{code!r} is not an option of {self.question}" for code in codes if code not in options
            ]
        return problems

    def said(self, negated: bool) -> str:
        subject = get_wording().questions[self.question]
        value = self.value
        if self.operator == "in":
            options = [_answer_text(self.question, item) for item in cast(tuple[str, ...], value)]
            return f"{subject}\u00a0: {'autre que ' if negated else ''}{_listed(options)}"
        shown = _answer_text(self.question, value)
        if not negated:
            prefix = {"equals": "", "contains": "dont ", "at_least": "au moins "}[self.operator]
            return f"{subject}\u00a0: {prefix}{shown}"
        if self.operator == "contains":
            return f"{subject}\u00a0: sans {shown}"
        if self.operator == "at_least":
            return f"{subject}\u00a0: moins de {shown} ou sans réponse"
        if isinstance(value, bool):
            return f"{subject}\u00a0: {_answer_text(self.question, not value)} ou sans réponse"
        return f"{subject}\u00a0: autre que {shown}"

    def facts(self, context: RuleContext) -> list[str]:
        actual = context.answers.get(self.question)
        shown = "sans réponse" if actual is None else _answer_text(self.question, actual)
        return [f"{get_wording().questions[self.question]}\u00a0: {shown}"]


class ParameterIn(_Rule, frozen=True):
    """An exercise parameter is one of ``values`` (codes, or booleans for include_perturbations)."""

    name: ParameterName
    values: tuple[str | bool, ...]

    def evaluate(self, context: RuleContext) -> bool:
        return getattr(context, self.name) in self.values

    def reads(self) -> frozenset[str]:
        # The level is one input, whether tested here or by level_at_least.
        return frozenset({"level" if self.name == "level" else f"param:{self.name}"})

    def said(self, negated: bool) -> str:
        values = _listed(
            _label(value) if isinstance(value, StrEnum) else ("oui" if value else "non")
            for value in self.values
        )
        return f"{get_wording().parameters[self.name]}{' autre que' if negated else _COLON} {values}"

    def facts(self, context: RuleContext) -> list[str]:
        return [ParameterIn(self.name, (getattr(context, self.name),)).said(negated=False)]


class CategoryIn(_Rule, frozen=True):
    categories: tuple[EssmsCategory, ...]

    def evaluate(self, context: RuleContext) -> bool:
        return context.category in self.categories

    def reads(self) -> frozenset[str]:
        return frozenset({"category"})

    def said(self, negated: bool) -> str:
        return f"catégorie{' autre que' if negated else _COLON} {_listed(map(_label, self.categories))}"

    def facts(self, context: RuleContext) -> list[str]:
        return [f"catégorie\u00a0: {_label(context.category)}"]


class ServiceModeIn(_Rule, frozen=True):
    modes: tuple[ServiceMode, ...]

    def evaluate(self, context: RuleContext) -> bool:
        return context.service_mode in self.modes

    def reads(self) -> frozenset[str]:
        return frozenset({"service_mode"})

    def said(self, negated: bool) -> str:
        pairs = [get_wording().service_modes[mode] for mode in self.modes]
        return _listed((pair.no for pair in pairs), "et") if negated else _listed(pair.yes for pair in pairs)

    def facts(self, context: RuleContext) -> list[str]:
        return [get_wording().service_modes[context.service_mode].yes]


class HasTrait(_Rule, frozen=True):
    """The establishment's category has ``trait`` (« dispense des soins », « accompagne des enfants »)."""

    trait: CategoryTrait

    def evaluate(self, context: RuleContext) -> bool:
        return self.trait in context.traits

    def reads(self) -> frozenset[str]:
        return frozenset({"category"})

    def said(self, negated: bool) -> str:
        label = _label(self.trait)
        return f"catégorie hors {_quoted(label)}" if negated else f"{label[0].lower()}{label[1:]}"

    def facts(self, context: RuleContext) -> list[str]:
        return [f"catégorie\u00a0: {_label(context.category)}"]


class LevelAtLeast(_Rule, frozen=True):
    level: ExerciseLevel

    def evaluate(self, context: RuleContext) -> bool:
        return _rank(context.level) >= _rank(self.level)

    def reads(self) -> frozenset[str]:
        return frozenset({"level"})

    def said(self, negated: bool) -> str:
        if negated:
            return f"niveau inférieur à {_label(self.level)}"
        return f"niveau {_label(self.level)}" + ("" if self.level is list(ExerciseLevel)[-1] else " ou plus")

    def facts(self, context: RuleContext) -> list[str]:
        return [f"niveau {_label(context.level)}"]


Rule: TypeAlias = (
    "All | AnyOf | Not | SiPresent | SiHit | SiAttribute | AnswerIs | ParameterIn | CategoryIn"
    " | ServiceModeIn | HasTrait | LevelAtLeast"
)


# Parsing: one operator key per TOML table.

_COMPARISONS: tuple[Operator, ...] = ("equals", "in", "contains", "at_least")


def _fail(where: str, message: str) -> NoReturn:
    raise KitContentError(f"{where}: {message}")


_E = TypeVar("_E", bound=StrEnum)


def _code(enum: type[_E], value: object, where: str) -> _E:
    if isinstance(value, str) and value in enum.__members__:
        return enum(value)
    _fail(where, f"unknown {enum.__name__} {value!r} (expected one of {', '.join(enum)})")


def _codes(enum: type[_E], value: object, where: str) -> tuple[_E, ...]:
    if not isinstance(value, list) or not value:
        _fail(where, f"expected a non-empty list of {enum.__name__} codes, found {value!r}")
    return tuple(_code(enum, item, f"{where}[{index}]") for index, item in enumerate(value))


def _table(raw: object, where: str, required: set[str], optional: set[str]) -> dict[str, object]:
    if not isinstance(raw, dict):
        _fail(where, f"expected a table, found {raw!r}")
    missing, unknown = sorted(required - raw.keys()), sorted(raw.keys() - required - optional)
    if missing:
        _fail(where, f"missing key(s) {', '.join(missing)}")
    if unknown:
        _fail(where, f"unknown key(s) {', '.join(unknown)}")
    return raw


def _string(table: dict[str, object], key: str, where: str) -> str:
    value = table[key]
    if not isinstance(value, str):
        _fail(f"{where}.{key}", f"expected a code, found {value!r}")
    return value


def _comparison(
    table: dict[str, object], where: str, allowed: tuple[Operator, ...]
) -> tuple[Operator, Value]:
    """The one comparison of an answer or attribute test: ``equals = …``, ``in = […]``…"""
    present = [operator for operator in _COMPARISONS if operator in table]
    if len(present) != 1:
        _fail(where, f"expected exactly one comparison among {', '.join(allowed)}, found {len(present)}")
    operator = present[0]
    value, where = table[operator], f"{where}.{operator}"
    if operator not in allowed:
        _fail(where, f"unknown comparison here (expected {', '.join(allowed)})")
    if operator == "in":
        if not isinstance(value, list) or not value or not all(isinstance(item, str) for item in value):
            _fail(where, f"expected a non-empty list of codes, found {value!r}")
        return operator, tuple(value)
    expected = {"equals": (bool, int, str), "contains": (str,), "at_least": (int,)}[operator]
    if not isinstance(value, expected) or (operator == "at_least" and isinstance(value, bool)):
        _fail(where, f"expected {' or '.join(kind.__name__ for kind in expected)}, found {value!r}")
    return operator, cast(Value, value)


def _parameter(raw: object, where: str) -> ParameterIn:
    table = _table(raw, where, {"name", "in"}, set())
    name = table["name"]
    if not isinstance(name, str) or name not in PARAMETERS:
        _fail(f"{where}.name", f"unknown parameter {name!r} (expected one of {', '.join(PARAMETERS)})")
    values = table["in"]
    if not isinstance(values, list) or not values:
        _fail(f"{where}.in", f"expected a non-empty list, found {values!r}")
    kind = PARAMETERS[name]
    parsed: list[str | bool] = []
    for index, value in enumerate(values):
        if issubclass(kind, StrEnum):
            parsed.append(_code(kind, value, f"{where}.in[{index}]"))
        elif isinstance(value, bool):
            parsed.append(value)
        else:
            _fail(f"{where}.in[{index}]", f"expected true or false, found {value!r}")
    return ParameterIn(name=cast(ParameterName, name), values=tuple(parsed))


def _si_attribute(raw: object, where: str) -> SiAttribute:
    table = _table(raw, where, {"attribute"}, {"category", *_COMPARISONS})
    category = _code(SiCategory, table["category"], f"{where}.category") if "category" in table else None
    attribute = _string(table, "attribute", where)
    return SiAttribute(category, attribute, *_comparison(table, where, ("equals", "in", "at_least")))


def _answer(raw: object, where: str) -> AnswerIs:
    table = _table(raw, where, {"question"}, set(_COMPARISONS))
    return AnswerIs(_string(table, "question", where), *_comparison(table, where, _COMPARISONS))


def _combination(kind: type[All | AnyOf]) -> Callable[[object, str], Rule]:
    def parse(raw: object, where: str) -> Rule:
        if not isinstance(raw, list) or not raw:
            _fail(where, f"expected a non-empty list of rules, found {raw!r}")
        return kind(tuple(parse_rule(item, where=f"{where}[{index}]") for index, item in enumerate(raw)))

    return parse


_PARSERS: dict[str, Callable[[object, str], Rule]] = {
    "all": _combination(All),
    "any": _combination(AnyOf),
    "not": lambda raw, where: Not(parse_rule(raw, where=where)),
    "si_present": lambda raw, where: SiPresent(_code(SiCategory, raw, where)),
    "si_hit": lambda raw, where: SiHit(_code(SiCategory, raw, where)),
    "trait": lambda raw, where: HasTrait(_code(CategoryTrait, raw, where)),
    "si_attribute": _si_attribute,
    "answer": _answer,
    "parameter": _parameter,
    "category_in": lambda raw, where: CategoryIn(_codes(EssmsCategory, raw, where)),
    "service_mode_in": lambda raw, where: ServiceModeIn(_codes(ServiceMode, raw, where)),
    "level_at_least": lambda raw, where: LevelAtLeast(_code(ExerciseLevel, raw, where)),
}


def parse_rule(raw: object, *, where: str) -> Rule:
    """The rule written in TOML as ``raw``; KitContentError naming ``where`` (the inject code
    and field, e.g. ``injects.toml: RAN-T0-01: rule.all[1]``) on a bad shape or an unknown code."""
    if not isinstance(raw, dict) or len(raw) != 1:
        _fail(where, f"a rule is a table with exactly one operator, found {raw!r}")
    ((operator, value),) = raw.items()
    parser = _PARSERS.get(operator)
    if parser is None:
        _fail(where, f"unknown operator {operator!r} (expected one of {', '.join(_PARSERS)})")
    return parser(value, f"{where}.{operator}")


# The functions the library and the engine call.


def rule_problems(rule: Rule, kit: Kit) -> list[str]:
    """What the rule refers to that the kit does not know (questions, options, attributes, values
    of the wrong type); the caller prefixes each problem with the inject code and field."""
    return rule.problems(kit)


def evaluate(rule: Rule, context: RuleContext) -> bool:
    """Whether the rule holds for the context; pure, and reads nothing outside :func:`reads`."""
    return rule.evaluate(context)


def reads(rule: Rule) -> frozenset[str]:
    """The inputs the rule reads, one key per input: ``answer:Q``, ``si:CAT`` (whether a component
    of CAT is described), ``si_attr:CAT.attr`` (``*``: of any category), ``param:format``,
    ``param:scenario_type``, ``param:include_perturbations``, ``category``, ``service_mode`` and
    ``level`` (also for ``parameter = { name = "level" }``). Adding or removing a component of CAT
    changes ``si:CAT`` and every ``si_attr:CAT.*`` and ``si_attr:*.*``."""
    return rule.reads()


def describe(rule: Rule) -> str:
    """The whole rule in French: « DUI hébergé en SaaS et (messagerie MSSanté présente ou …) »."""
    return rule.describe(negated=False, nested=False)


def explain(rule: Rule, context: RuleContext) -> str:
    """Why the rule holds in this context, in French: the facts of the branches that decided it
    (« DUI hébergé en SaaS ; messagerie MSSanté présente »); for a rule that fails, the facts
    that made it fail."""
    return "\u00a0; ".join(dict.fromkeys(rule.why(context, rule.evaluate(context))))
