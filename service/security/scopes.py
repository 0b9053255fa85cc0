"""Scope rules (DESIGN §5), as SQL conditions for the services' queries and as write checks.

Reads outside a principal's scope must find nothing — the row, its count and its page totals —
so scope is a WHERE clause in the query, never a filter applied to loaded rows.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, true

from service.db.models import ApiKey, AuditEvent, Organisation, UserAccount
from service.errors import ForbiddenError
from service.kit.codes import AccountRole
from service.security.principal import Principal

ScopedAccount = type[UserAccount] | type[ApiKey]


def visible_organisations(principal: Principal) -> ColumnElement[bool]:
    match principal.role:
        case AccountRole.ADMIN:
            return true()
        case AccountRole.REGIONAL:
            return Organisation.region_code == principal.region_code
        case AccountRole.ESTABLISHMENT:
            return Organisation.id.in_(principal.organisation_ids)
    # Observatory accounts see numbers, never a named establishment.
    return false()


def visible_accounts(principal: Principal, model: ScopedAccount) -> ColumnElement[bool]:
    """Admins see every account; a regional account, the establishment accounts of its region."""
    match principal.role:
        case AccountRole.ADMIN:
            return true()
        case AccountRole.REGIONAL:
            return (model.role == AccountRole.ESTABLISHMENT) & (model.region_code == principal.region_code)
    return false()


def visible_audit_events(principal: Principal) -> ColumnElement[bool]:
    match principal.role:
        case AccountRole.ADMIN:
            return true()
        case AccountRole.REGIONAL:
            return AuditEvent.region_code == principal.region_code
    return false()


def ensure_region_writable(principal: Principal, region_code: str) -> None:
    """Regional and establishment accounts keep establishments within their own region: moving
    one elsewhere would hand it to another region's accounts (and out of their own sight)."""
    scoped = principal.role in {AccountRole.REGIONAL, AccountRole.ESTABLISHMENT}
    if scoped and region_code != principal.region_code:
        raise ForbiddenError(
            f"Votre compte agit dans la région {principal.region_code} seulement : il ne peut pas "
            f"placer un établissement dans la région {region_code} (demandez-le à l'administration).",
            code="out_of_scope",
        )


def ensure_may_grant(principal: Principal, role: AccountRole) -> None:
    """Admins grant any role; a regional account creates establishment accounts only."""
    if principal.role is AccountRole.ADMIN:
        return
    if principal.role is AccountRole.REGIONAL and role is AccountRole.ESTABLISHMENT:
        return
    raise ForbiddenError(
        "Votre compte ne peut créer ou modifier que des comptes « Établissement » de sa région.",
        code="role_not_grantable",
    )
