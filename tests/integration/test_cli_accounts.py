"""Bootstrap from the server's console (issue point 4): the first admin, keys for integrations, and
the local admin key `make run` keeps in ./data — each proven by using what the command printed."""

from __future__ import annotations

import asyncio
import re
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner, Result
from litestar import Litestar
from litestar.testing import TestClient
from sqlalchemy import update
from sqlalchemy.ext.asyncio import create_async_engine

from service.cli import main
from service.db.models import ApiKey
from service.security.api_keys import generate_key, parse_key
from tests.conftest import bearer
from tests.factories import finess, organisation_payload
from tests.problems import assert_problem

Client = TestClient[Litestar]
ME = "/api/v1/me"
API_KEYS = "/api/v1/api-keys"
UNKNOWN_ID = "0190a000-0000-7000-8000-000000000000"
CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]+)"')


@pytest.fixture
def cli_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The commands read their database from the environment, like on a server."""
    monkeypatch.setenv("KIT_CRISE_DATABASE_URL", database_url)
    monkeypatch.setenv("KIT_CRISE_LOG_LEVEL", "WARNING")
    return database_url


@pytest.fixture
def api(app: Litestar, cli_database: str) -> Iterator[Client]:
    """The API served on the same database the commands write to (no credentials by default)."""
    with TestClient(app=app) as client:
        yield client


def kit_crise(*arguments: str) -> Result:
    """Runs `kit-crise …`; CliRunner's standard input is not a terminal."""
    return CliRunner().invoke(main, list(arguments))


def last_line(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.stdout.strip().splitlines()[-1]


def me(api: Client, token: str) -> dict[str, Any]:
    response = api.get(ME, headers=bearer(token))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def key_count(api: Client, admin_key: str) -> int:
    count: int = api.get(API_KEYS, headers=bearer(admin_key)).json()["total"]
    return count


# kit-crise api-keys create


def test_api_keys_create_prints_a_working_token_last(api: Client) -> None:
    result = kit_crise("api-keys", "create", "--role", "regional", "--region", "53", "--name", "CRM Bretagne")
    token = last_line(result)
    assert parse_key(token) is not None
    assert "Conservez-la" in result.stderr
    assert token not in result.stderr
    caller = me(api, token)
    assert (caller["kind"], caller["label"]) == ("API_KEY", "CRM Bretagne")
    assert (caller["role"], caller["region_code"], caller["organisation_ids"]) == ("REGIONAL", "53", [])


def test_api_keys_create_for_establishments_and_with_an_expiry(api: Client, admin_key: str) -> None:
    created = api.post(
        "/api/v1/organisations",
        json=organisation_payload(region_code="53", departement_code="35", finess_et=finess("35")),
        headers=bearer(admin_key),
    )
    organisation = created.json()["id"]
    expiry = (datetime.now(UTC) + timedelta(days=30)).replace(microsecond=0)
    token = last_line(
        kit_crise(
            "api-keys",
            "create",
            "--role",
            "ESTABLISHMENT",
            "--organisation",
            organisation,
            "--name",
            "Logiciel de l'EHPAD",
            "--expires-at",
            expiry.isoformat().replace("+00:00", "Z"),
        )
    )
    caller = me(api, token)
    assert (caller["role"], caller["region_code"], caller["organisation_ids"]) == (
        "ESTABLISHMENT",
        "53",
        [organisation],
    )
    key = api.get(f"{API_KEYS}/{caller['id']}", headers=bearer(admin_key)).json()
    assert datetime.fromisoformat(key["expires_at"]) == expiry


@pytest.mark.parametrize(
    ("options", "field", "message"),
    [
        pytest.param(
            ["--role", "regional"], "region_code", "Un compte régional doit avoir une région", id="no-region"
        ),
        pytest.param(
            ["--role", "admin", "--region", "53"], "region_code", "national", id="admin-with-region"
        ),
        pytest.param(
            ["--role", "regional", "--region", "99"], "region_code", "Aucune région", id="unknown-region"
        ),
        pytest.param(
            ["--role", "regional", "--region", "5"], "region_code", "Format invalide", id="malformed-region"
        ),
        pytest.param(
            ["--role", "establishment"], "organisation_ids", "au moins un établissement", id="no-orgs"
        ),
        pytest.param(
            ["--role", "establishment", "--organisation", UNKNOWN_ID],
            "organisation_ids[0]",
            "Établissement inconnu",
            id="unknown-org",
        ),
        pytest.param(
            ["--role", "admin", "--expires-at", "2020-01-01T00:00:00Z"],
            "expires_at",
            "futur",
            id="past-expiry",
        ),
    ],
)
def test_api_keys_create_refuses_a_bad_combination_in_french(
    api: Client, admin_key: str, options: list[str], field: str, message: str
) -> None:
    before = key_count(api, admin_key)
    result = kit_crise("api-keys", "create", "--name", "Essai", *options)
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert field in result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.output
    assert "Expected" not in result.stderr  # msgspec's English never reaches the operator
    assert key_count(api, admin_key) == before


def test_api_keys_create_refuses_an_unknown_role(api: Client) -> None:
    result = kit_crise("api-keys", "create", "--role", "superuser", "--name", "Essai")
    assert result.exit_code == 2
    assert result.stdout == ""


# kit-crise accounts create-admin


def sign_in(api: Client, email: str, password: str) -> httpx.Response:
    """Signs in through the admin form, as a browser would."""
    form = api.get("/admin/login")
    assert form.status_code == 200, form.text
    match = CSRF_FIELD.search(form.text)
    assert match is not None
    response = api.post(
        "/admin/login",
        data={"email": email, "password": password, "_csrf_token": match[1]},
        follow_redirects=False,
    )
    return response


def test_create_admin_without_a_terminal_prints_a_generated_password(api: Client, admin_key: str) -> None:
    result = kit_crise(
        "accounts", "create-admin", "--email", "Claire.Martin@ARS.Sante.fr", "--name", "Claire"
    )
    password = last_line(result)
    assert len(password) >= 12
    assert "claire.martin@ars.sante.fr" in result.stderr.lower()
    assert password not in result.stderr
    assert sign_in(api, "claire.martin@ars.sante.fr", password + "x").status_code == 401
    signed_in = sign_in(api, "claire.martin@ars.sante.fr", password)
    assert signed_in.status_code == 303, signed_in.text
    assert signed_in.headers["location"] == "/admin"
    assert "kit_crise_session=" in signed_in.headers["set-cookie"]
    users = api.get("/api/v1/users", headers=bearer(admin_key)).json()["items"]
    assert [(user["email"], user["role"], user["active"]) for user in users] == [
        ("claire.martin@ars.sante.fr", "ADMIN", True)
    ]


def test_create_admin_generates_a_new_password_each_time(api: Client) -> None:
    first = last_line(kit_crise("accounts", "create-admin", "--email", "a@ars.sante.fr"))
    second = last_line(kit_crise("accounts", "create-admin", "--email", "b@ars.sante.fr"))
    assert first != second


def test_create_admin_twice_with_one_address_is_refused(api: Client) -> None:
    last_line(kit_crise("accounts", "create-admin", "--email", "claire@ars.sante.fr"))
    again = kit_crise("accounts", "create-admin", "--email", "CLAIRE@ars.sante.fr")
    assert again.exit_code == 1
    assert "Un compte utilise déjà cette adresse électronique" in again.stderr
    assert again.stdout == ""


def test_create_admin_refuses_a_malformed_address(api: Client) -> None:
    result = kit_crise("accounts", "create-admin", "--email", "pas-une-adresse")
    assert result.exit_code == 1
    assert "email" in result.stderr
    assert result.stdout == ""


# kit-crise api-keys ensure-local


def ensure_local(path: Path) -> Result:
    result = kit_crise("api-keys", "ensure-local", "--file", str(path))
    assert result.exit_code == 0, result.output
    assert str(path) in result.stderr
    return result


def stored_token(path: Path) -> str:
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    return path.read_text(encoding="utf-8").strip()


def assert_admin(api: Client, token: str) -> None:
    caller = me(api, token)
    assert (caller["role"], caller["region_code"]) == ("ADMIN", None)


def test_ensure_local_creates_a_private_admin_key_once(api: Client, tmp_path: Path) -> None:
    path = tmp_path / "data" / "admin-api-key"
    first = ensure_local(path)
    assert "créée" in first.stderr
    token = stored_token(path)
    assert_admin(api, token)
    # The secret stays in the file: it is not echoed to the terminal.
    assert token not in first.output

    second = ensure_local(path)
    assert "déjà présente" in second.stderr
    assert stored_token(path) == token
    assert_admin(api, token)


def test_ensure_local_replaces_a_revoked_key(api: Client, tmp_path: Path) -> None:
    path = tmp_path / "admin-api-key"
    ensure_local(path)
    old = stored_token(path)
    revoked = api.delete(f"{API_KEYS}/{me(api, old)['id']}", headers=bearer(old))
    assert revoked.status_code == 204
    assert "créée" in ensure_local(path).stderr
    new = stored_token(path)
    assert new != old
    assert_admin(api, new)
    assert_problem(api.get(ME, headers=bearer(old)), 401, "api_key_revoked")


def test_ensure_local_replaces_an_expired_key(api: Client, tmp_path: Path, cli_database: str) -> None:
    path = tmp_path / "admin-api-key"
    ensure_local(path)
    old = stored_token(path)

    async def expire() -> None:
        engine = create_async_engine(cli_database)
        try:
            async with engine.begin() as connection:
                await connection.execute(
                    update(ApiKey).values(expires_at=datetime.now(UTC) - timedelta(days=1))
                )
        finally:
            await engine.dispose()

    asyncio.run(expire())
    ensure_local(path)
    new = stored_token(path)
    assert new != old
    assert_admin(api, new)


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(generate_key().token + "\n", id="unknown-key"),
        pytest.param("pas une clé\n", id="garbage"),
        pytest.param("", id="empty"),
    ],
)
def test_ensure_local_replaces_a_file_that_holds_no_working_key(
    api: Client, tmp_path: Path, content: str
) -> None:
    """A file left from a deleted database, or damaged, is replaced — and made private again."""
    path = tmp_path / "admin-api-key"
    path.write_text(content, encoding="utf-8")
    path.chmod(0o644)
    assert "créée" in ensure_local(path).stderr
    token = stored_token(path)
    assert token != content.strip()
    assert_admin(api, token)


def test_ensure_local_does_not_trust_the_key_of_another_role(api: Client, tmp_path: Path) -> None:
    """The file must hold an admin key: a working regional key put there is replaced."""
    regional = last_line(
        kit_crise("api-keys", "create", "--role", "regional", "--region", "53", "--name", "CRRC")
    )
    path = tmp_path / "admin-api-key"
    path.write_text(regional + "\n", encoding="utf-8")
    path.chmod(0o600)
    ensure_local(path)
    assert_admin(api, stored_token(path))
