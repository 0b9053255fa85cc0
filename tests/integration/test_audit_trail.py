"""The audit trail (issue point 5): each mutation writes exactly one event saying who did what to
which resource, from which request — field names only, never values, never secrets — and an
event commits with its change or not at all. Nothing can rewrite the trail, not even raw SQL."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher, profiles
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import create_async_engine

from service.db.models import AuditEvent
from service.kit.codes import AccountRole
from service.security import passwords
from service.settings import Settings
from tests.conftest import KeyIssuer, bearer, secret_part
from tests.factories import contact_payload, finess, organisation_payload
from tests.problems import assert_problem

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]
AUDIT = "/api/v1/audit-events"
ORGANISATIONS = "/api/v1/organisations"
USERS = "/api/v1/users"
API_KEYS = "/api/v1/api-keys"
PASSWORD = "cheval-agrafe-pile-correcte"
NEW_PASSWORD = "une-toute-autre-phrase-de-passe"
# Litestar's test client connects from this address.
TEST_CLIENT_ADDRESS = "testclient"

_request_ids = itertools.count(1)


def request_id() -> dict[str, str]:
    """A fresh X-Request-ID, as a CRM or a proxy would send."""
    return {"X-Request-ID": f"crm-req-{next(_request_ids):04d}"}


async def events(client: Client, headers: dict[str, str] | None = None, **params: Any) -> dict[str, Any]:
    response = await client.get(AUDIT, params=params, headers=headers)
    assert response.status_code == 200, response.text
    page: dict[str, Any] = response.json()
    return page


async def total(client: Client, **params: Any) -> int:
    count: int = (await events(client, **params))["total"]
    return count


async def created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def create_organisation(client: Client, region_code: str = "11") -> dict[str, Any]:
    departement = {"11": "75", "53": "35"}[region_code]
    payload = organisation_payload(
        region_code=region_code, departement_code=departement, finess_et=finess(departement)
    )
    return await created(await client.post(ORGANISATIONS, json=payload))


def user_payload(**overrides: Any) -> dict[str, Any]:
    payload = {
        "email": f"personne.{next(_request_ids)}@ars.sante.fr",
        "display_name": "Claire Martin",
        "password": PASSWORD,
        "role": "ADMIN",
    }
    return payload | overrides


@pytest.fixture(autouse=True)
def quick_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheapest Argon2id parameters: the cost of a hash is not what these tests check."""
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher.from_parameters(profiles.CHEAPEST))


@pytest.fixture
async def admin_key_id(client: Client) -> str:
    key_id: str = (await client.get("/api/v1/me")).json()["id"]
    return key_id


# Exactly one event per mutation, with every field the issue asks for.


@dataclass
class Mutation:
    """What one mutation should leave in the trail."""

    response: httpx.Response
    action: str
    resource_type: str
    resource_id: str
    region_code: str | None
    fields: set[str] = field(default_factory=set)
    # For creations, the names sent (a subset: defaults may be listed too).
    exact: bool = True


Perform = Callable[[Client, dict[str, str]], Awaitable[Mutation]]


async def organisation_create(client: Client, headers: dict[str, str]) -> Mutation:
    payload = organisation_payload()
    response = await client.post(ORGANISATIONS, json=payload, headers=headers)
    body = await created(response)
    return Mutation(response, "CREATE", "ORGANISATION", body["id"], "11", set(payload), exact=False)


async def organisation_update(client: Client, headers: dict[str, str]) -> Mutation:
    organisation = await create_organisation(client, "53")
    response = await client.patch(
        f"{ORGANISATIONS}/{organisation['id']}",
        json={"capacity_places": 92, "name": "EHPAD Ker Avel"},
        headers=headers,
    )
    return Mutation(response, "UPDATE", "ORGANISATION", organisation["id"], "53", {"capacity_places", "name"})


async def organisation_delete(client: Client, headers: dict[str, str]) -> Mutation:
    organisation = await create_organisation(client)
    response = await client.delete(f"{ORGANISATIONS}/{organisation['id']}", headers=headers)
    return Mutation(response, "DELETE", "ORGANISATION", organisation["id"], "11")


async def _contact(client: Client, region_code: str = "11") -> tuple[str, dict[str, Any]]:
    organisation = await create_organisation(client, region_code)
    url = f"{ORGANISATIONS}/{organisation['id']}/contacts"
    return url, await created(await client.post(url, json=contact_payload()))


async def contact_create(client: Client, headers: dict[str, str]) -> Mutation:
    organisation = await create_organisation(client, "53")
    payload = contact_payload()
    response = await client.post(
        f"{ORGANISATIONS}/{organisation['id']}/contacts", json=payload, headers=headers
    )
    body = await created(response)
    return Mutation(response, "CREATE", "CONTACT", body["id"], "53", set(payload), exact=False)


async def contact_update(client: Client, headers: dict[str, str]) -> Mutation:
    url, contact = await _contact(client)
    response = await client.patch(f"{url}/{contact['id']}", json={"name": "Paul Durand"}, headers=headers)
    return Mutation(response, "UPDATE", "CONTACT", contact["id"], "11", {"name"})


async def contact_delete(client: Client, headers: dict[str, str]) -> Mutation:
    url, contact = await _contact(client)
    response = await client.delete(f"{url}/{contact['id']}", headers=headers)
    return Mutation(response, "DELETE", "CONTACT", contact["id"], "11")


async def user_create(client: Client, headers: dict[str, str]) -> Mutation:
    payload = user_payload(role="REGIONAL", region_code="53")
    response = await client.post(USERS, json=payload, headers=headers)
    body = await created(response)
    return Mutation(response, "CREATE", "USER", body["id"], "53", set(payload), exact=False)


async def user_update(client: Client, headers: dict[str, str]) -> Mutation:
    user = await created(await client.post(USERS, json=user_payload()))
    response = await client.patch(
        f"{USERS}/{user['id']}",
        json={"display_name": "Claire Durand", "password": NEW_PASSWORD},
        headers=headers,
    )
    return Mutation(response, "UPDATE", "USER", user["id"], None, {"display_name", "password"})


async def user_delete(client: Client, headers: dict[str, str]) -> Mutation:
    user = await created(await client.post(USERS, json=user_payload()))
    response = await client.delete(f"{USERS}/{user['id']}", headers=headers)
    return Mutation(response, "DELETE", "USER", user["id"], None)


async def api_key_create(client: Client, headers: dict[str, str]) -> Mutation:
    payload = {"name": "CRM du CRRC", "role": "REGIONAL", "region_code": "53"}
    response = await client.post(API_KEYS, json=payload, headers=headers)
    body = await created(response)
    return Mutation(response, "CREATE", "API_KEY", body["id"], "53", set(payload), exact=False)


async def api_key_update(client: Client, headers: dict[str, str]) -> Mutation:
    key = await created(await client.post(API_KEYS, json={"name": "CRM", "role": "ADMIN"}))
    response = await client.patch(f"{API_KEYS}/{key['id']}", json={"name": "CRM (prod)"}, headers=headers)
    return Mutation(response, "UPDATE", "API_KEY", key["id"], None, {"name"})


async def api_key_revoke(client: Client, headers: dict[str, str]) -> Mutation:
    key = await created(await client.post(API_KEYS, json={"name": "CRM", "role": "ADMIN"}))
    response = await client.delete(f"{API_KEYS}/{key['id']}", headers=headers)
    return Mutation(response, "REVOKE", "API_KEY", key["id"], None, {"revoked_at"})


MUTATIONS: list[Perform] = [
    organisation_create,
    organisation_update,
    organisation_delete,
    contact_create,
    contact_update,
    contact_delete,
    user_create,
    user_update,
    user_delete,
    api_key_create,
    api_key_update,
    api_key_revoke,
]


@pytest.mark.parametrize("perform", MUTATIONS, ids=[perform.__name__ for perform in MUTATIONS])
async def test_each_mutation_writes_exactly_one_event(
    client: Client, admin_key_id: str, perform: Perform
) -> None:
    """The setup of each case runs under other request ids: the trail must hold exactly one
    event with the mutation's own X-Request-ID, and it must be the newest."""
    headers = request_id()
    mutation = await perform(client, headers)
    assert mutation.response.status_code in (200, 201, 204), mutation.response.text
    trail = await events(client, limit=100)
    mine = [item for item in trail["items"] if item["request_id"] == headers["X-Request-ID"]]
    assert len(mine) == 1, mine
    event = mine[0]
    assert event == trail["items"][0], "the newest event comes first"
    assert event["actor_type"] == "API_KEY"
    assert event["actor_id"] == admin_key_id
    assert event["actor_label"] == "Tests (admin)"
    assert event["actor_role"] == "ADMIN"
    assert event["action"] == mutation.action
    assert event["resource_type"] == mutation.resource_type
    assert event["resource_id"] == mutation.resource_id
    assert event["region_code"] == mutation.region_code
    assert event["request_id"] == mutation.response.headers["x-request-id"]
    assert event["client_address"] == TEST_CLIENT_ADDRESS
    assert event["occurred_at"].endswith("Z")
    if mutation.exact:
        assert set(event["changed_fields"]) == mutation.fields
    else:
        assert mutation.fields <= set(event["changed_fields"])
    filtered = await events(client, resource_id=mutation.resource_id, action=mutation.action)
    assert ids(filtered) == [event["id"]]


@pytest.mark.parametrize(
    ("action", "action_label", "resource_type", "resource_type_label"),
    [
        ("CREATE", "Création", "ORGANISATION", "Établissement"),
        ("REVOKE", "Révocation", "API_KEY", "Clé d'API"),
    ],
)
async def test_events_carry_french_labels(
    client: Client, action: str, action_label: str, resource_type: str, resource_type_label: str
) -> None:
    await (organisation_create if action == "CREATE" else api_key_revoke)(client, {})
    event = (await events(client, action=action, resource_type=resource_type))["items"][0]
    assert (event["action_label"], event["resource_type_label"]) == (action_label, resource_type_label)


async def test_without_x_request_id_the_generated_one_is_recorded(client: Client) -> None:
    response = await client.post(ORGANISATIONS, json=organisation_payload())
    event = (await events(client, resource_id=(await created(response))["id"]))["items"][0]
    assert event["request_id"] == response.headers["x-request-id"]
    assert event["request_id"]


@pytest.mark.parametrize("sent", ["<script>", "a b", "x" * 129])
async def test_an_unsafe_x_request_id_is_replaced_in_the_trail_too(client: Client, sent: str) -> None:
    response = await client.post(ORGANISATIONS, json=organisation_payload(), headers={"X-Request-ID": sent})
    event = (await events(client, resource_id=(await created(response))["id"]))["items"][0]
    assert event["request_id"] == response.headers["x-request-id"] != sent


async def test_an_event_names_fields_never_values_nor_secrets(client: Client) -> None:
    user = await created(await client.post(USERS, json=user_payload(display_name="Yvonne Kerjean")))
    changed = await client.patch(f"{USERS}/{user['id']}", json={"password": NEW_PASSWORD})
    assert changed.status_code == 200, changed.text
    key = await created(await client.post(API_KEYS, json={"name": "Export ANS", "role": "ADMIN"}))
    organisation = await created(
        await client.post(
            ORGANISATIONS, json=organisation_payload(name="EHPAD Roz Avel", short_name="Roz Avel Kemper")
        )
    )

    trail = await client.get(AUDIT, params={"limit": 100})
    for value in (PASSWORD, NEW_PASSWORD, key["secret"], secret_part(key["secret"]), "$argon2"):
        assert value not in trail.text
    for value in ("Yvonne Kerjean", "EHPAD Roz Avel", "Roz Avel Kemper", organisation["finess_et"]):
        assert value not in trail.text
    password_change = (await events(client, resource_id=user["id"], action="UPDATE"))["items"][0]
    assert password_change["changed_fields"] == ["password"]


async def test_an_actor_is_recorded_with_its_own_role_and_scope(client: Client, issue_key: KeyIssuer) -> None:
    regional = await issue_key(AccountRole.REGIONAL, region_code="53", name="CRRC Bretagne")
    me = (await client.get("/api/v1/me", headers=bearer(regional))).json()
    response = await client.post(
        ORGANISATIONS,
        json=organisation_payload(region_code="53", departement_code="35", finess_et=finess("35")),
        headers=bearer(regional),
    )
    event = (await events(client, resource_id=(await created(response))["id"]))["items"][0]
    assert (event["actor_type"], event["actor_id"], event["actor_label"]) == (
        "API_KEY",
        me["id"],
        "CRRC Bretagne",
    )
    assert (event["actor_role"], event["region_code"]) == ("REGIONAL", "53")


async def test_keys_created_from_the_command_line_are_audited(client: Client, issue_key: KeyIssuer) -> None:
    token = await issue_key(AccountRole.REGIONAL, region_code="53")
    key_id = (await client.get("/api/v1/me", headers=bearer(token))).json()["id"]
    event = (await events(client, resource_id=key_id))["items"][0]
    assert (event["action"], event["actor_type"], event["actor_role"]) == ("CREATE", "COMMAND_LINE", "ADMIN")
    assert token not in str(event)


# A refused mutation writes nothing.


async def test_refused_mutations_write_no_event(client: Client, issue_key: KeyIssuer) -> None:
    organisation = await create_organisation(client)
    url = f"{ORGANISATIONS}/{organisation['id']}"
    contacts = f"{url}/contacts"
    contact = await created(await client.post(contacts, json=contact_payload()))
    user = await created(await client.post(USERS, json=user_payload()))
    key = await created(await client.post(API_KEYS, json={"name": "CRM", "role": "ADMIN"}))
    regional = bearer(await issue_key(AccountRole.REGIONAL, region_code="53"))
    missing = "0190a000-0000-7000-8000-000000000000"
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    stale = {"If-Match": '"7"'}
    before = await total(client)

    refusals: list[tuple[int, httpx.Response]] = [
        (422, await client.post(ORGANISATIONS, json=organisation_payload(departement_code="35"))),
        (422, await client.patch(url, json={"departement_code": "69"})),
        (412, await client.patch(url, json={"capacity_places": 3}, headers=stale)),
        (412, await client.delete(url, headers=stale)),
        (404, await client.patch(f"{ORGANISATIONS}/{missing}", json={"capacity_places": 3})),
        (404, await client.delete(f"{ORGANISATIONS}/{missing}")),
        (403, await client.post(ORGANISATIONS, json=organisation_payload(), headers=regional)),
        (404, await client.patch(url, json={"capacity_places": 3}, headers=regional)),
        (422, await client.patch(f"{contacts}/{contact['id']}", json={"backup_for_id": contact["id"]})),
        (412, await client.delete(f"{contacts}/{contact['id']}", headers=stale)),
        (404, await client.post(f"{ORGANISATIONS}/{missing}/contacts", json=contact_payload())),
        (409, await client.post(USERS, json=user_payload(email=user["email"]))),
        (422, await client.post(USERS, json=user_payload(role="REGIONAL"))),
        (412, await client.patch(f"{USERS}/{user['id']}", json={"password": NEW_PASSWORD}, headers=stale)),
        (403, await client.post(USERS, json=user_payload(), headers=regional)),
        (422, await client.post(API_KEYS, json={"name": "CRM", "role": "ADMIN", "expires_at": past})),
        (422, await client.patch(f"{API_KEYS}/{key['id']}", json={"expires_at": past})),
        (412, await client.delete(f"{API_KEYS}/{key['id']}", headers=stale)),
        (404, await client.delete(f"{API_KEYS}/{missing}")),
    ]
    for status, response in refusals:
        assert response.status_code == status, (response.request.method, response.request.url, response.text)
    assert await total(client) == before


async def test_a_replayed_creation_and_a_second_revocation_write_no_event(client: Client) -> None:
    payload, headers = organisation_payload(), {"Idempotency-Key": "crm-0042"}
    first = await created(await client.post(ORGANISATIONS, json=payload, headers=headers))
    replay = await client.post(ORGANISATIONS, json=payload, headers=headers)
    assert replay.headers["idempotent-replayed"] == "true"
    assert await total(client, resource_id=first["id"]) == 1

    key = await created(await client.post(API_KEYS, json={"name": "CRM", "role": "ADMIN"}))
    for _ in range(2):
        assert (await client.delete(f"{API_KEYS}/{key['id']}")).status_code == 204
    assert await total(client, resource_id=key["id"], action="REVOKE") == 1


# Reading the trail: filters, pagination, order, scope.


@dataclass(frozen=True)
class History:
    """A few events by two actors, oldest first."""

    admin_id: str
    other_id: str
    first: dict[str, Any]
    second: dict[str, Any]
    user: dict[str, Any]
    items: list[dict[str, Any]]


@pytest.fixture
async def history(client: Client, issue_key: KeyIssuer, admin_key_id: str) -> History:
    other = bearer(await issue_key(AccountRole.ADMIN, name="Seconde intégration"))
    other_id = (await client.get("/api/v1/me", headers=other)).json()["id"]
    first = await create_organisation(client)
    await client.patch(f"{ORGANISATIONS}/{first['id']}", json={"capacity_places": 90})
    second = await created(await client.post(ORGANISATIONS, json=organisation_payload(), headers=other))
    user = await created(await client.post(USERS, json=user_payload(), headers=other))
    await client.patch(f"{ORGANISATIONS}/{second['id']}", json={"capacity_places": 12}, headers=other)
    everything = await events(client, limit=100)
    return History(admin_key_id, other_id, first, second, user, list(reversed(everything["items"])))


def ids(page: dict[str, Any]) -> list[str]:
    return [item["id"] for item in page["items"]]


async def test_events_come_newest_first_by_default(client: Client, history: History) -> None:
    page = await events(client)
    moments = [item["occurred_at"] for item in page["items"]]
    assert moments == sorted(moments, reverse=True)
    assert ids(page) == [item["id"] for item in reversed(history.items)]
    oldest_first = await events(client, order="asc")
    assert ids(oldest_first) == [item["id"] for item in history.items]


async def test_pagination_walks_the_trail_without_gaps(client: Client, history: History) -> None:
    seen: list[str] = []
    for offset in range(0, len(history.items), 2):
        page = await events(client, limit=2, offset=offset)
        assert (page["total"], page["limit"], page["offset"]) == (len(history.items), 2, offset)
        seen += ids(page)
    assert seen == [item["id"] for item in reversed(history.items)]
    beyond = await events(client, offset=len(history.items))
    assert (beyond["items"], beyond["total"]) == ([], len(history.items))


async def test_filters_select_events(client: Client, history: History) -> None:
    updates = await events(client, action="UPDATE")
    assert [item["resource_id"] for item in updates["items"]] == [history.second["id"], history.first["id"]]
    users = await events(client, resource_type="USER")
    assert [item["resource_id"] for item in users["items"]] == [history.user["id"]]
    first = await events(client, resource_id=history.first["id"])
    assert [item["action"] for item in first["items"]] == ["UPDATE", "CREATE"]
    by_other = await events(client, actor_id=history.other_id)
    assert by_other["total"] == 3
    assert {item["actor_label"] for item in by_other["items"]} == {"Seconde intégration"}
    combined = await events(client, actor_id=history.other_id, resource_type="ORGANISATION", action="CREATE")
    assert [item["resource_id"] for item in combined["items"]] == [history.second["id"]]
    nothing = await events(client, actor_id=history.admin_id, resource_type="USER")
    assert (nothing["total"], nothing["items"]) == (0, [])


def _as_paris_time(moment: str) -> str:
    """The same instant written with a +01:00 offset."""
    parsed = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    return parsed.astimezone(timezone(timedelta(hours=1))).isoformat()


async def test_since_is_inclusive_and_until_exclusive(client: Client, history: History) -> None:
    pivot = next(item for item in history.items if item["resource_id"] == history.second["id"])
    position = history.items.index(pivot)
    later = [item["id"] for item in reversed(history.items[position:])]
    earlier = [item["id"] for item in reversed(history.items[:position])]
    for moment in (pivot["occurred_at"], _as_paris_time(pivot["occurred_at"])):
        since = await events(client, since=moment)
        assert (ids(since), since["total"]) == (later, len(later))
        until = await events(client, until=moment)
        assert (ids(until), until["total"]) == (earlier, len(earlier))
    window = await events(client, since=history.items[1]["occurred_at"], until=pivot["occurred_at"])
    assert ids(window) == [item["id"] for item in reversed(history.items[1:position])]
    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    assert await total(client, since=future) == 0


@pytest.mark.parametrize("value", ["0.5", "1764320000", "hier", "2026-13-01T00:00:00Z", "2026-11-28 25:00"])
@pytest.mark.parametrize("name", ["since", "until"])
async def test_a_bad_date_is_400(client: Client, name: str, value: str) -> None:
    response = await client.get(AUDIT, params={name: value})
    body = assert_problem(response, 400, "invalid_date", field=name)
    assert "RFC 3339" in body["detail"]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"action": "create"}, "action"), ({"resource_id": "42"}, "resource_id"), ({"limit": 101}, "limit")],
)
async def test_bad_filters_are_400(client: Client, params: dict[str, Any], field: str) -> None:
    assert_problem(await client.get(AUDIT, params=params), 400, "invalid_request", field=field)


async def test_a_regional_key_reads_the_events_of_its_region_only(
    client: Client, issue_key: KeyIssuer
) -> None:
    regional = bearer(await issue_key(AccountRole.REGIONAL, region_code="53"))
    paris = await create_organisation(client, "11")
    rennes = await create_organisation(client, "53")
    await client.patch(f"{ORGANISATIONS}/{paris['id']}", json={"capacity_places": 3})
    await client.post(f"{ORGANISATIONS}/{rennes['id']}/contacts", json=contact_payload())
    await client.post(USERS, json=user_payload(role="ESTABLISHMENT", organisation_ids=[rennes["id"]]))
    await client.post(USERS, json=user_payload(role="ESTABLISHMENT", organisation_ids=[paris["id"]]))
    await client.post(API_KEYS, json={"name": "CRM", "role": "ADMIN"})

    everything = (await events(client, limit=100))["items"]
    expected = [item["id"] for item in everything if item["region_code"] == "53"]
    assert len(expected) >= 3
    seen = await events(client, headers=regional, limit=100)
    assert ids(seen) == expected
    assert seen["total"] == len(expected)
    for probe in ({"resource_id": paris["id"]}, {"action": "UPDATE"}):
        page = await events(client, headers=regional, **probe)
        assert (page["total"], page["items"]) == (0, [])
    assert (await events(client, headers=regional, resource_type="USER"))["total"] == 1
    assert (await events(client, headers=regional, resource_id=rennes["id"]))["total"] == 1


@pytest.mark.parametrize("role", [AccountRole.ESTABLISHMENT, AccountRole.OBSERVATORY])
async def test_other_roles_cannot_read_the_trail(
    client: Client, issue_key: KeyIssuer, role: AccountRole
) -> None:
    organisation = await create_organisation(client)
    scope = {"organisation_ids": [organisation["id"]]} if role is AccountRole.ESTABLISHMENT else {}
    response = await client.get(AUDIT, headers=bearer(await issue_key(role, **scope)))
    assert_problem(response, 403, "role_forbidden")


# Append-only, in the database itself.


async def test_the_trail_cannot_be_rewritten_even_in_sql(client: Client, settings: Settings) -> None:
    organisation = await create_organisation(client)
    before = await events(client, limit=100)
    engine = create_async_engine(settings.database.url)
    try:
        for statement in (
            update(AuditEvent).values(actor_label="quelqu'un d'autre"),
            update(AuditEvent).where(AuditEvent.resource_id == organisation["id"]).values(changed_fields=[]),
            delete(AuditEvent).where(AuditEvent.resource_id == organisation["id"]),
            delete(AuditEvent),
        ):
            with pytest.raises(SQLAlchemyError, match="append-only"):
                async with engine.begin() as connection:
                    await connection.execute(statement)
        async with engine.connect() as connection:
            rows = await connection.scalar(select(func.count()).select_from(AuditEvent))
    finally:
        await engine.dispose()
    assert rows == before["total"] >= 2
    assert await events(client, limit=100) == before


async def test_the_trail_cannot_be_truncated(client: Client, settings: Settings) -> None:
    """PostgreSQL's row triggers do not fire on TRUNCATE: it needs a statement trigger of its own
    (SQLite has no TRUNCATE; its `DELETE FROM` without WHERE is covered above)."""
    if not settings.database.url.startswith("postgresql"):
        pytest.skip("TRUNCATE is a PostgreSQL statement")
    await create_organisation(client)
    before = await total(client)
    engine = create_async_engine(settings.database.url)
    try:
        with pytest.raises(SQLAlchemyError, match="append-only"):
            async with engine.begin() as connection:
                await connection.execute(text("TRUNCATE audit_event"))
    finally:
        await engine.dispose()
    assert await total(client) == before
