"""The crisis directory (annuaire de crise) of an establishment, as its users see it through the API."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.factories import contact_payload, organisation_payload
from tests.problems import assert_problem

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]
ORGANISATIONS = "/api/v1/organisations"


def contacts_url(organisation: dict[str, Any]) -> str:
    return f"{ORGANISATIONS}/{organisation['id']}/contacts"


def contact_url(organisation: dict[str, Any], contact: dict[str, Any]) -> str:
    return f"{contacts_url(organisation)}/{contact['id']}"


async def create_organisation(client: Client, **overrides: Any) -> dict[str, Any]:
    response = await client.post(ORGANISATIONS, json=organisation_payload(**overrides))
    assert response.status_code == 201, response.text
    return response.json()


async def create_contact(client: Client, organisation: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    response = await client.post(contacts_url(organisation), json=contact_payload(**overrides))
    assert response.status_code == 201, response.text
    return response.json()


async def directory(client: Client, organisation: dict[str, Any], query: str = "") -> dict[str, Any]:
    response = await client.get(contacts_url(organisation) + query)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
async def organisation(client: Client) -> dict[str, Any]:
    return await create_organisation(client)


# Round trip and French labels.


async def test_contact_round_trip(client: Client, organisation: dict[str, Any]) -> None:
    created = await client.post(
        contacts_url(organisation),
        json=contact_payload(
            role="ARS",
            name="Point focal régional",
            organisation_name="ARS Île-de-France",
            phones=["01 44 02 00 00"],
            email="ars75-alerte@ars.sante.fr",
            availability="HORAIRES",
            availability_hours="lun.–ven. 8 h–18 h",
            notes="Prévenir dès la détection de l'incident.",
        ),
    )
    assert created.status_code == 201, created.text
    contact = created.json()
    assert created.headers["etag"] == '"1"'
    assert created.headers["location"] == contact_url(organisation, contact)
    assert contact["organisation_id"] == organisation["id"]
    assert contact["role"] == "ARS"
    assert contact["role_label"] == "Agence régionale de santé (ARS)"
    assert contact["scope"] == "EXTERNE"
    assert contact["name"] == "Point focal régional"
    assert contact["organisation_name"] == "ARS Île-de-France"
    assert contact["phones"] == ["+33144020000"]
    assert contact["email"] == "ars75-alerte@ars.sante.fr"
    assert contact["backup_for_id"] is None
    assert contact["availability"] == "HORAIRES"
    assert contact["availability_label"] == "Selon des plages horaires"
    assert contact["availability_hours"] == "lun.–ven. 8 h–18 h"
    assert contact["notes"] == "Prévenir dès la détection de l'incident."
    assert contact["revision"] == 1

    read = await client.get(created.headers["location"])
    assert read.status_code == 200
    assert read.headers["etag"] == '"1"'
    assert read.json() == contact

    page = await directory(client, organisation)
    assert page["total"] == 1
    assert page["items"] == [contact]

    updated = await client.patch(
        contact_url(organisation, contact),
        json={
            "role": "DIRECTION",
            "name": "Claire Martin",
            "availability": "H24",
            "availability_hours": None,
        },
    )
    assert updated.status_code == 200, updated.text
    assert updated.headers["etag"] == '"2"'
    changed = updated.json()
    assert changed["role"] == "DIRECTION"
    assert changed["role_label"] == "Direction"
    assert changed["scope"] == "INTERNE"
    assert changed["name"] == "Claire Martin"
    assert changed["availability_label"] == "24 h/24, 7 j/7"
    assert changed["availability_hours"] is None
    # Fields the PATCH did not name are kept.
    assert changed["organisation_name"] == "ARS Île-de-France"
    assert changed["phones"] == ["+33144020000"]
    assert changed["revision"] == 2
    assert (await client.get(contact_url(organisation, contact))).json() == changed

    deleted = await client.delete(contact_url(organisation, contact))
    assert deleted.status_code == 204
    gone = await client.get(contact_url(organisation, contact))
    assert_problem(gone, 404, "contact_not_found")
    assert (await directory(client, organisation))["total"] == 0


@pytest.mark.parametrize(
    ("role", "role_label", "scope"),
    [
        ("ARS", "Agence régionale de santé (ARS)", "EXTERNE"),
        ("DIRECTION", "Direction", "INTERNE"),
        ("ASTREINTE", "Astreinte de direction", "INTERNE"),
        ("CERT_SANTE", "CERT Santé", "EXTERNE"),
    ],
)
async def test_role_label_and_scope_come_from_the_catalogue(
    client: Client, organisation: dict[str, Any], role: str, role_label: str, scope: str
) -> None:
    contact = await create_contact(client, organisation, role=role)
    assert (contact["role_label"], contact["scope"]) == (role_label, scope)
    # H24 is the default availability.
    assert contact["availability"] == "H24"
    assert contact["availability_label"] == "24 h/24, 7 j/7"


# Phones and e-mail.


async def test_phones_are_normalised_deduplicated_and_kept_in_order(
    client: Client, organisation: dict[str, Any]
) -> None:
    contact = await create_contact(
        client,
        organisation,
        phones=["01 23 45 67 89", "0262 12 34 56", "+33 1 23 45 67 89", "06.12.34.56.78"],
        email="Claire.Martin@EHPAD-Tilleuls.FR",
    )
    assert contact["phones"] == ["+33123456789", "+262262123456", "+33612345678"]
    assert contact["email"] == "Claire.Martin@ehpad-tilleuls.fr"

    updated = await client.patch(
        contact_url(organisation, contact),
        json={
            "phones": ["0590 99 39 00", "01 23 45 67 89", "+590 590 99 39 00"],
            "email": "ASTREINTE@Exemple.FR",
        },
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["phones"] == ["+590590993900", "+33123456789"]
    assert updated.json()["email"] == "ASTREINTE@exemple.fr"
    assert (await client.get(contact_url(organisation, contact))).json()["phones"] == [
        "+590590993900",
        "+33123456789",
    ]


async def test_martinique_and_mayotte_numbers_get_their_overseas_code(
    client: Client, organisation: dict[str, Any]
) -> None:
    # Dialled nationally, 0596… and 0269… also read as metropolitan 05/02 numbers: the overseas
    # reading must win, or one line given in two forms would be stored twice.
    contact = await create_contact(
        client, organisation, phones=["0596 39 36 00", "+596 596 39 36 00", "0269 61 00 00"]
    )
    assert contact["phones"] == ["+596596393600", "+262269610000"]


async def test_invalid_phone_names_its_position(client: Client, organisation: dict[str, Any]) -> None:
    response = await client.post(
        contacts_url(organisation), json=contact_payload(phones=["01 23 45 67 89", "12 34"])
    )
    body = assert_problem(response, 422, "validation_failed")
    assert body["errors"][0]["field"] == "phones[1]"
    assert body["errors"][0]["code"] == "invalid_phone"
    assert body["errors"][0]["message"].startswith("Numéro de téléphone français invalide")
    assert (await directory(client, organisation))["total"] == 0


async def test_invalid_email_is_refused(client: Client, organisation: dict[str, Any]) -> None:
    response = await client.post(
        contacts_url(organisation), json=contact_payload(email="claire..martin@ehpad.fr")
    )
    body = assert_problem(response, 422, "validation_failed")
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("email", "invalid_email")]
    assert body["errors"][0]["message"] == "Adresse électronique invalide."
    assert (await directory(client, organisation))["total"] == 0


async def test_hours_are_required_when_availability_is_by_hours(
    client: Client, organisation: dict[str, Any]
) -> None:
    response = await client.post(contacts_url(organisation), json=contact_payload(availability="HORAIRES"))
    body = assert_problem(response, 422, "validation_failed")
    assert [(e["field"], e["code"]) for e in body["errors"]] == [
        ("availability_hours", "availability_hours_required")
    ]
    assert (await directory(client, organisation))["total"] == 0

    # The same rule applies to the stored contact once a PATCH is merged into it.
    contact = await create_contact(client, organisation)
    refused = await client.patch(contact_url(organisation, contact), json={"availability": "HORAIRES"})
    body = assert_problem(refused, 422, "validation_failed")
    assert body["errors"][0]["code"] == "availability_hours_required"
    assert (await client.get(contact_url(organisation, contact))).json() == contact


# Suppléance (backup_for_id).


async def test_backup_must_belong_to_the_same_directory(client: Client, organisation: dict[str, Any]) -> None:
    other_organisation = await create_organisation(client, name="EHPAD Les Charmes")
    stranger = await create_contact(client, other_organisation, name="Directeur des Charmes")

    refused = await client.post(
        contacts_url(organisation), json=contact_payload(backup_for_id=stranger["id"])
    )
    body = assert_problem(refused, 422, "validation_failed")
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("backup_for_id", "unknown_contact")]
    assert (await directory(client, organisation))["total"] == 0

    contact = await create_contact(client, organisation)
    refused = await client.patch(contact_url(organisation, contact), json={"backup_for_id": stranger["id"]})
    body = assert_problem(refused, 422, "validation_failed")
    assert body["errors"][0]["code"] == "unknown_contact"
    assert (await client.get(contact_url(organisation, contact))).json() == contact


async def test_a_contact_cannot_be_its_own_backup(client: Client, organisation: dict[str, Any]) -> None:
    contact = await create_contact(client, organisation)
    refused = await client.patch(contact_url(organisation, contact), json={"backup_for_id": contact["id"]})
    body = assert_problem(refused, 422, "validation_failed")
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("backup_for_id", "self_backup")]
    assert body["errors"][0]["message"] == "Un contact ne peut pas être son propre suppléant."
    assert (await client.get(contact_url(organisation, contact))).json() == contact


async def test_contacts_linked_by_suppleance_cannot_be_deleted_until_unlinked(
    client: Client, organisation: dict[str, Any]
) -> None:
    principal = await create_contact(client, organisation, name="Claire Martin")
    backup = await create_contact(
        client, organisation, role="ASTREINTE", name="Paul Durand", backup_for_id=principal["id"]
    )
    assert backup["backup_for_id"] == principal["id"]

    refused = await client.delete(contact_url(organisation, backup))
    assert_problem(refused, 409, "contact_is_backup")
    refused = await client.delete(contact_url(organisation, principal))
    body = assert_problem(refused, 409, "contact_has_backups")
    assert "1 suppléant" in body["detail"]
    assert (await directory(client, organisation))["total"] == 2

    unlinked = await client.patch(contact_url(organisation, backup), json={"backup_for_id": None})
    assert unlinked.status_code == 200, unlinked.text
    assert unlinked.json()["backup_for_id"] is None

    assert (await client.delete(contact_url(organisation, principal))).status_code == 204
    assert (await client.delete(contact_url(organisation, backup))).status_code == 204
    assert (await directory(client, organisation))["total"] == 0


# Directories are kept apart.


async def test_a_contact_is_not_reachable_through_another_organisation(
    client: Client, organisation: dict[str, Any]
) -> None:
    contact = await create_contact(client, organisation)
    other_organisation = await create_organisation(client, name="EHPAD Les Charmes")
    wrong_url = contact_url(other_organisation, contact)

    assert_problem(await client.get(wrong_url), 404, "contact_not_found")
    assert_problem(
        await client.patch(wrong_url, json={"name": "Intrus"}),
        404,
        "contact_not_found",
    )
    assert_problem(await client.delete(wrong_url), 404, "contact_not_found")

    assert (await client.get(contact_url(organisation, contact))).json() == contact
    assert (await directory(client, other_organisation))["total"] == 0


async def test_directory_of_an_unknown_organisation_is_404(client: Client) -> None:
    unknown = {"id": str(uuid.uuid4())}
    listed = await client.get(contacts_url(unknown))
    body = assert_problem(listed, 404, "organisation_not_found")
    assert body["detail"] == "Aucun établissement ne porte cet identifiant."
    created = await client.post(contacts_url(unknown), json=contact_payload())
    assert_problem(created, 404, "organisation_not_found")


async def test_deleting_the_organisation_deletes_its_whole_directory(
    client: Client, organisation: dict[str, Any]
) -> None:
    principal = await create_contact(client, organisation, name="Claire Martin")
    backup = await create_contact(client, organisation, name="Paul Durand", backup_for_id=principal["id"])
    await create_contact(client, organisation, name="Léa Bernard", backup_for_id=backup["id"])
    neighbour = await create_organisation(client, name="EHPAD Les Charmes")
    neighbour_contact = await create_contact(client, neighbour, name="Directeur des Charmes")

    deleted = await client.delete(f"{ORGANISATIONS}/{organisation['id']}")
    assert deleted.status_code == 204

    listed = await client.get(contacts_url(organisation))
    assert_problem(listed, 404, "organisation_not_found")
    read = await client.get(contact_url(organisation, principal))
    assert_problem(read, 404, "organisation_not_found")

    newcomer = await create_organisation(client, name="EHPAD Le Verger")
    assert await directory(client, newcomer) == {"items": [], "total": 0, "limit": 20, "offset": 0}
    # Another establishment's directory is untouched.
    assert (await directory(client, neighbour))["items"] == [neighbour_contact]


# Optimistic locking (ETag / If-Match).


async def test_if_match_protects_updates_and_deletes(client: Client, organisation: dict[str, Any]) -> None:
    contact = await create_contact(client, organisation)
    url = contact_url(organisation, contact)

    stale = await client.patch(url, json={"name": "Claire Martin-Durand"}, headers={"If-Match": '"7"'})
    assert_problem(stale, 412, "precondition_failed")
    assert stale.headers["etag"] == '"1"'
    assert (await client.get(url)).json() == contact

    etag = '"1"'
    for expected_revision, name in enumerate(["Claire Durand", "Claire Martin-Durand", "C. Martin"], start=2):
        updated = await client.patch(url, json={"name": name}, headers={"If-Match": etag})
        assert updated.status_code == 200, updated.text
        assert updated.headers["etag"] != etag
        assert updated.headers["etag"] == f'"{expected_revision}"'
        assert updated.json()["revision"] == expected_revision
        assert updated.json()["name"] == name
        etag = updated.headers["etag"]

    reused = await client.patch(url, json={"name": "Claire"}, headers={"If-Match": '"3"'})
    assert_problem(reused, 412, "precondition_failed")
    assert reused.headers["etag"] == '"4"'

    stale_delete = await client.delete(url, headers={"If-Match": '"1"'})
    assert_problem(stale_delete, 412, "precondition_failed")
    assert stale_delete.headers["etag"] == '"4"'
    current = await client.get(url)
    assert current.json()["name"] == "C. Martin"
    assert current.json()["revision"] == 4

    assert (await client.delete(url, headers={"If-Match": '"4"'})).status_code == 204
    assert (await directory(client, organisation))["total"] == 0


# Pagination, sorting and filtering.


async def test_directory_pagination_sort_and_role_filter(
    client: Client, organisation: dict[str, Any]
) -> None:
    people = [
        ("Chloe Lambert", "ARS"),
        ("Alice Durand", "DIRECTION"),
        ("Emma Petit", "ASTREINTE"),
        ("Bruno Garnier", "ARS"),
        ("David Moreau", "DIRECTION"),
    ]
    for name, role in people:
        await create_contact(client, organisation, name=name, role=role)
    ascending = sorted(name for name, _ in people)

    default = await directory(client, organisation)
    assert (default["total"], default["limit"], default["offset"]) == (5, 20, 0)
    assert [item["name"] for item in default["items"]] == ascending

    first = await directory(client, organisation, "?limit=2&offset=0&sort=name&order=asc")
    assert (first["total"], first["limit"], first["offset"]) == (5, 2, 0)
    assert [item["name"] for item in first["items"]] == ascending[:2]
    second = await directory(client, organisation, "?limit=2&offset=2&sort=name&order=asc")
    assert [item["name"] for item in second["items"]] == ascending[2:4]
    last = await directory(client, organisation, "?limit=2&offset=4&sort=name&order=asc")
    assert (last["total"], last["offset"]) == (5, 4)
    assert [item["name"] for item in last["items"]] == ascending[4:]

    descending = await directory(client, organisation, "?sort=name&order=desc")
    assert [item["name"] for item in descending["items"]] == ascending[::-1]

    ars = await directory(client, organisation, "?role=ARS&sort=name")
    assert ars["total"] == 2
    assert [item["name"] for item in ars["items"]] == ["Bruno Garnier", "Chloe Lambert"]
    assert {item["role_label"] for item in ars["items"]} == {"Agence régionale de santé (ARS)"}
    ars_page = await directory(client, organisation, "?role=ARS&sort=name&order=desc&limit=1")
    assert (ars_page["total"], ars_page["limit"]) == (2, 1)
    assert [item["name"] for item in ars_page["items"]] == ["Chloe Lambert"]
    nobody = await directory(client, organisation, "?role=CNIL")
    assert (nobody["total"], nobody["items"]) == (0, [])


async def test_a_page_past_the_end_keeps_the_total(client: Client, organisation: dict[str, Any]) -> None:
    for name in ("Alice Durand", "Bruno Garnier", "Chloe Lambert"):
        await create_contact(client, organisation, name=name)
    beyond = await directory(client, organisation, "?limit=2&offset=10")
    assert (beyond["total"], beyond["limit"], beyond["offset"], beyond["items"]) == (3, 2, 10, [])


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0 800 130 000", "+33800130000"),
        ("0805 123 456", "+33805123456"),
        ("0809 10 20 30", "+33809102030"),
        ("05 56 12 34 56", "+33556123456"),
        ("0590 12 34 56", "+590590123456"),
        ("0692 12 34 56", "+262692123456"),
        ("+687 25 12 34", "+687251234"),
    ],
)
async def test_service_numbers_stay_metropolitan(
    client: Client, organisation: dict[str, Any], typed: str, stored: str
) -> None:
    """Regression: 08xx hotlines (insurers, software vendors) were stored as Guadeloupe numbers."""
    response = await client.post(contacts_url(organisation), json=contact_payload(phones=[typed]))
    assert response.status_code == 201, response.text
    assert response.json()["phones"] == [stored]


@pytest.mark.parametrize("typed", ["45 67 89", "87 12 34 56", "+1 202 555 0143", "12"])
async def test_numbers_that_are_not_french_are_refused(
    client: Client, organisation: dict[str, Any], typed: str
) -> None:
    """Regression: fragments were read as Saint-Pierre or Polynesia numbers."""
    response = await client.post(contacts_url(organisation), json=contact_payload(phones=[typed]))
    body = assert_problem(response, 422, "validation_failed")
    assert body["errors"][0]["code"] == "invalid_phone"


async def test_blank_notes_are_stored_as_no_notes(client: Client, organisation: dict[str, Any]) -> None:
    response = await client.post(contacts_url(organisation), json=contact_payload(notes="   "))
    assert response.json()["notes"] is None
