"""Every kind of establishment gets a chronogram it can play: generated for every category ×
scenario × format, with inputs that vary night presence, the SI and the answers, no line says
something the establishment does not have or is not, no placeholder prints raw, the short format
leaves time for the RETEX, and the alert chain is there.

The words each category must not read are kept with the kit's data
(``service/kit/data/forbidden_terms.toml``), each with the rule that allows it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from datetime import date, time
from importlib import resources
from typing import Any

import msgspec
import pytest

from service.domain.chronogram.engine import (
    ExerciseParameters,
    GeneratedChronogram,
    GenerationInputs,
    OrganisationProfile,
    generate,
    rule_context,
)
from service.kit.catalogue import get_catalogue
from service.kit.codes import (
    AnswerType,
    EssmsCategory,
    ExerciseFormat,
    ExerciseLevel,
    InjectAnchor,
    Phase,
    ScenarioType,
    ServiceMode,
    SiCategory,
)
from service.kit.content import Kit, Question, get_kit
from service.kit.context import load_kit_context
from service.kit.rules import ComponentFacts, Rule, evaluate, parse_rule

# OTHER states its mode itself: it is played once per mode.
CATEGORIES = [category for category in EssmsCategory if category is not EssmsCategory.OTHER]


class _Term(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    pattern: str
    why: str
    unless: dict[str, Any] | None = None


class _Terms(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    terms: tuple[_Term, ...]


@functools.cache
def forbidden_terms() -> tuple[tuple[re.Pattern[str], Rule | None, str], ...]:
    raw = (resources.files("service.kit") / "data" / "forbidden_terms.toml").read_bytes()
    terms = msgspec.toml.decode(raw, type=_Terms).terms
    return tuple(
        (
            re.compile(term.pattern, re.IGNORECASE),
            None
            if term.unless is None
            else parse_rule(term.unless, where=f"forbidden_terms: {term.pattern}"),
            term.why,
        )
        for term in terms
    )


def _offered(item: Any, category: EssmsCategory, mode: ServiceMode) -> bool:
    traits = set(get_catalogue().essms_categories[category].traits)
    return (not item.modes or mode in item.modes) and (not item.traits or bool(traits & set(item.traits)))


def _answer(question: Question, kit: Kit, category: EssmsCategory, mode: ServiceMode, rich: bool) -> Any:
    options = [option.code for option in kit.options(question) if _offered(option, category, mode)]
    if question.answer_type is AnswerType.BOOL:
        return rich
    if question.answer_type is AnswerType.INTEGER:
        return max(question.minimum or 0, min(40, question.maximum or 40))
    if question.answer_type is AnswerType.SINGLE_CHOICE:
        return (options[0] if rich else options[-1]) if options else None
    if question.answer_type is AnswerType.MULTIPLE_CHOICE:
        return options if rich else options[:1]
    return None


def answers_for(category: EssmsCategory, mode: ServiceMode, *, rich: bool, night: bool) -> dict[str, Any]:
    kit = get_kit()
    answers: dict[str, Any] = {}
    for question in kit.questions.values():
        if not _offered(question, category, mode) or question.answer_type is AnswerType.TEXT:
            continue
        if (
            question.asked_if is not None
            and answers.get(question.asked_if.question) != question.asked_if.answer
        ):
            continue
        value = night if question.code == "Q_PRESENCE_NUIT" else _answer(question, kit, category, mode, rich)
        if value is not None:
            answers[question.code] = value
    return answers


def components(rich: bool) -> tuple[ComponentFacts, ...]:
    categories = (
        list(SiCategory) if rich else [SiCategory.MESSAGERIE, SiCategory.DUI, SiCategory.POSTES_TRAVAIL]
    )
    return tuple(
        ComponentFacts(
            code=f"C{index}",
            category=category,
            name=f"Logiciel {index}",
            editor=f"Éditeur {index}",
            personal_data=True,
            health_data=rich,
            degraded_procedure=not rich,
        )
        for index, category in enumerate(categories, start=1)
    )


def case(
    category: EssmsCategory, mode: ServiceMode, scenario: ScenarioType, fmt: ExerciseFormat, variant: str
) -> GenerationInputs:
    rich = variant == "riche"
    night = variant != "sobre" and mode is ServiceMode.HEBERGEMENT
    format_ = get_kit().formats[fmt]
    return GenerationInputs(
        organisation=OrganisationProfile(
            name=f"{category} Les Genêts" if category is not EssmsCategory.OTHER else "Les Genêts",
            category=category,
            service_mode=mode,
            capacity_places=40,
            sites_count=2 if rich else 1,
        ),
        parameters=ExerciseParameters(
            exercise_date=date(2026, 3, 12),
            start_time=time(9, 30),
            duration_minutes=format_.total_minutes,
            briefing_minutes=format_.briefing_minutes,
            level=ExerciseLevel.CONFIRME if rich else ExerciseLevel.DEBUTANT,
            format=fmt,
            scenario_type=scenario,
            include_perturbations=rich,
        ),
        answers=answers_for(category, mode, rich=rich, night=night),
        components=components(rich),
    )


def cases() -> Iterator[tuple[EssmsCategory, ServiceMode]]:
    for category in CATEGORIES:
        mode = get_catalogue().essms_categories[category].service_mode
        assert mode is not None
        yield category, mode
    for mode in ServiceMode:
        yield EssmsCategory.OTHER, mode


def texts(chronogram: GeneratedChronogram) -> Iterator[tuple[str, str]]:
    for entry in chronogram.entries:
        for text in (entry.title, entry.stimulus, *entry.expected_reactions):
            yield entry.inject_code, text


@pytest.mark.parametrize(("category", "mode"), list(cases()), ids=str)
def test_no_line_speaks_of_what_the_establishment_is_not(category: EssmsCategory, mode: ServiceMode) -> None:
    kit = load_kit_context()
    problems: list[str] = []
    for scenario in ScenarioType:
        for fmt in ExerciseFormat:
            for variant in ("riche", "sobre", "mixte"):
                inputs = case(category, mode, scenario, fmt, variant)
                chronogram = generate(inputs, kit)
                context = rule_context(inputs, kit)
                where = f"{scenario}/{fmt}/{variant}"
                for code, text in texts(chronogram):
                    if "{" in text or "}" in text:
                        problems.append(f"{where} {code}: placeholder left raw: {text}")
                    for pattern, unless, why in forbidden_terms():
                        if (unless is None or not evaluate(unless, context)) and (
                            found := pattern.search(text)
                        ):
                            problems.append(f"{where} {code}: « {found[0]} » — {why} — {text}")
    assert not problems, "\n".join(dict.fromkeys(problems))


@pytest.mark.parametrize("scenario", list(ScenarioType))
def test_the_short_format_is_the_first_hour_and_the_alert_chain_with_time_for_the_retex(
    scenario: ScenarioType,
) -> None:
    kit = load_kit_context()
    library = kit.injects
    chain = {code for code, template in library.injects.items() if template.alert_chain}
    for category, mode in cases():
        for variant in ("riche", "sobre", "mixte"):
            chronogram = generate(
                case(category, mode, scenario, ExerciseFormat.SENSIBILISATION, variant), kit
            )
            retex = next(entry for entry in chronogram.entries if entry.phase is Phase.RETEX_CHAUD)
            assert chronogram.timing.last_offset - retex.offset_minutes >= 10, (category, variant)
            codes = {entry.inject_code for entry in chronogram.entries}
            assert codes & chain, f"{category}/{variant}: no link of the alert chain"
            selected_chain = {code for code in chain if scenario in library.injects[code].scenario_types} - {
                left.inject_code for left in chronogram.left_out if "Densité" not in left.reason
            }
            assert not {left.inject_code for left in chronogram.left_out} & selected_chain & codes


@pytest.mark.parametrize("fmt", list(ExerciseFormat))
def test_every_chronogram_keeps_the_reporting_milestones(fmt: ExerciseFormat) -> None:
    kit = load_kit_context()
    anchors = {code: template.anchor for code, template in kit.injects.injects.items() if template.anchor}
    for category, mode in cases():
        for scenario in ScenarioType:
            chronogram = generate(case(category, mode, scenario, fmt, "mixte"), kit)
            present = {anchors.get(entry.inject_code) for entry in chronogram.entries}
            assert {InjectAnchor.ALERTE_ARS, InjectAnchor.ALERTE_CERT_SANTE} <= present, (category, scenario)
            assert not any(
                entry.competency_items for entry in chronogram.entries if entry.phase is Phase.RETEX_CHAUD
            )


def test_no_scenario_synopsis_names_a_kind_of_establishment() -> None:
    acronyms = re.compile(r"\b(EHPAD|IME|ITEP|MAS|SSIAD|ESAT|SESSAD|résidents?|internat)\b", re.IGNORECASE)
    found = {
        code: match[0]
        for code, scenario in get_kit().scenarios.items()
        if (match := acronyms.search(scenario.synopsis))
    }
    assert not found
