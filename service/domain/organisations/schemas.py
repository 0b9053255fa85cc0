"""Wire format of organisations (ESSMS) and of their crisis directory contacts."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated
from uuid import UUID

import msgspec
from msgspec import UNSET, Meta, UnsetType

from service.kit.codes import Availability, ContactRole, ContactScope, EssmsCategory, ServiceMode
from service.lib.schema import RequestStruct, RequiredText, ResponseStruct

FinessNumber = Annotated[
    str,
    Meta(
        pattern=r"^(?:[0-9]{2}|2[AB])[0-9]{7}$",
        description="Numéro FINESS à 9 caractères (clé de Luhn vérifiée, sauf Corse 2A/2B).",
        examples=["750712184"],
    ),
]
SirenNumber = Annotated[str, Meta(pattern=r"^[0-9]{9}$", description="SIREN (9 chiffres).")]
SiretNumber = Annotated[str, Meta(pattern=r"^[0-9]{14}$", description="SIRET (14 chiffres).")]
RegionCode = Annotated[
    str,
    Meta(pattern=r"^[0-9]{2}$", description="Code INSEE de la région (ex. 84).", examples=["84"]),
]
DepartementCode = Annotated[
    str,
    Meta(
        pattern=r"^(?:[0-9]{2}|2[AB]|97[0-9])$",
        description="Code INSEE du département (ex. 69, 2A, 974).",
        examples=["69"],
    ),
]
Name = Annotated[RequiredText, Meta(max_length=200)]
ShortName = Annotated[RequiredText, Meta(max_length=80)]
Capacity = Annotated[int, Meta(ge=0, le=100_000, description="Capacité autorisée (lits ou places).")]
SitesCount = Annotated[int, Meta(ge=1, le=1000, description="Nombre de sites géographiques.")]


class OrganisationCreate(RequestStruct):
    """Établissement ou service médico-social à enregistrer."""

    name: Annotated[Name, Meta(description="Raison sociale de l'établissement.")]
    finess_et: Annotated[FinessNumber, Meta(description="FINESS géographique (établissement).")]
    category: Annotated[EssmsCategory, Meta(description="Catégorie d'ESSMS.")]
    region_code: RegionCode
    departement_code: DepartementCode
    short_name: Annotated[ShortName | None, Meta(description="Nom court, utilisé dans les stimuli.")] = None
    finess_ej: Annotated[
        FinessNumber | None, Meta(description="FINESS juridique (organisme gestionnaire).")
    ] = None
    siren: SirenNumber | None = None
    siret: SiretNumber | None = None
    service_mode: Annotated[
        ServiceMode | None,
        Meta(description="Mode de prise en charge ; déduit de la catégorie s'il est omis."),
    ] = None
    organisme_gestionnaire: Annotated[Name | None, Meta(description="Organisme gestionnaire.")] = None
    capacity_places: Capacity | None = None
    sites_count: SitesCount = 1


class OrganisationUpdate(RequestStruct):
    """Modification partielle : seuls les champs envoyés changent (null efface un champ facultatif)."""

    name: Name | UnsetType = UNSET
    finess_et: FinessNumber | UnsetType = UNSET
    category: EssmsCategory | UnsetType = UNSET
    region_code: RegionCode | UnsetType = UNSET
    departement_code: DepartementCode | UnsetType = UNSET
    short_name: ShortName | UnsetType | None = UNSET
    finess_ej: FinessNumber | UnsetType | None = UNSET
    siren: SirenNumber | UnsetType | None = UNSET
    siret: SiretNumber | UnsetType | None = UNSET
    service_mode: ServiceMode | UnsetType = UNSET
    organisme_gestionnaire: Name | UnsetType | None = UNSET
    capacity_places: Capacity | UnsetType | None = UNSET
    sites_count: SitesCount | UnsetType = UNSET


class OrganisationRead(ResponseStruct):
    """Établissement ou service médico-social (ESSMS)."""

    id: UUID
    name: str
    short_name: str | None
    finess_et: str
    finess_ej: str | None
    siren: str | None
    siret: str | None
    category: EssmsCategory
    category_label: Annotated[str, Meta(description="Libellé français de la catégorie.")]
    category_finess_code: Annotated[int | None, Meta(description="Code de catégorie FINESS.")]
    service_mode: ServiceMode
    service_mode_label: str
    region_code: str
    region_name: str
    departement_code: str
    departement_name: str
    organisme_gestionnaire: str | None
    capacity_places: int | None
    sites_count: int
    revision: Annotated[int, Meta(description="Version de la ressource (l'ETag en est la forme citée).")]
    created_at: datetime
    updated_at: datetime


class OrganisationPage(ResponseStruct):
    """Une page d'établissements."""

    items: list[OrganisationRead]
    total: Annotated[int, Meta(description="Nombre total d'éléments correspondant aux filtres.")]
    limit: int
    offset: int


class OrganisationSort(StrEnum):
    NAME = "name"
    FINESS_ET = "finess_et"
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"
    DEPARTEMENT_CODE = "departement_code"


PhoneNumber = Annotated[
    str,
    Meta(
        min_length=2,
        max_length=30,
        description=(
            "Numéro de téléphone français (métropole ou outre-mer), enregistré au format international."
        ),
        examples=["01 23 45 67 89"],
    ),
]
Email = Annotated[str, Meta(min_length=3, max_length=254, description="Adresse électronique.")]
Phones = Annotated[
    list[PhoneNumber],
    Meta(max_length=5, description="Un à cinq numéros, le premier est le principal."),
]
Hours = Annotated[
    RequiredText,
    Meta(max_length=200, description="Plages de joignabilité (ex. « lun.–ven. 8 h–18 h »)."),
]
Notes = Annotated[str, Meta(max_length=2000, description="Remarques libres.")]


class ContactCreate(RequestStruct):
    """Entrée de l'annuaire de crise."""

    role: Annotated[ContactRole, Meta(description="Rôle dans la gestion de crise.")]
    name: Annotated[Name, Meta(description="Nom de la personne ou du service.")]
    organisation_name: Annotated[
        Name | None, Meta(description="Structure de rattachement (ex. ARS Bretagne).")
    ] = None
    phones: Phones = msgspec.field(default_factory=list)
    email: Email | None = None
    backup_for_id: Annotated[UUID | None, Meta(description="Contact dont celui-ci est le suppléant.")] = None
    availability: Annotated[Availability, Meta(description="Disponibilité.")] = Availability.H24
    availability_hours: Hours | None = None
    notes: Notes | None = None


class ContactUpdate(RequestStruct):
    """Modification partielle d'un contact (null efface un champ facultatif)."""

    role: ContactRole | UnsetType = UNSET
    name: Name | UnsetType = UNSET
    organisation_name: Name | UnsetType | None = UNSET
    phones: Phones | UnsetType = UNSET
    email: Email | UnsetType | None = UNSET
    backup_for_id: UUID | UnsetType | None = UNSET
    availability: Availability | UnsetType = UNSET
    availability_hours: Hours | UnsetType | None = UNSET
    notes: Notes | UnsetType | None = UNSET


class ContactRead(ResponseStruct):
    """Entrée de l'annuaire de crise."""

    id: UUID
    organisation_id: UUID
    role: ContactRole
    role_label: str
    scope: Annotated[ContactScope, Meta(description="Interne à l'établissement ou acteur externe.")]
    name: str
    organisation_name: str | None
    phones: list[str]
    email: str | None
    backup_for_id: UUID | None
    availability: Availability
    availability_label: str
    availability_hours: str | None
    notes: str | None
    revision: int
    created_at: datetime
    updated_at: datetime


class ContactPage(ResponseStruct):
    """Une page de l'annuaire de crise."""

    items: list[ContactRead]
    total: int
    limit: int
    offset: int


class ContactSort(StrEnum):
    NAME = "name"
    ROLE = "role"
    CREATED_AT = "created_at"
