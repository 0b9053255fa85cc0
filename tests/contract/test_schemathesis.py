"""Property-based contract tests: every operation, fuzzed from the served OpenAPI document.

All default checks run, configured by ``schemathesis.toml`` at the project root (read from the
working directory, as ``make test`` runs it).
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from litestar import Litestar

from tests.factories import contact_payload, finess, organisation_payload

MAX_EXAMPLES = int(os.environ.get("KIT_CRISE_FUZZ_EXAMPLES", "60"))
# CI stays reproducible; KIT_CRISE_FUZZ_RANDOM=1 explores new inputs locally.
DERANDOMIZE = os.environ.get("KIT_CRISE_FUZZ_RANDOM", "") != "1"
STATEFUL_EXAMPLES = MAX_EXAMPLES // 2

pytestmark = pytest.mark.slow


@pytest.fixture
def api_schema(app: Litestar) -> Any:
    return schemathesis.openapi.from_asgi("/schema/openapi.json", app)


schema = schemathesis.pytest.from_fixture("api_schema")


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
def test_every_operation_honours_its_contract(case: Any) -> None:
    case.call_and_validate()


def _seed_organisations(app: Litestar) -> None:
    """Random FINESS numbers almost never pass the Luhn key: give the workflow real resources."""
    from litestar.testing import TestClient

    with TestClient(app=app) as client:
        for departement, region in (("75", "11"), ("69", "84"), ("35", "53")):
            organisation = client.post(
                "/api/v1/organisations",
                json=organisation_payload(
                    finess_et=finess(departement), departement_code=departement, region_code=region
                ),
            )
            assert organisation.status_code == 201, organisation.text
            contact = client.post(f"{organisation.headers['location']}/contacts", json=contact_payload())
            assert contact.status_code == 201, contact.text


def test_stateful_workflows_keep_the_contract(app: Litestar) -> None:
    """Chains of calls linked by the ids responses return: create → read → update → delete."""
    _seed_organisations(app)
    workflow = schemathesis.openapi.from_asgi("/schema/openapi.json", app).as_state_machine()
    workflow.run(
        settings=settings(
            max_examples=STATEFUL_EXAMPLES,
            stateful_step_count=8,
            deadline=None,
            derandomize=DERANDOMIZE,
            suppress_health_check=list(HealthCheck),
        )
    )
