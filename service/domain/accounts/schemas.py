"""Wire format of user accounts, API keys and the caller's own identity.

Role and scope are declared once and shared: ``region_code`` for a REGIONAL account (optional
for OBSERVATORY), ``organisation_ids`` for an ESTABLISHMENT account, neither for ADMIN.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated
from uuid import UUID

from msgspec import UNSET, Meta, UnsetType

from service.kit.codes import AccountRole
from service.lib.schema import (
    REGION_PATTERN,
    CreatedAt,
    Email,
    Limit,
    Offset,
    RequestStruct,
    RequiredText,
    ResourceId,
    ResponseStruct,
    Revision,
    Total,
    UpdatedAt,
)
from service.security.principal import PrincipalKind

Role = Annotated[AccountRole, Meta(description="Rôle : ce que le compte peut faire.")]
RoleLabel = Annotated[str, Meta(description="Libellé français du rôle.")]
ScopeRegion = Annotated[
    str,
    Meta(
        pattern=REGION_PATTERN,
        description=(
            "Région (code INSEE) : obligatoire pour un compte régional, facultative pour "
            "l'observatoire ; déduite des établissements pour un compte établissement."
        ),
    ),
]
ScopeOrganisations = Annotated[
    list[UUID],
    Meta(
        max_length=200,
        description="Établissements d'un compte « Établissement » (tous dans une même région).",
    ),
]
DisplayName = Annotated[RequiredText, Meta(max_length=120, description="Nom affiché de la personne.")]
# ANSSI's recommendation for a password alone: 12 characters at least; long passphrases welcome.
Password = Annotated[
    str, Meta(min_length=12, max_length=128, description="Mot de passe (12 à 128 caractères).")
]
KeyName = Annotated[
    RequiredText, Meta(max_length=120, description="À quoi sert la clé (ex. « CRM du CRRC Bretagne »).")
]
ExpiresAt = Annotated[
    datetime, Meta(tz=True, description="Date d'expiration (UTC) ; la clé est refusée ensuite.")
]


# Read-side fields (stored values, described for the contract).
StoredRegion = Annotated[str | None, Meta(description="Région (code INSEE) du périmètre, s'il y en a une.")]
StoredOrganisations = Annotated[
    list[UUID], Meta(description="Établissements du périmètre (compte établissement).")
]
Active = Annotated[bool, Meta(description="Un compte inactif ne peut plus se connecter.")]


class UserCreate(RequestStruct):
    """Nouveau compte d'une personne (pour l'interface d'administration)."""

    email: Email
    display_name: DisplayName
    password: Password
    role: Role
    region_code: ScopeRegion | None = None
    organisation_ids: ScopeOrganisations = []


class UserUpdate(RequestStruct):
    """Champs à modifier ; changer le mot de passe, le rôle ou désactiver ferme les sessions."""

    display_name: DisplayName | UnsetType = UNSET
    password: Password | UnsetType = UNSET
    active: Active | UnsetType = UNSET
    role: Role | UnsetType = UNSET
    region_code: ScopeRegion | UnsetType | None = UNSET
    organisation_ids: ScopeOrganisations | UnsetType = UNSET


class UserRead(ResponseStruct):
    """Un compte utilisateur (jamais son mot de passe)."""

    id: ResourceId
    email: Email
    display_name: Annotated[str, Meta(description="Nom affiché de la personne.")]
    active: Active
    role: Role
    role_label: RoleLabel
    region_code: StoredRegion
    organisation_ids: StoredOrganisations
    last_login_at: Annotated[datetime | None, Meta(description="Dernière connexion réussie (UTC).")]
    revision: Revision
    created_at: CreatedAt
    updated_at: UpdatedAt


class UserPage(ResponseStruct):
    """Une page de comptes utilisateurs."""

    items: Annotated[list[UserRead], Meta(description="Comptes de la page.")]
    total: Total
    limit: Limit
    offset: Offset


class UserSort(StrEnum):
    """Champ de tri des comptes utilisateurs."""

    EMAIL = "email"
    DISPLAY_NAME = "display_name"
    CREATED_AT = "created_at"


class ApiKeyCreate(RequestStruct):
    """Nouvelle clé d'API pour une intégration ; le secret n'est montré qu'une fois."""

    name: KeyName
    role: Role
    region_code: ScopeRegion | None = None
    organisation_ids: ScopeOrganisations = []
    expires_at: ExpiresAt | None = None


class ApiKeyUpdate(RequestStruct):
    """Renommer une clé ou changer son expiration (son rôle et son périmètre sont fixes)."""

    name: KeyName | UnsetType = UNSET
    expires_at: ExpiresAt | UnsetType | None = UNSET


class ApiKeyRead(ResponseStruct):
    """Une clé d'API (jamais son secret)."""

    id: ResourceId
    name: Annotated[str, Meta(description="À quoi sert la clé.")]
    prefix: Annotated[str, Meta(description="Début public de la clé, pour la reconnaître.")]
    role: Role
    role_label: RoleLabel
    region_code: StoredRegion
    organisation_ids: StoredOrganisations
    expires_at: Annotated[datetime | None, Meta(description="Date d'expiration (UTC), s'il y en a une.")]
    last_used_at: Annotated[datetime | None, Meta(description="Dernière utilisation (à la minute près).")]
    revoked_at: Annotated[datetime | None, Meta(description="Date de révocation, si la clé est révoquée.")]
    usable: Annotated[bool, Meta(description="Ni révoquée ni expirée.")]
    created_by_id: Annotated[UUID | None, Meta(description="Compte ou clé qui l'a créée.")]
    revision: Revision
    created_at: CreatedAt
    updated_at: UpdatedAt


class ApiKeyCreated(ApiKeyRead):
    """La clé créée, avec son secret : il ne sera plus jamais affiché."""

    secret: Annotated[
        str, Meta(description="La clé complète, à envoyer dans « Authorization: Bearer <clé> ».")
    ]


class ApiKeyPage(ResponseStruct):
    """Une page de clés d'API."""

    items: Annotated[list[ApiKeyRead], Meta(description="Clés de la page.")]
    total: Total
    limit: Limit
    offset: Offset


class ApiKeySort(StrEnum):
    """Champ de tri des clés d'API."""

    NAME = "name"
    CREATED_AT = "created_at"
    LAST_USED_AT = "last_used_at"


class MeRead(ResponseStruct):
    """Le compte ou la clé qui appelle, avec son rôle et son périmètre."""

    kind: Annotated[PrincipalKind, Meta(description="« API_KEY » (clé d'API) ou « USER » (personne).")]
    id: ResourceId
    label: Annotated[str, Meta(description="Nom de la clé ou adresse du compte.")]
    role: Role
    role_label: RoleLabel
    region_code: StoredRegion
    organisation_ids: StoredOrganisations
