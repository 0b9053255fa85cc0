"""Bad input: every refused request is a French problem+json naming the culprit, and writes nothing.

Each write is tried on organisations and on contacts, as a creation (POST) and as a partial
update (PATCH). After every refusal the whole visible state (both lists, the stored organisation
and contact with their revision) must be exactly what it was before the request.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.factories import contact_payload, finess, organisation_payload
from tests.problems import assert_problem

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]
ORGANISATIONS = "/api/v1/organisations"
HUGE_INTEGER = 10**30
LONG_TEXT = "x" * 100_000
OVER_ONE_MIB = "x" * (1024 * 1024 + 1)
STALE_ETAG = '"41"'

CREATE_ORGANISATION = "POST organisation"
UPDATE_ORGANISATION = "PATCH organisation"
CREATE_CONTACT = "POST contact"
UPDATE_CONTACT = "PATCH contact"
WRITES = (CREATE_ORGANISATION, UPDATE_ORGANISATION, CREATE_CONTACT, UPDATE_CONTACT)


def bad_key_finess() -> str:
    valid = finess("75")
    return valid[:-1] + str((int(valid[-1]) + 1) % 10)


@dataclass
class World:
    """Two organisations with one contact each; the first pair is the target of the writes."""

    client: Client
    organisation: dict[str, Any]
    contact: dict[str, Any]
    neighbour: dict[str, Any]
    neighbour_contact: dict[str, Any]

    @property
    def organisation_url(self) -> str:
        return f"{ORGANISATIONS}/{self.organisation['id']}"

    @property
    def contacts_url(self) -> str:
        return f"{self.organisation_url}/contacts"

    @property
    def contact_url(self) -> str:
        return f"{self.contacts_url}/{self.contact['id']}"

    def url_of(self, write: str) -> str:
        return {
            CREATE_ORGANISATION: ORGANISATIONS,
            UPDATE_ORGANISATION: self.organisation_url,
            CREATE_CONTACT: self.contacts_url,
            UPDATE_CONTACT: self.contact_url,
        }[write]

    async def send(
        self,
        write: str,
        *,
        json: Any = None,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        method = "POST" if write.startswith("POST") else "PATCH"
        if content is not None:
            headers = {"content-type": "application/json", **(headers or {})}
            return await self.client.request(method, self.url_of(write), content=content, headers=headers)
        return await self.client.request(method, self.url_of(write), json=json, headers=headers)

    async def state(self) -> dict[str, Any]:
        """Everything a refused write could have touched, as a user can read it."""
        reads = {
            "organisations": ORGANISATIONS + "?limit=100",
            "contacts": self.contacts_url + "?limit=100",
            "neighbour contacts": f"{ORGANISATIONS}/{self.neighbour['id']}/contacts?limit=100",
            "organisation": self.organisation_url,
            "contact": self.contact_url,
        }
        state = {}
        for name, url in reads.items():
            response = await self.client.get(url)
            assert response.status_code == 200, response.text
            state[name] = response.json()
        return state

    async def assert_unchanged(self, before: dict[str, Any]) -> None:
        after = await self.state()
        assert after["organisations"]["total"] == before["organisations"]["total"] == 2
        assert after["contacts"]["total"] == before["contacts"]["total"] == 1
        assert after["organisation"]["revision"] == before["organisation"]["revision"] == 1
        assert after["contact"]["revision"] == before["contact"]["revision"] == 1
        assert after == before


@pytest.fixture
async def world(client: Client) -> World:
    created = []
    for name in ("EHPAD Les Tilleuls", "EHPAD Les Charmes"):
        response = await client.post(ORGANISATIONS, json=organisation_payload(name=name))
        assert response.status_code == 201, response.text
        organisation = response.json()
        response = await client.post(
            f"{ORGANISATIONS}/{organisation['id']}/contacts", json=contact_payload(name=f"Direction {name}")
        )
        assert response.status_code == 201, response.text
        created += [organisation, response.json()]
    return World(client, *created)


def body_for(write: str, overrides: dict[str, Any]) -> dict[str, Any]:
    """A creation sends a complete valid body with the overrides; an update sends only them."""
    if write == CREATE_ORGANISATION:
        return organisation_payload(**overrides)
    if write == CREATE_CONTACT:
        return contact_payload(**overrides)
    return dict(overrides)


# Bodies that are not what the schema describes: 400, field named, nothing written.

ORGANISATION_SCHEMA_ERRORS = [
    ("wrong type", {"capacity_places": "quatre-vingts"}, "capacity_places"),
    ("wrong type (enum)", {"category": 500}, "category"),
    ("unknown category", {"category": "HOPITAL"}, "category"),
    ("unknown field", {"colour": "red"}, "colour"),
    ("null required field", {"name": None}, "name"),
    ("empty name", {"name": ""}, "name"),
    ("whitespace-only name", {"name": "   "}, "name"),
    ("whitespace-only short_name", {"short_name": " \t "}, "short_name"),
    ("whitespace-only organisme_gestionnaire", {"organisme_gestionnaire": "\n"}, "organisme_gestionnaire"),
    ("empty finess_et", {"finess_et": ""}, "finess_et"),
    ("100 000 characters name", {"name": LONG_TEXT}, "name"),
    ("100 000 characters short_name", {"short_name": LONG_TEXT}, "short_name"),
    ("100 000 characters finess_et", {"finess_et": LONG_TEXT}, "finess_et"),
    ("huge capacity_places", {"capacity_places": HUGE_INTEGER}, "capacity_places"),
    ("huge negative sites_count", {"sites_count": -HUGE_INTEGER}, "sites_count"),
]
CONTACT_SCHEMA_ERRORS = [
    ("wrong type (phones)", {"phones": "01 23 45 67 89"}, "phones"),
    ("wrong type (one phone)", {"phones": ["01 23 45 67 89", 123456789]}, "phones[1]"),
    ("wrong type (backup_for_id)", {"backup_for_id": 42}, "backup_for_id"),
    ("malformed backup_for_id", {"backup_for_id": "not-a-uuid"}, "backup_for_id"),
    ("unknown role", {"role": "PRESIDENT"}, "role"),
    ("unknown field", {"colour": "red"}, "colour"),
    ("null required field", {"name": None}, "name"),
    ("empty name", {"name": ""}, "name"),
    ("whitespace-only name", {"name": "   "}, "name"),
    ("whitespace-only organisation_name", {"organisation_name": "\t"}, "organisation_name"),
    (
        "whitespace-only availability_hours",
        {"availability": "HORAIRES", "availability_hours": "  "},
        "availability_hours",
    ),
    ("empty email", {"email": ""}, "email"),
    ("100 000 characters name", {"name": LONG_TEXT}, "name"),
    ("100 000 characters notes", {"notes": LONG_TEXT}, "notes"),
    ("100 000 characters email", {"email": LONG_TEXT}, "email"),
    ("100 000 characters phone", {"phones": [LONG_TEXT]}, "phones[0]"),
    ("six phones", {"phones": ["01 23 45 67 89"] * 6}, "phones"),
]
SCHEMA_ERRORS = [
    pytest.param(write, overrides, field, id=f"{write}: {label}")
    for writes, cases in (
        ((CREATE_ORGANISATION, UPDATE_ORGANISATION), ORGANISATION_SCHEMA_ERRORS),
        ((CREATE_CONTACT, UPDATE_CONTACT), CONTACT_SCHEMA_ERRORS),
    )
    for write in writes
    for label, overrides, field in cases
]


@pytest.mark.parametrize(("write", "overrides", "field"), SCHEMA_ERRORS)
async def test_schema_invalid_body_is_400_naming_the_field(
    world: World, write: str, overrides: dict[str, Any], field: str
) -> None:
    before = await world.state()
    response = await world.send(write, json=body_for(write, overrides))
    assert_problem(response, 400, "invalid_request", field=field)
    await world.assert_unchanged(before)


@pytest.mark.parametrize(
    ("write", "missing"),
    [(CREATE_ORGANISATION, "name"), (CREATE_ORGANISATION, "finess_et"), (CREATE_CONTACT, "role")],
)
async def test_missing_required_field_is_400_naming_it(world: World, write: str, missing: str) -> None:
    body = body_for(write, {})
    del body[missing]
    before = await world.state()
    response = await world.send(write, json=body)
    body = assert_problem(response, 400, "invalid_request", field=missing)
    assert body["errors"][0]["message"] == "Champ obligatoire manquant."
    await world.assert_unchanged(before)


@pytest.mark.parametrize("write", WRITES)
async def test_json_array_instead_of_object_is_400(world: World, write: str) -> None:
    before = await world.state()
    response = await world.send(write, json=[body_for(write, {})])
    body = assert_problem(response, 400, "invalid_request", field="body")
    assert body["errors"][0]["message"] == "Doit être un objet JSON (reçu : une liste)."
    await world.assert_unchanged(before)


@pytest.mark.parametrize("write", WRITES)
async def test_malformed_json_has_its_own_code(world: World, write: str) -> None:
    before = await world.state()
    response = await world.send(write, content=b'{"name": ')
    body = assert_problem(response, 400, "malformed_json")
    assert body["detail"] == "Le corps de la requête n'est pas un JSON valide."
    assert body["title"] == "Requête invalide"
    await world.assert_unchanged(before)


@pytest.mark.parametrize(
    ("write", "overrides"),
    [
        (CREATE_ORGANISATION, {"name": OVER_ONE_MIB}),
        (UPDATE_ORGANISATION, {"name": OVER_ONE_MIB}),
        (CREATE_CONTACT, {"notes": OVER_ONE_MIB}),
        (UPDATE_CONTACT, {"notes": OVER_ONE_MIB}),
    ],
)
async def test_body_over_one_mebibyte_is_413(world: World, write: str, overrides: dict[str, Any]) -> None:
    before = await world.state()
    response = await world.send(write, json=body_for(write, overrides))
    assert_problem(response, 413, "payload_too_large")
    await world.assert_unchanged(before)


# Well-formed bodies refused by a business rule: 422 with the rule's code, nothing written.

ORGANISATION_RULE_ERRORS = [
    ("FINESS with a bad key", {"finess_et": bad_key_finess()}, "finess_et", "finess_checksum"),
    (
        "FINESS of another département",
        {"finess_et": finess("69")},
        "finess_et",
        "finess_departement_mismatch",
    ),
    (
        "département outside its region",
        {"departement_code": "69"},
        "departement_code",
        "departement_not_in_region",
    ),
    ("unknown region", {"region_code": "99"}, "region_code", "unknown_region"),
    ("unknown département", {"departement_code": "96"}, "departement_code", "unknown_departement"),
    ("category without a default mode", {"category": "OTHER"}, "service_mode", "service_mode_required"),
    (
        "SIRET of another SIREN",
        {"siren": "732829320", "siret": "44306184100047"},
        "siret",
        "siret_siren_mismatch",
    ),
]
CONTACT_RULE_ERRORS = [
    ("invalid phone", {"phones": ["01 23 45 67 89", "12 34"]}, "phones[1]", "invalid_phone"),
    ("invalid email", {"email": "claire..martin@ehpad.fr"}, "email", "invalid_email"),
    ("hours missing", {"availability": "HORAIRES"}, "availability_hours", "availability_hours_required"),
    ("backup unknown", {"backup_for_id": str(uuid.uuid4())}, "backup_for_id", "unknown_contact"),
    ("backup in another directory", {"backup_for_id": "NEIGHBOUR"}, "backup_for_id", "unknown_contact"),
]
RULE_ERRORS = [
    pytest.param(write, overrides, field, code, id=f"{write}: {label}")
    for writes, cases in (
        ((CREATE_ORGANISATION, UPDATE_ORGANISATION), ORGANISATION_RULE_ERRORS),
        ((CREATE_CONTACT, UPDATE_CONTACT), CONTACT_RULE_ERRORS),
    )
    for write in writes
    for label, overrides, field, code in cases
] + [
    pytest.param(UPDATE_CONTACT, {"backup_for_id": "SELF"}, "backup_for_id", "self_backup", id="self backup")
]


@pytest.mark.parametrize(("write", "overrides", "field", "code"), RULE_ERRORS)
async def test_business_rule_violation_is_422_naming_the_field(
    world: World, write: str, overrides: dict[str, Any], field: str, code: str
) -> None:
    references = {"SELF": world.contact["id"], "NEIGHBOUR": world.neighbour_contact["id"]}
    overrides = {
        name: references.get(value, value) if isinstance(value, str) else value
        for name, value in overrides.items()
    }
    before = await world.state()
    response = await world.send(write, json=body_for(write, overrides))
    body = assert_problem(response, 422, "validation_failed")
    assert (field, code) in [(error["field"], error["code"]) for error in body["errors"]], body["errors"]
    await world.assert_unchanged(before)


# Conflicts with the stored state.


async def test_duplicate_finess_is_409(world: World) -> None:
    before = await world.state()
    taken = world.neighbour["finess_et"]
    created = await world.send(CREATE_ORGANISATION, json=organisation_payload(finess_et=taken))
    body = assert_problem(created, 409, "duplicate_finess", field="finess_et")
    assert taken in body["detail"]
    updated = await world.send(UPDATE_ORGANISATION, json={"finess_et": taken})
    assert_problem(updated, 409, "duplicate_finess", field="finess_et")
    await world.assert_unchanged(before)


@pytest.mark.parametrize(
    ("method", "target"),
    [
        ("PATCH", "organisation"),
        ("DELETE", "organisation"),
        ("PATCH", "contact"),
        ("DELETE", "contact"),
    ],
)
async def test_stale_if_match_is_412_with_the_current_etag(world: World, method: str, target: str) -> None:
    url = world.organisation_url if target == "organisation" else world.contact_url
    before = await world.state()
    response = await world.client.request(
        method,
        url,
        json={"name": "Nom modifié"} if method == "PATCH" else None,
        headers={"If-Match": STALE_ETAG},
    )
    assert_problem(response, 412, "precondition_failed")
    assert response.headers["etag"] == '"1"'
    await world.assert_unchanged(before)


# Query parameters of the lists.

LIST_PARAMETER_ERRORS = [
    ("limit=0", "limit"),
    ("limit=101", "limit"),
    (f"limit={HUGE_INTEGER}", "limit"),
    ("limit=vingt", "limit"),
    ("offset=-1", "offset"),
    ("offset=100001", "offset"),
    ("sort=colour", "sort"),
    ("order=up", "order"),
]


@pytest.mark.parametrize("listing", ["organisations", "contacts"])
@pytest.mark.parametrize(("query", "field"), LIST_PARAMETER_ERRORS)
async def test_out_of_range_list_parameter_is_400(world: World, listing: str, query: str, field: str) -> None:
    url = ORGANISATIONS if listing == "organisations" else world.contacts_url
    response = await world.client.get(f"{url}?{query}")
    assert_problem(response, 400, "invalid_request", field=field)


# Identifiers in the path that are not UUIDs: 404, never 500.

NOT_UUIDS = ["not-a-uuid", "42", "00000000-0000-0000-0000-00000000000g", "x" * 1000]
PATH_TEMPLATES = [
    ("GET", "{organisations}/{bad}"),
    ("PATCH", "{organisations}/{bad}"),
    ("DELETE", "{organisations}/{bad}"),
    ("GET", "{organisations}/{bad}/contacts"),
    ("POST", "{organisations}/{bad}/contacts"),
    ("GET", "{contacts}/{bad}"),
    ("PATCH", "{contacts}/{bad}"),
    ("DELETE", "{contacts}/{bad}"),
]


@pytest.mark.parametrize("bad", NOT_UUIDS, ids=["word", "number", "almost-uuid", "1000-chars"])
@pytest.mark.parametrize(("method", "template"), PATH_TEMPLATES)
async def test_non_uuid_identifier_is_404(world: World, method: str, template: str, bad: str) -> None:
    url = template.format(organisations=ORGANISATIONS, contacts=world.contacts_url, bad=bad)
    before = await world.state()
    body = contact_payload() if method == "POST" else {"name": "Nom modifié"} if method == "PATCH" else None
    response = await world.client.request(method, url, json=body)
    assert_problem(response, 404, "not_found")
    await world.assert_unchanged(before)


# Beyond the list: whitespace-only e-mail, control characters, malformed geography filters.


@pytest.mark.parametrize("write", [CREATE_CONTACT, UPDATE_CONTACT])
async def test_whitespace_only_email_is_refused(world: World, write: str) -> None:
    before = await world.state()
    response = await world.send(write, json=body_for(write, {"email": "   "}))
    # Refused either by the schema (400) or by the e-mail rule (422): both name the field.
    assert response.status_code in {400, 422}, response.text
    code = {400: "invalid_request", 422: "validation_failed"}[response.status_code]
    assert_problem(response, response.status_code, code, field="email")
    await world.assert_unchanged(before)


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize("text", ["EHPAD\u0000Tilleuls", "EHPAD\u001bTilleuls"], ids=["NUL", "ESC"])
async def test_control_character_in_text_is_400(world: World, write: str, text: str) -> None:
    # PostgreSQL cannot store U+0000: it must be refused as input, not reach the database.
    before = await world.state()
    response = await world.send(write, json=body_for(write, {"name": text}))
    assert_problem(response, 400, "invalid_request", field="name")
    await world.assert_unchanged(before)


async def test_control_character_in_search_is_400(world: World) -> None:
    response = await world.client.get(f"{ORGANISATIONS}?q=EHPAD%00")
    assert_problem(response, 400, "invalid_request", field="q")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("region_code=abc", "region_code"),
        ("departement_code=9999", "departement_code"),
        ("finess=75000001", "finess"),
        ("category=HOPITAL", "category"),
        ("q=", "q"),
    ],
)
async def test_malformed_organisation_filter_is_400(world: World, query: str, field: str) -> None:
    response = await world.client.get(f"{ORGANISATIONS}?{query}")
    assert_problem(response, 400, "invalid_request", field=field)


async def test_unknown_role_filter_is_400(world: World) -> None:
    response = await world.client.get(f"{world.contacts_url}?role=PRESIDENT")
    assert_problem(response, 400, "invalid_request", field="role")


@pytest.mark.parametrize("write", [CREATE_CONTACT, UPDATE_CONTACT])
@pytest.mark.parametrize("email", ["claire.martin", "claire martin@ehpad.fr", "@ehpad.fr"])
async def test_email_without_the_shape_of_an_address_is_400(world: World, write: str, email: str) -> None:
    before = await world.state()
    response = await world.send(write, json=body_for(write, {"email": email}))
    assert_problem(response, 400, "invalid_request", field="email")
    await world.assert_unchanged(before)


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize(
    "body",
    [b'{"name": "\xff"}', b"[" * 1000 + b"]" * 1000, '{"name": "é"}'.encode("latin-1")],
    ids=["invalid UTF-8", "nested 1000 deep", "Latin-1 text"],
)
async def test_undecodable_json_is_400_not_500(world: World, write: str, body: bytes) -> None:
    """Regression: invalid UTF-8 and deep nesting escaped Litestar's decoder as 500s."""
    before = await world.state()
    response = await world.send(write, content=body)
    assert_problem(response, 400, "malformed_json")
    await world.assert_unchanged(before)


@pytest.mark.parametrize("write", WRITES)
async def test_bidirectional_override_in_text_is_400(world: World, write: str) -> None:
    before = await world.state()
    response = await world.send(write, json=body_for(write, {"name": "EHPAD \u202eseluelliT seL"}))
    assert_problem(response, 400, "invalid_request", field="name")
    await world.assert_unchanged(before)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/organisations", {"regoin_code": "84"}),
        ("/api/v1/organisations", {"region_code": "84", "page": "2"}),
    ],
)
async def test_unknown_query_parameters_are_400_naming_them(
    world: World, path: str, params: dict[str, str]
) -> None:
    """A misspelt filter must not silently return the unfiltered list."""
    response = await world.client.get(path, params=params)
    body = assert_problem(response, 400, "invalid_request")
    known = {"region_code"}
    assert [error["field"] for error in body["errors"]] == sorted(set(params) - known)
    assert body["errors"][0]["code"] == "unknown_parameter"


async def test_contact_list_refuses_an_unknown_filter(world: World) -> None:
    response = await world.client.get(world.url_of(CREATE_CONTACT), params={"role": "DPO", "nom": "Martin"})
    assert_problem(response, 400, "invalid_request", field="nom")
