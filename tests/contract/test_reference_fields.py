"""Every field of a request that names another object resolves it within the caller's scope
(issue E2, point 2): an object the caller cannot see is answered exactly like an id that
exists nowhere — same status, same ``code``, same message, same number of SQL statements —
so no answer tells a SESSAD that an id belongs to a MAS's chronogram.

The fields are discovered from the committed contract (``openapi/openapi.json``): every
request-body property (at any depth) and every query parameter whose name ends in ``_id`` or
``_ids``, or whose value is a UUID or a list of UUIDs. Each must have a row in ``RECIPES``
saying how to send a request naming an object through it, as which caller, and what an object
of the caller's own exercise (or organisation) and one of another exercise (or organisation)
the caller sees get. A field added to the contract without its row fails
``test_every_reference_field_of_the_contract_has_a_recipe``: it is covered the day it appears.

Each row is checked with the same caller against four ids:

- ``random``: a UUID that exists nowhere, the baseline;
- ``other_tenant``: an object of an organisation outside the caller's scope — its answer must be
  the baseline's, byte for byte once parsed, with as many SQL statements;
- ``visible_elsewhere``: an object the caller sees, of another exercise or organisation than the
  request's — it may be refused with a precise message (« appartient à un autre exercice »);
- ``same``: an object of the request's own exercise or organisation — accepted.

The world (seeded once per test process by the admin, then copied for each case):

- region 53: a SESSAD « A » and its second site « A2 », both in the establishment key's scope;
  a MAS « B » of the same region, outside it; region 11: an EHPAD « C »;
- in A: an exercise played after its chronogram was generated (the request's exercise), two
  contacts, an action of its plan, an establishment user; in A2 and B: an exercise whose
  chronogram is generated, a contact; in C: a contact written by region 11's CRRC key.
- keys: ESTABLISHMENT (A and A2), REGIONAL 53, REGIONAL 11.
"""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url

from service.app import create_app
from service.kit.codes import AccountRole
from tests.conftest import DatabaseServer, Template, bearer, database_copy, issue_api_key, settings_for
from tests.evaluation_support import with_chronogram
from tests.factories import contact_payload, exercise_payload, finess, organisation_payload

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]
SPEC = Path(__file__).parent.parent.parent / "openapi" / "openapi.json"
METHODS = ("get", "post", "put", "patch", "delete")
REFERENCE_NAME = re.compile(r"_ids?$")


# ---------------------------------------------------------------------------------------------
# The fields, from the contract


@dataclass(frozen=True, order=True)
class Field:
    """A field of a request naming another object: ``path`` is dotted, ``*`` for the values of
    a map (``ratings.*.entry_ids``), ``[]`` for the items of a list of objects."""

    operation_id: str
    location: str  # "body" or "query"
    path: str

    def __str__(self) -> str:
        return f"{self.operation_id}:{self.location}:{self.path}"


def _resolve(spec: dict[str, Any], schema: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    reference = schema.get("$ref")
    if reference is None:
        return schema, None
    name = reference.rsplit("/", 1)[-1]
    resolved: dict[str, Any] = spec["components"]["schemas"][name]
    return resolved, name


def _alternatives(spec: dict[str, Any], schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The schema and those it combines (oneOf / anyOf / allOf, references resolved)."""
    schema, _ = _resolve(spec, schema)
    found = [schema]
    for key in ("oneOf", "anyOf", "allOf"):
        for option in schema.get(key, []):
            found += _alternatives(spec, option)
    return found


def _is_identifier(spec: dict[str, Any], schema: dict[str, Any]) -> bool:
    """A UUID, or a list of UUIDs (nullable or not)."""
    for option in _alternatives(spec, schema):
        if option.get("format") == "uuid":
            return True
        if option.get("type") == "array" and "items" in option and _is_identifier(spec, option["items"]):
            return True
    return False


def _walk(spec: dict[str, Any], schema: dict[str, Any], path: str, seen: frozenset[str]) -> Iterator[str]:
    for option in _alternatives(spec, schema):
        for name, value in option.get("properties", {}).items():
            here = f"{path}.{name}" if path else name
            if REFERENCE_NAME.search(name) or _is_identifier(spec, value):
                yield here
            yield from _nested(spec, value, here, seen)
        extra = option.get("additionalProperties")
        if isinstance(extra, dict):
            yield from _nested(spec, extra, f"{path}.*" if path else "*", seen)


def _nested(spec: dict[str, Any], schema: dict[str, Any], path: str, seen: frozenset[str]) -> Iterator[str]:
    for option in [schema, *_alternatives(spec, schema)]:
        resolved, name = _resolve(spec, option)
        if name is not None and name in seen:
            continue  # a recursive schema: its fields are listed once
        inner = seen | {name} if name else seen
        if resolved.get("type") == "array" and "items" in resolved:
            yield from _walk(spec, resolved["items"], f"{path}[]", inner)
        yield from _walk(spec, resolved, path, inner)


def reference_fields(spec: dict[str, Any]) -> set[Field]:
    """Every request-body and query field of the contract that names another object."""
    fields: set[Field] = set()
    for item in spec["paths"].values():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            operation_id = operation["operationId"]
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and (
                    REFERENCE_NAME.search(parameter["name"]) or _is_identifier(spec, parameter["schema"])
                ):
                    fields.add(Field(operation_id, "query", parameter["name"]))
            for content in operation.get("requestBody", {}).get("content", {}).values():
                fields |= {
                    Field(operation_id, "body", path)
                    for path in _walk(spec, content["schema"], "", frozenset())
                }
    return fields


# ---------------------------------------------------------------------------------------------
# The world


class Target(StrEnum):
    RANDOM = "random"
    OTHER_TENANT = "other_tenant"
    VISIBLE_ELSEWHERE = "visible_elsewhere"
    SAME = "same"


@dataclass(frozen=True)
class World:
    keys: dict[str, str]
    # What the requests refer to: the caller's own organisation A and its played exercise.
    organisation: str
    exercise: str
    contact: str
    second_contact: str
    action: str
    user: str
    # kind → target → id
    objects: dict[str, dict[Target, str]]

    def target(self, kind: str, target: Target) -> str:
        return str(uuid.uuid4()) if target is Target.RANDOM else self.objects[kind][target]


EST, REG53 = "establishment", "regional_53"


def _organisation(category: str, region_code: str, departement_code: str) -> dict[str, Any]:
    return organisation_payload(
        name=f"{category} de test",
        category=category,
        region_code=region_code,
        departement_code=departement_code,
        finess_et=finess(departement_code),
    )


async def _created(client: Client, url: str, payload: dict[str, Any], **kwargs: Any) -> str:
    response = await client.post(url, json=payload, **kwargs)
    assert response.status_code == 201, response.text
    identifier: str = response.json()["id"]
    return identifier


async def _seed(database_url: str, admin_key: str) -> World:
    settings = settings_for(database_url)
    async with AsyncTestClient(app=create_app(settings)) as client:
        client.headers.update(bearer(admin_key))
        admin_id: str = (await client.get("/api/v1/me")).json()["id"]
        organisations = {
            "A": await _created(client, "/api/v1/organisations", _organisation("SESSAD", "53", "35")),
            "A2": await _created(client, "/api/v1/organisations", _organisation("SESSAD", "53", "29")),
            "B": await _created(client, "/api/v1/organisations", _organisation("MAS", "53", "35")),
            "C": await _created(client, "/api/v1/organisations", _organisation("EHPAD", "11", "75")),
        }
        contacts = {
            name: await _created(
                client,
                f"/api/v1/organisations/{organisations[name]}/contacts",
                contact_payload(name=f"Contact {name}"),
            )
            for name in ("A", "A2", "B")
        }
        second_contact = await _created(
            client, f"/api/v1/organisations/{organisations['A']}/contacts", contact_payload(name="Suppléant")
        )
        exercise, (own_entry, *_) = await with_chronogram(client, organisations["A"])
        played = await client.patch(f"/api/v1/exercises/{exercise}", json={"status": "PLAYED"})
        assert played.status_code == 200, played.text
        _, (visible_entry, *_) = await with_chronogram(client, organisations["A2"])
        _, (foreign_entry, *_) = await with_chronogram(client, organisations["B"])
        action = await _created(
            client,
            f"/api/v1/exercises/{exercise}/actions",
            {
                "title": "Fiabiliser l'annuaire de crise hors SI",
                "horizon": "H0_30",
                "owner_role": "DIRECTION",
            },
        )
        user = await _created(
            client,
            "/api/v1/users",
            {
                "email": "cadre@sessad-exemple.fr",
                "display_name": "Cadre de santé",
                "password": "correct horse battery staple",
                "role": "ESTABLISHMENT",
                "organisation_ids": [organisations["A"]],
            },
        )
        keys = {
            EST: await issue_api_key(
                settings,
                AccountRole.ESTABLISHMENT,
                organisation_ids=[organisations["A"], organisations["A2"]],
            ),
            REG53: await issue_api_key(settings, AccountRole.REGIONAL, region_code="53"),
        }
        regional_11 = await issue_api_key(settings, AccountRole.REGIONAL, region_code="11")
        # Each key acts once, in its region, so that its id is an actor of the audit trail.
        await _created(
            client,
            f"/api/v1/organisations/{organisations['A']}/contacts",
            contact_payload(name="Écrit par l'établissement"),
            headers=bearer(keys[EST]),
        )
        await _created(
            client,
            f"/api/v1/organisations/{organisations['C']}/contacts",
            contact_payload(name="Écrit par le CRRC francilien"),
            headers=bearer(regional_11),
        )
        actors = {
            name: (await client.get("/api/v1/me", headers=bearer(key))).json()["id"]
            for name, key in (("establishment", keys[EST]), ("regional_11", regional_11))
        }
    return World(
        keys=keys,
        organisation=organisations["A"],
        exercise=exercise,
        contact=contacts["A"],
        second_contact=second_contact,
        action=action,
        user=user,
        objects={
            "entry": {
                Target.SAME: own_entry,
                Target.VISIBLE_ELSEWHERE: visible_entry,
                Target.OTHER_TENANT: foreign_entry,
            },
            "contact": {
                Target.SAME: contacts["A"],
                Target.VISIBLE_ELSEWHERE: contacts["A2"],
                Target.OTHER_TENANT: contacts["B"],
            },
            # For the establishment key: its two sites, and the MAS of its region.
            "organisation": {
                Target.SAME: organisations["A"],
                Target.VISIBLE_ELSEWHERE: organisations["A2"],
                Target.OTHER_TENANT: organisations["B"],
            },
            # For region 53's key: an organisation of its region, another, and one of region 11.
            "regional_organisation": {
                Target.SAME: organisations["A"],
                Target.VISIBLE_ELSEWHERE: organisations["B"],
                Target.OTHER_TENANT: organisations["C"],
            },
            "actor": {
                Target.SAME: actors["establishment"],
                Target.VISIBLE_ELSEWHERE: admin_id,
                Target.OTHER_TENANT: actors["regional_11"],
            },
        },
    )


_cheap_hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(scope="session")
def world_template(
    database_server: DatabaseServer | None,
    migrated_template: Template,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, World]]:
    """Seeded once per test process (three chronograms), copied for each case."""
    with (
        database_copy(database_server, migrated_template.location, tmp_path_factory.mktemp("refs")) as url,
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setattr("service.domain.accounts.services.hash_password", _cheap_hasher.hash)
        world = asyncio.run(_seed(url, migrated_template.admin_key))
        database = make_url(url).database
        assert database is not None
        if database_server is None:
            # The copies take the main file only: fold SQLite's write-ahead log into it first.
            with sqlite3.connect(database) as connection:
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        yield database, world


@pytest.fixture
def database_url(
    database_server: DatabaseServer | None, world_template: tuple[str, World], tmp_path: Path
) -> Iterator[str]:
    with database_copy(database_server, world_template[0], tmp_path) as url:
        yield url


@pytest.fixture
def world(world_template: tuple[str, World], monkeypatch: pytest.MonkeyPatch) -> World:
    # Accounts created by the cases are hashed cheaply too: their cost is not what is checked.
    monkeypatch.setattr("service.domain.accounts.services.hash_password", _cheap_hasher.hash)
    return world_template[1]


# ---------------------------------------------------------------------------------------------
# The recipes: how to send a request naming an object through each field


Send = Callable[[Client, World, str], Awaitable[httpx.Response]]


@dataclass(frozen=True)
class Expect:
    """What an object of the caller's scope gets: the status and, for a refusal, the code of the
    error naming the field; for a list, whether the object's rows are listed."""

    status: int
    error_code: str | None = None
    listed: bool = False


@dataclass(frozen=True)
class Recipe:
    caller: str
    kind: str
    send: Send
    same: Expect
    visible_elsewhere: Expect


def _grid(entry: str) -> dict[str, Any]:
    return {"ratings": {"GC_CELLULE": {"rating": "SATISFAISANT", "entry_ids": [entry]}}}


def _observation(entry: str) -> dict[str, Any]:
    return {"observed_at": "2026-03-12T09:47:00+01:00", "text": "La cellule se réunit.", "entry_id": entry}


def _action(contact: str) -> dict[str, Any]:
    return {"title": "Tenir l'annuaire", "horizon": "H0_30", "owner_role": "DIRECTION", "contact_id": contact}


def _user(organisation: str) -> dict[str, Any]:
    return {
        "email": f"cadre-{uuid.uuid4().hex[:12]}@ehpad-exemple.fr",
        "display_name": "Cadre de nuit",
        "password": "correct horse battery staple",
        "role": "ESTABLISHMENT",
        "organisation_ids": [organisation],
    }


def _exercises(world: World) -> str:
    return f"/api/v1/exercises/{world.exercise}"


UNKNOWN_CONTACT = Expect(422, "unknown_contact")

RECIPES: dict[str, Recipe] = {
    "putEvaluation:body:ratings.*.entry_ids": Recipe(
        EST,
        "entry",
        lambda client, world, ref: client.put(f"{_exercises(world)}/evaluation", json=_grid(ref)),
        same=Expect(200),
        visible_elsewhere=Expect(422, "entry_of_another_exercise"),
    ),
    "addObservation:body:entry_id": Recipe(
        EST,
        "entry",
        lambda client, world, ref: client.post(f"{_exercises(world)}/observations", json=_observation(ref)),
        same=Expect(201),
        visible_elsewhere=Expect(422, "entry_of_another_exercise"),
    ),
    "createAction:body:contact_id": Recipe(
        EST,
        "contact",
        lambda client, world, ref: client.post(f"{_exercises(world)}/actions", json=_action(ref)),
        same=Expect(201),
        visible_elsewhere=UNKNOWN_CONTACT,
    ),
    "updateAction:body:contact_id": Recipe(
        EST,
        "contact",
        lambda client, world, ref: client.patch(
            f"{_exercises(world)}/actions/{world.action}", json={"contact_id": ref}
        ),
        same=Expect(200),
        visible_elsewhere=UNKNOWN_CONTACT,
    ),
    "createContact:body:backup_for_id": Recipe(
        EST,
        "contact",
        lambda client, world, ref: client.post(
            f"/api/v1/organisations/{world.organisation}/contacts",
            json=contact_payload(name="Yann Le Goff", backup_for_id=ref),
        ),
        same=Expect(201),
        visible_elsewhere=UNKNOWN_CONTACT,
    ),
    "updateContact:body:backup_for_id": Recipe(
        EST,
        "contact",
        lambda client, world, ref: client.patch(
            f"/api/v1/organisations/{world.organisation}/contacts/{world.second_contact}",
            json={"backup_for_id": ref},
        ),
        same=Expect(200),
        visible_elsewhere=UNKNOWN_CONTACT,
    ),
    "createExercise:body:organisation_id": Recipe(
        EST,
        "organisation",
        lambda client, _, ref: client.post("/api/v1/exercises", json=exercise_payload(ref)),
        same=Expect(201),
        visible_elsewhere=Expect(201),
    ),
    "listExercises:query:organisation_id": Recipe(
        EST,
        "organisation",
        lambda client, _, ref: client.get("/api/v1/exercises", params={"organisation_id": ref}),
        same=Expect(200, listed=True),
        visible_elsewhere=Expect(200, listed=True),
    ),
    "createUser:body:organisation_ids": Recipe(
        REG53,
        "regional_organisation",
        lambda client, _, ref: client.post("/api/v1/users", json=_user(ref)),
        same=Expect(201),
        visible_elsewhere=Expect(201),
    ),
    "updateUser:body:organisation_ids": Recipe(
        REG53,
        "regional_organisation",
        lambda client, world, ref: client.patch(
            f"/api/v1/users/{world.user}", json={"organisation_ids": [ref]}
        ),
        same=Expect(200),
        visible_elsewhere=Expect(200),
    ),
    "createApiKey:body:organisation_ids": Recipe(
        REG53,
        "regional_organisation",
        lambda client, _, ref: client.post(
            "/api/v1/api-keys",
            json={"name": "Logiciel de soins", "role": "ESTABLISHMENT", "organisation_ids": [ref]},
        ),
        same=Expect(201),
        visible_elsewhere=Expect(201),
    ),
    "listAuditEvents:query:resource_id": Recipe(
        REG53,
        "regional_organisation",
        lambda client, _, ref: client.get("/api/v1/audit-events", params={"resource_id": ref}),
        same=Expect(200, listed=True),
        visible_elsewhere=Expect(200, listed=True),
    ),
    "listAuditEvents:query:actor_id": Recipe(
        REG53,
        "actor",
        lambda client, _, ref: client.get("/api/v1/audit-events", params={"actor_id": ref}),
        same=Expect(200, listed=True),
        visible_elsewhere=Expect(200, listed=True),
    ),
}


def test_every_reference_field_of_the_contract_has_a_recipe() -> None:
    """A field added to the contract that names another object needs its row in RECIPES (how to
    send it, as whom, what a visible object gets) before this passes; a row whose field left
    the contract goes with it."""
    in_spec = {str(field) for field in reference_fields(json.loads(SPEC.read_text(encoding="utf-8")))}
    assert sorted(in_spec - set(RECIPES)) == [], "reference fields of the contract without a recipe"
    assert sorted(set(RECIPES) - in_spec) == [], "recipes naming no field of the contract"


def test_the_discovery_finds_fields_at_any_depth() -> None:
    """The walk sees through references, nullable unions, lists and maps (the evaluation grid's
    ``ratings.<ITEM>.entry_ids``), and ignores path parameters."""
    spec = json.loads(SPEC.read_text(encoding="utf-8"))
    found = {str(field) for field in reference_fields(spec)}
    assert "putEvaluation:body:ratings.*.entry_ids" in found
    assert "updateContact:body:backup_for_id" in found  # a nullable UUID of a partial update
    assert not any(":path:" in name for name in found)


# ---------------------------------------------------------------------------------------------
# The check


class StatementCounter:
    """SQL statements sent to the database while counting (every engine of the process)."""

    def __init__(self) -> None:
        self.count = 0
        self.active = False

    def __call__(self, *_: Any) -> None:
        if self.active:
            self.count += 1


@pytest.fixture
def statements() -> Iterator[StatementCounter]:
    counter = StatementCounter()
    event.listen(Engine, "before_cursor_execute", counter)
    yield counter
    event.remove(Engine, "before_cursor_execute", counter)


async def _measured(counter: StatementCounter, send: Awaitable[httpx.Response]) -> tuple[httpx.Response, int]:
    counter.count, counter.active = 0, True
    try:
        response = await send
    finally:
        counter.active = False
    return response, counter.count


def _answer(response: httpx.Response) -> tuple[int, str, Any]:
    return response.status_code, response.headers.get("content-type", ""), response.json()


def _check(response: httpx.Response, expect: Expect, target: Target, referenced: str) -> None:
    assert response.status_code == expect.status, f"{target}: {response.text}"
    body = response.json()
    if expect.error_code is not None:
        assert [error["code"] for error in body["errors"]] == [expect.error_code], f"{target}: {body}"
    if expect.listed:
        assert body["total"] >= 1, f"{target}: nothing listed for {referenced}: {body}"


@pytest.mark.parametrize("name", sorted(RECIPES))
async def test_an_object_out_of_scope_is_answered_like_an_unknown_id(
    app: Litestar, world: World, statements: StatementCounter, name: str
) -> None:
    recipe = RECIPES[name]
    async with AsyncTestClient(app=app) as client:
        client.headers.update(bearer(world.keys[recipe.caller]))

        def send(target: Target) -> Awaitable[httpx.Response]:
            return recipe.send(client, world, world.target(recipe.kind, target))

        await send(Target.RANDOM)  # warms what the first request of a key may load once
        unknown, unknown_statements = await _measured(statements, send(Target.RANDOM))
        foreign, foreign_statements = await _measured(statements, send(Target.OTHER_TENANT))

        assert unknown.status_code < 500, unknown.text
        assert _answer(foreign) == _answer(unknown), "an object out of scope is told from an unknown id"
        assert foreign_statements == unknown_statements, "an object out of scope costs another query"
        # Objects the caller sees: the precise refusal for another exercise's, accepted for its own.
        visible = world.objects[recipe.kind][Target.VISIBLE_ELSEWHERE]
        _check(
            await send(Target.VISIBLE_ELSEWHERE), recipe.visible_elsewhere, Target.VISIBLE_ELSEWHERE, visible
        )
        same = world.objects[recipe.kind][Target.SAME]
        _check(await send(Target.SAME), recipe.same, Target.SAME, same)
