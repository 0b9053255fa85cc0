"""Every API operation refuses a request without a valid key (issue S2, point 8's separate run).

The operations come from the application's own OpenAPI document, so a new endpoint is covered
the day it is added. Each is called with no ``Authorization`` header, with malformed ones and
with a well-formed key nobody issued: the answer is always 401 problem+json with an RFC 6750
``WWW-Authenticate: Bearer realm="kit-crise"`` challenge, and never reaches the handler (a write
with a valid body creates nothing). The health probes and the spec itself stay public.

None of these requests may write, so one database and one application serve the whole module.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.engine import make_url

from service.app import create_app
from service.security.api_keys import generate_key
from service.settings import Settings
from tests.conftest import TEST_DATABASE_URL, DatabaseServer, Template, bearer, settings_for
from tests.factories import organisation_payload
from tests.problems import assert_problem

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]
API_PREFIX = "/api/v1/"
METHODS = ("get", "post", "put", "patch", "delete")
WRITES = {"post", "put", "patch"}
REALM = 'Bearer realm="kit-crise"'
SCHEMA_DOCUMENT = "/schema/openapi.json"


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str
    path: str
    operation: dict[str, Any]

    def url(self) -> str:
        """The path with every parameter filled by a random UUID (no object need exist)."""
        names = [
            parameter["name"]
            for parameter in self.operation.get("parameters", ())
            if parameter["in"] == "path"
        ]
        return self.path.format(**{name: uuid.uuid4() for name in names})

    def body(self) -> dict[str, Any] | None:
        return {} if self.method in WRITES else None


def _document() -> dict[str, Any]:
    """The app's OpenAPI document, built without a database (nothing connects at build time)."""
    document: dict[str, Any] = create_app(settings_for("sqlite+aiosqlite://")).openapi_schema.to_schema()
    return document


DOCUMENT = _document()
OPERATIONS = [
    Operation(operation["operationId"], method, path, operation)
    for path, item in DOCUMENT["paths"].items()
    for method, operation in item.items()
    if method in METHODS
]
API_OPERATIONS = [operation for operation in OPERATIONS if operation.path.startswith(API_PREFIX)]
PUBLIC_OPERATIONS = [operation for operation in OPERATIONS if not operation.path.startswith(API_PREFIX)]


def each(operations: list[Operation]) -> list[Any]:
    return [pytest.param(operation, id=operation.operation_id) for operation in operations]


# Shared fixtures: one migrated database and one application for the module (reads only).


@pytest.fixture(scope="module")
def database_url(
    database_server: DatabaseServer | None,
    migrated_template: Template,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    if database_server is None:
        path = tmp_path_factory.mktemp("authentication") / "kit-crise.db"
        path.write_bytes(Path(migrated_template.location).read_bytes())
        yield f"sqlite+aiosqlite:///{path}"
        return
    name = f"{make_url(TEST_DATABASE_URL).database}_auth_{uuid.uuid4().hex[:8]}"
    yield database_server.create(name, template=migrated_template.location)
    database_server.drop(name)


@pytest.fixture(scope="module")
def settings(database_url: str) -> Settings:
    return settings_for(database_url)


@pytest.fixture(scope="module")
def app(settings: Settings) -> Litestar:
    return create_app(settings)


# The spec declares the protection.


def test_the_spec_lists_api_operations() -> None:
    assert len(API_OPERATIONS) >= 20
    assert {"getMe", "listOrganisations", "createApiKey", "listAuditEvents"} <= {
        operation.operation_id for operation in API_OPERATIONS
    }


def test_the_api_key_scheme_is_http_bearer() -> None:
    scheme = DOCUMENT["components"]["securitySchemes"]["ApiKey"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer")
    assert scheme["description"]


@pytest.mark.parametrize("operation", each(API_OPERATIONS))
def test_every_api_operation_declares_the_api_key(operation: Operation) -> None:
    assert operation.operation.get("security") == [{"ApiKey": []}]


@pytest.mark.parametrize("operation", each(API_OPERATIONS))
def test_every_api_operation_documents_its_refusals(operation: Operation) -> None:
    """401 (no valid key, with its challenge), 403 (role), 429 (rate limit, with Retry-After),
    and 404 wherever an object is addressed by its id — all problem+json."""
    responses = operation.operation["responses"]
    expected = {"401", "403", "429"} | ({"404"} if "{" in operation.path else set())
    assert expected <= responses.keys()
    for status in expected:
        assert "application/problem+json" in responses[status]["content"], status
    assert "WWW-Authenticate" in responses["401"]["headers"]
    assert "Retry-After" in responses["429"]["headers"]


def test_the_probes_declare_no_security() -> None:
    assert "security" not in DOCUMENT  # no document-wide requirement the probes would inherit
    health = [operation for operation in OPERATIONS if operation.path.startswith("/health/")]
    assert {operation.operation_id for operation in health} == {"checkLiveness", "checkReadiness"}
    for operation in health:
        assert not operation.operation.get("security"), operation.operation_id


# The API refuses anonymous and badly authenticated calls.


def assert_refused(response: Any, code: str, challenge: str) -> None:
    assert_problem(response, 401, code)
    assert response.headers["www-authenticate"] == challenge


@pytest.mark.parametrize("operation", each(API_OPERATIONS))
async def test_without_credentials_every_operation_answers_401(
    anonymous_client: Client, operation: Operation
) -> None:
    response = await anonymous_client.request(
        operation.method.upper(), operation.url(), json=operation.body()
    )
    assert_refused(response, "missing_credentials", REALM)


MALFORMED_HEADERS = ["Basic abc", "Bearer", "Bearer  ", "Token x"]


@pytest.mark.parametrize("header", MALFORMED_HEADERS, ids=repr)
@pytest.mark.parametrize("operation", each(API_OPERATIONS))
async def test_a_malformed_authorization_header_answers_401(
    anonymous_client: Client, operation: Operation, header: str
) -> None:
    response = await anonymous_client.request(
        operation.method.upper(), operation.url(), json=operation.body(), headers={"Authorization": header}
    )
    assert_refused(response, "malformed_authorization", f'{REALM}, error="invalid_request"')


@pytest.mark.parametrize("operation", each(API_OPERATIONS))
async def test_a_key_nobody_issued_answers_401(anonymous_client: Client, operation: Operation) -> None:
    unknown = generate_key().token  # well-formed: kc_<12 hex>_<43 characters>
    response = await anonymous_client.request(
        operation.method.upper(),
        operation.url(),
        json=operation.body(),
        headers={"Authorization": f"Bearer {unknown}"},
    )
    assert_refused(response, "invalid_api_key", f'{REALM}, error="invalid_token"')


@pytest.mark.parametrize("token", ["kc_not_a_key", "x" * 60, "kc_" + "0" * 12 + "_" + "A" * 43])
async def test_a_token_of_the_wrong_shape_is_an_invalid_key(anonymous_client: Client, token: str) -> None:
    response = await anonymous_client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert_refused(response, "invalid_api_key", f'{REALM}, error="invalid_token"')


async def test_an_anonymous_write_with_a_valid_body_creates_nothing(
    anonymous_client: Client, admin_key: str
) -> None:
    response = await anonymous_client.post("/api/v1/organisations", json=organisation_payload())
    assert_refused(response, "missing_credentials", REALM)
    listed = await anonymous_client.get("/api/v1/organisations", headers=bearer(admin_key))
    assert listed.status_code == 200
    assert listed.json()["total"] == 0


# What stays public.


@pytest.mark.parametrize("path", [*(operation.path for operation in PUBLIC_OPERATIONS), SCHEMA_DOCUMENT])
async def test_probes_and_the_spec_need_no_credentials(anonymous_client: Client, path: str) -> None:
    response = await anonymous_client.get(path)
    assert response.status_code == 200, response.text
    assert "www-authenticate" not in response.headers
