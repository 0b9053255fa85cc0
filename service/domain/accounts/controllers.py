"""HTTP routes of user accounts, API keys and ``/me``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

from advanced_alchemy.extensions.litestar.providers import create_service_provider
from advanced_alchemy.filters import LimitOffset
from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import JSONBody, PathParameter, QueryParameter

from service.db.models import ApiKey, UserAccount
from service.domain.accounts.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyPage,
    ApiKeyRead,
    ApiKeySort,
    ApiKeyUpdate,
    MeRead,
    UserCreate,
    UserPage,
    UserRead,
    UserSort,
    UserUpdate,
)
from service.domain.accounts.services import ApiKeyService, UserService
from service.errors import problem_responses
from service.kit.catalogue import get_catalogue
from service.kit.codes import AccountRole
from service.lib.etags import ETAG_HEADER, LOCATION_HEADER, IfMatch, tagged
from service.lib.pagination import PAGINATION_DEPENDENCIES, SortOrder
from service.security.guards import EVERYONE, STAFF, allow
from service.security.principal import Caller

UserId = Annotated[UUID, PathParameter(description="Identifiant du compte utilisateur.")]
ApiKeyId = Annotated[UUID, PathParameter(description="Identifiant de la clé d'API.")]
Order = Annotated[SortOrder, QueryParameter(description="Sens du tri.")]
RoleFilter = Annotated[AccountRole | None, QueryParameter(description="Filtre : rôle.")]


def user_read(user: UserAccount) -> UserRead:
    role = AccountRole(user.role)
    return UserRead(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        active=user.active,
        role=role,
        role_label=get_catalogue().label(role),
        region_code=user.region_code,
        organisation_ids=[UUID(value) for value in user.organisation_ids],
        last_login_at=user.last_login_at,
        revision=user.revision,
        created_at=user.created_at,
        updated_at=user.updated_at,
    )


def _api_key_fields(key: ApiKey) -> dict[str, Any]:
    role = AccountRole(key.role)
    expired = key.expires_at is not None and key.expires_at <= datetime.now(UTC)
    return {
        "id": key.id,
        "name": key.name,
        "prefix": f"kc_{key.prefix}",
        "role": role,
        "role_label": get_catalogue().label(role),
        "region_code": key.region_code,
        "organisation_ids": [UUID(value) for value in key.organisation_ids],
        "expires_at": key.expires_at,
        "last_used_at": key.last_used_at,
        "revoked_at": key.revoked_at,
        "usable": key.revoked_at is None and not expired,
        "created_by_id": key.created_by_id,
        "revision": key.revision,
        "created_at": key.created_at,
        "updated_at": key.updated_at,
    }


def api_key_read(key: ApiKey) -> ApiKeyRead:
    return ApiKeyRead(**_api_key_fields(key))


class MeController(Controller):
    path = "/me"
    tags = ["accounts"]
    guards = [allow(*EVERYONE)]

    @get("/", operation_id="getMe", summary="Qui suis-je ?", response_description="L'appelant.")
    async def get_me(self, caller: NamedDependency[Caller]) -> MeRead:
        """Le compte ou la clé d'API qui appelle, son rôle et son périmètre."""
        principal = caller.principal
        return MeRead(
            kind=principal.kind,
            id=principal.id,
            label=principal.label,
            role=principal.role,
            role_label=get_catalogue().label(principal.role),
            region_code=principal.region_code,
            organisation_ids=sorted(principal.organisation_ids),
        )


class UserController(Controller):
    path = "/users"
    tags = ["accounts"]
    guards = [allow(*STAFF)]
    dependencies = {"users": Provide(create_service_provider(UserService)), **PAGINATION_DEPENDENCIES}

    @get(
        "/",
        operation_id="listUsers",
        summary="Lister les comptes utilisateurs",
        response_description="Page de comptes.",
        responses=problem_responses(),
    )
    async def list_users(
        self,
        *,
        caller: NamedDependency[Caller],
        users: NamedDependency[UserService],
        page: NamedDependency[LimitOffset],
        sort: Annotated[UserSort, QueryParameter(description="Champ de tri.")] = UserSort.EMAIL,
        order: Order = SortOrder.ASC,
        role: RoleFilter = None,
        active: Annotated[bool | None, QueryParameter(description="Filtre : comptes actifs ou non.")] = None,
    ) -> UserPage:
        """Comptes des personnes ; un compte régional ne voit que les comptes établissement de sa région."""
        items, total = await users.list_users(
            caller, page=page, sort=sort, order=order, role=role, active=active
        )
        return UserPage(
            items=[user_read(item) for item in items], total=total, limit=page.limit, offset=page.offset
        )

    @post(
        "/",
        operation_id="createUser",
        summary="Créer un compte utilisateur",
        response_description="Compte créé.",
        responses=problem_responses(409, 413, 415, 422),
        response_headers=[ETAG_HEADER, LOCATION_HEADER],
    )
    async def create_user(
        self,
        *,
        request: Request[Any, Any, Any],
        caller: NamedDependency[Caller],
        users: NamedDependency[UserService],
        data: JSONBody[UserCreate],
    ) -> Response[UserRead]:
        """Crée le compte d'une personne ; son mot de passe est conservé haché (Argon2id).

        Pas d'Idempotency-Key ici : l'empreinte de la requête conservée contiendrait le mot de
        passe. Une seconde création avec la même adresse répond 409."""
        user = await users.create_user(caller, data)
        location = request.app.route_reverse("getUser", user_id=user.id)
        return tagged(user_read(user), user.revision, status_code=201, location=location)

    @get(
        "/{user_id:uuid}",
        operation_id="getUser",
        name="getUser",
        summary="Lire un compte utilisateur",
        response_description="Le compte demandé.",
        responses=problem_responses(404),
        response_headers=[ETAG_HEADER],
    )
    async def get_user(
        self, caller: NamedDependency[Caller], users: NamedDependency[UserService], user_id: UserId
    ) -> Response[UserRead]:
        """Un compte utilisateur (jamais son mot de passe)."""
        user = await users.get_user(caller, user_id)
        return tagged(user_read(user), user.revision)

    @patch(
        "/{user_id:uuid}",
        operation_id="updateUser",
        summary="Modifier un compte utilisateur",
        response_description="Le compte modifié.",
        responses=problem_responses(404, 412, 413, 415, 422),
        response_headers=[ETAG_HEADER],
    )
    async def update_user(
        self,
        *,
        caller: NamedDependency[Caller],
        users: NamedDependency[UserService],
        user_id: UserId,
        data: JSONBody[UserUpdate],
        if_match: IfMatch = None,
    ) -> Response[UserRead]:
        """Modifie les champs envoyés ; un nouveau mot de passe, un autre rôle ou une désactivation
        ferment les sessions ouvertes de la personne."""
        user = await users.update_user(caller, user_id, data, if_match=if_match)
        return tagged(user_read(user), user.revision)

    @delete(
        "/{user_id:uuid}",
        operation_id="deleteUser",
        summary="Supprimer un compte utilisateur",
        response_description="Compte supprimé.",
        responses=problem_responses(404, 412),
    )
    async def delete_user(
        self,
        caller: NamedDependency[Caller],
        users: NamedDependency[UserService],
        user_id: UserId,
        if_match: IfMatch = None,
    ) -> None:
        """Supprime le compte et ferme ses sessions ; le journal d'audit garde ses actions."""
        await users.delete_user(caller, user_id, if_match=if_match)


class ApiKeyController(Controller):
    path = "/api-keys"
    tags = ["accounts"]
    guards = [allow(*STAFF)]
    dependencies = {"api_keys": Provide(create_service_provider(ApiKeyService)), **PAGINATION_DEPENDENCIES}

    @get(
        "/",
        operation_id="listApiKeys",
        summary="Lister les clés d'API",
        response_description="Page de clés.",
        responses=problem_responses(),
    )
    async def list_api_keys(
        self,
        *,
        caller: NamedDependency[Caller],
        api_keys: NamedDependency[ApiKeyService],
        page: NamedDependency[LimitOffset],
        sort: Annotated[ApiKeySort, QueryParameter(description="Champ de tri.")] = ApiKeySort.CREATED_AT,
        order: Order = SortOrder.ASC,
        role: RoleFilter = None,
        revoked: Annotated[bool | None, QueryParameter(description="Filtre : clés révoquées ou non.")] = None,
    ) -> ApiKeyPage:
        """Clés d'API, sans leur secret ; un compte régional voit les clés établissement de sa région."""
        items, total = await api_keys.list_api_keys(
            caller, page=page, sort=sort, order=order, role=role, revoked=revoked
        )
        return ApiKeyPage(
            items=[api_key_read(item) for item in items], total=total, limit=page.limit, offset=page.offset
        )

    @post(
        "/",
        operation_id="createApiKey",
        summary="Créer une clé d'API",
        response_description="Clé créée, avec son secret (affiché cette seule fois).",
        responses=problem_responses(413, 415, 422),
        response_headers=[ETAG_HEADER, LOCATION_HEADER],
    )
    async def create_api_key(
        self,
        *,
        request: Request[Any, Any, Any],
        caller: NamedDependency[Caller],
        api_keys: NamedDependency[ApiKeyService],
        data: JSONBody[ApiKeyCreate],
    ) -> Response[ApiKeyCreated]:
        """Crée une clé pour une intégration. Conservez le secret : il n'est stocké que haché.

        Pas d'Idempotency-Key ici : rejouer la réponse renverrait le secret une seconde fois."""
        key, token = await api_keys.create_api_key(caller, data)
        body = ApiKeyCreated(**_api_key_fields(key), secret=token)
        location = request.app.route_reverse("getApiKey", api_key_id=key.id)
        return tagged(body, key.revision, status_code=201, location=location)

    @get(
        "/{api_key_id:uuid}",
        operation_id="getApiKey",
        name="getApiKey",
        summary="Lire une clé d'API",
        response_description="La clé demandée (sans son secret).",
        responses=problem_responses(404),
        response_headers=[ETAG_HEADER],
    )
    async def get_api_key(
        self, caller: NamedDependency[Caller], api_keys: NamedDependency[ApiKeyService], api_key_id: ApiKeyId
    ) -> Response[ApiKeyRead]:
        """Une clé d'API, sans son secret."""
        key = await api_keys.get_api_key(caller, api_key_id)
        return tagged(api_key_read(key), key.revision)

    @patch(
        "/{api_key_id:uuid}",
        operation_id="updateApiKey",
        summary="Renommer une clé d'API ou changer son expiration",
        response_description="La clé modifiée.",
        responses=problem_responses(404, 412, 413, 415, 422),
        response_headers=[ETAG_HEADER],
    )
    async def update_api_key(
        self,
        *,
        caller: NamedDependency[Caller],
        api_keys: NamedDependency[ApiKeyService],
        api_key_id: ApiKeyId,
        data: JSONBody[ApiKeyUpdate],
        if_match: IfMatch = None,
    ) -> Response[ApiKeyRead]:
        """Modifie le nom ou l'expiration ; le rôle et le périmètre d'une clé ne changent pas."""
        key = await api_keys.update_api_key(caller, api_key_id, data, if_match=if_match)
        return tagged(api_key_read(key), key.revision)

    @delete(
        "/{api_key_id:uuid}",
        operation_id="revokeApiKey",
        summary="Révoquer une clé d'API",
        response_description="Clé révoquée (elle reste listée, inutilisable).",
        responses=problem_responses(404, 412),
    )
    async def revoke_api_key(
        self,
        caller: NamedDependency[Caller],
        api_keys: NamedDependency[ApiKeyService],
        api_key_id: ApiKeyId,
        if_match: IfMatch = None,
    ) -> None:
        """Révoque la clé immédiatement ; révoquer une clé déjà révoquée ne change rien."""
        await api_keys.revoke_api_key(caller, api_key_id, if_match=if_match)
