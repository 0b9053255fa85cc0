"""Who is calling: the principal an API key or an admin session stands for."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from uuid import UUID

from service.db.models import ApiKey, UserAccount
from service.kit.codes import AccountRole


class PrincipalKind(StrEnum):
    API_KEY = "API_KEY"
    USER = "USER"
    # An operator at the server's console (``kit-crise`` commands): national, like an admin.
    COMMAND_LINE = "COMMAND_LINE"


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated caller and the scope it acts in.

    Scope: ``region_code`` for REGIONAL (and a regional OBSERVATORY), ``organisation_ids`` for
    ESTABLISHMENT; neither for national accounts.
    """

    kind: PrincipalKind
    id: UUID
    label: str
    role: AccountRole
    region_code: str | None = None
    organisation_ids: frozenset[UUID] = frozenset()

    @property
    def key(self) -> str:
        """Stable identity for counters and per-caller records (rate limits, idempotency)."""
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True, slots=True)
class Caller:
    """The principal of a request, with what the audit trail records about the request."""

    principal: Principal
    request_id: str | None = None
    client_address: str | None = None


COMMAND_LINE_PRINCIPAL = Principal(
    kind=PrincipalKind.COMMAND_LINE,
    id=UUID(int=0),
    label="kit-crise (ligne de commande)",
    role=AccountRole.ADMIN,
)


def principal_of(account: ApiKey | UserAccount) -> Principal:
    """The principal an API key or a person's account stands for."""
    if isinstance(account, ApiKey):
        kind, label = PrincipalKind.API_KEY, account.name
    else:
        kind, label = PrincipalKind.USER, account.email
    return Principal(
        kind=kind,
        id=account.id,
        label=label,
        role=AccountRole(account.role),
        region_code=account.region_code,
        organisation_ids=frozenset(UUID(value) for value in account.organisation_ids),
    )
