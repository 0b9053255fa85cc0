"""The TOML form of a rule: one operator key per table (``{ all = [...] }``, ``{ si_present = "DUI" }``).

:func:`parse_rule` turns a decoded table into a :class:`~service.kit.rules.model.Rule` or raises
KitContentError naming where, in the library's files, the shape or a code is wrong.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import NoReturn, TypeVar, cast

from service.kit.codes import CategoryTrait, EssmsCategory, ExerciseLevel, ServiceMode, SiCategory
from service.kit.content import KitContentError
from service.kit.rules.model import (
    PARAMETERS,
    All,
    AnswerIs,
    AnyOf,
    CategoryIn,
    HasTrait,
    LevelAtLeast,
    Not,
    Operator,
    ParameterIn,
    ParameterName,
    Rule,
    ServiceModeIn,
    SiAttribute,
    SiHit,
    SiPresent,
    Value,
)

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
