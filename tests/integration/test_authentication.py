"""Who is calling: every /api call carries `Authorization: Bearer <API key>` or gets a 401 that says
why, with an RFC 6750 challenge, and nothing that helps tell an unknown key from a wrong secret."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import update
from sqlalchemy.ext.asyncio import create_async_engine

from service.db.models import ApiKey
from service.kit.codes import AccountRole
from service.security.api_keys import generate_key, parse_key
from service.settings import Settings
from tests.conftest import KeyIssuer, bearer
from tests.factories import organisation_payload
from tests.problems import assert_problem

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]
ME = "/api/v1/me"
ORGANISATIONS = "/api/v1/organisations"
API_KEYS = "/api/v1/api-keys"
REALM = 'Bearer realm="kit-crise"'


def assert_challenge(response: httpx.Response, error: str | None) -> None:
    """RFC 6750 §3: the realm always; an error code only when credentials were sent."""
    challenge = response.headers["www-authenticate"]
    if error is None:
        assert challenge == REALM
    else:
        assert challenge == f'{REALM}, error="{error}"'


async def create_key(client: Client, **fields: Any) -> dict[str, Any]:
    """A key created through the API by the admin: its body holds `id` and, once, `secret`."""
    response = await client.post(API_KEYS, json={"name": "CRM du CRRC", "role": "ADMIN"} | fields)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def set_expiry(settings: Settings, key_id: str, expires_at: datetime) -> None:
    """Moves a key's expiry straight in the database (the API refuses a date in the past)."""
    engine = create_async_engine(settings.database.url)
    try:
        async with engine.begin() as connection:
            await connection.execute(update(ApiKey).where(ApiKey.id == key_id).values(expires_at=expires_at))
    finally:
        await engine.dispose()


# No credentials.


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", ME),
        ("GET", ORGANISATIONS),
        ("POST", ORGANISATIONS),
        ("GET", API_KEYS),
        ("GET", "/api/v1/users"),
        ("GET", "/api/v1/audit-events"),
        ("DELETE", f"{ORGANISATIONS}/0190a000-0000-7000-8000-000000000000"),
    ],
)
async def test_no_credentials_is_401_with_a_bare_challenge(
    anonymous_client: Client, method: str, path: str
) -> None:
    response = await anonymous_client.request(method, path, json=organisation_payload())
    body = assert_problem(response, 401, "missing_credentials")
    assert "Authorization" in body["detail"]
    assert_challenge(response, None)


async def test_a_refused_request_creates_nothing(anonymous_client: Client, admin_key: str) -> None:
    await anonymous_client.post(ORGANISATIONS, json=organisation_payload())
    listed = await anonymous_client.get(ORGANISATIONS, headers=bearer(admin_key))
    assert listed.json()["total"] == 0


# Malformed headers: the request itself is wrong (invalid_request).


@pytest.mark.parametrize(
    "header",
    [
        pytest.param("", id="empty"),
        pytest.param("Bearer", id="scheme-alone"),
        pytest.param("Bearer    ", id="scheme-and-spaces"),
        pytest.param("Basic a2l0LWNyaXNlOnNlY3JldA==", id="basic"),
        pytest.param("Token {token}", id="other-scheme"),
        pytest.param("{token}", id="token-without-scheme"),
        pytest.param("Bearer:{token}", id="colon-instead-of-space"),
        pytest.param("Bearer\t{token}", id="tab-instead-of-space"),
    ],
)
async def test_malformed_authorization_is_401_invalid_request(
    anonymous_client: Client, admin_key: str, header: str
) -> None:
    response = await anonymous_client.get(ME, headers={"Authorization": header.format(token=admin_key)})
    body = assert_problem(response, 401, "malformed_authorization")
    assert "Bearer" in body["detail"]
    assert_challenge(response, "invalid_request")


@pytest.mark.parametrize("header", ["bearer {token}", "BEARER {token}", "Bearer   {token}  "])
async def test_the_scheme_is_case_insensitive_and_spaces_do_not_matter(
    anonymous_client: Client, admin_key: str, header: str
) -> None:
    """RFC 9110 §11.1: auth schemes are case-insensitive."""
    response = await anonymous_client.get(ME, headers={"Authorization": header.format(token=admin_key)})
    assert response.status_code == 200, response.text


# Keys that are not ours: invalid_token, and nothing tells the cases apart.


def _altered(token: str) -> list[str]:
    parts = parse_key(token)
    assert parts is not None
    return [
        token[:-1],
        token + "A",
        token.upper(),
        "kc-" + token[3:],
        f"kc_{parts.prefix}",
        "not-a-key",
    ]


async def test_a_key_in_the_wrong_format_is_invalid(anonymous_client: Client, admin_key: str) -> None:
    for token in _altered(admin_key):
        response = await anonymous_client.get(ME, headers=bearer(token))
        assert_problem(response, 401, "invalid_api_key")
        assert_challenge(response, "invalid_token")


async def test_unknown_key_and_wrong_secret_answer_alike(anonymous_client: Client, admin_key: str) -> None:
    """Same status, code, body and challenge: a prober learns nothing about which prefixes exist."""
    known = parse_key(admin_key)
    assert known is not None
    unknown = await anonymous_client.get(ME, headers=bearer(generate_key().token))
    wrong_secret = await anonymous_client.get(
        ME, headers=bearer(f"kc_{known.prefix}_{generate_key().secret}")
    )
    assert_problem(unknown, 401, "invalid_api_key")
    assert_problem(wrong_secret, 401, "invalid_api_key")
    assert wrong_secret.json() == unknown.json()
    assert wrong_secret.headers["www-authenticate"] == unknown.headers["www-authenticate"]
    assert_challenge(unknown, "invalid_token")


# Revoked and expired keys.


async def test_a_revoked_key_is_refused_at_once(client: Client) -> None:
    key = await create_key(client)
    assert (await client.get(ME, headers=bearer(key["secret"]))).status_code == 200
    revoked = await client.delete(f"{API_KEYS}/{key['id']}")
    assert revoked.status_code == 204
    response = await client.get(ME, headers=bearer(key["secret"]))
    body = assert_problem(response, 401, "api_key_revoked")
    assert "révoquée" in body["detail"]
    assert_challenge(response, "invalid_token")
    # Also on a write, not only on /me.
    write = await client.post(ORGANISATIONS, json=organisation_payload(), headers=bearer(key["secret"]))
    assert_problem(write, 401, "api_key_revoked")


async def test_an_expired_key_is_refused(client: Client, settings: Settings) -> None:
    key = await create_key(client, expires_at=(datetime.now(UTC) + timedelta(days=30)).isoformat())
    assert (await client.get(ME, headers=bearer(key["secret"]))).status_code == 200
    await set_expiry(settings, key["id"], datetime.now(UTC) - timedelta(seconds=1))
    response = await client.get(ME, headers=bearer(key["secret"]))
    body = assert_problem(response, 401, "api_key_expired")
    assert "expiré" in body["detail"]
    assert_challenge(response, "invalid_token")
    listed = (await client.get(f"{API_KEYS}/{key['id']}")).json()
    assert listed["usable"] is False
    assert listed["revoked_at"] is None


async def test_a_key_expiring_later_still_works(client: Client, settings: Settings) -> None:
    key = await create_key(client)
    await set_expiry(settings, key["id"], datetime.now(UTC) + timedelta(minutes=5))
    assert (await client.get(ME, headers=bearer(key["secret"]))).status_code == 200


async def test_a_wrong_secret_for_a_revoked_key_says_nothing_of_the_revocation(
    client: Client, settings: Settings
) -> None:
    """Only the holder of the secret learns that the key was revoked or has expired."""
    revoked = await create_key(client)
    await client.delete(f"{API_KEYS}/{revoked['id']}")
    expired = await create_key(client)
    await set_expiry(settings, expired["id"], datetime.now(UTC) - timedelta(days=1))
    for key in (revoked, expired):
        parts = parse_key(key["secret"])
        assert parts is not None
        response = await client.get(ME, headers=bearer(f"kc_{parts.prefix}_{generate_key().secret}"))
        assert_problem(response, 401, "invalid_api_key")


async def test_a_revoked_and_expired_key_reports_the_revocation(client: Client, settings: Settings) -> None:
    key = await create_key(client)
    await client.delete(f"{API_KEYS}/{key['id']}")
    await set_expiry(settings, key["id"], datetime.now(UTC) - timedelta(days=1))
    response = await client.get(ME, headers=bearer(key["secret"]))
    assert_problem(response, 401, "api_key_revoked")


# last_used_at and /me.


async def test_last_used_at_is_set_by_the_first_use(client: Client) -> None:
    key = await create_key(client)
    url = f"{API_KEYS}/{key['id']}"
    before = await client.get(url)
    assert before.json()["last_used_at"] is None
    assert (await client.get(ME, headers=bearer(key["secret"]))).status_code == 200
    after = await client.get(url)
    assert after.json()["last_used_at"] is not None
    assert after.json()["last_used_at"] >= key["created_at"]
    # Bookkeeping only: using a key is not modifying it, so neither its ETag (a client holding
    # it could no longer update it) nor its modification date change.
    assert after.headers["etag"] == before.headers["etag"]
    assert after.json()["updated_at"] == before.json()["updated_at"]
    renamed = await client.patch(
        url, json={"name": "CRM renommé"}, headers={"If-Match": before.headers["etag"]}
    )
    assert renamed.status_code == 200, renamed.text


async def test_a_refused_key_is_not_marked_as_used(client: Client) -> None:
    key = await create_key(client)
    await client.delete(f"{API_KEYS}/{key['id']}")
    await client.get(ME, headers=bearer(key["secret"]))
    assert (await client.get(f"{API_KEYS}/{key['id']}")).json()["last_used_at"] is None


@pytest.mark.parametrize(
    ("role", "region_code", "role_label"),
    [
        (AccountRole.ADMIN, None, "Administration nationale"),
        (AccountRole.REGIONAL, "53", "Acteur régional (CRRC, GRADeS, ARS)"),
        (AccountRole.OBSERVATORY, None, "Observatoire (statistiques seulement)"),
        (AccountRole.OBSERVATORY, "84", "Observatoire (statistiques seulement)"),
    ],
)
async def test_me_describes_the_calling_key(
    anonymous_client: Client,
    issue_key: KeyIssuer,
    role: AccountRole,
    region_code: str | None,
    role_label: str,
) -> None:
    token = await issue_key(role, region_code=region_code, name="Intégration CRM")
    response = await anonymous_client.get(ME, headers=bearer(token))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["kind"] == "API_KEY"
    assert body["label"] == "Intégration CRM"
    assert body["role"] == role.value
    assert body["role_label"] == role_label
    assert body["region_code"] == region_code
    assert body["organisation_ids"] == []


async def test_me_of_an_establishment_key_shows_its_organisations_and_region(
    client: Client, issue_key: KeyIssuer
) -> None:
    first = (await client.post(ORGANISATIONS, json=organisation_payload())).json()
    second = (await client.post(ORGANISATIONS, json=organisation_payload())).json()
    token = await issue_key(AccountRole.ESTABLISHMENT, organisation_ids=[second["id"], first["id"]])
    body = (await client.get(ME, headers=bearer(token))).json()
    assert body["role"] == "ESTABLISHMENT"
    assert body["role_label"] == "Établissement"
    assert body["region_code"] == "11"
    assert sorted(body["organisation_ids"]) == sorted([first["id"], second["id"]])


async def test_me_id_is_the_key_id(client: Client) -> None:
    key = await create_key(client, name="Export ANS")
    body = (await client.get(ME, headers=bearer(key["secret"]))).json()
    assert (body["id"], body["label"]) == (key["id"], "Export ANS")


# Idempotency records belong to the caller that made them.


async def test_idempotency_keys_are_per_caller(client: Client, issue_key: KeyIssuer) -> None:
    other = await issue_key(AccountRole.ADMIN, name="Autre intégration")
    shared = {"Idempotency-Key": "crm-2026-0001"}
    their_payload = organisation_payload(name="EHPAD B")
    mine = await client.post(ORGANISATIONS, json=organisation_payload(name="EHPAD A"), headers=shared)
    theirs = await client.post(ORGANISATIONS, json=their_payload, headers=shared | bearer(other))
    assert mine.status_code == theirs.status_code == 201, theirs.text
    assert theirs.json()["id"] != mine.json()["id"]
    assert "idempotent-replayed" not in theirs.headers
    # Each caller's retry replays its own first answer.
    again = await client.post(ORGANISATIONS, json=their_payload, headers=shared | bearer(other))
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json()["id"] == theirs.json()["id"]
    assert (await client.get(ORGANISATIONS)).json()["total"] == 2
