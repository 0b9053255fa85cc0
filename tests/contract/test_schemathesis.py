"""Property-based contract tests: every operation, fuzzed from the served OpenAPI document.

All default checks run, configured by ``schemathesis.toml`` at the project root (read from the
working directory, as ``make test`` runs it).
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

import msgspec
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from litestar import Litestar
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from service.domain.accounts.bootstrap import COMMAND_LINE
from service.domain.exercises.schemas import ExerciseCreate
from service.domain.exercises.services import ExerciseService
from service.domain.organisations.schemas import ContactCreate, OrganisationCreate
from service.domain.organisations.services import ContactService, OrganisationService
from service.kit.context import load_kit_context
from service.security.api_keys import parse_key
from tests.conftest import bearer
from tests.factories import contact_payload, exercise_payload, finess, organisation_payload

MAX_EXAMPLES = int(os.environ.get("KIT_CRISE_FUZZ_EXAMPLES", "60"))
# CI stays reproducible; KIT_CRISE_FUZZ_RANDOM=1 explores new inputs locally.
DERANDOMIZE = os.environ.get("KIT_CRISE_FUZZ_RANDOM", "") != "1"
STATEFUL_EXAMPLES = MAX_EXAMPLES // 2

pytestmark = pytest.mark.slow


@pytest.fixture
def api_schema(app: Litestar) -> Any:
    return schemathesis.openapi.from_asgi("/schema/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


# One test drives every operation of the contract in turn: its time is the whole contract's, not
# one call's, and it grows with the operations.
@pytest.mark.timeout(1200)
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=DERANDOMIZE,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.function_scoped_fixture,
    ],
)
def test_every_operation_honours_its_contract(case: Any, admin_key: str) -> None:
    """Authenticated as the national admin; schemathesis' ``ignored_auth`` check also replays
    each call without the key and expects a refusal."""
    case.call_and_validate(headers=bearer(admin_key))


def _reset_and_seed(database_url: str, admin_key: str) -> None:
    """Start every workflow from the same few real resources.

    Random FINESS numbers almost never pass the Luhn key, so the workflow gets real
    establishments to follow links from; and hypothesis replays workflows while it shrinks,
    which needs each one to start from the same state.
    """

    parts = parse_key(admin_key)
    assert parts is not None
    admin_prefix = parts.prefix

    async def reset() -> None:
        engine = create_async_engine(database_url)
        try:
            async with engine.begin() as connection:
                for table in (
                    "retex_action",
                    "competency_rating_entry",
                    "competency_rating",
                    "competency_evaluation",
                    "exercise_observation",
                    "chronogram_entry",
                    "chronogram",
                    "contact",
                    "exercise_questionnaire",
                    "exercise_information_system",
                    "exercise",
                    "organisation",
                    "idempotency_record",
                    "admin_session",
                    "user_account",
                ):
                    await connection.execute(text(f"DELETE FROM {table}"))  # noqa: S608 - fixed names
                # A workflow may revoke or re-date the very key it runs with: start again from it alone.
                await connection.execute(
                    text("DELETE FROM api_key WHERE prefix != :prefix"), {"prefix": admin_prefix}
                )
                await connection.execute(text("UPDATE api_key SET revoked_at = NULL, expires_at = NULL"))
            async with AsyncSession(engine, expire_on_commit=False) as session:
                organisations, contacts, exercises = (
                    OrganisationService(session=session),
                    ContactService(session=session),
                    ExerciseService(session=session),
                )
                for departement, region in (("75", "11"), ("69", "84"), ("35", "53")):
                    payload = organisation_payload(
                        finess_et=finess(departement), departement_code=departement, region_code=region
                    )
                    organisation = await organisations.create_organisation(
                        COMMAND_LINE, msgspec.convert(payload, OrganisationCreate)
                    )
                    await contacts.create_contact(
                        COMMAND_LINE, organisation, msgspec.convert(contact_payload(), ContactCreate)
                    )
                    await exercises.create_exercise(
                        COMMAND_LINE,
                        msgspec.convert(exercise_payload(str(organisation.id)), ExerciseCreate),
                        kit=load_kit_context(),
                    )
                await session.commit()
        finally:
            await engine.dispose()

    asyncio.run(reset())


@pytest.mark.timeout(1200)
def test_stateful_workflows_keep_the_contract(app: Litestar, database_url: str, admin_key: str) -> None:
    """Chains of calls linked by the ids responses return: create → read → update → delete."""

    class Workflow(schemathesis.openapi.from_asgi("/schema/openapi.json", app).as_state_machine()):
        def setup(self) -> None:
            _reset_and_seed(database_url, admin_key)

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": bearer(admin_key)}

    Workflow.run(
        settings=settings(
            max_examples=STATEFUL_EXAMPLES,
            stateful_step_count=8,
            deadline=None,
            derandomize=DERANDOMIZE,
            suppress_health_check=list(HealthCheck),
        )
    )
