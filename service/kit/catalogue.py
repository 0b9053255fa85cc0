"""The one catalogue of French labels, loaded from ``data/catalogue.toml`` and checked at start-up."""

from __future__ import annotations

import functools
from enum import StrEnum
from importlib import resources
from typing import Any

import msgspec

from service.kit.codes import (
    AccountRole,
    AuditAction,
    Availability,
    ContactRole,
    ContactScope,
    EssmsCategory,
    ResourceType,
    ServiceMode,
)


class CategoryEntry(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    label: str
    finess_category: int | None = None
    # None only for OTHER: the organisation must then state its mode itself.
    service_mode: ServiceMode | None = None


class ContactRoleEntry(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    label: str
    scope: ContactScope


class Catalogue(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    essms_categories: dict[EssmsCategory, CategoryEntry]
    service_modes: dict[ServiceMode, str]
    contact_scopes: dict[ContactScope, str]
    contact_roles: dict[ContactRole, ContactRoleEntry]
    availabilities: dict[Availability, str]
    account_roles: dict[AccountRole, str]
    audit_actions: dict[AuditAction, str]
    resource_types: dict[ResourceType, str]

    def label(self, code: StrEnum) -> str:
        """French label of any code of the kit's lists."""
        entry = getattr(self, _LIST_OF[type(code)])[code]
        return entry if isinstance(entry, str) else entry.label

    def lists(self) -> dict[type[StrEnum], dict[Any, str]]:
        """Every code list with its labels, keyed by the list's enum."""
        return {
            enum: {code: self.label(code) for code in getattr(self, name)} for enum, name in _LIST_OF.items()
        }


# Which field of the catalogue holds each code list.
_LIST_OF: dict[type[StrEnum], str] = {
    EssmsCategory: "essms_categories",
    ServiceMode: "service_modes",
    ContactScope: "contact_scopes",
    ContactRole: "contact_roles",
    Availability: "availabilities",
    AccountRole: "account_roles",
    AuditAction: "audit_actions",
    ResourceType: "resource_types",
}


class CatalogueError(ValueError):
    """The catalogue file does not match the code lists; the service must not start."""


def check_catalogue(catalogue: Catalogue) -> None:
    """Every code has a non-empty label (orphan labels are already refused by the decoder)."""
    labels = catalogue.lists()
    problems: list[str] = []
    for enum, by_code in labels.items():
        problems += [f"{enum.__name__}.{code}: no label" for code in enum if code not in by_code]
        problems += [
            f"{enum.__name__}.{code}: empty label" for code, text in by_code.items() if not text.strip()
        ]
    for code, entry in catalogue.essms_categories.items():
        if code is not EssmsCategory.OTHER and (entry.service_mode is None or entry.finess_category is None):
            problems.append(f"EssmsCategory.{code}: finess_category and service_mode are required")
    if problems:
        raise CatalogueError("catalogue.toml is inconsistent: " + "; ".join(problems))


def build_catalogue(data: object) -> Catalogue:
    """Convert and check decoded catalogue data; unknown codes fail in the conversion itself."""
    try:
        catalogue = msgspec.convert(data, type=Catalogue)
    except msgspec.ValidationError as exc:
        raise CatalogueError(f"catalogue.toml is invalid: {exc}") from exc
    check_catalogue(catalogue)
    return catalogue


@functools.cache
def get_catalogue() -> Catalogue:
    raw = (resources.files("service.kit") / "data" / "catalogue.toml").read_bytes()
    return build_catalogue(msgspec.toml.decode(raw))
