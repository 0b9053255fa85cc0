"""The authorisation matrix (issue S2, point 9): every operation × every role × own / other scope.

One table, ``EXPECTED``, says what each role gets from each operation of the API on an object of
its own scope and on the same kind of object in another region. Each cell is one test case that
builds the request, sends it with that role's key and checks the status — and, for a refusal,
the problem+json ``code``. The table must list exactly the operations the spec declares: an
endpoint added without its row (or removed with its row left behind) fails
``test_the_table_covers_every_operation_of_the_spec``.

The world every case starts from (fresh database, seeded through the API by the admin):

- own scope, region 53 (Bretagne): an organisation, a contact and a draft exercise of it, an
  establishment user and an establishment API key bound to it;
- other scope, region 11 (Île-de-France): the same five objects.

The four callers: ADMIN (national), REGIONAL (region 53), ESTABLISHMENT (bound to the own
organisation), OBSERVATORY (national). For operations without an object, "own" and "other" mean:

- create: a new object in region 53 vs in region 11 (for accounts: scoped to the organisation of
  that region);
- list: filtered or searched so that the own vs the other region's seeded object would appear;
  when the list answers 200 the seeded object is there only if the caller may see it, nothing
  of another region is listed, and ``total`` counts only what is listed;
- ``getMe``: the same call both times; the answer never names the other region.
- the kit's reads (``getKit``, ``listKit…``): the same call both times (national, read-only
  content, whole lists).
"""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from litestar import Litestar
from litestar.testing import AsyncTestClient
from sqlalchemy.engine import make_url

from service.app import create_app
from service.kit.codes import AccountRole
from tests.conftest import DatabaseServer, Template, bearer, database_copy, issue_api_key, settings_for
from tests.factories import (
    complete_answers,
    contact_payload,
    exercise_payload,
    finess,
    organisation_payload,
    si_component,
)
from tests.problems import assert_problem

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]
Role = AccountRole
ADMIN, REGIONAL, ESTABLISHMENT, OBSERVATORY = Role.ADMIN, Role.REGIONAL, Role.ESTABLISHMENT, Role.OBSERVATORY
API_PREFIX = "/api/v1/"
METHODS = ("get", "post", "put", "patch", "delete")


class Scope(StrEnum):
    OWN = "own"
    OTHER = "other"


def row(
    admin: tuple[int, int],
    regional: tuple[int, int],
    establishment: tuple[int, int],
    observatory: tuple[int, int],
) -> dict[Role, tuple[int, int]]:
    return {ADMIN: admin, REGIONAL: regional, ESTABLISHMENT: establishment, OBSERVATORY: observatory}


# (status on an object of the caller's own scope, status on the other region's object)
EXPECTED: dict[str, dict[Role, tuple[int, int]]] = {
    #                            ADMIN       REGIONAL    ESTABLISHMENT OBSERVATORY
    "getMe":                row((200, 200), (200, 200), (200, 200), (200, 200)),
    "getKit":               row((200, 200), (200, 200), (200, 200), (403, 403)),
    "listKitQuestions":     row((200, 200), (200, 200), (200, 200), (403, 403)),
    "listKitSiCategories":  row((200, 200), (200, 200), (200, 200), (403, 403)),
    "listKitScenarios":     row((200, 200), (200, 200), (200, 200), (403, 403)),
    "listKitCompetencies":  row((200, 200), (200, 200), (200, 200), (403, 403)),
    "listKitInjects":       row((200, 200), (200, 200), (200, 200), (403, 403)),
    "listOrganisations":    row((200, 200), (200, 200), (200, 200), (403, 403)),
    "createOrganisation":   row((201, 201), (201, 403), (403, 403), (403, 403)),
    "getOrganisation":      row((200, 200), (200, 404), (200, 404), (403, 403)),
    "updateOrganisation":   row((200, 200), (200, 404), (200, 404), (403, 403)),
    "deleteOrganisation":   row((409, 409), (409, 404), (403, 403), (403, 403)),
    "listContacts":         row((200, 200), (200, 404), (200, 404), (403, 403)),
    "createContact":        row((201, 201), (201, 404), (201, 404), (403, 403)),
    "getContact":           row((200, 200), (200, 404), (200, 404), (403, 403)),
    "updateContact":        row((200, 200), (200, 404), (200, 404), (403, 403)),
    "deleteContact":        row((204, 204), (204, 404), (204, 404), (403, 403)),
    "listExercises":        row((200, 200), (200, 200), (200, 200), (403, 403)),
    "createExercise":       row((201, 201), (201, 422), (201, 422), (403, 403)),
    "getExercise":          row((200, 200), (200, 404), (200, 404), (403, 403)),
    "updateExercise":       row((200, 200), (200, 404), (200, 404), (403, 403)),
    "deleteExercise":       row((204, 204), (204, 404), (204, 404), (403, 403)),
    "getQuestionnaire":     row((200, 200), (200, 404), (200, 404), (403, 403)),
    "putQuestionnaire":     row((200, 200), (200, 404), (200, 404), (403, 403)),
    "getInformationSystem": row((200, 200), (200, 404), (200, 404), (403, 403)),
    "putInformationSystem": row((200, 200), (200, 404), (200, 404), (403, 403)),
    "generateChronogram":   row((200, 200), (200, 404), (200, 404), (403, 403)),
    "getChronogram":        row((200, 200), (200, 404), (200, 404), (403, 403)),
    "listChronogramEntries": row((200, 200), (200, 404), (200, 404), (403, 403)),
    "addChronogramEntry":   row((201, 201), (201, 404), (201, 404), (403, 403)),
    "getChronogramEntry":   row((200, 200), (200, 404), (200, 404), (403, 403)),
    "updateChronogramEntry": row((200, 200), (200, 404), (200, 404), (403, 403)),
    "deleteChronogramEntry": row((204, 204), (204, 404), (204, 404), (403, 403)),
    "getEvaluation":        row((200, 200), (200, 404), (200, 404), (403, 403)),
    "putEvaluation":        row((200, 200), (200, 404), (200, 404), (403, 403)),
    "listObservations":     row((200, 200), (200, 404), (200, 404), (403, 403)),
    "addObservation":       row((201, 201), (201, 404), (201, 404), (403, 403)),
    "getObservation":       row((200, 200), (200, 404), (200, 404), (403, 403)),
    "deleteObservation":    row((204, 204), (204, 404), (204, 404), (403, 403)),
    "getResults":           row((200, 200), (200, 404), (200, 404), (403, 403)),
    "getResultsChart":      row((200, 200), (200, 404), (200, 404), (403, 403)),
    "listActions":          row((200, 200), (200, 404), (200, 404), (403, 403)),
    "createAction":         row((201, 201), (201, 404), (201, 404), (403, 403)),
    "getAction":            row((200, 200), (200, 404), (200, 404), (403, 403)),
    "updateAction":         row((200, 200), (200, 404), (200, 404), (403, 403)),
    "deleteAction":         row((204, 204), (204, 404), (204, 404), (403, 403)),
    "suggestActions":       row((200, 200), (200, 404), (200, 404), (403, 403)),
    "listOrganisationActions": row((200, 200), (200, 404), (200, 404), (403, 403)),
    "listUsers":            row((200, 200), (200, 200), (403, 403), (403, 403)),
    "createUser":           row((201, 201), (201, 422), (403, 403), (403, 403)),
    "getUser":              row((200, 200), (200, 404), (403, 403), (403, 403)),
    "updateUser":           row((200, 200), (200, 404), (403, 403), (403, 403)),
    "deleteUser":           row((204, 204), (204, 404), (403, 403), (403, 403)),
    "listApiKeys":          row((200, 200), (200, 200), (403, 403), (403, 403)),
    "createApiKey":         row((201, 201), (201, 422), (403, 403), (403, 403)),
    "getApiKey":            row((200, 200), (200, 404), (403, 403), (403, 403)),
    "updateApiKey":         row((200, 200), (200, 404), (403, 403), (403, 403)),
    "revokeApiKey":         row((204, 204), (204, 404), (403, 403), (403, 403)),
    "listAuditEvents":      row((200, 200), (200, 200), (403, 403), (403, 403)),
}  # fmt: skip

# Refusals whose code is not the default one of their status (403 role_forbidden, 404 the
# missing resource's code): (code, field an error must name).
SPECIAL_PROBLEMS: dict[tuple[str, Role, Scope], tuple[str, str | None]] = {
    # A regional account places establishments in its own region only.
    ("createOrganisation", REGIONAL, Scope.OTHER): ("out_of_scope", None),
    # The other region's organisation is invisible to it, hence "unknown".
    ("createUser", REGIONAL, Scope.OTHER): ("validation_failed", "organisation_ids[0]"),
    ("createApiKey", REGIONAL, Scope.OTHER): ("validation_failed", "organisation_ids[0]"),
    # An exercise is created for an organisation named in the body: the same "unknown".
    ("createExercise", REGIONAL, Scope.OTHER): ("validation_failed", "organisation_id"),
    ("createExercise", ESTABLISHMENT, Scope.OTHER): ("validation_failed", "organisation_id"),
    # The seeded organisations have exercises, which keep them: refused past the guards.
    ("deleteOrganisation", ADMIN, Scope.OWN): ("organisation_has_exercises", None),
    ("deleteOrganisation", ADMIN, Scope.OTHER): ("organisation_has_exercises", None),
    ("deleteOrganisation", REGIONAL, Scope.OWN): ("organisation_has_exercises", None),
}


@dataclass(frozen=True)
class ScopeObjects:
    """The objects seeded in one region."""

    region_code: str
    departement_code: str
    organisation_id: str
    contact_id: str
    exercise_id: str
    user_id: str
    api_key_id: str
    # An exercise played (its RETEX action plan is open) and one action of that plan.
    played_exercise_id: str
    action_id: str
    # An exercise whose chronogram is generated, and one entry of it.
    generated_exercise_id: str
    entry_id: str
    # An observation noted on the played exercise (whose grid is saved once, partially).
    observation_id: str


@dataclass(frozen=True)
class World:
    own: ScopeObjects
    other: ScopeObjects
    keys: dict[Role, str]

    def objects(self, scope: Scope) -> ScopeObjects:
        return self.own if scope is Scope.OWN else self.other


OWN_REGION, OWN_DEPARTEMENT = "53", "35"
OTHER_REGION, OTHER_DEPARTEMENT = "11", "75"


def organisation_in(region_code: str, departement_code: str) -> dict[str, Any]:
    return organisation_payload(
        region_code=region_code, departement_code=departement_code, finess_et=finess(departement_code)
    )


def establishment_user(organisation_id: str) -> dict[str, Any]:
    return {
        "email": f"cadre-{uuid.uuid4().hex[:12]}@ehpad-exemple.fr",
        "display_name": "Cadre de santé",
        "password": "correct horse battery staple",
        "role": "ESTABLISHMENT",
        "organisation_ids": [organisation_id],
    }


def custom_entry() -> dict[str, Any]:
    return {
        "offset_minutes": 20,
        "phase": "CONTINUITE",
        "sender": "FAMILLE",
        "recipient": "ENCADREMENT",
        "channel": "TELEPHONE",
        "title": "Une famille s'inquiète",
        "stimulus": "« Je n'arrive pas à joindre l'étage de ma mère. »",
    }


def retex_action() -> dict[str, Any]:
    return {"title": "Fiabiliser l'annuaire de crise hors SI", "horizon": "H0_30", "owner_role": "DIRECTION"}


def partial_grid() -> dict[str, Any]:
    return {"ratings": {"CA_PLAN_BLEU": {"rating": "SATISFAISANT"}}}


def observation() -> dict[str, Any]:
    return {"observed_at": "2026-03-12T09:47:00+01:00", "text": "La cellule de crise se réunit."}


def establishment_api_key(organisation_id: str) -> dict[str, Any]:
    return {"name": "Logiciel de soins", "role": "ESTABLISHMENT", "organisation_ids": [organisation_id]}


# Request bodies of the writes, built for the objects of one scope.
BODIES: dict[str, Callable[[ScopeObjects], dict[str, Any]]] = {
    "createOrganisation": lambda objects: organisation_in(objects.region_code, objects.departement_code),
    "updateOrganisation": lambda _: {"name": "EHPAD Les Tilleuls (rénové)"},
    "createContact": lambda _: contact_payload(name="Yann Le Goff", email="y.legoff@ehpad-exemple.fr"),
    "updateContact": lambda _: {"name": "Claire Martin-Le Goff"},
    "createExercise": lambda objects: exercise_payload(objects.organisation_id),
    "updateExercise": lambda _: {"title": "Exercice de printemps"},
    "putQuestionnaire": lambda _: {"answers": {"Q_PLAN_BLEU": True, "Q_DPO": True}},
    "putInformationSystem": lambda _: {"components": [si_component("DUI")]},
    "createUser": lambda objects: establishment_user(objects.organisation_id),
    "updateUser": lambda _: {"display_name": "Cadre de santé (nuit)"},
    "createApiKey": lambda objects: establishment_api_key(objects.organisation_id),
    "updateApiKey": lambda _: {"name": "Logiciel de soins (2e site)"},
    "createAction": lambda _: retex_action(),
    "addChronogramEntry": lambda _: custom_entry(),
    "updateChronogramEntry": lambda _: {"status": "SKIPPED"},
    "putEvaluation": lambda _: partial_grid(),
    "addObservation": lambda _: observation(),
    "updateAction": lambda _: {"status": "EN_COURS"},
}

# Query of each list, and the seeded object it must show exactly when the caller may see it.
LIST_QUERIES: dict[str, Callable[[ScopeObjects], dict[str, str]]] = {
    "listOrganisations": lambda objects: {"region_code": objects.region_code},
    "listContacts": lambda _: {},
    "listExercises": lambda objects: {"organisation_id": objects.organisation_id},
    "listUsers": lambda _: {"role": "ESTABLISHMENT"},
    "listApiKeys": lambda _: {"role": "ESTABLISHMENT"},
    "listAuditEvents": lambda objects: {"resource_id": objects.organisation_id},
    "listActions": lambda _: {},
    # A chronogram has more entries than a default page: one page must hold them all.
    "listChronogramEntries": lambda _: {"limit": "100"},
    "listOrganisationActions": lambda _: {},
    "listObservations": lambda _: {},
}
LISTED_OBJECT: dict[str, Callable[[ScopeObjects], str]] = {
    "listOrganisations": lambda objects: objects.organisation_id,
    "listContacts": lambda objects: objects.contact_id,
    "listExercises": lambda objects: objects.exercise_id,
    "listUsers": lambda objects: objects.user_id,
    "listApiKeys": lambda objects: objects.api_key_id,
    # The event of the organisation's creation.
    "listAuditEvents": lambda objects: objects.organisation_id,
    "listActions": lambda objects: objects.action_id,
    "listChronogramEntries": lambda objects: objects.entry_id,
    "listOrganisationActions": lambda objects: objects.action_id,
    "listObservations": lambda objects: objects.observation_id,
}
LISTED_FIELD = {"listAuditEvents": "resource_id"}

# The kit's reference content: the same national, read-only lists for every organisation member.
KIT_READS = frozenset(
    {
        "getKit",
        "listKitQuestions",
        "listKitSiCategories",
        "listKitScenarios",
        "listKitCompetencies",
        "listKitInjects",
    }
)

# Where a created object lands (accounts take the region of their organisation).
CREATED_WITH: dict[str, Callable[[ScopeObjects], dict[str, Any]]] = {
    "createOrganisation": lambda o: {"region_code": o.region_code, "departement_code": o.departement_code},
    "createContact": lambda o: {"organisation_id": o.organisation_id},
    "createExercise": lambda o: {"organisation_id": o.organisation_id, "status": "DRAFT"},
    "createUser": lambda o: {"region_code": o.region_code, "organisation_ids": [o.organisation_id]},
    "createApiKey": lambda o: {"region_code": o.region_code, "organisation_ids": [o.organisation_id]},
    "createAction": lambda o: {"exercise_id": o.played_exercise_id, "status": "A_FAIRE"},
    "addChronogramEntry": lambda o: {"exercise_id": o.generated_exercise_id, "origin": "CUSTOM"},
    "addObservation": lambda o: {"exercise_id": o.played_exercise_id, "text": observation()["text"]},
}

PATH_PARAMETERS: dict[str, Callable[[ScopeObjects], str]] = {
    "organisation_id": lambda objects: objects.organisation_id,
    "contact_id": lambda objects: objects.contact_id,
    "exercise_id": lambda objects: objects.exercise_id,
    "user_id": lambda objects: objects.user_id,
    "api_key_id": lambda objects: objects.api_key_id,
    "entry_id": lambda objects: objects.entry_id,
    "action_id": lambda objects: objects.action_id,
    "observation_id": lambda objects: objects.observation_id,
    "chart": lambda _: "radar.svg",
}
# Operations on the exercise whose chronogram is generated.
CHRONOGRAM_OPERATIONS = frozenset(
    {
        "generateChronogram",
        "getChronogram",
        "listChronogramEntries",
        "addChronogramEntry",
        "getChronogramEntry",
        "updateChronogramEntry",
        "deleteChronogramEntry",
    }
)
# Operations that need the played exercise rather than the draft one.
PLAYED_EXERCISE_OPERATIONS = frozenset(
    {"listActions", "createAction", "getAction", "updateAction", "deleteAction", "suggestActions"}
    | {"getEvaluation", "putEvaluation", "getResults", "getResultsChart"}
    | {"listObservations", "addObservation", "getObservation", "deleteObservation"}
)
# What a 404 says, by the first path parameter the caller cannot see.
NOT_FOUND_CODES = {
    "organisation_id": "organisation_not_found",
    "exercise_id": "exercise_not_found",
    "user_id": "user_not_found",
    "api_key_id": "api_key_not_found",
}


def spec_operations(app: Litestar) -> dict[str, tuple[str, str]]:
    """operationId → (method, path template) of every operation under /api/v1 in the app's spec."""
    return {
        operation.operation_id: (method, path)
        for path, item in (app.openapi_schema.paths or {}).items()
        if path.startswith(API_PREFIX)
        for method in METHODS
        if (operation := getattr(item, method)) is not None and operation.operation_id
    }


@dataclass(frozen=True)
class Case:
    """One cell of the table: what ``role`` gets from ``operation_id`` on ``scope``'s objects."""

    operation_id: str
    role: Role
    scope: Scope
    status: int


def cases() -> Iterator[Any]:
    for operation_id, by_role in EXPECTED.items():
        for role, statuses in by_role.items():
            for scope, status in zip(Scope, statuses, strict=True):
                case = Case(operation_id, role, scope, status)
                yield pytest.param(case, id=f"{operation_id}-{role.lower()}-{scope}")


async def seed_scope(client: Client, region_code: str, departement_code: str) -> ScopeObjects:
    async def created(url: str, payload: dict[str, Any]) -> str:
        response = await client.post(url, json=payload)
        assert response.status_code == 201, response.text
        identifier: str = response.json()["id"]
        return identifier

    async def generated_exercise(organisation_id: str) -> tuple[str, str]:
        """Prepared, READY, then its chronogram generated: (exercise id, id of its second entry)."""
        exercise_id = await created("/api/v1/exercises", exercise_payload(organisation_id))
        url = f"/api/v1/exercises/{exercise_id}"
        await client.put(f"{url}/questionnaire", json={"answers": complete_answers()})
        await client.put(f"{url}/information-system", json={"components": [si_component("DUI")]})
        await client.patch(url, json={"status": "READY"})
        response = await client.post(f"{url}/chronogram")
        assert response.status_code == 200, response.text
        entry_id: str = response.json()["chronogram"]["entries"][1]["id"]
        return exercise_id, entry_id

    async def played_exercise(organisation_id: str) -> str:
        """Prepared, then moved to PLAYED by the admin (who may force the service's own steps)."""
        exercise_id = await created("/api/v1/exercises", exercise_payload(organisation_id))
        inputs = {
            "questionnaire": {"answers": complete_answers()},
            "information-system": {"components": [si_component("DUI")]},
        }
        for name, payload in inputs.items():
            response = await client.put(f"/api/v1/exercises/{exercise_id}/{name}", json=payload)
            assert response.status_code == 200, response.text
        for status in ("READY", "GENERATED", "PLAYED"):
            response = await client.patch(f"/api/v1/exercises/{exercise_id}", json={"status": status})
            assert response.status_code == 200, response.text
        return exercise_id

    organisation_id = await created("/api/v1/organisations", organisation_in(region_code, departement_code))
    played_exercise_id = await played_exercise(organisation_id)
    generated_exercise_id, entry_id = await generated_exercise(organisation_id)
    graded = await client.put(f"/api/v1/exercises/{played_exercise_id}/evaluation", json=partial_grid())
    assert graded.status_code == 200, graded.text
    return ScopeObjects(
        region_code=region_code,
        departement_code=departement_code,
        organisation_id=organisation_id,
        contact_id=await created(f"/api/v1/organisations/{organisation_id}/contacts", contact_payload()),
        exercise_id=await created("/api/v1/exercises", exercise_payload(organisation_id)),
        user_id=await created("/api/v1/users", establishment_user(organisation_id)),
        api_key_id=await created("/api/v1/api-keys", establishment_api_key(organisation_id)),
        played_exercise_id=played_exercise_id,
        action_id=await created(f"/api/v1/exercises/{played_exercise_id}/actions", retex_action()),
        generated_exercise_id=generated_exercise_id,
        entry_id=entry_id,
        observation_id=await created(f"/api/v1/exercises/{played_exercise_id}/observations", observation()),
    )


_cheap_hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


async def seed_world(database_url: str, admin_key: str) -> World:
    """Both scopes seeded by the national admin, and one key per role."""
    settings = settings_for(database_url)
    async with AsyncTestClient(app=create_app(settings)) as client:
        client.headers.update(bearer(admin_key))
        own = await seed_scope(client, OWN_REGION, OWN_DEPARTEMENT)
        other = await seed_scope(client, OTHER_REGION, OTHER_DEPARTEMENT)
    keys = {
        ADMIN: await issue_api_key(settings, ADMIN),
        REGIONAL: await issue_api_key(settings, REGIONAL, region_code=OWN_REGION),
        ESTABLISHMENT: await issue_api_key(settings, ESTABLISHMENT, organisation_ids=[own.organisation_id]),
        OBSERVATORY: await issue_api_key(settings, OBSERVATORY),
    }
    return World(own=own, other=other, keys=keys)


@pytest.fixture(scope="session")
def world_template(
    database_server: DatabaseServer | None,
    migrated_template: Template,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, World]]:
    """The world seeded once per test process, as a template database: seeding it through the
    API (chronogram generation, evaluation…) costs far more than the case that uses it.

    Passwords are hashed with a cheap Argon2 here: the production cost (a sizeable fraction of
    a second a hash) is not what the matrix checks."""
    with (
        database_copy(database_server, migrated_template.location, tmp_path_factory.mktemp("world")) as url,
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.setattr("service.domain.accounts.services.hash_password", _cheap_hasher.hash)
        world = asyncio.run(seed_world(url, migrated_template.admin_key))
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
    """Each case gets its own copy of the seeded world (it may change it)."""
    with database_copy(database_server, world_template[0], tmp_path) as url:
        yield url


@pytest.fixture
def world(world_template: tuple[str, World]) -> World:
    return world_template[1]


def test_the_table_covers_every_operation_of_the_spec(app: Litestar) -> None:
    """A new endpoint must get its row (and a removed one lose it) before this passes."""
    in_spec = set(spec_operations(app))
    in_table = set(EXPECTED)
    assert in_spec - in_table == set(), "operations missing from EXPECTED"
    assert in_table - in_spec == set(), "rows of EXPECTED naming no operation of the spec"


def test_every_row_covers_every_role() -> None:
    for operation_id, by_role in EXPECTED.items():
        assert set(by_role) == set(Role), operation_id


@pytest.mark.parametrize("case", cases())
async def test_authorization_matrix(app: Litestar, client: Client, world: World, case: Case) -> None:
    method, template = spec_operations(app)[case.operation_id]
    objects = world.objects(case.scope)
    parameters = [name for name in PATH_PARAMETERS if "{" + name + "}" in template]
    values = {name: PATH_PARAMETERS[name](objects) for name in parameters}
    if case.operation_id in PLAYED_EXERCISE_OPERATIONS:
        values["exercise_id"] = objects.played_exercise_id
    if case.operation_id in CHRONOGRAM_OPERATIONS:
        values["exercise_id"] = objects.generated_exercise_id
    path = template.format(**values)
    body = BODIES[case.operation_id](objects) if case.operation_id in BODIES else None
    query = LIST_QUERIES[case.operation_id](objects) if case.operation_id in LIST_QUERIES else None
    caller = bearer(world.keys[case.role])

    response = await client.request(method.upper(), path, json=body, params=query, headers=caller)

    assert response.status_code == case.status, response.text
    if case.status < 400:
        # Charts are SVG: only JSON bodies are checked here (test_results reads the charts).
        is_json = response.headers.get("content-type", "").startswith("application/json")
        check_answer(case, world, objects, response.json() if is_json else None)
        return
    code, field = SPECIAL_PROBLEMS.get((case.operation_id, case.role, case.scope), (None, None))
    if code is None:
        code = "role_forbidden" if case.status == 403 else NOT_FOUND_CODES[parameters[0]]
    problem = assert_problem(response, case.status, code, field=field)
    if case.status == 422:
        assert {error["code"] for error in problem["errors"]} == {"unknown_organisation"}, problem
    if method in {"patch", "put", "delete"}:
        await check_nothing_changed(client, caller, path)
    elif method == "post":
        await check_nothing_changed(client, caller, None)


async def check_nothing_changed(client: Client, caller: dict[str, str], path: str | None) -> None:
    """A refused write leaves no trace: no audit event by the caller, the object untouched."""
    me = await client.get("/api/v1/me", headers=caller)
    events = await client.get("/api/v1/audit-events", params={"actor_id": me.json()["id"]})
    assert events.json()["total"] == 0, events.text
    if path is not None:
        target = await client.get(path)  # as the admin
        assert target.status_code == 200, target.text
        assert target.json()["revision"] == 1
        assert target.json().get("revoked_at") is None


def check_answer(case: Case, world: World, objects: ScopeObjects, body: Any) -> None:
    """What a successful answer shows: the object asked for, created where it was asked; in a
    list, the seeded object only if in the caller's scope, and nothing of the other region, in
    the items as in ``total``."""
    operation_id = case.operation_id
    if operation_id == "getMe":
        assert body["role"] == case.role
        assert body["region_code"] in (None, OWN_REGION)
        assert world.other.organisation_id not in body["organisation_ids"]
    elif operation_id in CREATED_WITH:
        expected = CREATED_WITH[operation_id](objects)
        assert {name: body[name] for name in expected} == expected, body
    elif operation_id in LISTED_OBJECT:
        check_listing(case, world, body)
    elif operation_id == "generateChronogram":
        assert body["chronogram"]["exercise_id"] == objects.generated_exercise_id, body
    elif operation_id in KIT_READS:
        # National reference content: the whole kit, whatever the caller's scope.
        assert body["kit_version"] if operation_id == "getKit" else body["items"], body
    elif body is not None:
        assert body.get("id", body.get("exercise_id")) in asdict(objects).values(), body


def check_listing(case: Case, world: World, body: dict[str, Any]) -> None:
    field = LISTED_FIELD.get(case.operation_id, "id")
    listed = [item[field] for item in body["items"]]
    visible = case.role is ADMIN or case.scope is Scope.OWN
    assert (LISTED_OBJECT[case.operation_id](world.objects(case.scope)) in listed) == visible, body
    assert body["total"] == len(body["items"]), body  # one page holds them all (limit 20)
    if case.role is not ADMIN:
        regions = {item["region_code"] for item in body["items"] if "region_code" in item}
        assert regions <= {OWN_REGION}, body
    if case.role is ESTABLISHMENT and case.operation_id == "listOrganisations":
        assert set(listed) <= {world.own.organisation_id}, body


@pytest.mark.parametrize(
    ("role", "status"),
    [
        pytest.param(ADMIN, 200, id="admin"),
        pytest.param(REGIONAL, 403, id="regional"),
        pytest.param(ESTABLISHMENT, 403, id="establishment"),
    ],
)
async def test_an_update_cannot_move_an_organisation_to_another_region(
    client: Client, world: World, role: Role, status: int
) -> None:
    """Scope also bounds where a write may put an object. Only a national account moves an
    establishment to another region: an establishment account's region is derived from its
    organisations (DESIGN §5), so a move by the establishment itself would leave its accounts
    claiming region 53 while region 11's CRRC gets the organisation and region 53's loses it."""
    path = f"/api/v1/organisations/{world.own.organisation_id}"
    move = {
        "region_code": OTHER_REGION,
        "departement_code": OTHER_DEPARTEMENT,
        "finess_et": finess(OTHER_DEPARTEMENT),
    }

    response = await client.patch(path, json=move, headers=bearer(world.keys[role]))

    if status == 200:
        assert response.status_code == 200, response.text
        assert response.json()["region_code"] == OTHER_REGION
        return
    assert_problem(response, 403, "out_of_scope")
    unchanged = await client.get(path)  # as the admin
    assert unchanged.json()["region_code"] == OWN_REGION
