"""Valid payloads for tests, built rather than copied so each test states only what matters."""

from __future__ import annotations

import itertools
from typing import Any

from service.domain.exercises.rules import asked
from service.kit.catalogue import get_catalogue
from service.kit.codes import AnswerType, EssmsCategory, ServiceMode
from service.kit.content import Establishment, get_kit
from service.lib.identifiers import luhn_check_digit

_serial = itertools.count(1)


def finess(prefix: str = "75") -> str:
    """A new FINESS number starting with ``prefix`` (2 or 4 characters), Luhn-valid where the
    key applies (Corsican 2A/2B numbers carry none)."""
    body = f"{prefix}{next(_serial):0{8 - len(prefix)}d}"
    return body + (body[-1] if prefix.startswith(("2A", "2B")) else luhn_check_digit(body))


def organisation_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "name": "EHPAD Les Tilleuls",
        "finess_et": finess("75"),
        "category": "EHPAD",
        "region_code": "11",
        "departement_code": "75",
        "capacity_places": 80,
    }
    return payload | overrides


def contact_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "role": "DIRECTION",
        "name": "Claire Martin",
        "phones": ["01 23 45 67 89"],
        "email": "claire.martin@ehpad-tilleuls.fr",
    }
    return payload | overrides


def exercise_payload(organisation_id: str, **overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "organisation_id": organisation_id,
        "title": "Exercice cyber 2026",
        "scenario_type": "RANSOMWARE",
        "exercise_date": "2026-03-12",
        "start_time": "09:30",
    }
    return payload | overrides


def complete_answers(
    category: EssmsCategory | str = EssmsCategory.EHPAD, service_mode: ServiceMode | str | None = None
) -> dict[str, Any]:
    """An answer to every question of the kit that ``category`` (by default the EHPAD of
    ``organisation_payload``) is asked in ``service_mode`` (by default its category's) when every
    yes/no is « oui », choosing among the options it is offered: a questionnaire an exercise of
    that establishment can be READY with."""
    kit = get_kit()
    category = EssmsCategory(category)
    mode = service_mode or get_catalogue().essms_categories[category].service_mode
    assert mode is not None, f"{category} has no mode of its own: say which"
    establishment = Establishment(category=category, service_mode=ServiceMode(mode))
    answers: dict[str, Any] = {}
    for question in kit.questions.values():
        if asked(question, answers, kit, establishment) is not True:
            continue
        options = [option.code for option in kit.offered_options(question, establishment)]
        answers[question.code] = {
            AnswerType.BOOL: True,
            AnswerType.INTEGER: question.minimum,
            AnswerType.SINGLE_CHOICE: options[0] if options else None,
            AnswerType.MULTIPLE_CHOICE: options[:2],
            AnswerType.TEXT: "Tester la chaîne d'alerte.",
        }[question.answer_type]
    return answers


def si_component(code: str, *depends_on: str, **overrides: Any) -> dict[str, Any]:
    """A component with every attribute the kit requires."""
    component: dict[str, Any] = {
        "code": code,
        "category": "DUI",
        "name": f"Logiciel {code}",
        "hosting": "SAAS",
        "criticality": 3,
        "personal_data": True,
        "health_data": True,
        "degraded_procedure": False,
        "depends_on": list(depends_on),
    }
    return component | overrides
