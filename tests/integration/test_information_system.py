"""The SI description (« Description du SI ») of an exercise: components checked against the
kit's categories and attributes, dependencies within the description and without cycle, saved
whole or not at all."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.factories import complete_answers, exercise_payload, organisation_payload, si_component
from tests.problems import assert_problem

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]


@pytest.fixture
async def exercise(client: Client) -> dict[str, Any]:
    organisation = await client.post("/api/v1/organisations", json=organisation_payload())
    response = await client.post("/api/v1/exercises", json=exercise_payload(organisation.json()["id"]))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
def url(exercise: dict[str, Any]) -> str:
    return f"/api/v1/exercises/{exercise['id']}/information-system"


async def put(client: Client, url: str, components: list[dict[str, Any]], **headers: str) -> Any:
    return await client.put(url, json={"components": components}, headers=headers)


# A small EHPAD: its care software runs online, so it needs the Internet box.
DESCRIPTION = [
    si_component("BOX", category="INTERNET", name="Box fibre", hosting="ON_PREMISE", criticality=4),
    si_component(
        "NETSOINS", "BOX", name="Netsoins", editor="Teranga", users_count=45, rto_hours=4, criticality=4
    ),
    si_component("PAIE", "BOX", category="PAIE_RH", name="Cegid Paie", health_data=False, criticality=2),
]


async def test_a_new_exercise_has_an_empty_description(
    client: Client, exercise: dict[str, Any], url: str
) -> None:
    response = await client.get(url)
    assert response.status_code == 200
    assert response.headers["etag"] == '"1"'
    assert response.json()["components"] == []
    assert response.json()["exercise_id"] == exercise["id"]


async def test_a_description_is_saved_in_order_with_french_labels(client: Client, url: str) -> None:
    response = await put(client, url, DESCRIPTION)
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"2"'
    body = response.json()
    assert [component["code"] for component in body["components"]] == ["BOX", "NETSOINS", "PAIE"]
    netsoins = body["components"][1]
    assert netsoins == {
        "code": "NETSOINS",
        "category": "DUI",
        "category_label": "Dossier usager informatisé (DUI)",
        "name": "Netsoins",
        "editor": "Teranga",
        "hosting": "SAAS",
        "hosting_label": "Logiciel en ligne (SaaS)",
        "criticality": 4,
        "criticality_label": "Vitale",
        "users_count": 45,
        "personal_data": True,
        "health_data": True,
        "degraded_procedure": False,
        "rto_hours": 4,
        "depends_on": ["BOX"],
    }
    assert (await client.get(url)).json() == body


async def test_a_put_replaces_the_whole_description(client: Client, url: str) -> None:
    await put(client, url, DESCRIPTION)
    body = (await put(client, url, [si_component("DUI")])).json()
    assert [component["code"] for component in body["components"]] == ["DUI"]
    assert (await put(client, url, [])).json()["components"] == []


class TestBadInput:
    """Each refusal names the component's field, and the stored description is untouched."""

    @pytest.mark.parametrize(
        ("components", "field", "code"),
        [
            ([si_component("DUI", "DUI")], "components[0].depends_on", "self_dependency"),
            ([si_component("DUI", "AD")], "components[0].depends_on", "unknown_component"),
            ([si_component("DUI"), si_component("DUI")], "components[1].code", "duplicate_code"),
            ([si_component("DUI", criticality=5)], "components[0].criticality", "out_of_range"),
            ([si_component("DUI", criticality=0)], "components[0].criticality", "out_of_range"),
            ([si_component("DUI", rto_hours=10_000)], "components[0].rto_hours", "out_of_range"),
            ([si_component("DUI", name="x" * 201)], "components[0].name", "too_long"),
            ([si_component("DUI", hosting=None)], "components[0].hosting", "required"),
            ([si_component("DUI", health_data=None)], "components[0].health_data", "required"),
            (
                [si_component("DUI", "INTERNET", "INTERNET"), si_component("INTERNET")],
                "components[0].depends_on",
                "duplicate_reference",
            ),
        ],
    )
    async def test_components_the_kit_refuses_answer_422(
        self, client: Client, url: str, components: list[dict[str, Any]], field: str, code: str
    ) -> None:
        saved = (await put(client, url, DESCRIPTION)).json()
        body = assert_problem(await put(client, url, components), 422, "validation_failed", field=field)
        assert [error["code"] for error in body["errors"]] == [code]
        assert (await client.get(url)).json() == saved

    async def test_a_cycle_is_refused_naming_its_first_component_and_the_circle(
        self, client: Client, url: str
    ) -> None:
        components = [
            si_component("POSTES", category="POSTES_TRAVAIL"),
            si_component("AD", "RESEAU", category="ACTIVE_DIRECTORY"),
            si_component("RESEAU", "POSTES", "NAS", category="RESEAU"),
            si_component("NAS", "AD", category="SAUVEGARDES"),
        ]
        body = assert_problem(await put(client, url, components), 422, "validation_failed")
        assert body["errors"] == [
            {
                "field": "components[1].depends_on",
                "code": "dependency_cycle",
                "message": "Dépendance circulaire : AD → RESEAU → NAS → AD.",
            }
        ]
        assert (await client.get(url)).json()["components"] == []

    @pytest.mark.parametrize(
        ("components", "field"),
        [
            ([si_component("DUI", category="MINITEL")], "components[0].category"),
            ([si_component("DUI", hosting="CHEZ_MOI")], "components[0].hosting"),
            ([si_component("DUI", criticality="haute")], "components[0].criticality"),
            ([si_component("DUI", personal_data="oui")], "components[0].personal_data"),
            ([si_component("DUI", couleur="bleu")], "components[0].couleur"),
            ([si_component("dui netsoins")], "components[0].code"),
            ([{"code": "DUI"}], "components[0].category"),
        ],
    )
    async def test_components_the_contract_refuses_answer_400(
        self, client: Client, url: str, components: list[dict[str, Any]], field: str
    ) -> None:
        saved = (await put(client, url, DESCRIPTION)).json()
        assert_problem(await put(client, url, components), 400, "invalid_request", field=field)
        assert (await client.get(url)).json() == saved

    async def test_a_stale_if_match_is_refused(self, client: Client, url: str) -> None:
        assert (await put(client, url, DESCRIPTION, **{"If-Match": '"1"'})).status_code == 200
        stale = await put(client, url, [si_component("DUI")], **{"If-Match": '"1"'})
        assert_problem(stale, 412, "precondition_failed")
        assert len((await client.get(url)).json()["components"]) == 3


async def test_once_ready_the_description_keeps_at_least_one_component(
    client: Client, exercise: dict[str, Any], url: str
) -> None:
    await client.put(
        f"/api/v1/exercises/{exercise['id']}/questionnaire", json={"answers": complete_answers()}
    )
    await put(client, url, DESCRIPTION)
    ready = await client.patch(f"/api/v1/exercises/{exercise['id']}", json={"status": "READY"})
    assert ready.status_code == 200, ready.text
    assert_problem(await put(client, url, []), 409, "information_system_empty", field="components")
    assert len((await client.get(url)).json()["components"]) == 3
    assert (await put(client, url, [si_component("DUI")])).status_code == 200


async def test_each_save_is_audited_with_the_components_it_changed(
    client: Client, exercise: dict[str, Any], url: str
) -> None:
    await put(client, url, DESCRIPTION)
    await put(client, url, [DESCRIPTION[0], DESCRIPTION[1] | {"criticality": 3}, DESCRIPTION[2]])
    events = (
        await client.get(
            "/api/v1/audit-events", params={"resource_id": exercise["id"], "action": "UPDATE", "order": "asc"}
        )
    ).json()["items"]
    assert [event["changed_fields"] for event in events] == [
        [
            "information_system",
            "information_system.BOX",
            "information_system.NETSOINS",
            "information_system.PAIE",
        ],
        ["information_system.NETSOINS"],
    ]
