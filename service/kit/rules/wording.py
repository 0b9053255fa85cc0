"""How rules are said in French: the words of ``data/rule_wording.toml``, loaded and checked."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from importlib import resources

import msgspec

from service.kit.codes import HostingMode, ServiceMode, SiAttributeType, SiCategory
from service.kit.content import Kit, KitContentError
from service.kit.rules.model import PARAMETERS


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


ANY_COMPONENT = Noun("composant", feminine=False)


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
