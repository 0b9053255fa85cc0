"""One catalogue of French labels: every code has one, and a broken file stops the service."""

from __future__ import annotations

import inspect
from enum import StrEnum
from typing import Any

import msgspec
import pytest

from service.kit import codes as code_lists
from service.kit.catalogue import CatalogueError, build_catalogue, get_catalogue
from service.kit.codes import EssmsCategory, Rating, ServiceMode

# Every code list of codes.py, found by inspection: a new list cannot be forgotten here.
CODE_LISTS: tuple[type[StrEnum], ...] = tuple(
    value
    for _, value in inspect.getmembers(code_lists, inspect.isclass)
    if issubclass(value, StrEnum) and value.__module__ == code_lists.__name__
)


def test_the_catalogue_holds_every_code_list_and_nothing_else() -> None:
    assert set(get_catalogue().lists()) == set(CODE_LISTS)


@pytest.mark.parametrize("codes", CODE_LISTS, ids=lambda codes: codes.__name__)
def test_every_code_has_a_french_label(codes: type[StrEnum]) -> None:
    catalogue = get_catalogue()
    assert set(catalogue.lists()[codes]) == set(codes)  # no label is orphaned
    for code in codes:
        label = catalogue.label(code)
        assert label.strip() == label
        assert label


def test_categories_carry_their_finess_number_and_mode() -> None:
    categories = get_catalogue().essms_categories
    assert categories[EssmsCategory.EHPAD].finess_category == 500
    assert categories[EssmsCategory.ESAT].finess_category == 246
    assert categories[EssmsCategory.SSIAD].service_mode is ServiceMode.DOMICILE
    finess_numbers = [entry.finess_category for entry in categories.values() if entry.finess_category]
    assert len(finess_numbers) == len(set(finess_numbers))


def _raw_catalogue() -> dict[str, Any]:
    raw: dict[str, Any] = msgspec.to_builtins(get_catalogue())
    return raw


def test_a_missing_label_is_refused() -> None:
    raw = _raw_catalogue()
    del raw["service_modes"]["TRAVAIL"]
    with pytest.raises(CatalogueError, match=r"ServiceMode\.TRAVAIL: no label"):
        build_catalogue(raw)


def test_an_orphan_label_is_refused() -> None:
    raw = _raw_catalogue()
    raw["availabilities"]["LE_MARDI"] = "Le mardi"
    with pytest.raises(CatalogueError, match="LE_MARDI"):
        build_catalogue(raw)


def test_an_empty_label_is_refused() -> None:
    raw = _raw_catalogue()
    raw["contact_roles"]["DPO"]["label"] = "  "
    with pytest.raises(CatalogueError, match=r"ContactRole\.DPO: empty label"):
        build_catalogue(raw)


@pytest.mark.parametrize(
    ("table", "code"),
    [("scenario_types", "ALIEN_INVASION"), ("si_categories", "MINITEL"), ("ratings", "EXCELLENT")],
)
def test_an_orphan_label_of_the_kit_lists_is_refused(table: str, code: str) -> None:
    raw = _raw_catalogue()
    raw[table][code] = {"label": "Excellent", "score": 4} if table == "ratings" else "Libellé"
    with pytest.raises(CatalogueError, match=code):
        build_catalogue(raw)


def test_the_rating_scale_of_decision_1() -> None:
    ratings = get_catalogue().ratings
    assert [(code, entry.label, entry.score) for code, entry in ratings.items()] == [
        (Rating.NA, "N/A", None),
        (Rating.NON_REALISE, "Non réalisé", 0),
        (Rating.PEU_SATISFAISANT, "Peu satisfaisant", 1),
        (Rating.SATISFAISANT, "Satisfaisant", 2),
        (Rating.TRES_SATISFAISANT, "Très satisfaisant", 3),
    ]


def test_only_na_goes_unscored() -> None:
    raw = _raw_catalogue()
    raw["ratings"]["NA"]["score"] = 0
    del raw["ratings"]["SATISFAISANT"]["score"]
    with pytest.raises(CatalogueError, match=r"Rating\.NA: only NA has no score") as raised:
        build_catalogue(raw)
    assert "Rating.SATISFAISANT: only NA has no score" in str(raised.value)


def test_scores_rise_with_the_scale() -> None:
    raw = _raw_catalogue()
    raw["ratings"]["PEU_SATISFAISANT"]["score"] = 2
    with pytest.raises(CatalogueError, match="scores must rise strictly"):
        build_catalogue(raw)


def test_a_negative_score_is_refused() -> None:
    raw = _raw_catalogue()
    raw["ratings"]["NON_REALISE"]["score"] = -1
    with pytest.raises(CatalogueError, match=r"Rating\.NON_REALISE: the score must not be negative"):
        build_catalogue(raw)
