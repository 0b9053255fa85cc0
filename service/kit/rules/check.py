"""Start-up checks of a parsed rule against the kit: every code it names exists, every comparison
suits what it compares, every value has the right type, and every question can be said."""

from __future__ import annotations

from collections.abc import Callable

from service.kit.codes import AnswerType, HostingMode, SiAttributeType
from service.kit.content import CHOICE_TYPES, Kit
from service.kit.rules.model import All, AnswerIs, AnyOf, Not, Operator, Rule, SiAttribute
from service.kit.rules.wording import Wording
from service.lib.numbers import is_integer


def rule_problems(rule: Rule, kit: Kit, wording: Wording) -> list[str]:
    """What the rule refers to that the kit does not know (questions, options, attributes, values
    of the wrong type); the caller prefixes each problem with the inject code and field."""
    if isinstance(rule, All | AnyOf):
        return [problem for branch in rule.rules for problem in rule_problems(branch, kit, wording)]
    if isinstance(rule, Not):
        return rule_problems(rule.rule, kit, wording)
    if isinstance(rule, SiAttribute):
        return _attribute_problems(rule, kit)
    if isinstance(rule, AnswerIs):
        return _answer_problems(rule, kit, wording)
    # The other tests name codes the parser has already checked.
    return []


def _compared_hosting_problems(rule: SiAttribute, kit: Kit) -> list[str]:
    codes = rule.value if isinstance(rule.value, tuple) else (rule.value,)
    return [f"{code!r} is no hosting mode" for code in codes if code not in HostingMode.__members__]


def _compared_yes_no_problems(rule: SiAttribute, kit: Kit) -> list[str]:
    return [] if isinstance(rule.value, bool) else [f"{rule.attribute} is yes/no: equals needs true or false"]


def _compared_number_problems(rule: SiAttribute, kit: Kit) -> list[str]:
    return [] if is_integer(rule.value) else [f"{rule.attribute} takes a whole number"]


def _compared_criticality_problems(rule: SiAttribute, kit: Kit) -> list[str]:
    if _compared_number_problems(rule, kit) or rule.value not in kit.criticality_levels:
        levels = ", ".join(map(str, kit.criticality_levels))
        return [f"criticality {rule.value!r} is no level of the kit ({levels})"]
    return []


def _compared_text_problems(rule: SiAttribute, kit: Kit) -> list[str]:
    return [] if isinstance(rule.value, str) else [f"{rule.attribute} is text: equals needs a string"]


# By attribute type: the comparisons it allows and the check of the compared value. The component
# lists (depends_on) are compared by no rule.
_ATTRIBUTE_CHECKS: dict[
    SiAttributeType, tuple[tuple[Operator, ...], Callable[[SiAttribute, Kit], list[str]]]
] = {
    SiAttributeType.HOSTING_MODE: (("equals", "in"), _compared_hosting_problems),
    SiAttributeType.BOOL: (("equals",), _compared_yes_no_problems),
    SiAttributeType.INTEGER: (("equals", "at_least"), _compared_number_problems),
    SiAttributeType.CRITICALITY: (("equals", "at_least"), _compared_criticality_problems),
    SiAttributeType.TEXT: (("equals",), _compared_text_problems),
}

# By question type: the comparisons it allows.
_ANSWER_OPERATORS: dict[AnswerType, tuple[Operator, ...]] = {
    AnswerType.BOOL: ("equals",),
    AnswerType.SINGLE_CHOICE: ("equals", "in"),
    AnswerType.MULTIPLE_CHOICE: ("contains",),
    AnswerType.INTEGER: ("equals", "at_least"),
    AnswerType.TEXT: (),
}


def _attribute_problems(rule: SiAttribute, kit: Kit) -> list[str]:
    attribute = kit.si_attributes.get(rule.attribute)
    if attribute is None:
        return [f"unknown SI attribute {rule.attribute}"]
    kind = attribute.value_type
    check = _ATTRIBUTE_CHECKS.get(kind)
    if check is None or rule.operator not in check[0]:
        return [f"{rule.operator} cannot compare {rule.attribute} ({kind})"]
    return check[1](rule, kit)


def _answer_problems(rule: AnswerIs, kit: Kit, wording: Wording) -> list[str]:
    question = kit.questions.get(rule.question)
    if question is None:
        return [f"unknown question {rule.question}"]
    problems = []
    if rule.question not in wording.questions:
        problems.append(f"question {rule.question} has no subject in rule_wording.toml")
    if not question.used_by_rules:
        problems.append(f"question {rule.question} is not marked used_by_rules")
    if rule.operator not in _ANSWER_OPERATORS[question.answer_type]:
        return [
            *problems,
            f"{rule.operator} cannot test {rule.question}, a {question.answer_type} question",
        ]
    value = rule.value
    if question.answer_type is AnswerType.BOOL and not isinstance(value, bool):
        problems.append(f"{rule.question} is a yes/no question: equals needs true or false")
    elif question.answer_type is AnswerType.INTEGER and not is_integer(value):
        problems.append(f"{rule.question} takes a whole number")
    elif question.answer_type in CHOICE_TYPES:
        options = {option.code for option in kit.options(question)}
        codes = value if isinstance(value, tuple) else (value,)
        problems += [f"{code!r} is not an option of {rule.question}" for code in codes if code not in options]
    return problems
