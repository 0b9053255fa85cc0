"""Property: whatever valid establishment a client sends is stored and read back as sent."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar import Litestar
from litestar.testing import TestClient

from service.kit.codes import EssmsCategory, ServiceMode
from service.lib.geography import load_geography
from tests.conftest import bearer
from tests.factories import finess

DEPARTEMENTS = load_geography().departements
# Visible text as people type it: letters of any script, digits, punctuation, inner spaces.
visible_text = (
    st.text(
        alphabet=st.characters(categories=("L", "N", "P", "Zs"), exclude_characters="\u00a0\u2007\u202f"),
        min_size=1,
        max_size=80,
    )
    .map(str.strip)
    .filter(bool)
)


@st.composite
def organisations(draw: st.DrawFn) -> dict[str, Any]:
    departement = draw(st.sampled_from(DEPARTEMENTS))
    category = draw(st.sampled_from([code for code in EssmsCategory if code is not EssmsCategory.OTHER]))
    payload: dict[str, Any] = {
        "name": draw(visible_text),
        "finess_et": finess(departement.finess_prefix),
        "category": category,
        "region_code": departement.region_code,
        "departement_code": departement.code,
        "sites_count": draw(st.integers(1, 1000)),
    }
    optional = {
        "short_name": visible_text,
        "organisme_gestionnaire": visible_text,
        "capacity_places": st.integers(0, 100_000),
        "service_mode": st.sampled_from(list(ServiceMode)),
    }
    for field, strategy in optional.items():
        if draw(st.booleans()):
            payload[field] = draw(strategy)
    return payload


@pytest.fixture
def sync_client(app: Litestar, admin_key: str) -> Iterator[TestClient[Litestar]]:
    with TestClient(app=app) as client:
        client.headers.update(bearer(admin_key))
        yield client


@given(payload=organisations())
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_created_establishment_reads_back_as_sent(
    sync_client: TestClient[Litestar], payload: dict[str, Any]
) -> None:
    created = sync_client.post("/api/v1/organisations", json=payload)
    assert created.status_code == 201, created.text
    stored = sync_client.get(created.headers["location"]).json()
    for field, value in payload.items():
        assert stored[field] == value, field
    assert stored["departement_name"]
    assert stored["category_label"]


@given(first=organisations(), second=organisations())
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_an_update_with_every_field_reads_back_as_sent(
    sync_client: TestClient[Litestar], first: dict[str, Any], second: dict[str, Any]
) -> None:
    url = sync_client.post("/api/v1/organisations", json=first).headers["location"]
    updated = sync_client.patch(url, json=second)
    assert updated.status_code == 200, updated.text
    stored = sync_client.get(url).json()
    for field, value in second.items():
        assert stored[field] == value, field
    assert stored["revision"] == 2
