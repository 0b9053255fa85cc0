"""HTTP hardening: security headers on every response, CORS, allowed hosts and body size limits.

What a browser (or a proxy in front of the service) sees, whatever the route and whatever the
outcome: JSON, an HTML page, a static file, an error raised by a handler, a middleware or the
router itself.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncIterator

import httpx
import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from service.app import create_app
from service.settings import ApiSettings, Settings
from tests.conftest import bearer, settings_for
from tests.factories import organisation_payload
from tests.problems import assert_problem

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]
ORGANISATIONS = "/api/v1/organisations"
CRM_ORIGIN = "https://crm.example.org"
PUBLIC_HOST = "kit-crise.example.org"
ONE_YEAR = 365 * 24 * 3600
# Referrer policies that never send a full URL (with its ids) to another site.
PRIVATE_REFERRER_POLICIES = {"no-referrer", "same-origin", "strict-origin", "strict-origin-when-cross-origin"}


@dataclasses.dataclass(frozen=True)
class Call:
    """One request of the tour: what it is, and the status that proves it went where meant."""

    name: str
    method: str
    path: str
    status: int
    authenticated: bool = False

    async def send(self, client: Client, admin_key: str) -> httpx.Response:
        headers = bearer(admin_key) if self.authenticated else {}
        response = await client.request(self.method, self.path, headers=headers)
        assert response.status_code == self.status, (self.name, response.text)
        return response


TOUR = [
    Call("API JSON", "GET", "/api/v1/me", 200, authenticated=True),
    Call("API list", "GET", ORGANISATIONS, 200, authenticated=True),
    Call("validation error", "GET", f"{ORGANISATIONS}?limit=0", 400, authenticated=True),
    Call("missing credentials", "GET", ORGANISATIONS, 401),
    Call("router 404", "GET", "/nope", 404),
    Call("router 405", "DELETE", "/api/v1/me", 405, authenticated=True),
    Call("liveness", "GET", "/health/live", 200),
    Call("readiness", "GET", "/health/ready", 200),
    Call("sign-in form", "GET", "/admin/login", 200),
    Call("admin home, signed out", "GET", "/admin/", 302),
    Call("admin 404", "GET", "/admin/nope", 404),
    Call("admin stylesheet", "GET", "/admin/static/admin.css", 200),
    Call("CSRF refusal", "POST", "/admin/logout", 403),
    Call("Swagger UI", "GET", "/schema", 200),
    Call("OpenAPI document", "GET", "/schema/openapi.json", 200),
]
ADMIN_TOUR = [call for call in TOUR if call.path.startswith("/admin")]


def by_name(calls: list[Call]) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("call", calls, ids=[call.name for call in calls])


def policy(response: httpx.Response) -> dict[str, list[str]]:
    """The Content-Security-Policy as {directive: sources}; exactly one header."""
    headers = response.headers.get_list("content-security-policy")
    assert len(headers) == 1, headers
    directives = (part.split() for part in headers[0].split(";") if part.strip())
    return {name: sources for name, *sources in directives}


def assert_hardened(response: httpx.Response) -> None:
    """The headers every response carries, each exactly once."""
    assert response.headers.get_list("x-content-type-options") == ["nosniff"]
    assert response.headers.get_list("x-frame-options") == ["DENY"]
    [referrer_policy] = response.headers.get_list("referrer-policy")
    assert referrer_policy in PRIVATE_REFERRER_POLICIES
    assert policy(response)["frame-ancestors"] == ["'none'"]


def hsts_max_age(response: httpx.Response) -> int:
    match = re.fullmatch(r"max-age=(\d+)(;.*)?", response.headers["strict-transport-security"])
    assert match, response.headers["strict-transport-security"]
    return int(match.group(1))


@pytest.fixture
async def https_client(settings: Settings) -> AsyncIterator[Client]:
    async with AsyncTestClient(app=create_app(settings), base_url="https://testserver.local") as client:
        client.follow_redirects = False
        yield client


@pytest.fixture
async def http_client(anonymous_client: Client) -> Client:
    anonymous_client.follow_redirects = False
    return anonymous_client


# Security headers.


@by_name(TOUR)
async def test_every_response_carries_the_security_headers(
    http_client: Client, admin_key: str, call: Call
) -> None:
    response = await call.send(http_client, admin_key)
    assert_hardened(response)
    # Plain http: Strict-Transport-Security is for responses sent over TLS only (RFC 6797 §7.2).
    assert "strict-transport-security" not in response.headers


@by_name(TOUR)
async def test_over_https_every_response_asks_for_https_only(
    https_client: Client, admin_key: str, call: Call
) -> None:
    response = await call.send(https_client, admin_key)
    assert hsts_max_age(response) >= ONE_YEAR
    assert_hardened(response)


async def test_refusals_by_the_limits_carry_the_headers_too(settings: Settings, admin_key: str) -> None:
    limited = dataclasses.replace(
        settings,
        api=ApiSettings(max_body_bytes=2048),
        security=dataclasses.replace(settings.security, api_calls_per_minute=2),
    )
    headers = {"Content-Type": "application/json", **bearer(admin_key)}
    async with AsyncTestClient(app=create_app(limited)) as client:
        too_large = await client.post(ORGANISATIONS, content=b"x" * 4096, headers=headers)
        assert too_large.status_code == 413
        assert_hardened(too_large)
        statuses = [(await client.get("/api/v1/me", headers=headers)).status_code for _ in range(2)]
        assert statuses == [200, 429]
        too_many = await client.get("/api/v1/me", headers=headers)
        assert too_many.status_code == 429
        assert_hardened(too_many)


@by_name(ADMIN_TOUR)
async def test_admin_policy_forbids_inline_code_and_foreign_sources(
    http_client: Client, admin_key: str, call: Call
) -> None:
    directives = policy(await call.send(http_client, admin_key))
    for sources in directives.values():
        assert "'unsafe-inline'" not in sources
        assert "'unsafe-eval'" not in sources
        assert "*" not in sources
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]


async def test_sign_in_page_works_under_its_policy(http_client: Client) -> None:
    """The strict policy blocks inline code: the page must have none to work at all."""
    page = (await http_client.get("/admin/login")).text
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert "<style" not in page
    assert not re.search(r"\sstyle=", page)
    assert not re.search(r"\son[a-z]+=", page)


@pytest.mark.parametrize("path", ["/api/v1/me", "/health/live", "/nope"])
async def test_api_policy_lets_nothing_load(http_client: Client, admin_key: str, path: str) -> None:
    response = await http_client.get(path, headers=bearer(admin_key))
    assert policy(response)["default-src"] == ["'none'"]


# CORS: closed unless origins are configured.


def preflight_headers(origin: str, method: str = "GET") -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": "authorization, content-type",
    }


@pytest.fixture
async def cors_client(database_url: str) -> AsyncIterator[Client]:
    async with AsyncTestClient(
        app=create_app(settings_for(database_url, cors_origins=(CRM_ORIGIN,)))
    ) as client:
        yield client


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
async def test_cors_is_closed_by_default(http_client: Client, admin_key: str, method: str) -> None:
    response = await http_client.options(ORGANISATIONS, headers=preflight_headers(CRM_ORIGIN, method))
    assert "access-control-allow-origin" not in response.headers
    assert "access-control-allow-methods" not in response.headers

    response = await http_client.get(ORGANISATIONS, headers={"Origin": CRM_ORIGIN, **bearer(admin_key)})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


async def test_cors_lets_a_configured_origin_call_the_api(cors_client: Client, admin_key: str) -> None:
    response = await cors_client.options(ORGANISATIONS, headers=preflight_headers(CRM_ORIGIN, "POST"))
    assert response.is_success
    assert response.headers["access-control-allow-origin"] == CRM_ORIGIN
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "authorization" in response.headers["access-control-allow-headers"].lower()
    # Keys travel in a header: the browser never sends the admin's cookies along.
    assert response.headers.get("access-control-allow-credentials") != "true"

    response = await cors_client.post(
        ORGANISATIONS, json=organisation_payload(), headers={"Origin": CRM_ORIGIN, **bearer(admin_key)}
    )
    assert response.status_code == 201, response.text
    assert response.headers["access-control-allow-origin"] == CRM_ORIGIN
    assert "origin" in response.headers["vary"].lower()
    assert response.headers.get("access-control-allow-credentials") != "true"


@pytest.mark.parametrize("origin", ["https://evil.example", "https://crm.example.org.evil.example", "null"])
async def test_cors_refuses_other_origins(cors_client: Client, admin_key: str, origin: str) -> None:
    response = await cors_client.options(ORGANISATIONS, headers=preflight_headers(origin))
    assert "access-control-allow-origin" not in response.headers

    response = await cors_client.get(ORGANISATIONS, headers={"Origin": origin, **bearer(admin_key)})
    assert "access-control-allow-origin" not in response.headers


# Allowed hosts.


@pytest.fixture
async def host_checked_client(database_url: str) -> AsyncIterator[Client]:
    settings = settings_for(database_url, allowed_hosts=(PUBLIC_HOST,))
    async with AsyncTestClient(app=create_app(settings), base_url=f"https://{PUBLIC_HOST}") as client:
        client.follow_redirects = False
        yield client


@pytest.mark.parametrize("host", [PUBLIC_HOST, f"{PUBLIC_HOST}:8443", "Kit-Crise.Example.org"])
async def test_the_public_host_is_served(host_checked_client: Client, admin_key: str, host: str) -> None:
    """Host names are case-insensitive (RFC 9110 §4.2.3), and a port does not make another host:
    a staging instance on :8443, or ``make run`` on localhost:8000, is the configured name."""
    response = await host_checked_client.get("/api/v1/me", headers={"Host": host, **bearer(admin_key)})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "host", ["evil.example", f"{PUBLIC_HOST}.evil.example", f"www.{PUBLIC_HOST}", "10.0.0.12:8000"]
)
@pytest.mark.parametrize("path", ["/api/v1/me", "/admin/login"])
async def test_other_hosts_are_refused(
    host_checked_client: Client, admin_key: str, host: str, path: str
) -> None:
    response = await host_checked_client.get(path, headers={"Host": host, **bearer(admin_key)})
    assert response.status_code == 400, response.text
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_a_refused_host_gets_a_french_problem(host_checked_client: Client, admin_key: str) -> None:
    """An error like any other (DESIGN §3): French problem+json with a stable code."""
    response = await host_checked_client.get(
        "/api/v1/me", headers={"Host": "evil.example", **bearer(admin_key)}
    )
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json", response.text
    body = response.json()
    assert (body["status"], body["title"]) == (400, "Requête invalide")
    assert re.fullmatch(r"[a-z]+(_[a-z]+)*", body["code"])
    assert body["detail"]
    assert body["instance"] == "/api/v1/me"


@pytest.mark.parametrize("path", ["/health/live", "/health/ready"])
async def test_probes_answer_whatever_the_host(host_checked_client: Client, path: str) -> None:
    """Kubernetes probes address the pod by its IP."""
    response = await host_checked_client.get(path, headers={"Host": "10.0.0.12:8000"})
    assert response.status_code == 200, response.text


async def test_every_host_is_served_when_none_is_configured(http_client: Client, admin_key: str) -> None:
    response = await http_client.get("/api/v1/me", headers={"Host": "evil.example", **bearer(admin_key)})
    assert response.status_code == 200


# Request size limit.


@pytest.fixture
async def small_body_client(settings: Settings) -> AsyncIterator[Client]:
    limited = dataclasses.replace(settings, api=ApiSettings(max_body_bytes=2048))
    async with AsyncTestClient(app=create_app(limited)) as client:
        client.follow_redirects = False
        yield client


async def test_a_body_over_the_limit_is_413_even_when_authenticated(
    small_body_client: Client, admin_key: str
) -> None:
    payload = organisation_payload(name="x" * 3000)
    response = await small_body_client.post(ORGANISATIONS, json=payload, headers=bearer(admin_key))
    assert_problem(response, 413, "payload_too_large")
    # Nothing was written.
    listed = await small_body_client.get(ORGANISATIONS, headers=bearer(admin_key))
    assert listed.json()["total"] == 0


async def test_a_body_under_the_limit_is_served(small_body_client: Client, admin_key: str) -> None:
    response = await small_body_client.post(
        ORGANISATIONS, json=organisation_payload(), headers=bearer(admin_key)
    )
    assert response.status_code == 201, response.text


async def test_an_understated_content_length_does_not_pass_the_limit(
    small_body_client: Client, admin_key: str
) -> None:
    response = await small_body_client.post(
        ORGANISATIONS,
        content=b'{"name": "' + b"x" * 4000 + b'"}',
        headers={"Content-Type": "application/json", "Content-Length": "100", **bearer(admin_key)},
    )
    assert_problem(response, 413, "payload_too_large")


async def test_the_sign_in_form_has_the_same_limit(small_body_client: Client) -> None:
    await small_body_client.get("/admin/login")
    token = small_body_client.cookies["csrftoken"]
    response = await small_body_client.post(
        "/admin/login", data={"email": "a@exemple.fr", "password": "x" * 4000, "_csrf_token": token}
    )
    assert_problem(response, 413, "payload_too_large")
