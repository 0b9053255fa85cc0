"""Wire format of organisations (ESSMS) and of their crisis directory contacts.

Each field type is declared once with its constraints and French description, then shared by
the create, update and read bodies, so the contract never says two things of one field.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated
from uuid import UUID

import msgspec
from msgspec import UNSET, Meta, UnsetType

from service.kit.codes import Availability, ContactRole, ContactScope, EssmsCategory, ServiceMode
from service.lib.schema import (
    REGION_PATTERN,
    CreatedAt,
    Email,
    Limit,
    MultilineText,
    Offset,
    RequestStruct,
    RequiredText,
    ResourceId,
    ResponseStruct,
    Revision,
    Total,
    UpdatedAt,
)

FINESS_PATTERN = r"^(?:[0-9]{2}|2[AB])[0-9]{7}$"
DEPARTEMENT_PATTERN = r"^(?:[0-9]{2}|2[AB]|97[0-9])$"

# Organisation fields.
OrgName = Annotated[RequiredText, Meta(max_length=200, description="Raison sociale de l'établissement.")]
ShortName = Annotated[RequiredText, Meta(max_length=80, description="Nom court, utilisé dans les stimuli.")]
FinessEt = Annotated[
    str,
    Meta(
        pattern=FINESS_PATTERN,
        description="FINESS géographique (9 caractères, clé de Luhn vérifiée sauf en Corse).",
        examples=["750712184"],
    ),
]
FinessEj = Annotated[
    str, Meta(pattern=FINESS_PATTERN, description="FINESS juridique de l'organisme gestionnaire.")
]
Siren = Annotated[str, Meta(pattern=r"^[0-9]{9}$", description="SIREN de l'organisme (9 chiffres).")]
Siret = Annotated[str, Meta(pattern=r"^[0-9]{14}$", description="SIRET de l'établissement (14 chiffres).")]
Category = Annotated[EssmsCategory, Meta(description="Catégorie d'ESSMS.")]
CategoryLabel = Annotated[str, Meta(description="Libellé français de la catégorie.")]
CategoryFiness = Annotated[int | None, Meta(description="Code de catégorie FINESS (null pour « Autre »).")]
Mode = Annotated[
    ServiceMode, Meta(description="Mode de prise en charge (déduit de la catégorie par défaut).")
]
ModeLabel = Annotated[str, Meta(description="Libellé français du mode de prise en charge.")]
RegionCode = Annotated[
    str, Meta(pattern=REGION_PATTERN, description="Code INSEE de la région (ex. 84).", examples=["84"])
]
RegionName = Annotated[str, Meta(description="Nom de la région.")]
DepartementCode = Annotated[
    str,
    Meta(
        pattern=DEPARTEMENT_PATTERN,
        description="Code INSEE du département (ex. 69, 2A, 974).",
        examples=["69"],
    ),
]
DepartementName = Annotated[str, Meta(description="Nom du département.")]
Gestionnaire = Annotated[
    RequiredText, Meta(max_length=200, description="Organisme gestionnaire (association, groupe, CCAS…).")
]
Capacity = Annotated[int, Meta(ge=0, le=100_000, description="Capacité autorisée (lits ou places).")]
SitesCount = Annotated[int, Meta(ge=1, le=1000, description="Nombre de sites géographiques.")]


class OrganisationCreate(RequestStruct):
    """Établissement ou service médico-social à enregistrer."""

    name: OrgName
    finess_et: FinessEt
    category: Category
    region_code: RegionCode
    departement_code: DepartementCode
    short_name: ShortName | None = None
    finess_ej: FinessEj | None = None
    siren: Siren | None = None
    siret: Siret | None = None
    service_mode: Mode | None = None
    organisme_gestionnaire: Gestionnaire | None = None
    capacity_places: Capacity | None = None
    sites_count: SitesCount = 1


class OrganisationUpdate(RequestStruct):
    """Modification partielle : seuls les champs envoyés changent (null efface un champ facultatif)."""

    name: OrgName | UnsetType = UNSET
    finess_et: FinessEt | UnsetType = UNSET
    category: Category | UnsetType = UNSET
    region_code: RegionCode | UnsetType = UNSET
    departement_code: DepartementCode | UnsetType = UNSET
    short_name: ShortName | UnsetType | None = UNSET
    finess_ej: FinessEj | UnsetType | None = UNSET
    siren: Siren | UnsetType | None = UNSET
    siret: Siret | UnsetType | None = UNSET
    service_mode: Mode | UnsetType = UNSET
    organisme_gestionnaire: Gestionnaire | UnsetType | None = UNSET
    capacity_places: Capacity | UnsetType | None = UNSET
    sites_count: SitesCount | UnsetType = UNSET


class OrganisationRead(ResponseStruct):
    """Établissement ou service médico-social (ESSMS)."""

    id: ResourceId
    name: OrgName
    short_name: ShortName | None
    finess_et: FinessEt
    finess_ej: FinessEj | None
    siren: Siren | None
    siret: Siret | None
    category: Category
    category_label: CategoryLabel
    category_finess_code: CategoryFiness
    service_mode: Mode
    service_mode_label: ModeLabel
    region_code: RegionCode
    region_name: RegionName
    departement_code: DepartementCode
    departement_name: DepartementName
    organisme_gestionnaire: Gestionnaire | None
    capacity_places: Capacity | None
    sites_count: SitesCount
    revision: Revision
    created_at: CreatedAt
    updated_at: UpdatedAt


class OrganisationPage(ResponseStruct):
    """Une page d'établissements."""

    items: Annotated[list[OrganisationRead], Meta(description="Établissements de la page.")]
    total: Total
    limit: Limit
    offset: Offset


class OrganisationSort(StrEnum):
    """Champ de tri des établissements."""

    NAME = "name"
    FINESS_ET = "finess_et"
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"
    DEPARTEMENT_CODE = "departement_code"


# Contact fields.
Role = Annotated[ContactRole, Meta(description="Rôle dans la gestion de crise.")]
RoleLabel = Annotated[str, Meta(description="Libellé français du rôle.")]
Scope = Annotated[ContactScope, Meta(description="Interne à l'établissement ou acteur externe.")]
PersonName = Annotated[RequiredText, Meta(max_length=200, description="Nom de la personne ou du service.")]
AttachedTo = Annotated[
    RequiredText, Meta(max_length=200, description="Structure de rattachement (ex. ARS Bretagne).")
]
PhoneNumber = Annotated[
    str,
    Meta(
        min_length=2,
        max_length=30,
        description="Numéro français (métropole ou outre-mer) ; renvoyé au format international.",
        examples=["01 23 45 67 89"],
    ),
]
Phones = Annotated[
    list[PhoneNumber], Meta(max_length=5, description="Jusqu'à cinq numéros, le premier est le principal.")
]
BackupFor = Annotated[UUID, Meta(description="Contact dont celui-ci est le suppléant (même établissement).")]
Reachability = Annotated[Availability, Meta(description="Disponibilité du contact.")]
ReachabilityLabel = Annotated[str, Meta(description="Libellé français de la disponibilité.")]
Hours = Annotated[
    RequiredText,
    Meta(max_length=200, description="Plages de joignabilité (ex. « lun.–ven. 8 h–18 h »)."),
]
Notes = Annotated[MultilineText, Meta(max_length=2000, description="Remarques libres.")]
OrganisationRef = Annotated[UUID, Meta(description="Établissement auquel appartient l'annuaire.")]


class ContactCreate(RequestStruct):
    """Entrée de l'annuaire de crise."""

    role: Role
    name: PersonName
    organisation_name: AttachedTo | None = None
    phones: Phones = msgspec.field(default_factory=list)
    email: Email | None = None
    backup_for_id: BackupFor | None = None
    availability: Reachability = Availability.H24
    availability_hours: Hours | None = None
    notes: Notes | None = None


class ContactUpdate(RequestStruct):
    """Modification partielle d'un contact (null efface un champ facultatif)."""

    role: Role | UnsetType = UNSET
    name: PersonName | UnsetType = UNSET
    organisation_name: AttachedTo | UnsetType | None = UNSET
    phones: Phones | UnsetType = UNSET
    email: Email | UnsetType | None = UNSET
    backup_for_id: BackupFor | UnsetType | None = UNSET
    availability: Reachability | UnsetType = UNSET
    availability_hours: Hours | UnsetType | None = UNSET
    notes: Notes | UnsetType | None = UNSET


class ContactRead(ResponseStruct):
    """Entrée de l'annuaire de crise."""

    id: ResourceId
    organisation_id: OrganisationRef
    role: Role
    role_label: RoleLabel
    scope: Scope
    name: PersonName
    organisation_name: AttachedTo | None
    phones: Annotated[list[str], Meta(description="Numéros au format international (E.164).")]
    email: Email | None
    backup_for_id: BackupFor | None
    availability: Reachability
    availability_label: ReachabilityLabel
    availability_hours: Hours | None
    notes: Notes | None
    revision: Revision
    created_at: CreatedAt
    updated_at: UpdatedAt


class ContactPage(ResponseStruct):
    """Une page de l'annuaire de crise."""

    items: Annotated[list[ContactRead], Meta(description="Contacts de la page.")]
    total: Total
    limit: Limit
    offset: Offset


class ContactSort(StrEnum):
    """Champ de tri de l'annuaire de crise."""

    NAME = "name"
    ROLE = "role"
    CREATED_AT = "created_at"
