"""The inclusion rules of the inject library as values: what a rule tests, and its evaluation.

A rule says when an inject fits an establishment and an exercise: ``All`` / ``AnyOf`` / ``Not``
combine tests on the SI description (a category present, a component's attribute), the business
questionnaire's answers, the exercise's parameters, the category and the service mode. A rule is
evaluated on a :class:`RuleContext` and reads nothing else; what it reads is :func:`reads`.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Literal, TypeAlias

import msgspec

from service.kit.codes import (
    CategoryTrait,
    EssmsCategory,
    ExerciseFormat,
    ExerciseLevel,
    HostingMode,
    ScenarioType,
    ServiceMode,
    SiCategory,
)
from service.lib.numbers import is_integer


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


def compare(actual: object, operator: Operator, value: Value) -> bool:
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
    return is_integer(actual) and isinstance(value, int) and actual >= value


def _rank(level: ExerciseLevel) -> int:
    return list(ExerciseLevel).index(level)


class All(msgspec.Struct, frozen=True):
    """Every rule of ``rules`` holds."""

    rules: tuple[Rule, ...]

    def evaluate(self, context: RuleContext) -> bool:
        return all(rule.evaluate(context) for rule in self.rules)

    def reads(self) -> frozenset[str]:
        return frozenset().union(*(rule.reads() for rule in self.rules))


class AnyOf(msgspec.Struct, frozen=True):
    """At least one rule of ``rules`` holds."""

    rules: tuple[Rule, ...]

    def evaluate(self, context: RuleContext) -> bool:
        return any(rule.evaluate(context) for rule in self.rules)

    def reads(self) -> frozenset[str]:
        return frozenset().union(*(rule.reads() for rule in self.rules))


class Not(msgspec.Struct, frozen=True):
    rule: Rule

    def evaluate(self, context: RuleContext) -> bool:
        return not self.rule.evaluate(context)

    def reads(self) -> frozenset[str]:
        return self.rule.reads()


class SiPresent(msgspec.Struct, frozen=True):
    """At least one component of ``category`` is described."""

    category: SiCategory

    def evaluate(self, context: RuleContext) -> bool:
        return any(component.category is self.category for component in context.components)

    def reads(self) -> frozenset[str]:
        return frozenset({f"si:{self.category}"})


class SiHit(msgspec.Struct, frozen=True):
    """A component of ``category`` is described and the exercise's scenario hits that category:
    a stimulus about a component speaks only of what the scenario breaks."""

    category: SiCategory

    def evaluate(self, context: RuleContext) -> bool:
        return self.category in context.impacted_categories and SiPresent(self.category).evaluate(context)

    def reads(self) -> frozenset[str]:
        return frozenset({f"si:{self.category}", "param:scenario_type"})


class SiAttribute(msgspec.Struct, frozen=True):
    """At least one component (of ``category``, or of any category when None) has ``attribute``
    compared to ``value`` by ``operator`` (equals, in, at_least)."""

    category: SiCategory | None
    attribute: str
    operator: Operator
    value: Value

    def concerned(self, context: RuleContext) -> list[ComponentFacts]:
        return [component for component in context.components if self.category in (None, component.category)]

    def matching(self, context: RuleContext) -> list[ComponentFacts]:
        return [
            component
            for component in self.concerned(context)
            if compare(getattr(component, self.attribute), self.operator, self.value)
        ]

    def evaluate(self, context: RuleContext) -> bool:
        return bool(self.matching(context))

    def reads(self) -> frozenset[str]:
        return frozenset({f"si_attr:{self.category or '*'}.{self.attribute}"})


class AnswerIs(msgspec.Struct, frozen=True):
    """The answer to ``question`` compared to ``value``; an unanswered question never matches."""

    question: str
    operator: Operator
    value: Value

    def evaluate(self, context: RuleContext) -> bool:
        return compare(context.answers.get(self.question), self.operator, self.value)

    def reads(self) -> frozenset[str]:
        return frozenset({f"answer:{self.question}"})


class ParameterIn(msgspec.Struct, frozen=True):
    """An exercise parameter is one of ``values`` (codes, or booleans for include_perturbations)."""

    name: ParameterName
    values: tuple[str | bool, ...]

    def evaluate(self, context: RuleContext) -> bool:
        return getattr(context, self.name) in self.values

    def reads(self) -> frozenset[str]:
        # The level is one input, whether tested here or by level_at_least.
        return frozenset({"level" if self.name == "level" else f"param:{self.name}"})


class CategoryIn(msgspec.Struct, frozen=True):
    categories: tuple[EssmsCategory, ...]

    def evaluate(self, context: RuleContext) -> bool:
        return context.category in self.categories

    def reads(self) -> frozenset[str]:
        return frozenset({"category"})


class ServiceModeIn(msgspec.Struct, frozen=True):
    modes: tuple[ServiceMode, ...]

    def evaluate(self, context: RuleContext) -> bool:
        return context.service_mode in self.modes

    def reads(self) -> frozenset[str]:
        return frozenset({"service_mode"})


class HasTrait(msgspec.Struct, frozen=True):
    """The establishment's category has ``trait`` (« dispense des soins », « accompagne des enfants »)."""

    trait: CategoryTrait

    def evaluate(self, context: RuleContext) -> bool:
        return self.trait in context.traits

    def reads(self) -> frozenset[str]:
        return frozenset({"category"})


class LevelAtLeast(msgspec.Struct, frozen=True):
    level: ExerciseLevel

    def evaluate(self, context: RuleContext) -> bool:
        return _rank(context.level) >= _rank(self.level)

    def reads(self) -> frozenset[str]:
        return frozenset({"level"})


Rule: TypeAlias = (
    "All | AnyOf | Not | SiPresent | SiHit | SiAttribute | AnswerIs | ParameterIn | CategoryIn"
    " | ServiceModeIn | HasTrait | LevelAtLeast"
)


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
