"""The chronogram through the API: generation (and its preview), reading, manual edits that
survive regeneration, and every refusal of the issue, as a CRRC facilitator would see them."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from service.app import create_app
from service.kit import injects
from service.kit.codes import AccountRole, InjectAnchor
from service.kit.content import KitContentError
from service.kit.injects import get_inject_library
from service.kit.rules import reads
from service.settings import Settings
from tests.conftest import KeyIssuer, bearer
from tests.factories import (
    complete_answers,
    contact_payload,
    exercise_payload,
    organisation_payload,
    si_component,
)
from tests.problems import assert_problem

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]
EXERCISES = "/api/v1/exercises"
PLAYERS = [
    {"role": "DIRECTION", "count": 1},
    {"role": "ENCADREMENT", "count": 2},
    {"role": "SOIGNANT_EDUCATIF", "count": 3},
    {"role": "REFERENT_SI", "count": 1},
]


def components(*, mssante: bool = True) -> list[dict[str, Any]]:
    items = [
        si_component("INTERNET", category="INTERNET", name="Fibre", personal_data=False, health_data=False),
        si_component("DUI", "INTERNET", name="Atalante Soins", editor="Atalante Santé"),
        si_component("MESSAGERIE", category="MESSAGERIE", name="Messagerie Outlook", health_data=False),
    ]
    if mssante:
        items.append(si_component("MSSANTE", category="MSSANTE", name="MSSanté de l'établissement"))
    return items


async def create_organisation(client: Client, **overrides: Any) -> str:
    response = await client.post("/api/v1/organisations", json=organisation_payload(**overrides))
    assert response.status_code == 201, response.text
    organisation_id: str = response.json()["id"]
    return organisation_id


async def ready_exercise(client: Client, organisation_id: str, **overrides: Any) -> str:
    """A READY exercise of the organisation: complete questionnaire, three or four components."""
    payload = exercise_payload(
        organisation_id, participants=PLAYERS, scenario_type="PHISHING_ACCOUNT_COMPROMISE"
    )
    response = await client.post(EXERCISES, json=payload | overrides)
    assert response.status_code == 201, response.text
    exercise_id: str = response.json()["id"]
    url = f"{EXERCISES}/{exercise_id}"
    answers = await client.put(f"{url}/questionnaire", json={"answers": complete_answers()})
    assert answers.status_code == 200, answers.text
    system = await client.put(f"{url}/information-system", json={"components": components()})
    assert system.status_code == 200, system.text
    ready = await client.patch(url, json={"status": "READY"})
    assert ready.status_code == 200, ready.text
    return exercise_id


async def generate(client: Client, exercise_id: str, **params: Any) -> dict[str, Any]:
    response = await client.post(f"{EXERCISES}/{exercise_id}/chronogram", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def status_of(client: Client, exercise_id: str) -> str:
    status: str = (await client.get(f"{EXERCISES}/{exercise_id}")).json()["status"]
    return status


@pytest.fixture
async def organisation_id(client: Client) -> str:
    organisation_id = await create_organisation(client)
    for role, name in (("DIRECTION", "Claire Martin"), ("ARS", "Point focal ARS Île-de-France")):
        contact = await client.post(
            f"/api/v1/organisations/{organisation_id}/contacts",
            json=contact_payload(role=role, name=name, email=None),
        )
        assert contact.status_code == 201, contact.text
    return organisation_id


@pytest.fixture
async def exercise_id(client: Client, organisation_id: str) -> str:
    return await ready_exercise(client, organisation_id)


def depending_on(key: str) -> set[str]:
    """Injects whose rule reads ``key``, and those that require them."""
    library = get_inject_library().injects
    found = {code for code, t in library.items() if t.rule is not None and key in reads(t.rule)}
    while extra := {code for code, t in library.items() if set(t.requires) & found} - found:
        found |= extra
    return found


def anchor_codes() -> dict[str, InjectAnchor]:
    return {code: t.anchor for code, t in get_inject_library().injects.items() if t.anchor is not None}


class TestGeneration:
    async def test_generating_a_ready_exercise_saves_an_explained_chronogram(
        self, client: Client, exercise_id: str
    ) -> None:
        response = await client.post(f"{EXERCISES}/{exercise_id}/chronogram")

        assert response.status_code == 200, response.text
        body = response.json()
        chronogram = body["chronogram"]
        assert body["dry_run"] is False
        assert response.headers["etag"] == f'"{chronogram["revision"]}"'
        entries = chronogram["entries"]
        assert [entry["seq"] for entry in entries] == list(range(1, len(entries) + 1))
        offsets = [entry["offset_minutes"] for entry in entries]
        assert offsets == sorted(offsets)
        assert body["changes"]["added"] == [entry["inject_code"] for entry in entries]
        assert body["changes"]["removed"] == body["changes"]["kept"] == []
        # TABLE_TOP by default: 15 minutes of briefing from 09:30, T0 at 09:45, 120 minutes of play.
        assert (chronogram["briefing_minutes"], chronogram["play_minutes"]) == (15, 120)
        first = entries[0]
        assert (first["phase"], first["offset_minutes"], first["clock_time"]) == ("DEBEX", -15, "09:30")
        t0 = next(entry for entry in entries if entry["offset_minutes"] == 0)
        assert t0["clock_time"] == "09:45"
        anchors = anchor_codes()
        played = {anchors[entry["inject_code"]] for entry in entries if entry["inject_code"] in anchors}
        # The DUI holds health data and the scenario hits it: the DPO/CNIL milestone is played.
        assert played == set(InjectAnchor)
        for entry in entries:
            assert entry["reason"]
            assert entry["origin"] == "GENERATED"
            assert (entry["status"], entry["status_label"]) == ("PLANNED", "Prévu")
            assert all(entry[f"{name}_label"] for name in ("phase", "sender", "recipient", "channel"))
            assert entry["recipient"] in {player["role"] for player in PLAYERS}
        assert any(entry["reason"].startswith("Toujours joué") for entry in entries)
        assert await status_of(client, exercise_id) == "GENERATED"

        read = await client.get(f"{EXERCISES}/{exercise_id}/chronogram")
        assert read.status_code == 200, read.text
        assert read.json() == chronogram
        assert read.headers["etag"] == response.headers["etag"]

    async def test_placeholders_are_filled_from_the_establishment_si_and_directory(
        self, client: Client, exercise_id: str
    ) -> None:
        entries = (await generate(client, exercise_id))["chronogram"]["entries"]
        texts = " ".join(entry["stimulus"] for entry in entries)
        for unresolved in (name for entry in entries for name in entry["unresolved_placeholders"]):
            # A placeholder with no value stays visible, never a crash.
            assert "{" + unresolved + "}" in texts
        assert "{etablissement}" not in texts
        assert "{dui}" not in texts

    async def test_the_preview_saves_nothing(self, client: Client, exercise_id: str) -> None:
        preview = await client.post(f"{EXERCISES}/{exercise_id}/chronogram", params={"dry_run": "true"})

        assert preview.status_code == 200, preview.text
        assert "etag" not in preview.headers
        body = preview.json()
        assert body["dry_run"] is True
        assert body["chronogram"]["revision"] is None
        assert body["chronogram"]["entries"]
        assert {entry["id"] for entry in body["chronogram"]["entries"]} == {None}
        assert_problem(await client.get(f"{EXERCISES}/{exercise_id}/chronogram"), 404, "chronogram_not_found")
        assert await status_of(client, exercise_id) == "READY"
        saved = await generate(client, exercise_id)
        # The preview showed exactly what the generation saves.
        strip = ("id", "revision")
        assert [{k: v for k, v in e.items() if k not in strip} for e in saved["chronogram"]["entries"]] == [
            {k: v for k, v in e.items() if k not in strip} for e in body["chronogram"]["entries"]
        ]

    async def test_the_same_inputs_give_the_same_chronogram(self, client: Client, exercise_id: str) -> None:
        first = (await generate(client, exercise_id))["chronogram"]
        again = await generate(client, exercise_id)

        assert again["changes"]["added"] == again["changes"]["removed"] == []
        assert again["changes"]["kept"] == [entry["inject_code"] for entry in first["entries"]]
        fields = ("inject_code", "offset_minutes", "stimulus", "recipient", "reason", "seq")
        assert [[entry[f] for f in fields] for entry in again["chronogram"]["entries"]] == [
            [entry[f] for f in fields] for entry in first["entries"]
        ]
        assert again["chronogram"]["inputs_sha256"] == first["inputs_sha256"]

    async def test_removing_mssante_removes_exactly_the_lines_that_depend_on_it(
        self, client: Client, exercise_id: str
    ) -> None:
        url = f"{EXERCISES}/{exercise_id}"
        # A stimulus about MSSanté plays only where the scenario breaks it: a compromised mailbox.
        mailbox = await client.patch(url, json={"scenario_type": "MAILBOX_COMPROMISE"})
        assert mailbox.status_code == 200, mailbox.text
        first = (await generate(client, exercise_id))["chronogram"]
        back = await client.patch(url, json={"status": "READY"})
        assert back.status_code == 200, back.text
        system = await client.put(f"{url}/information-system", json={"components": components(mssante=False)})
        assert system.status_code == 200, system.text

        again = await generate(client, exercise_id)

        changes = again["changes"]
        # Besides the injects that read MSSanté (and those requiring them), only an inject the
        # density cap left out one time and let in the other may come or go.
        crowded = {item["inject_code"] for item in [*first["left_out"], *again["chronogram"]["left_out"]]}
        assert set(changes["removed"]) | set(changes["added"]) <= depending_on("si:MSSANTE") | crowded
        assert set(changes["removed"]) & depending_on("si:MSSANTE")
        assert again["chronogram"]["inputs_sha256"] != first["inputs_sha256"]
        assert await status_of(client, exercise_id) == "GENERATED"

    async def test_a_regeneration_with_a_stale_etag_is_refused(
        self, client: Client, exercise_id: str
    ) -> None:
        url = f"{EXERCISES}/{exercise_id}/chronogram"
        first = await client.post(url)
        etag = first.headers["etag"]
        entry = first.json()["chronogram"]["entries"][1]
        edited = await client.patch(f"{url}/entries/{entry['id']}", json={"status": "SKIPPED"})
        assert edited.status_code == 200, edited.text
        current = await client.get(url)
        # An entry's edit moves the chronogram's ETag too.
        assert current.headers["etag"] != etag

        assert_problem(await client.post(url, headers={"If-Match": etag}), 412, "precondition_failed")
        again = await client.post(url, headers={"If-Match": current.headers["etag"]})
        assert again.status_code == 200, again.text


class TestNotReady:
    async def test_a_draft_is_refused_naming_what_is_missing(
        self, client: Client, organisation_id: str
    ) -> None:
        response = await client.post(EXERCISES, json=exercise_payload(organisation_id))
        exercise_id = response.json()["id"]
        await client.put(f"{EXERCISES}/{exercise_id}/questionnaire", json={"answers": {"Q_PLAN_BLEU": True}})

        refused = await client.post(f"{EXERCISES}/{exercise_id}/chronogram")

        body = assert_problem(refused, 409, "exercise_not_ready", field="status")
        fields = {error["field"] for error in body["errors"]}
        assert "questionnaire.answers.Q_NB_USAGERS" in fields
        assert "information_system.components" in fields
        assert_problem(await client.get(f"{EXERCISES}/{exercise_id}/chronogram"), 404, "chronogram_not_found")
        assert await status_of(client, exercise_id) == "DRAFT"

    async def test_a_preview_of_a_draft_is_refused_too(self, client: Client, organisation_id: str) -> None:
        exercise_id = (await client.post(EXERCISES, json=exercise_payload(organisation_id))).json()["id"]
        refused = await client.post(f"{EXERCISES}/{exercise_id}/chronogram", params={"dry_run": "true"})
        assert_problem(refused, 409, "exercise_not_ready", field="status")

    async def test_a_played_exercise_is_not_regenerated(self, client: Client, exercise_id: str) -> None:
        await generate(client, exercise_id)
        played = await client.patch(f"{EXERCISES}/{exercise_id}", json={"status": "PLAYED"})
        assert played.status_code == 200, played.text
        before = (await client.get(f"{EXERCISES}/{exercise_id}/chronogram")).json()

        refused = await client.post(f"{EXERCISES}/{exercise_id}/chronogram")

        assert_problem(refused, 409, "exercise_already_played")
        assert (await client.get(f"{EXERCISES}/{exercise_id}/chronogram")).json() == before

    async def test_an_unknown_exercise_is_not_found(self, client: Client) -> None:
        missing = "0190c4a8-0000-7000-8000-000000000000"
        assert_problem(await client.post(f"{EXERCISES}/{missing}/chronogram"), 404, "exercise_not_found")
        assert_problem(await client.get(f"{EXERCISES}/{missing}/chronogram"), 404, "exercise_not_found")


class TestManualEdits:
    async def test_a_custom_entry_inside_the_session_is_added_in_play_order(
        self, client: Client, exercise_id: str
    ) -> None:
        await generate(client, exercise_id)
        entries_url = f"{EXERCISES}/{exercise_id}/chronogram/entries"
        custom = {
            "offset_minutes": 30,
            "phase": "CONTINUITE",
            "sender": "FAMILLE",
            "recipient": "ENCADREMENT",
            "channel": "TELEPHONE",
            "title": "La fille d'un résident s'inquiète",
            "stimulus": "« Je n'arrive pas à joindre l'étage de ma mère depuis ce matin. »",
            "expected_reactions": ["  Rassurer sans détailler l'incident  "],
            "competency_items": ["CO_USAGERS_FAMILLES"],
        }

        response = await client.post(entries_url, json=custom)

        assert response.status_code == 201, response.text
        entry = response.json()
        assert response.headers["location"] == f"{entries_url}/{entry['id']}"
        assert response.headers["etag"] == f'"{entry["revision"]}"'
        assert (entry["origin"], entry["origin_label"]) == ("CUSTOM", "Ajouté à la main")
        assert entry["inject_code"] is None
        assert entry["clock_time"] == "10:15"
        assert entry["expected_reactions"] == ["Rassurer sans détailler l'incident"]
        listing = (await client.get(f"{EXERCISES}/{exercise_id}/chronogram")).json()["entries"]
        assert [item["seq"] for item in listing] == list(range(1, len(listing) + 1))
        position = [item["id"] for item in listing].index(entry["id"])
        assert listing[position - 1]["offset_minutes"] <= 30 <= listing[position + 1]["offset_minutes"]
        assert listing[position]["seq"] == entry["seq"]
        # Nobody said who plays it: the facilitator who plays the families.
        assert (entry["facilitator"], entry["facilitator_label"]) == (
            "ANIMATEUR_PROCHES_MEDIAS",
            "Animateur «\u00a0proches, usagers et médias\u00a0»",
        )
        assert (entry["play_if"], entry["observation"]) == (None, None)

    async def test_the_facilitators_note_what_they_played_and_what_they_saw(
        self, client: Client, exercise_id: str
    ) -> None:
        entries = (await generate(client, exercise_id))["chronogram"]["entries"]
        ars = next(entry for entry in entries if entry["sender"] == "ARS")
        assert ars["facilitator"] == "ANIMATEUR_AUTORITES"
        url = f"{EXERCISES}/{exercise_id}/chronogram/entries/{ars['id']}"

        response = await client.patch(
            url,
            json={
                "status": "SENT",
                "observation": "La directrice a appelé l'ARS avant d'être rappelée.",
                "facilitator": "ANIMATEUR_PRINCIPAL",
            },
        )

        assert response.status_code == 200, response.text
        entry = response.json()
        assert (entry["status"], entry["status_label"]) == ("SENT", "Joué")
        assert entry["observation"] == "La directrice a appelé l'ARS avant d'être rappelée."
        assert entry["facilitator_label"] == "Animateur principal (en salle)"
        cleared = (await client.patch(url, json={"observation": None, "status": "SHIFTED"})).json()
        assert (cleared["observation"], cleared["status_label"]) == (None, "Décalé")

    async def test_a_retried_addition_with_the_same_idempotency_key_adds_one_entry(
        self, client: Client, exercise_id: str
    ) -> None:
        count = len((await generate(client, exercise_id))["chronogram"]["entries"])
        body = {
            "offset_minutes": 12,
            "phase": "QUALIFICATION",
            "sender": "ANIMATION",
            "recipient": "DIRECTION",
            "channel": "ORAL",
            "title": "Rappel de l'animateur",
            "stimulus": "Qui tient la main courante ?",
        }
        headers = {"Idempotency-Key": "ajout-rappel-1"}
        first = await client.post(f"{EXERCISES}/{exercise_id}/chronogram/entries", json=body, headers=headers)
        again = await client.post(f"{EXERCISES}/{exercise_id}/chronogram/entries", json=body, headers=headers)

        assert first.status_code == again.status_code == 201
        assert again.headers["idempotent-replayed"] == "true"
        assert again.json()["id"] == first.json()["id"]
        listing = (await client.get(f"{EXERCISES}/{exercise_id}/chronogram")).json()["entries"]
        assert len(listing) == count + 1

    @pytest.mark.parametrize("offset", [-16, 166, 1440])
    async def test_a_custom_entry_outside_the_session_is_refused(
        self, client: Client, exercise_id: str, offset: int
    ) -> None:
        """TABLE_TOP, 180 minutes from 09:30: from T−15 to T+165."""
        before = (await generate(client, exercise_id))["chronogram"]
        response = await client.post(
            f"{EXERCISES}/{exercise_id}/chronogram/entries",
            json={
                "offset_minutes": offset,
                "phase": "CONTINUITE",
                "sender": "ANIMATION",
                "recipient": "DIRECTION",
                "channel": "ORAL",
                "title": "Hors séance",
                "stimulus": "Trop tard.",
            },
        )
        body = assert_problem(response, 422, "validation_failed", field="offset_minutes")
        assert body["errors"][0]["code"] == "outside_exercise_window"
        assert "de -15 " in body["errors"][0]["message"]
        assert "à 165 minutes" in body["errors"][0]["message"]
        assert (await client.get(f"{EXERCISES}/{exercise_id}/chronogram")).json() == before

    async def test_unknown_competency_items_and_blank_stimuli_are_refused(
        self, client: Client, exercise_id: str
    ) -> None:
        await generate(client, exercise_id)
        response = await client.post(
            f"{EXERCISES}/{exercise_id}/chronogram/entries",
            json={
                "offset_minutes": 10,
                "phase": "ARBITRAGE",
                "sender": "ANIMATION",
                "recipient": "DIRECTION",
                "channel": "ORAL",
                "title": "Décision",
                "stimulus": "   ",
                "competency_items": ["NOT_AN_ITEM"],
            },
        )
        body = assert_problem(response, 422, "validation_failed", field="competency_items[0]")
        assert {error["field"] for error in body["errors"]} == {"stimulus", "competency_items[0]"}

    async def test_shifting_an_entry_moves_its_clock_and_marks_it_edited(
        self, client: Client, exercise_id: str
    ) -> None:
        entries = (await generate(client, exercise_id))["chronogram"]["entries"]
        target = next(entry for entry in entries if entry["phase"] not in {"DEBEX", "FINEX", "RETEX_CHAUD"})
        url = f"{EXERCISES}/{exercise_id}/chronogram/entries/{target['id']}"

        response = await client.patch(
            url,
            json={"offset_minutes": 100, "channel": "SMS"},
            headers={"If-Match": f'"{target["revision"]}"'},
        )

        assert response.status_code == 200, response.text
        entry = response.json()
        assert (entry["offset_minutes"], entry["clock_time"], entry["channel"]) == (100, "11:25", "SMS")
        assert (entry["origin"], entry["origin_label"]) == ("EDITED", "Généré puis modifié")
        assert entry["revision"] > target["revision"]
        assert response.headers["etag"] == f'"{entry["revision"]}"'
        stale = await client.patch(
            url, json={"status": "SKIPPED"}, headers={"If-Match": f'"{target["revision"]}"'}
        )
        assert_problem(stale, 412, "precondition_failed")
        listing = (await client.get(f"{EXERCISES}/{exercise_id}/chronogram")).json()["entries"]
        offsets = [item["offset_minutes"] for item in listing]
        assert offsets == sorted(offsets)

    async def test_choosing_a_recipient_by_hand_replaces_the_routing_note(
        self, client: Client, exercise_id: str
    ) -> None:
        entries = (await generate(client, exercise_id))["chronogram"]["entries"]
        routed = next(entry for entry in entries if entry["routing_note"])
        url = f"{EXERCISES}/{exercise_id}/chronogram/entries/{routed['id']}"

        response = await client.patch(
            url,
            json={"recipient": "SOIGNANT_EDUCATIF", "stimulus": "Appel de {contact_editeur}, à compléter."},
        )

        assert response.status_code == 200, response.text
        entry = response.json()
        assert (entry["recipient"], entry["recipient_label"]) == (
            "SOIGNANT_EDUCATIF",
            "Équipe soignante ou éducative",
        )
        assert entry["routing_note"] is None
        # What is still to fill in is what the new text still holds.
        assert entry["unresolved_placeholders"] == ["contact_editeur"]

    async def test_an_edit_that_changes_nothing_keeps_the_revision(
        self, client: Client, exercise_id: str
    ) -> None:
        entry = (await generate(client, exercise_id))["chronogram"]["entries"][1]
        url = f"{EXERCISES}/{exercise_id}/chronogram/entries/{entry['id']}"
        response = await client.patch(url, json={"channel": entry["channel"]})
        assert response.status_code == 200, response.text
        assert (response.json()["revision"], response.json()["origin"]) == (entry["revision"], "GENERATED")

    async def test_regeneration_keeps_edited_and_custom_entries_unless_discarded(
        self, client: Client, exercise_id: str
    ) -> None:
        entries = (await generate(client, exercise_id))["chronogram"]["entries"]
        edited = entries[2]
        base = f"{EXERCISES}/{exercise_id}/chronogram/entries"
        patched = await client.patch(
            f"{base}/{edited['id']}", json={"stimulus": "Texte réécrit par l'animatrice."}
        )
        assert patched.status_code == 200, patched.text
        custom = await client.post(
            base,
            json={
                "offset_minutes": 50,
                "phase": "COMMUNICATION",
                "sender": "JOURNALISTE",
                "recipient": "DIRECTION",
                "channel": "TELEPHONE",
                "title": "Appel de la presse locale",
                "stimulus": "« On nous dit que vos résidents sont en danger : confirmez-vous ? »",
            },
        )
        assert custom.status_code == 201, custom.text

        again = await generate(client, exercise_id)

        changes = again["changes"]
        assert changes["kept_edited_entries"] == [edited["id"]]
        assert changes["kept_custom_entries"] == [custom.json()["id"]]
        assert changes["discarded_entries"] == []
        listing = again["chronogram"]["entries"]
        assert len(listing) == len(entries) + 1
        kept = next(entry for entry in listing if entry["id"] == edited["id"])
        assert kept["stimulus"] == "Texte réécrit par l'animatrice."
        assert [entry["inject_code"] for entry in listing].count(edited["inject_code"]) == 1
        assert [entry["seq"] for entry in listing] == list(range(1, len(listing) + 1))

        discarded = await generate(client, exercise_id, discard_manual_edits="true")

        assert set(discarded["changes"]["discarded_entries"]) == {edited["id"], custom.json()["id"]}
        fresh = discarded["chronogram"]["entries"]
        assert len(fresh) == len(entries)
        assert {entry["origin"] for entry in fresh} == {"GENERATED"}

    async def test_a_deleted_entry_is_renumbered_around_and_comes_back_when_regenerated(
        self, client: Client, exercise_id: str
    ) -> None:
        entries = (await generate(client, exercise_id))["chronogram"]["entries"]
        url = f"{EXERCISES}/{exercise_id}/chronogram/entries/{entries[3]['id']}"

        deleted = await client.delete(url)

        assert deleted.status_code == 204, deleted.text
        assert_problem(await client.get(url), 404, "chronogram_entry_not_found")
        listing = (await client.get(f"{EXERCISES}/{exercise_id}/chronogram")).json()["entries"]
        assert [entry["seq"] for entry in listing] == list(range(1, len(entries)))
        again = await generate(client, exercise_id)
        assert again["changes"]["added"] == [entries[3]["inject_code"]]

    async def test_entries_are_listed_in_play_order_with_filters(
        self, client: Client, exercise_id: str
    ) -> None:
        entries = (await generate(client, exercise_id))["chronogram"]["entries"]
        base = f"{EXERCISES}/{exercise_id}/chronogram/entries"

        page = (await client.get(base, params={"limit": 5, "offset": 2})).json()
        assert page["total"] == len(entries)
        assert [item["id"] for item in page["items"]] == [entry["id"] for entry in entries[2:7]]
        escalade = (await client.get(base, params={"phase": "ESCALADE", "limit": 100})).json()
        assert escalade["items"]
        assert escalade["total"] == sum(entry["phase"] == "ESCALADE" for entry in entries)
        assert_problem(await client.get(base, params={"phase": "NOPE"}), 400, "invalid_request")
        one = await client.get(f"{base}/{entries[0]['id']}")
        assert one.status_code == 200
        assert one.json() == entries[0]
        assert one.headers["etag"] == f'"{entries[0]["revision"]}"'

    async def test_entries_of_an_exercise_without_chronogram_are_not_found(
        self, client: Client, exercise_id: str
    ) -> None:
        base = f"{EXERCISES}/{exercise_id}/chronogram/entries"
        assert_problem(await client.get(base), 404, "chronogram_not_found")


class TestLifecycle:
    async def test_a_closed_exercise_chronogram_is_read_only(self, client: Client, exercise_id: str) -> None:
        entries = (await generate(client, exercise_id))["chronogram"]["entries"]
        url = f"{EXERCISES}/{exercise_id}"
        for status in ("PLAYED", "EVALUATED", "CLOSED"):
            moved = await client.patch(url, json={"status": status})
            assert moved.status_code == 200, moved.text
        before = (await client.get(f"{url}/chronogram")).json()
        entry_url = f"{url}/chronogram/entries/{entries[1]['id']}"
        attempts = [
            client.post(f"{url}/chronogram"),
            client.post(f"{url}/chronogram", params={"dry_run": "true"}),
            client.patch(entry_url, json={"status": "SKIPPED"}),
            client.delete(entry_url),
            client.post(
                f"{url}/chronogram/entries",
                json={
                    "offset_minutes": 5,
                    "phase": "QUALIFICATION",
                    "sender": "ANIMATION",
                    "recipient": "DIRECTION",
                    "channel": "ORAL",
                    "title": "Trop tard",
                    "stimulus": "L'exercice est clos.",
                },
            ),
        ]
        for attempt in attempts:
            assert_problem(await attempt, 409, "exercise_closed")
        assert (await client.get(f"{url}/chronogram")).json() == before

    async def test_organisers_step_back_to_ready_and_regenerate(
        self, client: Client, organisation_id: str, exercise_id: str, issue_key: KeyIssuer
    ) -> None:
        key = bearer(await issue_key(AccountRole.ESTABLISHMENT, organisation_ids=[organisation_id]))
        url = f"{EXERCISES}/{exercise_id}"
        # READY → GENERATED is the generation's: forcing it by hand stays an admin's repair.
        assert_problem(
            await client.patch(url, json={"status": "GENERATED"}, headers=key), 403, "transition_reserved"
        )
        generated = await client.post(f"{url}/chronogram", headers=key)
        assert generated.status_code == 200, generated.text

        back = await client.patch(url, json={"status": "READY"}, headers=key)

        assert back.status_code == 200, back.text
        assert back.json()["status"] == "READY"
        kept = await client.get(f"{url}/chronogram", headers=key)
        assert kept.json()["entries"] == generated.json()["chronogram"]["entries"]
        again = await client.post(f"{url}/chronogram", headers=key)
        assert again.status_code == 200, again.text
        assert await status_of(client, exercise_id) == "GENERATED"

    async def test_generation_and_edits_are_audited(self, client: Client, exercise_id: str) -> None:
        chronogram = (await generate(client, exercise_id))["chronogram"]
        entry = chronogram["entries"][1]
        await client.patch(
            f"{EXERCISES}/{exercise_id}/chronogram/entries/{entry['id']}", json={"title": "Nouveau titre"}
        )
        events = (await client.get("/api/v1/audit-events", params={"limit": 100})).json()["items"]
        by_type = {(event["resource_type"], event["action"]): event for event in events}
        assert ("CHRONOGRAM", "CREATE") in by_type
        edit = by_type[("CHRONOGRAM_ENTRY", "UPDATE")]
        assert edit["resource_id"] == entry["id"]
        assert edit["changed_fields"] == ["origin", "title"]
        status_change = [
            e for e in events if e["resource_type"] == "EXERCISE" and e["changed_fields"] == ["status"]
        ]
        assert status_change

    async def test_another_region_does_not_see_the_chronogram(
        self, client: Client, exercise_id: str, issue_key: KeyIssuer
    ) -> None:
        await generate(client, exercise_id)
        key = bearer(await issue_key(AccountRole.REGIONAL, region_code="53"))
        assert_problem(
            await client.get(f"{EXERCISES}/{exercise_id}/chronogram", headers=key), 404, "exercise_not_found"
        )
        assert_problem(
            await client.post(f"{EXERCISES}/{exercise_id}/chronogram", headers=key), 404, "exercise_not_found"
        )


class TestStartUp:
    def test_a_library_rule_naming_an_unknown_code_stops_the_service(
        self, settings: Settings, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The inject code and the field are named, and no application is built."""
        document = injects.read_inject_document()
        assert isinstance(document, dict)
        broken = [
            entry | {"rule": {"answer": {"question": "Q_INCONNUE", "equals": True}}}
            if entry["code"] == "COM-MSS-01"
            else entry
            for entry in document["injects"]
        ]
        monkeypatch.setattr(injects, "read_inject_document", lambda: document | {"injects": broken})
        get_inject_library.cache_clear()
        try:
            with pytest.raises(KitContentError, match=r"COM-MSS-01: rule: unknown question Q_INCONNUE"):
                create_app(settings)
        finally:
            get_inject_library.cache_clear()
