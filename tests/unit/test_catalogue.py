"""One catalogue of French labels: every code has one, and a broken file stops the service."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import msgspec
import pytest

from service.kit.catalogue import CatalogueError, build_catalogue, get_catalogue
from service.kit.codes import Availability, ContactRole, ContactScope, EssmsCategory, ServiceMode

CODE_LISTS: tuple[type[StrEnum], ...] = (EssmsCategory, ServiceMode, ContactRole, ContactScope, Availability)


@pytest.mark.parametrize("codes", CODE_LISTS, ids=lambda codes: codes.__name__)
def test_every_code_has_a_french_label(codes: type[StrEnum]) -> None:
    catalogue = get_catalogue()
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
