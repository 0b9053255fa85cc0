"""Business rules of user accounts and API keys: who may grant what, in which scope."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple
from uuid import UUID

import anyio
from advanced_alchemy.filters import LimitOffset, StatementFilter
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from service.db.models import AdminSession, ApiKey, Organisation, UserAccount
from service.domain.accounts.schemas import (
    ApiKeyCreate,
    ApiKeySort,
    ApiKeyUpdate,
    UserCreate,
    UserSort,
    UserUpdate,
)
from service.domain.audit.services import AuditedService, changed_fields
from service.errors import ConflictError, FieldError, InvalidDataError, NotFoundError
from service.kit.codes import AccountRole, AuditAction, ResourceType
from service.lib.contact_details import normalise_email
from service.lib.etags import check_if_match
from service.lib.geography import load_geography
from service.lib.pagination import SortOrder, ordering
from service.security.api_keys import generate_key, secret_digest
from service.security.passwords import hash_password
from service.security.principal import Caller
from service.security.scopes import ensure_may_grant, visible_accounts, visible_organisations

INVALID_DETAIL = "Certaines valeurs ne respectent pas les règles : voir la liste des erreurs."
SCOPE_FIELDS = ("role", "region_code", "organisation_ids")
# Changing any of these ends the person's open admin sessions.
_SESSION_ENDING_FIELDS = {"password", "active", *SCOPE_FIELDS}


class Scope(NamedTuple):
    region_code: str | None
    organisation_ids: list[str]


def _field_error(field: str, code: str, message: str) -> FieldError:
    return FieldError(field=field, code=code, message=message)


def _shape_errors(
    role: AccountRole, region_code: str | None, organisation_ids: Sequence[UUID]
) -> list[FieldError]:
    """What each role's scope must look like (DESIGN §5), before any database lookup."""
    errors: list[FieldError] = []
    takes_region = role in {AccountRole.REGIONAL, AccountRole.OBSERVATORY}
    if region_code is not None and not takes_region:
        message = (
            "La région d'un compte « Établissement » est celle de ses établissements : ne la donnez pas."
            if role is AccountRole.ESTABLISHMENT
            else "Un compte national n'a pas de région."
        )
        errors.append(_field_error("region_code", "not_allowed", message))
    if region_code is not None and takes_region and load_geography().region(region_code) is None:
        errors.append(
            _field_error("region_code", "unknown_region", f"Aucune région ne porte le code {region_code}.")
        )
    if role is AccountRole.REGIONAL and region_code is None:
        errors.append(_field_error("region_code", "required", "Un compte régional doit avoir une région."))
    if role is AccountRole.ESTABLISHMENT and not organisation_ids:
        errors.append(
            _field_error(
                "organisation_ids",
                "required",
                "Un compte « Établissement » agit pour au moins un établissement.",
            )
        )
    if role is not AccountRole.ESTABLISHMENT and organisation_ids:
        errors.append(
            _field_error(
                "organisation_ids",
                "not_allowed",
                "Seul un compte « Établissement » est lié à des établissements.",
            )
        )
    return errors


async def resolve_scope(
    session: AsyncSession,
    caller: Caller,
    role: AccountRole,
    region_code: str | None,
    organisation_ids: Sequence[UUID],
) -> Scope:
    """Check that ``caller`` may grant this role and scope; return the scope to store.

    Organisations the caller cannot see are reported as unknown, like any out-of-scope read.
    """
    ensure_may_grant(caller.principal, role)
    errors = _shape_errors(role, region_code, organisation_ids)
    unique_ids = list(dict.fromkeys(organisation_ids))
    if role is AccountRole.ESTABLISHMENT and unique_ids and not errors:
        rows = await session.execute(
            select(Organisation.id, Organisation.region_code).where(
                Organisation.id.in_(unique_ids), visible_organisations(caller.principal)
            )
        )
        regions: dict[UUID, str] = {row.id: row.region_code for row in rows}
        errors += [
            _field_error(f"organisation_ids[{index}]", "unknown_organisation", "Établissement inconnu.")
            for index, organisation_id in enumerate(organisation_ids)
            if organisation_id not in regions
        ]
        if len(set(regions.values())) > 1:
            errors.append(
                _field_error(
                    "organisation_ids",
                    "several_regions",
                    "Les établissements d'un compte doivent être d'une même région : "
                    "créez un compte par région.",
                )
            )
        if not errors:
            region_code = next(iter(regions.values()))
    if errors:
        raise InvalidDataError(INVALID_DETAIL, errors=errors)
    return Scope(region_code, [str(value) for value in unique_ids])


def _scope_changes(current: Any, changes: dict[str, Any]) -> dict[str, Any]:
    """The role and scope after ``changes``, for re-validation when any of them moves.

    What the client did not send is kept only while the role stays, and an establishment
    account's region is never kept: it is derived again from its organisations."""
    role = AccountRole(changes.get("role", current.role))
    same_role = role == current.role
    kept_region = current.region_code if same_role and role is not AccountRole.ESTABLISHMENT else None
    kept_organisations = [UUID(value) for value in current.organisation_ids] if same_role else []
    return {
        "role": role,
        "region_code": changes.get("region_code", kept_region),
        "organisation_ids": changes.get("organisation_ids", kept_organisations),
    }


class UserService(AuditedService[UserAccount]):
    class Repo(SQLAlchemyAsyncRepository[UserAccount]):
        model_type = UserAccount

    repository_type = Repo
    audited_as = ResourceType.USER
    count_with_window_function = False

    async def get_user(self, caller: Caller, user_id: UUID, *, for_update: bool = False) -> UserAccount:
        user = await self.get_one_or_none(
            UserAccount.id == user_id,
            visible_accounts(caller.principal, UserAccount),
            with_for_update=for_update or None,
        )
        if user is None:
            raise NotFoundError("Aucun compte utilisateur ne porte cet identifiant.", code="user_not_found")
        return user

    async def list_users(
        self,
        caller: Caller,
        *,
        page: LimitOffset,
        sort: UserSort,
        order: SortOrder,
        role: AccountRole | None = None,
        active: bool | None = None,
    ) -> tuple[Sequence[UserAccount], int]:
        filters: list[StatementFilter | ColumnElement[bool]] = [
            page,
            *ordering(sort, order, {}),
            visible_accounts(caller.principal, UserAccount),
        ]
        if role is not None:
            filters.append(UserAccount.role == role)
        if active is not None:
            filters.append(UserAccount.active == active)
        return await self.get_many_and_count(*filters)

    async def create_user(self, caller: Caller, data: UserCreate) -> UserAccount:
        state = data.provided_fields()
        state["email"] = await self._free_email(state["email"])
        scope = await resolve_scope(
            self.repository.session, caller, data.role, data.region_code, data.organisation_ids
        )
        user = await self.create(
            UserAccount(
                email=state["email"],
                display_name=state["display_name"],
                password_hash=await anyio.to_thread.run_sync(hash_password, data.password),
                active=True,
                role=data.role.value,
                region_code=scope.region_code,
                organisation_ids=scope.organisation_ids,
            )
        )
        self.record(caller, AuditAction.CREATE, user.id, region_code=user.region_code, fields=state)
        return user

    async def update_user(
        self, caller: Caller, user_id: UUID, data: UserUpdate, *, if_match: str | None
    ) -> UserAccount:
        user = await self.get_user(caller, user_id, for_update=True)
        check_if_match(if_match, user.revision)
        changes = data.provided_fields()
        if changes.keys() & set(SCOPE_FIELDS):
            wanted = _scope_changes(user, changes)
            scope = await resolve_scope(self.repository.session, caller, **wanted)
            changes |= {"role": wanted["role"].value, **scope._asdict()}
        new_password = changes.pop("password", None)
        fields = changed_fields({name: getattr(user, name) for name in changes}, changes)
        if new_password is not None:
            user.password_hash = await anyio.to_thread.run_sync(hash_password, new_password)
            fields.append("password")  # its name only: the audit trail never holds a secret
        for name, value in changes.items():
            setattr(user, name, value)
        if _SESSION_ENDING_FIELDS.intersection(fields):
            await self.repository.session.execute(delete(AdminSession).where(AdminSession.user_id == user.id))
        user = await self.update(user)
        self.record(caller, AuditAction.UPDATE, user.id, region_code=user.region_code, fields=fields)
        return user

    async def delete_user(self, caller: Caller, user_id: UUID, *, if_match: str | None) -> None:
        user = await self.get_user(caller, user_id, for_update=True)
        check_if_match(if_match, user.revision)
        self.record(caller, AuditAction.DELETE, user.id, region_code=user.region_code)
        await self.delete(user.id)

    async def _free_email(self, raw: str) -> str:
        email = normalise_email(raw)
        if email is None:
            raise InvalidDataError(
                INVALID_DETAIL,
                errors=[_field_error("email", "invalid_email", "Adresse électronique invalide.")],
            )
        email = email.lower()
        # Unscoped on purpose: addresses are unique across the service, and a regional account
        # learns only that the address is taken, not by whom.
        if await self.exists(UserAccount.email == email):
            raise ConflictError(
                "Un compte utilise déjà cette adresse électronique.",
                code="duplicate_email",
                errors=[_field_error("email", "duplicate", "Adresse déjà utilisée.")],
            )
        return email


class ApiKeyService(AuditedService[ApiKey]):
    class Repo(SQLAlchemyAsyncRepository[ApiKey]):
        model_type = ApiKey

    repository_type = Repo
    audited_as = ResourceType.API_KEY
    count_with_window_function = False

    async def get_api_key(self, caller: Caller, api_key_id: UUID, *, for_update: bool = False) -> ApiKey:
        key = await self.get_one_or_none(
            ApiKey.id == api_key_id,
            visible_accounts(caller.principal, ApiKey),
            with_for_update=for_update or None,
        )
        if key is None:
            raise NotFoundError("Aucune clé d'API ne porte cet identifiant.", code="api_key_not_found")
        return key

    async def list_api_keys(
        self,
        caller: Caller,
        *,
        page: LimitOffset,
        sort: ApiKeySort,
        order: SortOrder,
        role: AccountRole | None = None,
        revoked: bool | None = None,
    ) -> tuple[Sequence[ApiKey], int]:
        filters: list[StatementFilter | ColumnElement[bool]] = [
            page,
            *ordering(sort, order, {}),
            visible_accounts(caller.principal, ApiKey),
        ]
        if role is not None:
            filters.append(ApiKey.role == role)
        if revoked is not None:
            filters.append(ApiKey.revoked_at.is_not(None) if revoked else ApiKey.revoked_at.is_(None))
        return await self.get_many_and_count(*filters)

    async def create_api_key(self, caller: Caller, data: ApiKeyCreate) -> tuple[ApiKey, str]:
        """The new key and its full token, which is never stored nor shown again."""
        _ensure_future(data.expires_at)
        scope = await resolve_scope(
            self.repository.session, caller, data.role, data.region_code, data.organisation_ids
        )
        parts = generate_key()
        state = data.provided_fields()
        key = await self.create(
            ApiKey(
                name=state["name"],
                role=data.role.value,
                region_code=scope.region_code,
                organisation_ids=scope.organisation_ids,
                prefix=parts.prefix,
                secret_digest=secret_digest(parts.secret),
                expires_at=data.expires_at,
                created_by_id=caller.principal.id,
            )
        )
        self.record(caller, AuditAction.CREATE, key.id, region_code=key.region_code, fields=state)
        return key, parts.token

    async def update_api_key(
        self, caller: Caller, api_key_id: UUID, data: ApiKeyUpdate, *, if_match: str | None
    ) -> ApiKey:
        key = await self.get_api_key(caller, api_key_id, for_update=True)
        check_if_match(if_match, key.revision)
        changes = data.provided_fields()
        if changes.get("expires_at") is not None:
            _ensure_future(changes["expires_at"])
        before = {name: getattr(key, name) for name in changes}
        for name, value in changes.items():
            setattr(key, name, value)
        key = await self.update(key)
        self.record(
            caller,
            AuditAction.UPDATE,
            key.id,
            region_code=key.region_code,
            fields=changed_fields(before, changes),
        )
        return key

    async def revoke_api_key(self, caller: Caller, api_key_id: UUID, *, if_match: str | None) -> None:
        """Revoked keys stay listed (with ``revoked_at``) so the audit trail keeps its actors."""
        key = await self.get_api_key(caller, api_key_id, for_update=True)
        check_if_match(if_match, key.revision)
        if key.revoked_at is not None:
            return
        key.revoked_at = datetime.now(UTC)
        await self.update(key)
        self.record(caller, AuditAction.REVOKE, key.id, region_code=key.region_code, fields=["revoked_at"])


def _ensure_future(expires_at: datetime | None) -> None:
    if expires_at is not None and expires_at <= datetime.now(UTC):
        raise InvalidDataError(
            INVALID_DETAIL,
            errors=[
                _field_error("expires_at", "in_the_past", "La date d'expiration doit être dans le futur.")
            ],
        )
