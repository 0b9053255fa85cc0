"""Rules said in French, with the words of one kit: :func:`describe` says the whole rule,
:func:`explain` the facts of an establishment that decided it.

Every word comes from the :class:`~service.kit.context.KitContext` passed in (the questions and
options of its kit, the labels of its catalogue, the rule wording), never from a global.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import TYPE_CHECKING, cast

from service.kit.codes import ExerciseLevel, HostingMode
from service.kit.rules.model import (
    All,
    AnswerIs,
    AnyOf,
    CategoryIn,
    HasTrait,
    LevelAtLeast,
    Not,
    Operator,
    ParameterIn,
    Rule,
    RuleContext,
    ServiceModeIn,
    SiAttribute,
    SiHit,
    SiPresent,
)
from service.kit.rules.wording import ANY_COMPONENT, Noun
from service.lib.text import quoted

if TYPE_CHECKING:
    from service.kit.context import KitContext

# French typography: a no-break space before a colon or a semicolon and inside guillemets.
_COLON = "\u00a0:"


def describe(rule: Rule, kit: KitContext) -> str:
    """The whole rule in French: « DUI hébergé en SaaS et (messagerie MSSanté présente ou …) »."""
    return _French(kit).describe(rule, negated=False, nested=False)


def explain(rule: Rule, context: RuleContext, kit: KitContext) -> str:
    """Why the rule holds in this context, in French: the facts of the branches that decided it
    (« DUI hébergé en SaaS ; messagerie MSSanté présente »); for a rule that fails, the facts
    that made it fail."""
    facts = _French(kit).why(rule, context, rule.evaluate(context))
    return "\u00a0; ".join(dict.fromkeys(facts))


def _listed(texts: Iterable[str], word: str = "ou") -> str:
    """« A », « A ou B », « A, B ou C » (duplicates said once)."""
    items = list(dict.fromkeys(texts))
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {word} {items[-1]}"


class _French:
    """The sentences of rules, with the words of one kit."""

    def __init__(self, kit: KitContext) -> None:
        self.content, self.catalogue, self.wording = kit.content, kit.catalogue, kit.wording

    def _label(self, code: StrEnum) -> str:
        return self.catalogue.label(code)

    # Whole rules: combinations are said branch by branch, a negation by its branch negated.

    def describe(self, rule: Rule, *, negated: bool, nested: bool) -> str:
        if isinstance(rule, Not):
            return self.describe(rule.rule, negated=not negated, nested=nested)
        if isinstance(rule, All | AnyOf):
            # De Morgan: « non (A et B) » is said « non A ou non B ».
            parts = [self.describe(branch, negated=negated, nested=True) for branch in rule.rules]
            if len(parts) == 1:
                return parts[0]
            # Every branch is joined by its word: a branch may itself hold a comma or a colon.
            text = f" {'et' if isinstance(rule, All) != negated else 'ou'} ".join(parts)
            return f"({text})" if nested else text
        return self.said(rule, negated=negated)

    def why(self, rule: Rule, context: RuleContext, wanted: bool) -> list[str]:
        """The facts that make the rule evaluate to ``wanted``."""
        if isinstance(rule, Not):
            return self.why(rule.rule, context, not wanted)
        if isinstance(rule, All | AnyOf):
            # « all » that holds and « any » that fails need every branch; otherwise only the deciding ones.
            every = isinstance(rule, All) == wanted
            deciding = [branch for branch in rule.rules if every or branch.evaluate(context) == wanted]
            return [fact for branch in deciding for fact in self.why(branch, context, wanted)]
        return self.facts(rule, context)

    # Single tests: the test itself (or its negation), and the facts of a context it reads.

    def said(self, rule: Rule, *, negated: bool) -> str:
        if isinstance(rule, SiPresent | SiHit | SiAttribute):
            return self._si_said(rule, negated)
        if isinstance(rule, AnswerIs):
            return self._answer_said(rule, negated)
        if isinstance(rule, All | AnyOf | Not):
            return self.describe(rule, negated=negated, nested=True)
        return self._profile_said(rule, negated)

    def facts(self, rule: Rule, context: RuleContext) -> list[str]:
        if isinstance(rule, SiPresent | SiHit | SiAttribute):
            return self._si_facts(rule, context)
        if isinstance(rule, AnswerIs):
            actual = context.answers.get(rule.question)
            shown = "sans réponse" if actual is None else self._answer_text(rule.question, actual)
            return [f"{self.wording.questions[rule.question]}\u00a0: {shown}"]
        if isinstance(rule, All | AnyOf | Not):
            return self.why(rule, context, rule.evaluate(context))
        return self._profile_facts(rule, context)

    def _si_said(self, rule: SiPresent | SiHit | SiAttribute, negated: bool) -> str:
        if isinstance(rule, SiAttribute):
            noun = self.wording.si_categories[rule.category] if rule.category else ANY_COMPONENT
            phrase = self._attribute_phrase(noun, rule.attribute, rule.operator, rule.value)
            return f"{noun.none if negated else noun.noun} {phrase}"
        noun = self.wording.si_categories[rule.category]
        if isinstance(rule, SiPresent):
            return noun.none if negated else noun.present
        return f"{noun.none if negated else noun.noun} {noun.agree('touché{e}')} par le scénario"

    def _si_facts(self, rule: SiPresent | SiHit | SiAttribute, context: RuleContext) -> list[str]:
        if isinstance(rule, SiAttribute):
            return self._attribute_facts(rule, context)
        present = SiPresent(rule.category)
        if isinstance(rule, SiHit) and not present.evaluate(context):
            return [self.said(present, negated=True)]
        return [self.said(rule, negated=not rule.evaluate(context))]

    def _profile_said(
        self, rule: ParameterIn | CategoryIn | ServiceModeIn | HasTrait | LevelAtLeast, negated: bool
    ) -> str:
        """A test of the establishment's profile or of the exercise's parameters."""
        if isinstance(rule, ParameterIn):
            values = _listed(
                self._label(value) if isinstance(value, StrEnum) else ("oui" if value else "non")
                for value in rule.values
            )
            return f"{self.wording.parameters[rule.name]}{' autre que' if negated else _COLON} {values}"
        if isinstance(rule, CategoryIn):
            categories = _listed(map(self._label, rule.categories))
            return f"catégorie{' autre que' if negated else _COLON} {categories}"
        if isinstance(rule, ServiceModeIn):
            pairs = [self.wording.service_modes[mode] for mode in rule.modes]
            return (
                _listed((pair.no for pair in pairs), "et") if negated else _listed(pair.yes for pair in pairs)
            )
        if isinstance(rule, HasTrait):
            label = self._label(rule.trait)
            return f"catégorie hors {quoted(label)}" if negated else f"{label[0].lower()}{label[1:]}"
        if negated:
            return f"niveau inférieur à {self._label(rule.level)}"
        highest = rule.level is list(ExerciseLevel)[-1]
        return f"niveau {self._label(rule.level)}" + ("" if highest else " ou plus")

    def _profile_facts(
        self, rule: ParameterIn | CategoryIn | ServiceModeIn | HasTrait | LevelAtLeast, context: RuleContext
    ) -> list[str]:
        if isinstance(rule, ParameterIn):
            return [self.said(ParameterIn(rule.name, (getattr(context, rule.name),)), negated=False)]
        if isinstance(rule, CategoryIn | HasTrait):
            return [f"catégorie\u00a0: {self._label(context.category)}"]
        if isinstance(rule, ServiceModeIn):
            return [self.wording.service_modes[context.service_mode].yes]
        return [f"niveau {self._label(context.level)}"]

    def _attribute_facts(self, rule: SiAttribute, context: RuleContext) -> list[str]:
        components = rule.matching(context) or rule.concerned(context)
        if not components:
            if rule.category:
                return [self.said(SiPresent(rule.category), negated=True)]
            return ["aucun composant décrit"]
        facts = []
        for component in components:
            noun = self.wording.si_categories[component.category]
            actual = getattr(component, rule.attribute)
            if actual is None:
                label = self.content.si_attributes[rule.attribute].label.lower()
                facts.append(f"{noun.noun} ({label}\u00a0: non renseigné)")
            else:
                facts.append(f"{noun.noun} {self._attribute_phrase(noun, rule.attribute, 'equals', actual)}")
        return facts

    def _answer_said(self, rule: AnswerIs, negated: bool) -> str:
        subject = self.wording.questions[rule.question]
        value = rule.value
        if rule.operator == "in":
            options = [self._answer_text(rule.question, item) for item in cast(tuple[str, ...], value)]
            return f"{subject}\u00a0: {'autre que ' if negated else ''}{_listed(options)}"
        shown = self._answer_text(rule.question, value)
        if not negated:
            prefix = {"equals": "", "contains": "dont ", "at_least": "au moins "}[rule.operator]
            return f"{subject}\u00a0: {prefix}{shown}"
        if rule.operator == "contains":
            return f"{subject}\u00a0: sans {shown}"
        if rule.operator == "at_least":
            return f"{subject}\u00a0: moins de {shown} ou sans réponse"
        if isinstance(value, bool):
            return f"{subject}\u00a0: {self._answer_text(rule.question, not value)} ou sans réponse"
        return f"{subject}\u00a0: autre que {shown}"

    def _answer_text(self, question: str, value: object) -> str:
        """An answer as the establishment gave it: oui / non, an option's label, a number and unit."""
        kit_question = self.content.questions[question]
        if isinstance(value, bool):
            return "oui" if value else "non"
        if isinstance(value, str):
            labels = {option.code: option.label for option in self.content.options(kit_question)}
            return quoted(labels.get(value, value))
        if isinstance(value, list | tuple):
            return _listed((self._answer_text(question, item) for item in value), "et") if value else "aucune"
        return f"{value} {kit_question.unit}" if kit_question.unit else str(value)

    def _attribute_phrase(self, noun: Noun, attribute: str, operator: Operator, value: object) -> str:
        """What follows a component's noun: « hébergé en SaaS », « de criticité forte au moins »…"""
        wording, content = self.wording, self.content
        at_least = " au moins" if operator == "at_least" else ""
        if attribute == "hosting":
            codes = value if isinstance(value, tuple) else (value,)
            return noun.agree(_listed(wording.hosting_modes[HostingMode(code)] for code in codes))
        if attribute in wording.yes_no_attributes:
            pair = wording.yes_no_attributes[attribute]
            return noun.agree(pair.yes if value else pair.no)
        if attribute == "criticality" and isinstance(value, int) and value in content.criticality_levels:
            return f"de criticité {content.criticality_levels[value].label.lower()}{at_least}"
        definition = content.si_attributes[attribute]
        shown = quoted(value) if isinstance(value, str) else f"{value} {definition.unit or ''}".strip()
        return f"({definition.label.lower()}\u00a0:{at_least} {shown})"
