"""The engines speak with the kit context they are given, and reach for no global kit."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import msgspec
import pytest

from service.domain.chronogram.engine import GeneratedChronogram, generate, rule_context
from service.kit.codes import SiCategory
from service.kit.context import KitContext, load_kit_context
from service.kit.rules.french import describe, explain
from service.kit.rules.model import SiPresent
from tests.golden.establishments import EHPAD

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = load_kit_context()
# The loaders of the shipped kit: only load_kit_context may call them.
GLOBAL_GETTERS = frozenset(
    {
        "get_kit",
        "get_catalogue",
        "get_vocabulary",
        "get_wording",
        "get_inject_library",
        "get_action_library",
        "load_kit_context",
    }
)
# What only a service may raise: an engine says what is wrong and lets the service choose the status.
HTTP_ERRORS = frozenset(
    {"ServiceError", "ConflictError", "InvalidDataError", "ForbiddenError", "NotFoundError"}
)
ENGINES = [
    "service/domain/chronogram/engine.py",
    "service/domain/evaluation/engine.py",
    "service/domain/action_plan/engine.py",
    "service/domain/exercises/rules.py",
    "service/kit/rules/model.py",
    "service/kit/rules/parse.py",
    "service/kit/rules/check.py",
    "service/kit/rules/french.py",
]


def with_words(**changes: object) -> KitContext:
    """The shipped context with some of its pieces replaced."""
    return dataclasses.replace(SHIPPED, **changes)


def texts(chronogram: GeneratedChronogram) -> str:
    return "\n".join(f"{entry.title}\n{entry.stimulus}\n{entry.reason}" for entry in chronogram.entries)


def test_the_stimuli_use_the_vocabulary_of_the_context_they_are_given() -> None:
    region = EHPAD.organisation.region_code
    assert region is not None
    vocabulary = msgspec.structs.replace(SHIPPED.vocabulary, crrc_by_region={region: "CRRC des essais"})
    shipped, altered = generate(EHPAD, SHIPPED), generate(EHPAD, with_words(vocabulary=vocabulary))
    assert "CRRC des essais" in texts(altered)
    assert "CRRC des essais" not in texts(shipped)
    assert [entry.inject_code for entry in altered.entries] == [
        entry.inject_code for entry in shipped.entries
    ]


def test_the_reasons_use_the_rule_wording_of_the_context_they_are_given() -> None:
    nouns = SHIPPED.wording.si_categories
    renamed = nouns | {
        SiCategory.DUI: msgspec.structs.replace(nouns[SiCategory.DUI], noun="dossier des essais")
    }
    wording = msgspec.structs.replace(SHIPPED.wording, si_categories=renamed)
    altered = with_words(wording=wording)
    assert "dossier des essais touché par le scénario" in texts(generate(EHPAD, altered))
    assert "dossier des essais" not in texts(generate(EHPAD, SHIPPED))
    context = rule_context(EHPAD, altered)
    assert explain(SiPresent(SiCategory.DUI), context, altered) == "dossier des essais présent"
    assert describe(SiPresent(SiCategory.DUI), altered) == "dossier des essais présent"


def test_the_labels_come_from_the_catalogue_of_the_context_they_are_given() -> None:
    scenario = EHPAD.parameters.scenario_type
    labels = SHIPPED.catalogue.scenario_types | {scenario: "Scénario des essais"}
    catalogue = msgspec.structs.replace(SHIPPED.catalogue, scenario_types=labels)
    shipped, altered = generate(EHPAD, SHIPPED), generate(EHPAD, with_words(catalogue=catalogue))
    assert "scénario «\u00a0Scénario des essais\u00a0»" in texts(altered)
    assert "Scénario des essais" not in texts(shipped)
    assert SHIPPED.catalogue.label(scenario) != "Scénario des essais"


def names_used(path: str) -> set[str]:
    """Every name a module reads, calls or imports."""
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
        elif isinstance(node, ast.ImportFrom):
            names.update(alias.name for alias in node.names)
    return names


@pytest.mark.parametrize("path", ENGINES)
def test_no_engine_reads_the_global_kit(path: str) -> None:
    assert not names_used(path) & GLOBAL_GETTERS


def modules_imported(path: str) -> set[str]:
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    return imported | {
        alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    }


@pytest.mark.parametrize("path", ENGINES)
def test_no_engine_speaks_http(path: str) -> None:
    """An engine says what is wrong (service.lib.problems); the service chooses the status."""
    assert "service.errors" not in modules_imported(path)
