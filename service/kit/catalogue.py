"""The one catalogue of French labels, loaded from ``data/catalogue.toml`` and checked at start-up."""

from __future__ import annotations

import functools
from enum import StrEnum
from importlib import resources
from typing import Any

import msgspec

from service.kit.codes import (
    AccountRole,
    ActionHorizon,
    ActionStatus,
    AnswerType,
    AuditAction,
    Availability,
    CategoryTrait,
    Channel,
    ChronogramEntryOrigin,
    ChronogramEntryStatus,
    ContactRole,
    ContactScope,
    EssmsCategory,
    ExerciseFormat,
    ExerciseLevel,
    ExerciseStatus,
    FacilitatorRole,
    HostingMode,
    InjectAnchor,
    InjectSender,
    ParticipantRole,
    Phase,
    QuestionSection,
    Rating,
    ResourceType,
    ScenarioType,
    ServiceMode,
    SiAttributeType,
    SiCategory,
)


class CategoryEntry(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    label: str
    finess_category: int | None = None
    # None only for OTHER: the organisation must then state its mode itself.
    service_mode: ServiceMode | None = None
    # The mode of a category that may run without internat when nobody stays the night.
    service_mode_without_night: ServiceMode | None = None
    traits: tuple[CategoryTrait, ...] = ()
    # The Q_AUTORITES answer assumed when the questionnaire leaves it open.
    authorities: str | None = None


class SenderEntry(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    label: str
    # Who of the facilitators plays this sender.
    facilitator: FacilitatorRole


class ContactRoleEntry(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    label: str
    scope: ContactScope


class RatingEntry(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    label: str
    # None only for NA: the rating is then left out of every score.
    score: int | None = None


class Catalogue(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    essms_categories: dict[EssmsCategory, CategoryEntry]
    service_modes: dict[ServiceMode, str]
    category_traits: dict[CategoryTrait, str]
    contact_scopes: dict[ContactScope, str]
    contact_roles: dict[ContactRole, ContactRoleEntry]
    availabilities: dict[Availability, str]
    account_roles: dict[AccountRole, str]
    audit_actions: dict[AuditAction, str]
    resource_types: dict[ResourceType, str]
    exercise_statuses: dict[ExerciseStatus, str]
    participant_roles: dict[ParticipantRole, str]
    scenario_types: dict[ScenarioType, str]
    exercise_levels: dict[ExerciseLevel, str]
    exercise_formats: dict[ExerciseFormat, str]
    question_sections: dict[QuestionSection, str]
    answer_types: dict[AnswerType, str]
    si_categories: dict[SiCategory, str]
    hosting_modes: dict[HostingMode, str]
    si_attribute_types: dict[SiAttributeType, str]
    ratings: dict[Rating, RatingEntry]
    phases: dict[Phase, str]
    channels: dict[Channel, str]
    inject_senders: dict[InjectSender, SenderEntry]
    facilitator_roles: dict[FacilitatorRole, str]
    inject_anchors: dict[InjectAnchor, str]
    chronogram_entry_statuses: dict[ChronogramEntryStatus, str]
    chronogram_entry_origins: dict[ChronogramEntryOrigin, str]
    action_horizons: dict[ActionHorizon, str]
    action_statuses: dict[ActionStatus, str]

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
    CategoryTrait: "category_traits",
    ContactScope: "contact_scopes",
    ContactRole: "contact_roles",
    Availability: "availabilities",
    AccountRole: "account_roles",
    AuditAction: "audit_actions",
    ResourceType: "resource_types",
    ExerciseStatus: "exercise_statuses",
    ParticipantRole: "participant_roles",
    ScenarioType: "scenario_types",
    ExerciseLevel: "exercise_levels",
    ExerciseFormat: "exercise_formats",
    QuestionSection: "question_sections",
    AnswerType: "answer_types",
    SiCategory: "si_categories",
    HostingMode: "hosting_modes",
    SiAttributeType: "si_attribute_types",
    Rating: "ratings",
    Phase: "phases",
    Channel: "channels",
    InjectSender: "inject_senders",
    FacilitatorRole: "facilitator_roles",
    InjectAnchor: "inject_anchors",
    ChronogramEntryStatus: "chronogram_entry_statuses",
    ChronogramEntryOrigin: "chronogram_entry_origins",
    ActionHorizon: "action_horizons",
    ActionStatus: "action_statuses",
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
        if code is EssmsCategory.OTHER:
            continue
        if entry.service_mode is None or entry.authorities is None:
            problems.append(f"EssmsCategory.{code}: service_mode and authorities are required")
    problems += _rating_problems(catalogue.ratings)
    if problems:
        raise CatalogueError("catalogue.toml is inconsistent: " + "; ".join(problems))


def _rating_problems(ratings: dict[Rating, RatingEntry]) -> list[str]:
    """Only NA goes unscored, and scores rise with the scale (the enum's order)."""
    problems: list[str] = []
    for code, entry in ratings.items():
        if (entry.score is None) != (code is Rating.NA):
            problems.append(f"Rating.{code}: only NA has no score")
        elif entry.score is not None and entry.score < 0:
            problems.append(f"Rating.{code}: the score must not be negative")
    scores = [score for code in Rating if code in ratings and (score := ratings[code].score) is not None]
    if scores != sorted(set(scores)):
        problems.append("Rating: scores must rise strictly from NON_REALISE to TRES_SATISFAISANT")
    return problems


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
