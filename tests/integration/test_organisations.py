"""Organisations (ESSMS): what a CRRC or an establishment sees when registering and finding one."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.evaluation_support import PLAYED, new_exercise
from tests.factories import finess, organisation_payload
from tests.problems import assert_problem

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]
URL = "/api/v1/organisations"


async def create(client: Client, **overrides: Any) -> dict[str, Any]:
    response = await client.post(URL, json=organisation_payload(**overrides))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_create_returns_the_organisation_with_french_labels(client: Client) -> None:
    response = await client.post(
        URL, json=organisation_payload(finess_et="750712184", name="EHPAD Les Tilleuls")
    )
    assert response.status_code == 201
    body = response.json()
    assert response.headers["location"] == f"{URL}/{body['id']}"
    assert response.headers["etag"] == '"1"'
    assert body["finess_et"] == "750712184"
    assert body["category_label"] == "Établissement d'hébergement pour personnes âgées dépendantes (EHPAD)"
    assert body["category_finess_code"] == 500
    assert body["service_mode"] == "HEBERGEMENT"
    assert body["service_mode_label"] == "Hébergement"
    assert body["region_name"] == "Île-de-France"
    assert body["departement_name"] == "Paris"
    assert body["revision"] == 1
    assert body["created_at"].endswith("Z")
    # UUIDv7: the version nibble is 7, so ids sort by creation time.
    assert body["id"][14] == "7"


async def test_read_returns_what_was_created_with_its_etag(client: Client) -> None:
    created = await create(client)
    response = await client.get(f"{URL}/{created['id']}")
    assert response.status_code == 200
    assert response.json() == created
    assert response.headers["etag"] == '"1"'


@pytest.mark.parametrize(
    ("category", "mode", "label"),
    [
        ("SSIAD", "DOMICILE", "Intervention à domicile"),
        ("ESAT", "TRAVAIL", "Travail protégé"),
        ("CENTRE_JOUR_PA", "ACCUEIL_JOUR", "Accueil de jour"),
        ("MAS", "HEBERGEMENT", "Hébergement"),
    ],
)
async def test_service_mode_is_derived_from_the_category(
    client: Client, category: str, mode: str, label: str
) -> None:
    body = await create(client, category=category)
    assert body["service_mode"] == mode
    assert body["service_mode_label"] == label


async def test_service_mode_can_be_chosen_and_survives_a_category_change(client: Client) -> None:
    chosen = await create(client, category="IME", service_mode="ACCUEIL_JOUR")
    assert chosen["service_mode"] == "ACCUEIL_JOUR"
    changed = await client.patch(f"{URL}/{chosen['id']}", json={"category": "ITEP"})
    assert changed.json()["service_mode"] == "ACCUEIL_JOUR"

    derived = await create(client, category="EHPAD")
    moved = await client.patch(f"{URL}/{derived['id']}", json={"category": "SSIAD"})
    assert moved.json()["service_mode"] == "DOMICILE"


async def test_other_category_needs_an_explicit_service_mode(client: Client) -> None:
    refused = await client.post(URL, json=organisation_payload(category="OTHER"))
    body = assert_problem(refused, 422, "validation_failed")
    assert body["errors"][0]["field"] == "service_mode"
    accepted = await create(client, category="OTHER", service_mode="DOMICILE")
    assert accepted["category_finess_code"] is None


async def test_corsican_and_overseas_numbers_are_accepted(client: Client) -> None:
    bastia = await create(client, finess_et="2B0000020", departement_code="2B", region_code="94")
    assert bastia["departement_name"] == "Haute-Corse"
    cayenne = await create(client, finess_et="970302022", departement_code="973", region_code="03")
    assert cayenne["region_name"] == "Guyane"


async def test_update_changes_only_the_fields_sent_and_bumps_the_revision(client: Client) -> None:
    created = await create(client, short_name="Tilleuls", capacity_places=80)
    response = await client.patch(f"{URL}/{created['id']}", json={"capacity_places": 92, "short_name": None})
    assert response.status_code == 200
    body = response.json()
    assert body["capacity_places"] == 92
    assert body["short_name"] is None
    assert body["name"] == created["name"]
    assert body["revision"] == 2
    assert response.headers["etag"] == '"2"'
    assert body["updated_at"] >= created["updated_at"]


async def test_text_is_stored_without_surrounding_spaces(client: Client) -> None:
    created = await create(client, name="  EHPAD Les Tilleuls  ")
    assert created["name"] == "EHPAD Les Tilleuls"


async def test_if_match_protects_against_lost_updates(client: Client) -> None:
    created = await create(client)
    url = f"{URL}/{created['id']}"
    first = await client.patch(url, json={"capacity_places": 81}, headers={"If-Match": '"1"'})
    assert first.status_code == 200
    # A colleague still holding revision 1 must not overwrite the change.
    stale = await client.patch(url, json={"capacity_places": 70}, headers={"If-Match": '"1"'})
    body = assert_problem(stale, 412, "precondition_failed")
    assert body["title"] == "Version périmée"
    assert stale.headers["etag"] == '"2"'
    assert (await client.get(url)).json()["capacity_places"] == 81
    weak = await client.patch(url, json={"capacity_places": 70}, headers={"If-Match": 'W/"2"'})
    assert weak.status_code == 412
    listed = await client.patch(url, json={"capacity_places": 75}, headers={"If-Match": '"9", "2"'})
    assert listed.status_code == 200
    star = await client.delete(url, headers={"If-Match": "*"})
    assert star.status_code == 204


async def test_delete_removes_the_organisation(client: Client) -> None:
    created = await create(client)
    url = f"{URL}/{created['id']}"
    stale = await client.delete(url, headers={"If-Match": '"7"'})
    assert_problem(stale, 412, "precondition_failed")
    assert (await client.delete(url)).status_code == 204
    missing = await client.get(url)
    body = assert_problem(missing, 404, "organisation_not_found")
    assert body["instance"] == url
    assert (await client.delete(url)).status_code == 404


async def test_an_organisation_with_a_closed_exercise_is_kept_with_it(client: Client) -> None:
    """Regression: the foreign key cascaded, so deleting an establishment silently deleted its
    exercises, CLOSED ones (read-only, never deletable by themselves) and their RETEX action
    plans included; only the establishment's own audit event told of the loss."""
    organisation = await create(client)
    url = f"{URL}/{organisation['id']}"
    closed = await new_exercise(client, organisation["id"], *PLAYED)
    plan = f"/api/v1/exercises/{closed}/actions"
    retex = {"title": "Fiabiliser l'annuaire de crise hors SI", "horizon": "H0_30", "owner_role": "DIRECTION"}
    action = await client.post(plan, json=retex)
    assert action.status_code == 201, action.text
    for status in ("EVALUATED", "CLOSED"):
        moved = await client.patch(f"/api/v1/exercises/{closed}", json={"status": status})
        assert moved.status_code == 200, moved.text
    draft = await new_exercise(client, organisation["id"])

    refused = await client.delete(url, headers={"If-Match": '"1"'})

    body = assert_problem(refused, 409, "organisation_has_exercises")
    assert "2 exercices, dont 1 clôturé\u00a0:" in body["detail"]
    assert f"/api/v1/exercises?organisation_id={organisation['id']}" in body["detail"]
    assert (await client.get(url)).json()["revision"] == 1
    assert (await client.get(f"/api/v1/exercises/{closed}")).json()["status"] == "CLOSED"
    assert [item["id"] for item in (await client.get(plan)).json()["items"]] == [action.json()["id"]]
    # Deleting what may be deleted leaves the CLOSED exercise, which keeps its establishment.
    assert (await client.delete(f"/api/v1/exercises/{draft}")).status_code == 204
    again = assert_problem(await client.delete(url), 409, "organisation_has_exercises")
    assert "1 exercice, dont 1 clôturé\u00a0:" in again["detail"]
    deletions = await client.get(
        "/api/v1/audit-events", params={"resource_id": organisation["id"], "action": "DELETE"}
    )
    assert deletions.json()["total"] == 0, deletions.text


async def test_an_organisation_is_deleted_once_its_exercises_are(client: Client) -> None:
    organisation = await create(client)
    url = f"{URL}/{organisation['id']}"
    exercise = await new_exercise(client, organisation["id"], "READY")

    body = assert_problem(await client.delete(url), 409, "organisation_has_exercises")
    assert "1 exercice, avec leurs évaluations" in body["detail"]
    assert "supprimez d'abord" in body["detail"]

    assert (await client.delete(f"/api/v1/exercises/{exercise}")).status_code == 204
    assert (await client.delete(url)).status_code == 204
    assert_problem(await client.get(url), 404, "organisation_not_found")


async def test_finess_can_move_to_a_free_number_only(client: Client) -> None:
    first = await create(client)
    second = await create(client)
    taken = await client.patch(f"{URL}/{second['id']}", json={"finess_et": first["finess_et"]})
    assert_problem(taken, 409, "duplicate_finess")
    free = finess("75")
    moved = await client.patch(f"{URL}/{second['id']}", json={"finess_et": free})
    assert moved.json()["finess_et"] == free


async def test_changing_departement_checks_the_whole_organisation(client: Client) -> None:
    created = await create(client)
    # Lyon is in Auvergne-Rhône-Alpes, and the FINESS still says Paris.
    response = await client.patch(f"{URL}/{created['id']}", json={"departement_code": "69"})
    body = assert_problem(response, 422, "validation_failed")
    codes = {error["code"] for error in body["errors"]}
    assert codes == {"departement_not_in_region", "finess_departement_mismatch"}


async def test_siren_and_siret_must_agree(client: Client) -> None:
    response = await client.post(URL, json=organisation_payload(siren="732829320", siret="55210055400013"))
    body = assert_problem(response, 422, "validation_failed")
    assert body["errors"] == [
        {"field": "siret", "code": "siret_siren_mismatch", "message": body["errors"][0]["message"]}
    ]
    accepted = await create(client, siren="732829320", siret="73282932000074", finess_ej=finess("75"))
    assert accepted["siret"] == "73282932000074"


class TestListing:
    @pytest.fixture
    async def catalogue(self, client: Client) -> list[dict[str, Any]]:
        return [
            await create(client, name="EHPAD Les Tilleuls", category="EHPAD"),
            await create(
                client,
                name="SSIAD du Rhône",
                category="SSIAD",
                finess_et=finess("69"),
                departement_code="69",
                region_code="84",
                organisme_gestionnaire="Association Santé Lyon",
            ),
            await create(
                client,
                name="IME La Frégate",
                category="IME",
                finess_et=finess("83"),
                departement_code="83",
                region_code="93",
                finess_ej="830100616",
            ),
        ]

    async def test_lists_are_paginated_with_totals(
        self, client: Client, catalogue: list[dict[str, Any]]
    ) -> None:
        first = (await client.get(URL, params={"limit": 2})).json()
        second = (await client.get(URL, params={"limit": 2, "offset": 2})).json()
        assert (first["total"], first["limit"], first["offset"]) == (3, 2, 0)
        assert len(first["items"]) == 2
        assert len(second["items"]) == 1
        ids = {item["id"] for item in first["items"] + second["items"]}
        assert ids == {organisation["id"] for organisation in catalogue}
        past_the_end = (await client.get(URL, params={"offset": 10})).json()
        assert past_the_end["items"] == []
        assert past_the_end["total"] == 3

    async def test_sorts_by_name_both_ways(self, client: Client, catalogue: list[dict[str, Any]]) -> None:
        ascending = [
            item["name"] for item in (await client.get(URL, params={"sort": "name"})).json()["items"]
        ]
        descending = (await client.get(URL, params={"sort": "name", "order": "desc"})).json()["items"]
        assert ascending == sorted(organisation["name"] for organisation in catalogue)
        assert [item["name"] for item in descending] == ascending[::-1]

    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({"region_code": "84"}, ["SSIAD du Rhône"]),
            ({"departement_code": "83"}, ["IME La Frégate"]),
            ({"category": "EHPAD"}, ["EHPAD Les Tilleuls"]),
            ({"finess": "830100616"}, ["IME La Frégate"]),
            ({"q": "tilleuls"}, ["EHPAD Les Tilleuls"]),
            ({"q": "SANTÉ LYON"}, ["SSIAD du Rhône"]),
            ({"q": "sante lyon"}, ["SSIAD du Rhône"]),
            ({"q": "fregate"}, ["IME La Frégate"]),
            ({"q": "rhone sante"}, ["SSIAD du Rhône"]),
            ({"q": "lyon ehpad"}, []),
            ({"region_code": "84", "category": "EHPAD"}, []),
        ],
    )
    async def test_filters(
        self, client: Client, catalogue: list[dict[str, Any]], params: dict[str, str], expected: list[str]
    ) -> None:
        body = (await client.get(URL, params=params)).json()
        assert [item["name"] for item in body["items"]] == expected
        assert body["total"] == len(expected)

    async def test_finess_filter_finds_the_geographic_number(
        self, client: Client, catalogue: list[dict[str, Any]]
    ) -> None:
        wanted = catalogue[1]["finess_et"]
        body = (await client.get(URL, params={"finess": wanted})).json()
        assert [item["finess_et"] for item in body["items"]] == [wanted]


async def test_names_whose_folded_form_is_longer_are_accepted(client: Client) -> None:
    """Regression: search folding lengthens « … » to « ... »; PostgreSQL refused the row (409)."""
    name = "EHPAD " + "…" * 190
    created = await create(client, name=name, short_name="…" * 80, organisme_gestionnaire="ﷺ" * 200)
    assert created["name"] == name
    found = (await client.get(URL, params={"q": "ehpad ..."})).json()
    assert found["total"] == 1


async def test_search_takes_words_in_any_order_and_ignores_punctuation(client: Client) -> None:
    await create(client, name="EHPAD Résidence Saint-Joseph", short_name="L’Oustal")
    await create(client, name="EHPAD « Les Tilleuls »")
    for typed, expected in [
        ("saint joseph", ["EHPAD Résidence Saint-Joseph"]),
        ("joseph residence", ["EHPAD Résidence Saint-Joseph"]),
        ("l'oustal", ["EHPAD Résidence Saint-Joseph"]),
        ("ehpad les", ["EHPAD « Les Tilleuls »"]),
    ]:
        body = (await client.get(URL, params={"q": typed})).json()
        assert [item["name"] for item in body["items"]] == expected, typed


async def test_names_sort_as_a_french_reader_expects(client: Client) -> None:
    for name in ("zénith", "Élan", "abc", "Abd"):
        await create(client, name=name)
    body = (await client.get(URL, params={"sort": "name"})).json()
    assert [item["name"] for item in body["items"]] == ["abc", "Abd", "Élan", "zénith"]
