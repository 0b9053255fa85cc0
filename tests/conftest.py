"""Fixtures shared by every test: one freshly migrated database per test, on SQLite or PostgreSQL,
and one application per test process, bound to that database for the test.

The suite runs on SQLite by default. With ``KIT_CRISE_TEST_DATABASE_URL`` set to a PostgreSQL
URL, the database it names is dropped, migrated once and used as a template: each test gets its
own ``CREATE DATABASE … TEMPLATE`` copy, as isolated as a SQLite file copy.

Building the application costs about half a second (Litestar registers some seventy handlers,
the OpenAPI constraints are restored), and the suite has well over a thousand database tests:
``app`` hands every test the process's one application (``shared_app``), bound to the test's
database and reset around it (``bound_to``). A test whose settings differ from the defaults in
more than the database gets an application of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from advanced_alchemy.extensions.litestar import SQLAlchemyPlugin
from litestar import Litestar
from litestar._openapi.plugin import OpenAPIPlugin
from litestar.openapi.spec import OpenAPI
from litestar.testing import AsyncTestClient
from sqlalchemy.engine import make_url

from service.app import create_app
from service.db.engine import create_engine
from service.db.migrations import alembic_commands
from service.db.transactions import SESSION_MAKER_STATE_KEY, separate_session_maker
from service.domain.accounts.bootstrap import create_api_key
from service.domain.accounts.schemas import ApiKeyCreate
from service.kit.codes import AccountRole
from service.security.api_keys import parse_key
from service.security.rate_limits import RATE_LIMIT_STORE, rate_limit_store
from service.settings import DatabaseSettings, LogSettings, SecuritySettings, Settings

TEST_DATABASE_URL = os.environ.get("KIT_CRISE_TEST_DATABASE_URL", "").strip()


@dataclass(frozen=True)
class DatabaseServer:
    """Creates and drops PostgreSQL databases next to the one the test URL names."""

    url: str

    def url_for(self, name: str) -> str:
        return make_url(self.url).set(database=name).render_as_string(hide_password=False)

    def execute(self, *statements: str) -> None:
        async def run() -> None:
            maintenance = make_url(self.url).set(drivername="postgresql", database="postgres")
            connection = await asyncpg.connect(maintenance.render_as_string(hide_password=False))
            try:
                for statement in statements:
                    await connection.execute(statement)
            finally:
                await connection.close()

        asyncio.run(run())

    def create(self, name: str, *, template: str | None = None) -> str:
        suffix = f' TEMPLATE "{template}"' if template else ""
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"{suffix}')
        return self.url_for(name)

    def drop(self, name: str) -> None:
        self.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def settings_for(database_url: str, **security: Any) -> Settings:
    """Test settings: API rate limiting off unless a test turns it on (fuzzing sends thousands
    of calls with one key), and API keys read on every call unless a test turns the cache on
    (tests change keys straight in the database; the cache is tested with a clock of its own,
    tests/integration/test_request_path.py)."""
    return Settings(
        database=DatabaseSettings(url=database_url),
        log=LogSettings(level="WARNING", format="json"),
        security=SecuritySettings(**({"api_calls_per_minute": 0, "api_key_cache_seconds": 0} | security)),
    )


def migrate(database_url: str) -> None:
    alembic_commands(settings_for(database_url)).upgrade("head")


def _worker_suffix() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session", autouse=True)
def _openapi_document_built_once() -> Iterator[None]:
    """``create_app`` builds the OpenAPI document (a third of a second) to know each operation's
    query parameters; the suite builds thousands of apps with the same routes. Each test
    process builds the document once per set of routes and hands it to the next apps, which
    apply the same (idempotent) contract fixes to it."""
    built: dict[tuple[tuple[str, tuple[str, ...]], ...], OpenAPI] = {}
    build = OpenAPIPlugin._build_openapi

    def build_once(plugin: OpenAPIPlugin) -> OpenAPI:
        routes = tuple(
            sorted((path, tuple(sorted(route.methods))) for path, route in plugin.included_routes.items())
        )
        if routes not in built:
            built[routes] = build(plugin)
        return built[routes]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(OpenAPIPlugin, "_build_openapi", build_once)
        yield


@pytest.fixture(scope="session")
def database_server() -> DatabaseServer | None:
    return DatabaseServer(TEST_DATABASE_URL) if TEST_DATABASE_URL else None


@dataclass(frozen=True)
class Template:
    """A database migrated to head once per session (a SQLite file path or a PostgreSQL name)
    holding one admin API key, which every test database copied from it inherits."""

    location: str
    admin_key: str


def _seed(database_url: str) -> str:
    migrate(database_url)
    return asyncio.run(
        create_api_key(settings_for(database_url), ApiKeyCreate(name="Tests (admin)", role=AccountRole.ADMIN))
    )


@pytest.fixture(scope="session")
def migrated_template(
    database_server: DatabaseServer | None, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Template]:
    if database_server is None:
        path = tmp_path_factory.mktemp("template") / "kit-crise.db"
        yield Template(str(path), _seed(f"sqlite+aiosqlite:///{path}"))
        return
    name = f"{make_url(TEST_DATABASE_URL).database}_tpl_{_worker_suffix()}"
    yield Template(name, _seed(database_server.create(name)))
    database_server.drop(name)


@pytest.fixture(scope="session")
def admin_key(migrated_template: Template) -> str:
    return migrated_template.admin_key


@pytest.fixture
def empty_database_url(database_server: DatabaseServer | None, tmp_path: Path) -> Iterator[str]:
    """A database with no table at all (for migration tests)."""
    if database_server is None:
        yield f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
        return
    name = f"kc_empty_{uuid.uuid4().hex[:12]}"
    yield database_server.create(name)
    database_server.drop(name)


@contextlib.contextmanager
def database_copy(database_server: DatabaseServer | None, template: str, directory: Path) -> Iterator[str]:
    """A private copy of the template database ``template`` (a SQLite file path or a PostgreSQL
    name), dropped afterwards."""
    if database_server is None:
        path = directory / "kit-crise.db"
        shutil.copyfile(template, path)
        yield f"sqlite+aiosqlite:///{path}"
        return
    name = f"kc_test_{uuid.uuid4().hex[:12]}"
    yield database_server.create(name, template=template)
    database_server.drop(name)


@pytest.fixture
def database_url(
    database_server: DatabaseServer | None, migrated_template: Template, tmp_path: Path
) -> Iterator[str]:
    """A private, migrated database for one test."""
    with database_copy(database_server, migrated_template.location, tmp_path) as url:
        yield url


@pytest.fixture
def settings(database_url: str) -> Settings:
    return settings_for(database_url)


def _beyond_the_database(settings: Settings) -> Settings:
    """What an application built from ``settings`` depends on, but its database (and the
    secret key, random per Settings unless given)."""
    return replace(
        settings,
        database=replace(settings.database, url=""),
        security=replace(settings.security, secret_key=""),
    )


@pytest.fixture(scope="session")
def shared_app(database_server: DatabaseServer | None, tmp_path_factory: pytest.TempPathFactory) -> Litestar:
    """The test process's application, built on a database nobody creates: until a test binds
    it to its own (``bound_to``), any use of it fails loudly (no such table, or database)."""
    if database_server is None:
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('unbound') / 'unbound.db'}"
    else:
        url = database_server.url_for(f"{make_url(TEST_DATABASE_URL).database}_unbound_{_worker_suffix()}")
    return create_app(settings_for(url))


@contextlib.contextmanager
def bound_to(app: Litestar, settings: Settings) -> Iterator[Litestar]:
    """``app`` on the database of ``settings`` for one test, and as a new one would be: its
    state as it was built, fresh rate-limit counters.

    The plugin puts its engine and session maker in the state when the application starts
    (each test client starts it), from its configuration: the configuration gets the test's
    engine, and the session maker is made again from it. The separate transactions
    (authentication, sign-in) have a session maker of their own in the state. The test's
    engine is closed when the application stops, in the event loop its connections belong to
    (the test client's), as create_app closes its own."""
    (alchemy,) = app.plugins.get(SQLAlchemyPlugin).config
    engine = create_engine(settings.database)
    built = app.state.dict()
    unbound = (alchemy.engine_instance, alchemy.session_maker)
    alchemy.engine_instance, alchemy.session_maker = engine, None
    app.state[SESSION_MAKER_STATE_KEY] = separate_session_maker(engine)
    app.stores.register(RATE_LIMIT_STORE, rate_limit_store(settings.security), allow_override=True)
    app.on_shutdown.append(engine.dispose)
    try:
        yield app
    finally:
        app.on_shutdown.remove(engine.dispose)
        alchemy.engine_instance, alchemy.session_maker = unbound
        for key in list(app.state):
            del app.state[key]
        app.state.update(built)
        asyncio.run(engine.dispose())  # nothing left to close unless the app never started


@pytest.fixture
def app(shared_app: Litestar, settings: Settings) -> Iterator[Litestar]:
    if _beyond_the_database(settings) != _beyond_the_database(shared_app.state["settings"]):
        yield create_app(settings)  # e.g. other log settings: an application of its own
        return
    with bound_to(shared_app, settings):
        yield shared_app


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def secret_part(token: str) -> str:
    """The random part of an API key ``kc_<prefix>_<secret>``, whole.

    It may itself contain ``_``: splitting the token on its last ``_`` gave, in about one
    response in a hundred, a tail of a few characters that ordinary JSON contains (« ms » of
    ``"items"``), and a test checking that the secret never appears failed at random."""
    parts = parse_key(token)
    assert parts is not None, "not an API key"
    return parts.secret


KeyIssuer = Callable[..., Awaitable[str]]


async def issue_api_key(
    settings: Settings,
    role: AccountRole,
    *,
    region_code: str | None = None,
    organisation_ids: Sequence[str | uuid.UUID] = (),
    name: str | None = None,
) -> str:
    """Creates an API key in the database of ``settings`` and returns its token."""
    data = ApiKeyCreate(
        name=name or f"Tests ({role.value})",
        role=role,
        region_code=region_code,
        organisation_ids=[uuid.UUID(str(value)) for value in organisation_ids],
    )
    return await create_api_key(settings, data)


@pytest.fixture
def issue_key(settings: Settings) -> KeyIssuer:
    """Creates an API key in the test's database and returns its token, e.g.
    ``await issue_key(AccountRole.REGIONAL, region_code="53")`` or
    ``await issue_key(AccountRole.ESTABLISHMENT, organisation_ids=[id])``."""
    return functools.partial(issue_api_key, settings)


@pytest.fixture
async def anonymous_client(app: Litestar) -> AsyncIterator[AsyncTestClient[Litestar]]:
    """A client sending no credentials."""
    async with AsyncTestClient(app=app) as client:
        yield client


@pytest.fixture
async def client(app: Litestar, admin_key: str) -> AsyncIterator[AsyncTestClient[Litestar]]:
    """A client authenticated with the national admin key."""
    async with AsyncTestClient(app=app) as client:
        client.headers.update(bearer(admin_key))
        yield client
