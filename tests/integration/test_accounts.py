"""People's accounts and integrations' API keys, as an administrator and as a regional CRRC manage
them; and the cross-region probes of the issue: a key of one region finds nothing of another."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple

import httpx
import pytest
from argon2 import PasswordHasher, profiles
from litestar import Litestar
from litestar.testing import AsyncTestClient

from service.kit.codes import AccountRole
from service.security import passwords
from tests.conftest import KeyIssuer, bearer, secret_part
from tests.factories import contact_payload, finess, organisation_payload
from tests.problems import assert_problem

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]
USERS = "/api/v1/users"
API_KEYS = "/api/v1/api-keys"
ORGANISATIONS = "/api/v1/organisations"
PASSWORD = "cheval-agrafe-pile-correcte"
DEPARTEMENT_OF = {"11": "75", "53": "35", "84": "69", "76": "31"}

_serial = itertools.count(1)


@pytest.fixture(autouse=True)
def quick_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Still Argon2id, with argon2-cffi's cheapest parameters: these tests create many accounts,
    and the cost of a hash is not what they check (tests/unit/test_passwords.py does)."""
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher.from_parameters(profiles.CHEAPEST))


def user_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "email": f"personne.{next(_serial)}@ars.sante.fr",
        "display_name": "Claire Martin",
        "password": PASSWORD,
        "role": "ADMIN",
    }
    return payload | overrides


def key_payload(**overrides: Any) -> dict[str, Any]:
    return {"name": "CRM du CRRC", "role": "ADMIN"} | overrides


def in_region(region_code: str, **overrides: Any) -> dict[str, Any]:
    departement = DEPARTEMENT_OF[region_code]
    return organisation_payload(
        region_code=region_code, departement_code=departement, finess_et=finess(departement), **overrides
    )


async def created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def create_user(client: Client, headers: dict[str, str] | None = None, **fields: Any) -> dict[str, Any]:
    return await created(await client.post(USERS, json=user_payload(**fields), headers=headers))


async def create_key(client: Client, headers: dict[str, str] | None = None, **fields: Any) -> dict[str, Any]:
    return await created(await client.post(API_KEYS, json=key_payload(**fields), headers=headers))


async def create_organisation(client: Client, region_code: str = "11", **fields: Any) -> dict[str, Any]:
    return await created(await client.post(ORGANISATIONS, json=in_region(region_code, **fields)))


def assert_no_secret(response: httpx.Response, *secrets: str) -> None:
    """Neither the secrets nor their stored forms appear anywhere in the response."""
    for secret in secrets:
        assert secret not in response.text
    assert "$argon2" not in response.text
    for name in ("password", "password_hash", "secret", "secret_digest"):
        assert f'"{name}"' not in response.text


# People's accounts.


async def test_create_user_answers_the_account_with_its_etag(client: Client) -> None:
    response = await client.post(USERS, json=user_payload(email="claire.martin@ars.sante.fr"))
    body = await created(response)
    assert response.headers["location"] == f"{USERS}/{body['id']}"
    assert response.headers["etag"] == '"1"'
    assert body["email"] == "claire.martin@ars.sante.fr"
    assert body["display_name"] == "Claire Martin"
    assert (body["role"], body["role_label"]) == ("ADMIN", "Administration nationale")
    assert (body["region_code"], body["organisation_ids"]) == (None, [])
    assert body["active"] is True
    assert body["last_login_at"] is None
    assert body["revision"] == 1
    assert_no_secret(response, PASSWORD)


async def test_user_read_list_update_delete(client: Client) -> None:
    user = await create_user(client, display_name="Claire Martin")
    url = f"{USERS}/{user['id']}"
    read = await client.get(url)
    assert read.status_code == 200
    assert read.json() == user
    assert read.headers["etag"] == '"1"'
    listed = (await client.get(USERS)).json()
    assert [item["id"] for item in listed["items"]] == [user["id"]]
    assert listed["total"] == 1

    renamed = await client.patch(
        url, json={"display_name": "Claire Martin-Durand"}, headers={"If-Match": '"1"'}
    )
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["display_name"] == "Claire Martin-Durand"
    assert renamed.headers["etag"] == '"2"'
    stale = await client.patch(url, json={"active": False}, headers={"If-Match": '"1"'})
    assert_problem(stale, 412, "precondition_failed")
    assert stale.headers["etag"] == '"2"'
    assert (await client.get(url)).json()["active"] is True

    assert_problem(await client.delete(url, headers={"If-Match": '"1"'}), 412, "precondition_failed")
    assert (await client.delete(url, headers={"If-Match": '"2"'})).status_code == 204
    assert_problem(await client.get(url), 404, "user_not_found")
    assert (await client.get(USERS)).json()["total"] == 0


async def test_the_password_never_leaves_the_service(client: Client) -> None:
    creation = await client.post(USERS, json=user_payload())
    user = await created(creation)
    url = f"{USERS}/{user['id']}"
    new_password = "une-toute-autre-phrase-de-passe"
    responses = [
        creation,
        await client.get(url),
        await client.get(USERS),
        await client.patch(url, json={"password": new_password}),
        await client.get(url),
    ]
    for response in responses:
        assert response.status_code in (200, 201), response.text
        assert_no_secret(response, PASSWORD, new_password)


async def test_a_new_password_bumps_the_revision(client: Client) -> None:
    user = await create_user(client)
    changed = await client.patch(f"{USERS}/{user['id']}", json={"password": "une-toute-autre-phrase"})
    assert changed.json()["revision"] == 2


async def test_email_is_lower_cased_and_unique(client: Client) -> None:
    user = await create_user(client, email="Claire.MARTIN@ARS.Sante.FR")
    assert user["email"] == "claire.martin@ars.sante.fr"
    for spelling in ("claire.martin@ars.sante.fr", "CLAIRE.MARTIN@ars.sante.fr"):
        duplicate = await client.post(USERS, json=user_payload(email=spelling))
        body = assert_problem(duplicate, 409, "duplicate_email", field="email")
        assert "adresse" in body["detail"]
    assert (await client.get(USERS)).json()["total"] == 1


@pytest.mark.parametrize(
    ("fields", "status", "code", "field"),
    [
        pytest.param({"password": "trop-court"}, 400, "invalid_request", "password", id="short-password"),
        pytest.param({"email": "pas-une-adresse@"}, 400, "invalid_request", "email", id="malformed-email"),
        pytest.param(
            {"email": "claire@exemple"}, 422, "validation_failed", "email", id="email-without-domain"
        ),
        pytest.param({"display_name": "   "}, 400, "invalid_request", "display_name", id="blank-name"),
        pytest.param({"role": "admin"}, 400, "invalid_request", "role", id="lower-case-role"),
    ],
)
async def test_user_fields_are_checked(
    client: Client, fields: dict[str, Any], status: int, code: str, field: str
) -> None:
    response = await client.post(USERS, json=user_payload(**fields))
    assert_problem(response, status, code, field=field)
    assert (await client.get(USERS)).json()["total"] == 0


# Role and scope rules, shared by accounts and keys.


@dataclass(frozen=True)
class Organisations:
    paris: dict[str, Any]
    paris_bis: dict[str, Any]
    rennes: dict[str, Any]
    rennes_bis: dict[str, Any]


@pytest.fixture
async def organisations(client: Client) -> Organisations:
    return Organisations(
        paris=await create_organisation(client, "11", name="EHPAD Les Tilleuls de Paris"),
        paris_bis=await create_organisation(client, "11", name="IME Montmartre"),
        rennes=await create_organisation(client, "53", name="EHPAD Les Ajoncs de Rennes"),
        rennes_bis=await create_organisation(client, "53", name="MAS Brocéliande"),
    )


UNKNOWN_ID = "0190a000-0000-7000-8000-000000000000"


class ScopeError(NamedTuple):
    """A role and scope that must be refused, and the field error naming why."""

    fields: dict[str, Any]
    field: str
    code: str


SCOPE_ERRORS = [
    pytest.param(ScopeError({"role": "REGIONAL"}, "region_code", "required"), id="regional-without-region"),
    pytest.param(
        ScopeError({"role": "REGIONAL", "region_code": "99"}, "region_code", "unknown_region"),
        id="unknown-region",
    ),
    pytest.param(
        ScopeError({"role": "ADMIN", "region_code": "53"}, "region_code", "not_allowed"),
        id="admin-with-region",
    ),
    pytest.param(
        ScopeError({"role": "ESTABLISHMENT"}, "organisation_ids", "required"), id="establishment-without-orgs"
    ),
    pytest.param(
        ScopeError(
            {"role": "ESTABLISHMENT", "organisation_ids": ["rennes"], "region_code": "53"},
            "region_code",
            "not_allowed",
        ),
        id="establishment-with-region",
    ),
    pytest.param(
        ScopeError({"role": "ADMIN", "organisation_ids": ["rennes"]}, "organisation_ids", "not_allowed"),
        id="admin-with-orgs",
    ),
    pytest.param(
        ScopeError(
            {"role": "REGIONAL", "region_code": "53", "organisation_ids": ["rennes"]},
            "organisation_ids",
            "not_allowed",
        ),
        id="regional-with-orgs",
    ),
    pytest.param(
        ScopeError(
            {"role": "ESTABLISHMENT", "organisation_ids": ["rennes", "paris"]},
            "organisation_ids",
            "several_regions",
        ),
        id="two-regions",
    ),
    pytest.param(
        ScopeError(
            {"role": "ESTABLISHMENT", "organisation_ids": [UNKNOWN_ID]},
            "organisation_ids[0]",
            "unknown_organisation",
        ),
        id="unknown-organisation",
    ),
    pytest.param(
        ScopeError(
            {"role": "ESTABLISHMENT", "organisation_ids": ["rennes", UNKNOWN_ID]},
            "organisation_ids[1]",
            "unknown_organisation",
        ),
        id="second-organisation-unknown",
    ),
]


def resolved(fields: dict[str, Any], organisations: Organisations) -> dict[str, Any]:
    """Replaces organisation names of the table by the ids created for the test."""
    ids = [
        getattr(organisations, value)["id"] if hasattr(organisations, value) else value
        for value in fields.get("organisation_ids", [])
    ]
    return fields | ({"organisation_ids": ids} if ids else {})


@pytest.mark.parametrize("url", [USERS, API_KEYS])
@pytest.mark.parametrize("case", SCOPE_ERRORS)
async def test_scope_rules(client: Client, organisations: Organisations, url: str, case: ScopeError) -> None:
    payload = (user_payload if url == USERS else key_payload)(**resolved(case.fields, organisations))
    response = await client.post(url, json=payload)
    body = assert_problem(response, 422, "validation_failed", field=case.field)
    assert case.code in [error["code"] for error in body["errors"] if error["field"] == case.field]
    # Nothing was created (the API keys list holds the test suite's own admin key).
    assert (await client.get(url)).json()["total"] == (0 if url == USERS else 1)


@pytest.mark.parametrize("url", [USERS, API_KEYS])
async def test_establishment_scope_takes_the_region_of_its_organisations(
    client: Client, organisations: Organisations, url: str
) -> None:
    ids = [organisations.rennes["id"], organisations.rennes_bis["id"], organisations.rennes["id"]]
    payload = (user_payload if url == USERS else key_payload)(role="ESTABLISHMENT", organisation_ids=ids)
    body = await created(await client.post(url, json=payload))
    assert body["region_code"] == "53"
    # A repeated id is kept once.
    assert body["organisation_ids"] == ids[:2]
    assert body["role_label"] == "Établissement"


@pytest.mark.parametrize(("region_code", "expected"), [(None, None), ("84", "84")])
async def test_an_observatory_is_national_or_regional(
    client: Client, region_code: str | None, expected: str | None
) -> None:
    key = await create_key(client, role="OBSERVATORY", region_code=region_code)
    assert key["region_code"] == expected


async def test_an_establishment_account_can_be_given_other_organisations(
    client: Client, organisations: Organisations
) -> None:
    """Its region is derived, never given: moving it to other organisations of the same region
    must not be refused for a region the client never sent."""
    user = await create_user(client, role="ESTABLISHMENT", organisation_ids=[organisations.rennes["id"]])
    ids = [organisations.rennes["id"], organisations.rennes_bis["id"]]
    response = await client.patch(f"{USERS}/{user['id']}", json={"organisation_ids": ids})
    assert response.status_code == 200, response.text
    assert response.json()["organisation_ids"] == ids
    assert response.json()["region_code"] == "53"


async def test_an_establishment_account_moved_to_another_region_follows_it(
    client: Client, organisations: Organisations
) -> None:
    user = await create_user(client, role="ESTABLISHMENT", organisation_ids=[organisations.rennes["id"]])
    response = await client.patch(
        f"{USERS}/{user['id']}", json={"organisation_ids": [organisations.paris["id"]]}
    )
    assert response.status_code == 200, response.text
    assert response.json()["region_code"] == "11"


async def test_a_regional_account_becomes_national(client: Client) -> None:
    user = await create_user(client, role="REGIONAL", region_code="53")
    response = await client.patch(f"{USERS}/{user['id']}", json={"role": "ADMIN", "region_code": None})
    assert response.status_code == 200, response.text
    assert (response.json()["role"], response.json()["region_code"]) == ("ADMIN", None)


async def test_a_scope_change_is_checked_like_a_creation(
    client: Client, organisations: Organisations
) -> None:
    user = await create_user(client, role="REGIONAL", region_code="53")
    response = await client.patch(f"{USERS}/{user['id']}", json={"role": "ESTABLISHMENT"})
    assert_problem(response, 422, "validation_failed", field="organisation_ids")
    assert (await client.get(f"{USERS}/{user['id']}")).json()["role"] == "REGIONAL"


# API keys.


async def test_the_key_secret_is_shown_once_and_works(client: Client) -> None:
    creation = await client.post(
        API_KEYS, json=key_payload(name="Export ANS", role="REGIONAL", region_code="53")
    )
    key = await created(creation)
    secret = key["secret"]
    assert creation.headers["location"] == f"{API_KEYS}/{key['id']}"
    assert creation.headers["etag"] == '"1"'
    assert secret.startswith(key["prefix"] + "_")
    assert key["prefix"].startswith("kc_")
    assert (key["role"], key["region_code"], key["usable"]) == ("REGIONAL", "53", True)
    assert key["role_label"] == "Acteur régional (CRRC, GRADeS, ARS)"
    assert key["revoked_at"] is None

    me = await client.get("/api/v1/me", headers=bearer(secret))
    assert me.status_code == 200, me.text
    assert (me.json()["id"], me.json()["role"], me.json()["region_code"]) == (key["id"], "REGIONAL", "53")

    url = f"{API_KEYS}/{key['id']}"
    later = [
        await client.get(url),
        await client.get(API_KEYS),
        await client.patch(url, json={"name": "Export ANS (2027)"}),
    ]
    for response in later:
        assert response.status_code == 200, response.text
        assert_no_secret(response, secret, secret_part(secret))
    # The read is the creation minus the secret (using the key is bookkeeping, see test_authentication).
    bookkeeping = {"secret", "last_used_at", "updated_at"}
    read = later[0].json()
    assert {name: value for name, value in read.items() if name not in bookkeeping} == {
        name: value for name, value in key.items() if name not in bookkeeping
    }


async def test_key_update_and_revocation_with_etags(client: Client) -> None:
    key = await create_key(client)
    url = f"{API_KEYS}/{key['id']}"
    expiry = (datetime.now(UTC) + timedelta(days=90)).replace(microsecond=0)
    updated = await client.patch(
        url, json={"name": "CRM (prod)", "expires_at": expiry.isoformat()}, headers={"If-Match": '"1"'}
    )
    assert updated.status_code == 200, updated.text
    assert updated.headers["etag"] == '"2"'
    assert updated.json()["name"] == "CRM (prod)"
    assert datetime.fromisoformat(updated.json()["expires_at"]) == expiry
    assert_problem(
        await client.patch(url, json={"name": "x"}, headers={"If-Match": '"1"'}), 412, "precondition_failed"
    )
    assert_problem(await client.delete(url, headers={"If-Match": '"1"'}), 412, "precondition_failed")
    assert (await client.get(url)).json()["revoked_at"] is None
    cleared = await client.patch(url, json={"expires_at": None})
    assert cleared.json()["expires_at"] is None

    assert (await client.delete(url, headers={"If-Match": cleared.headers["etag"]})).status_code == 204
    assert_problem(await client.get("/api/v1/me", headers=bearer(key["secret"])), 401, "api_key_revoked")


async def test_a_revoked_key_stays_listed(client: Client) -> None:
    key = await create_key(client)
    url = f"{API_KEYS}/{key['id']}"
    assert (await client.delete(url)).status_code == 204
    read = (await client.get(url)).json()
    assert read["revoked_at"] is not None
    assert read["usable"] is False
    listed = (await client.get(API_KEYS)).json()
    assert key["id"] in [item["id"] for item in listed["items"]]
    revoked = (await client.get(API_KEYS, params={"revoked": "true"})).json()
    assert [item["id"] for item in revoked["items"]] == [key["id"]]
    live = (await client.get(API_KEYS, params={"revoked": "false"})).json()
    assert key["id"] not in [item["id"] for item in live["items"]]
    # Revoking again changes nothing.
    assert (await client.delete(url)).status_code == 204
    assert (await client.get(url)).json()["revoked_at"] == read["revoked_at"]


async def test_an_expiry_in_the_past_is_refused(client: Client) -> None:
    past = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    refused = await client.post(API_KEYS, json=key_payload(expires_at=past))
    assert_problem(refused, 422, "validation_failed", field="expires_at")
    assert (await client.get(API_KEYS)).json()["total"] == 1
    key = await create_key(client)
    moved = await client.patch(f"{API_KEYS}/{key['id']}", json={"expires_at": past})
    assert_problem(moved, 422, "validation_failed", field="expires_at")
    assert (await client.get(f"{API_KEYS}/{key['id']}")).json()["expires_at"] is None


async def test_role_and_scope_of_a_key_are_fixed(client: Client) -> None:
    key = await create_key(client, role="REGIONAL", region_code="53")
    for field, value in (("role", "ADMIN"), ("region_code", "11"), ("organisation_ids", [])):
        response = await client.patch(f"{API_KEYS}/{key['id']}", json={field: value})
        assert_problem(response, 400, "invalid_request", field=field)
    read = (await client.get(f"{API_KEYS}/{key['id']}")).json()
    assert (read["role"], read["region_code"], read["revision"]) == ("REGIONAL", "53", 1)


async def test_unknown_account_and_key_are_404(client: Client) -> None:
    assert_problem(await client.get(f"{USERS}/{UNKNOWN_ID}"), 404, "user_not_found")
    assert_problem(await client.patch(f"{USERS}/{UNKNOWN_ID}", json={"active": False}), 404, "user_not_found")
    assert_problem(await client.get(f"{API_KEYS}/{UNKNOWN_ID}"), 404, "api_key_not_found")
    assert_problem(await client.delete(f"{API_KEYS}/{UNKNOWN_ID}"), 404, "api_key_not_found")


# A regional account (CRRC of Bretagne, region 53) manages the establishment accounts of its region.


@dataclass(frozen=True)
class Tenants:
    """Accounts and keys of two regions, seen from region 53's regional key."""

    regional: dict[str, str]
    organisations: Organisations
    users_53: list[dict[str, Any]]
    users_11: list[dict[str, Any]]
    keys_53: list[dict[str, Any]]
    keys_11: list[dict[str, Any]]


@pytest.fixture
async def regional(issue_key: KeyIssuer) -> dict[str, str]:
    """Headers of the regional key of region 53 (CRRC Bretagne)."""
    return bearer(await issue_key(AccountRole.REGIONAL, region_code="53", name="CRRC Bretagne"))


@pytest.fixture
async def tenants(client: Client, organisations: Organisations, regional: dict[str, str]) -> Tenants:
    rennes, paris = [organisations.rennes["id"]], [organisations.paris["id"]]
    users_53 = [
        await create_user(client, role="ESTABLISHMENT", organisation_ids=rennes),
        await create_user(client, role="ESTABLISHMENT", organisation_ids=[organisations.rennes_bis["id"]]),
    ]
    users_11 = [await create_user(client, role="ESTABLISHMENT", organisation_ids=paris)]
    keys_53 = [await create_key(client, role="ESTABLISHMENT", organisation_ids=rennes)]
    keys_11 = [await create_key(client, role="ESTABLISHMENT", organisation_ids=paris)]
    # Accounts of region 53 a regional account must not see either: not establishments.
    await create_user(client, role="REGIONAL", region_code="53")
    await create_user(client, role="OBSERVATORY", region_code="53")
    await create_user(client, role="ADMIN")
    await create_key(client, role="REGIONAL", region_code="53")
    return Tenants(regional, organisations, users_53, users_11, keys_53, keys_11)


def ids(page: dict[str, Any]) -> list[str]:
    return sorted(item["id"] for item in page["items"])


async def test_a_regional_account_lists_the_establishment_accounts_of_its_region(
    client: Client, tenants: Tenants
) -> None:
    users = (await client.get(USERS, headers=tenants.regional)).json()
    assert ids(users) == sorted(user["id"] for user in tenants.users_53)
    assert users["total"] == len(tenants.users_53)
    keys = (await client.get(API_KEYS, headers=tenants.regional)).json()
    assert ids(keys) == sorted(key["id"] for key in tenants.keys_53)
    assert keys["total"] == len(tenants.keys_53)
    # Filters never widen the scope.
    admins = (await client.get(USERS, params={"role": "ADMIN"}, headers=tenants.regional)).json()
    assert (admins["total"], admins["items"]) == (0, [])
    second_page = (await client.get(USERS, params={"offset": 1, "limit": 1}, headers=tenants.regional)).json()
    assert second_page["total"] == len(tenants.users_53)


async def test_a_regional_account_creates_establishment_keys_and_accounts_of_its_region(
    client: Client, tenants: Tenants
) -> None:
    organisation = [tenants.organisations.rennes["id"]]
    key = await create_key(client, tenants.regional, role="ESTABLISHMENT", organisation_ids=organisation)
    assert (key["region_code"], key["organisation_ids"]) == ("53", organisation)
    assert key["created_by_id"] == (await client.get("/api/v1/me", headers=tenants.regional)).json()["id"]
    assert (await client.get("/api/v1/me", headers=bearer(key["secret"]))).json()["region_code"] == "53"
    user = await create_user(client, tenants.regional, role="ESTABLISHMENT", organisation_ids=organisation)
    assert user["region_code"] == "53"
    assert (await client.get(f"{USERS}/{user['id']}", headers=tenants.regional)).status_code == 200


@pytest.mark.parametrize(
    "fields",
    [
        pytest.param({"role": "ADMIN"}, id="admin"),
        pytest.param({"role": "REGIONAL", "region_code": "53"}, id="regional-same-region"),
        pytest.param({"role": "REGIONAL", "region_code": "11"}, id="regional-other-region"),
        pytest.param({"role": "OBSERVATORY", "region_code": "53"}, id="observatory"),
    ],
)
@pytest.mark.parametrize("url", [USERS, API_KEYS])
async def test_a_regional_account_cannot_grant_other_roles(
    client: Client, regional: dict[str, str], url: str, fields: dict[str, Any]
) -> None:
    before = (await client.get(url)).json()["total"]
    payload = (user_payload if url == USERS else key_payload)(**fields)
    response = await client.post(url, json=payload, headers=regional)
    body = assert_problem(response, 403, "role_not_grantable")
    assert "Établissement" in body["detail"]
    assert (await client.get(url)).json()["total"] == before


@pytest.mark.parametrize("url", [USERS, API_KEYS])
async def test_an_organisation_of_another_region_is_unknown_to_a_regional_account(
    client: Client, organisations: Organisations, regional: dict[str, str], url: str
) -> None:
    payload = (user_payload if url == USERS else key_payload)(
        role="ESTABLISHMENT", organisation_ids=[organisations.paris["id"]]
    )
    response = await client.post(url, json=payload, headers=regional)
    body = assert_problem(response, 422, "validation_failed", field="organisation_ids[0]")
    assert body["errors"][0]["code"] == "unknown_organisation"


async def test_accounts_of_another_region_are_404_to_a_regional_account(
    client: Client, tenants: Tenants
) -> None:
    user = f"{USERS}/{tenants.users_11[0]['id']}"
    key = f"{API_KEYS}/{tenants.keys_11[0]['id']}"
    assert_problem(await client.get(user, headers=tenants.regional), 404, "user_not_found")
    patched = await client.patch(user, json={"active": False}, headers=tenants.regional)
    assert_problem(patched, 404, "user_not_found")
    assert_problem(await client.delete(user, headers=tenants.regional), 404, "user_not_found")
    assert_problem(await client.get(key, headers=tenants.regional), 404, "api_key_not_found")
    assert_problem(
        await client.patch(key, json={"name": "x"}, headers=tenants.regional), 404, "api_key_not_found"
    )
    assert_problem(await client.delete(key, headers=tenants.regional), 404, "api_key_not_found")
    # Nothing changed.
    assert (await client.get(user)).json()["active"] is True
    assert (await client.get(key)).json()["usable"] is True


async def test_a_regional_account_manages_its_establishment_accounts(
    client: Client, tenants: Tenants
) -> None:
    user = f"{USERS}/{tenants.users_53[0]['id']}"
    key = f"{API_KEYS}/{tenants.keys_53[0]['id']}"
    disabled = await client.patch(user, json={"active": False}, headers=tenants.regional)
    assert disabled.status_code == 200, disabled.text
    assert disabled.json()["active"] is False
    promoted = await client.patch(
        user, json={"role": "REGIONAL", "region_code": "53"}, headers=tenants.regional
    )
    assert_problem(promoted, 403, "role_not_grantable")
    moved = await client.patch(
        user, json={"organisation_ids": [tenants.organisations.paris["id"]]}, headers=tenants.regional
    )
    assert_problem(moved, 422, "validation_failed", field="organisation_ids[0]")
    assert (await client.delete(key, headers=tenants.regional)).status_code == 204
    assert (await client.delete(user, headers=tenants.regional)).status_code == 204


@pytest.mark.parametrize("role", [AccountRole.ESTABLISHMENT, AccountRole.OBSERVATORY])
@pytest.mark.parametrize("url", [USERS, API_KEYS])
async def test_other_roles_have_no_access_to_accounts(
    client: Client, organisations: Organisations, issue_key: KeyIssuer, role: AccountRole, url: str
) -> None:
    scope = {"organisation_ids": [organisations.rennes["id"]]} if role is AccountRole.ESTABLISHMENT else {}
    headers = bearer(await issue_key(role, **scope))
    assert_problem(await client.get(url, headers=headers), 403, "role_forbidden")
    payload = (user_payload if url == USERS else key_payload)(role="ESTABLISHMENT", **scope)
    assert_problem(await client.post(url, json=payload, headers=headers), 403, "role_forbidden")


# Cross-region probes: a key of region 53 finds nothing of region 11, not even in totals.


async def test_a_regional_key_finds_nothing_of_another_region(
    client: Client, organisations: Organisations, regional: dict[str, str]
) -> None:
    paris = organisations.paris
    contact = await created(
        await client.post(f"{ORGANISATIONS}/{paris['id']}/contacts", json=contact_payload())
    )
    url = f"{ORGANISATIONS}/{paris['id']}"
    contacts = f"{url}/contacts"

    assert_problem(await client.get(url, headers=regional), 404, "organisation_not_found")
    assert_problem(await client.get(contacts, headers=regional), 404, "organisation_not_found")
    assert_problem(
        await client.get(f"{contacts}/{contact['id']}", headers=regional), 404, "organisation_not_found"
    )
    created_contact = await client.post(contacts, json=contact_payload(), headers=regional)
    assert_problem(created_contact, 404, "organisation_not_found")
    patched = await client.patch(url, json={"capacity_places": 1}, headers=regional)
    assert_problem(patched, 404, "organisation_not_found")
    patched_contact = await client.patch(f"{contacts}/{contact['id']}", json={"name": "x"}, headers=regional)
    assert_problem(patched_contact, 404, "organisation_not_found")
    assert_problem(
        await client.delete(f"{contacts}/{contact['id']}", headers=regional), 404, "organisation_not_found"
    )
    assert_problem(await client.delete(url, headers=regional), 404, "organisation_not_found")

    for query in (
        {"region_code": "11"},
        {"q": "Tilleuls"},
        {"finess": paris["finess_et"]},
        {"departement_code": "75"},
    ):
        page = (await client.get(ORGANISATIONS, params=query, headers=regional)).json()
        assert (page["total"], page["items"]) == (0, []), query
    own = (await client.get(ORGANISATIONS, headers=regional)).json()
    assert ids(own) == sorted([organisations.rennes["id"], organisations.rennes_bis["id"]])
    assert own["total"] == 2

    # Nothing was changed behind the 404s.
    assert (await client.get(url)).json()["capacity_places"] == paris["capacity_places"]
    assert (await client.get(contacts)).json()["total"] == 1


async def test_a_regional_key_creates_and_moves_organisations_within_its_region_only(
    client: Client, organisations: Organisations, regional: dict[str, str]
) -> None:
    elsewhere = await client.post(ORGANISATIONS, json=in_region("11"), headers=regional)
    assert_problem(elsewhere, 403, "out_of_scope")
    own = await client.post(ORGANISATIONS, json=in_region("53"), headers=regional)
    assert own.status_code == 201, own.text
    moved = await client.patch(
        f"{ORGANISATIONS}/{organisations.rennes['id']}",
        json={"region_code": "11", "departement_code": "75", "finess_et": finess("75")},
        headers=regional,
    )
    assert_problem(moved, 403, "out_of_scope")
    assert (await client.get(ORGANISATIONS, params={"region_code": "11"})).json()["total"] == 2


async def test_an_establishment_key_sees_only_its_organisations(
    client: Client, organisations: Organisations, issue_key: KeyIssuer
) -> None:
    mine = [organisations.rennes["id"], organisations.rennes_bis["id"]]
    establishment = bearer(await issue_key(AccountRole.ESTABLISHMENT, organisation_ids=mine))
    await create_organisation(client, "53", name="EHPAD voisin")
    page = (await client.get(ORGANISATIONS, headers=establishment)).json()
    assert page["total"] == len(mine)
    assert ids(page) == sorted(mine)
    searched = (await client.get(ORGANISATIONS, params={"q": "voisin"}, headers=establishment)).json()
    assert searched["total"] == 0
    neighbour = (await client.get(ORGANISATIONS, params={"q": "voisin"})).json()["items"][0]
    assert_problem(
        await client.get(f"{ORGANISATIONS}/{neighbour['id']}", headers=establishment),
        404,
        "organisation_not_found",
    )
    refused = await client.post(ORGANISATIONS, json=in_region("53"), headers=establishment)
    assert_problem(refused, 403, "role_forbidden")
    own = await client.patch(
        f"{ORGANISATIONS}/{mine[0]}", json={"capacity_places": 12}, headers=establishment
    )
    assert own.status_code == 200, own.text


async def test_an_observatory_key_sees_no_named_establishment(
    client: Client, organisations: Organisations, issue_key: KeyIssuer
) -> None:
    observatory = bearer(await issue_key(AccountRole.OBSERVATORY, region_code="53"))
    assert_problem(await client.get(ORGANISATIONS, headers=observatory), 403, "role_forbidden")
    url = f"{ORGANISATIONS}/{organisations.rennes['id']}"
    assert (await client.get(url, headers=observatory)).status_code in (403, 404)
