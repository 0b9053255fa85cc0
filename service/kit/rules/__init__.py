"""The inclusion rules of the inject library, by job: :mod:`.model` (the rules and their
evaluation), :mod:`.parse` (their TOML form), :mod:`.check` (start-up checks against the kit),
:mod:`.wording` and :mod:`.french` (how they are said). The rule language is re-exported here."""

from service.kit.rules.model import (
    PARAMETERS,
    All,
    AnswerIs,
    AnyOf,
    CategoryIn,
    ComponentFacts,
    HasTrait,
    LevelAtLeast,
    Not,
    ParameterIn,
    Rule,
    RuleContext,
    ServiceModeIn,
    SiAttribute,
    SiHit,
    SiPresent,
    evaluate,
    reads,
)
from service.kit.rules.parse import parse_rule

__all__ = [
    "PARAMETERS",
    "All",
    "AnswerIs",
    "AnyOf",
    "CategoryIn",
    "ComponentFacts",
    "HasTrait",
    "LevelAtLeast",
    "Not",
    "ParameterIn",
    "Rule",
    "RuleContext",
    "ServiceModeIn",
    "SiAttribute",
    "SiHit",
    "SiPresent",
    "evaluate",
    "parse_rule",
    "reads",
]
