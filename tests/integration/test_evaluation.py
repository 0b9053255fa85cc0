"""The competency grid and observers' observations, as the organisers and the CRRC's observer
filling them in after a table-top exercise would see them."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from service.kit.codes import AccountRole
from service.kit.content import get_kit
from tests.conftest import KeyIssuer, bearer
from tests.evaluation_support import (
    PLAYED,
    URL,
    Client,
    every_item,
    new_exercise,
    new_organisation,
    played_with_chronogram,
    with_chronogram,
)
from tests.problems import assert_problem

pytestmark = pytest.mark.anyio


@pytest.fixture
async def organisation_id(client: Client) -> str:
    return await new_organisation(client)


@pytest.fixture
async def played(client: Client, organisation_id: str) -> str:
    return await new_exercise(client, organisation_id, *PLAYED)


class TestGrid:
    async def test_a_new_grid_is_empty_with_every_item_missing(
        self, client: Client, organisation_id: str
    ) -> None:
        exercise_id = await new_exercise(client, organisation_id)
        response = await client.get(f"{URL}/{exercise_id}/evaluation")
        assert response.status_code == 200, response.text
        assert response.headers["etag"] == '"0"'
        body = response.json()
        assert body["ratings"] == {}
        assert body["revision"] == 0
        assert body["completeness"]["rated"] == 0
        assert body["completeness"]["total"] == len(get_kit().item_families) == 23
        assert body["completeness"]["missing"][0] == "CA_CARTOGRAPHIE"
        assert body["completeness"]["complete"] is False

    async def test_a_partial_save_keeps_the_exercise_played(self, client: Client, played: str) -> None:
        grid: dict[str, Any] = {
            "evaluator": {"name": "Anne Leroy", "role": "Observatrice CRRC"},
            "ratings": {
                "CA_PLAN_BLEU": {
                    "rating": "PEU_SATISFAISANT",
                    "comment": "  Plan Bleu évoqué tardivement. ",
                    "evidence": "Décision à T+70 au lieu de T+45.",
                },
                "GC_MAIN_COURANTE": {"rating": "NA"},
            },
        }
        response = await client.put(f"{URL}/{played}/evaluation", json=grid, headers={"If-Match": '"0"'})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["exercise_status"] == "PLAYED"
        assert response.headers["etag"] == f'"{body["revision"]}"'
        item = body["ratings"]["CA_PLAN_BLEU"]
        assert item["item_label"] == "Déclencher le Plan Bleu"
        assert item["family_code"] == "CONTINUITE_ACTIVITE"
        assert (item["rating_label"], item["score"]) == ("Peu satisfaisant", 1)
        assert item["comment"] == "Plan Bleu évoqué tardivement."
        assert item["evaluator"] == {"name": "Anne Leroy", "role": "Observatrice CRRC"}
        assert item["evaluated_at"].endswith("Z") or item["evaluated_at"].endswith("+00:00")
        assert body["ratings"]["GC_MAIN_COURANTE"]["score"] is None
        assert body["completeness"] == {
            "rated": 2,
            "total": 23,
            "missing": [code for code in get_kit().item_families if code not in grid["ratings"]],
            "complete": False,
        }
        assert (await client.get(f"{URL}/{played}")).json()["status"] == "PLAYED"
        assert (await client.get(f"{URL}/{played}/evaluation")).json() == body

    async def test_a_complete_save_moves_the_exercise_to_evaluated_and_audits_it(
        self, client: Client, played: str
    ) -> None:
        before = (await client.get(f"{URL}/{played}")).json()
        response = await client.put(f"{URL}/{played}/evaluation", json={"ratings": every_item()})
        assert response.status_code == 200, response.text
        assert response.json()["exercise_status"] == "EVALUATED"
        assert response.json()["completeness"]["complete"] is True
        exercise = (await client.get(f"{URL}/{played}")).json()
        assert (exercise["status"], exercise["status_label"]) == ("EVALUATED", "Évalué")
        assert exercise["revision"] == before["revision"] + 1
        events = (await client.get("/api/v1/audit-events", params={"resource_id": played})).json()["items"]
        kinds = {(event["resource_type"], tuple(event["changed_fields"][:1])) for event in events}
        assert ("EXERCISE", ("status",)) in kinds
        assert ("EVALUATION", ("ratings.AS_CERT_CRRC",)) in kinds

    async def test_an_evaluated_exercise_keeps_a_complete_grid(self, client: Client, played: str) -> None:
        saved = await client.put(f"{URL}/{played}/evaluation", json={"ratings": every_item()})
        ratings = every_item()
        del ratings["CO_MEDIAS"]
        response = await client.put(f"{URL}/{played}/evaluation", json={"ratings": ratings})
        assert_problem(response, 409, "evaluation_incomplete", field="ratings.CO_MEDIAS")
        assert (await client.get(f"{URL}/{played}/evaluation")).json() == saved.json()
        # Still complete: accepted, and the level's time follows the change of level only.
        ratings = every_item() | {
            "CO_MEDIAS": {"rating": "TRES_SATISFAISANT"},
            "CA_FILIERES": {"rating": "SATISFAISANT", "comment": "Vu"},
        }
        again = await client.put(f"{URL}/{played}/evaluation", json={"ratings": ratings})
        assert again.status_code == 200, again.text
        first, second = saved.json()["ratings"], again.json()["ratings"]
        assert second["CO_MEDIAS"]["evaluated_at"] >= first["CO_MEDIAS"]["evaluated_at"]
        assert second["CA_FILIERES"]["evaluated_at"] == first["CA_FILIERES"]["evaluated_at"]
        assert second["CA_FILIERES"]["comment"] == "Vu"
        assert again.json()["revision"] == saved.json()["revision"] + 1

    async def test_a_stale_etag_is_refused(self, client: Client, played: str) -> None:
        await client.put(f"{URL}/{played}/evaluation", json={"ratings": {"CA_PLAN_BLEU": {"rating": "NA"}}})
        response = await client.put(
            f"{URL}/{played}/evaluation", json={"ratings": {}}, headers={"If-Match": '"0"'}
        )
        assert_problem(response, 412, "precondition_failed")
        assert (await client.get(f"{URL}/{played}/evaluation")).json()["completeness"]["rated"] == 1


class TestBadInput:
    @pytest.mark.parametrize(
        ("ratings", "field", "code"),
        [
            ({"CA_INCONNU": {"rating": "SATISFAISANT"}}, "ratings.CA_INCONNU", "unknown_item"),
            ({"CA_PLAN_BLEU": {"rating": "EXCELLENT"}}, "ratings.CA_PLAN_BLEU", "unknown_rating"),
            ({"CA_PLAN_BLEU": {"rating": "satisfaisant"}}, "ratings.CA_PLAN_BLEU", "unknown_rating"),
            (
                {"CA_PLAN_BLEU": {"rating": "SATISFAISANT", "entry_ids": [str(uuid.uuid4())]}},
                "ratings.CA_PLAN_BLEU.entry_ids[0]",
                "unknown_entry",
            ),
        ],
    )
    async def test_a_bad_rating_names_its_item_and_nothing_is_saved(
        self, client: Client, played: str, ratings: dict[str, Any], field: str, code: str
    ) -> None:
        body = {"ratings": {"GC_CELLULE": {"rating": "SATISFAISANT"}} | ratings}
        response = await client.put(f"{URL}/{played}/evaluation", json=body)
        problem = assert_problem(response, 422, "validation_failed", field=field)
        assert {error["code"] for error in problem["errors"]} == {code}
        grid = (await client.get(f"{URL}/{played}/evaluation")).json()
        assert (grid["ratings"], grid["revision"]) == ({}, 0)

    async def test_links_to_another_exercises_entries_are_refused(
        self, client: Client, organisation_id: str
    ) -> None:
        played, (own, second, *_) = await played_with_chronogram(client, organisation_id)
        _, (foreign, *_) = await with_chronogram(client, organisation_id, title="Autre exercice")
        body = {"ratings": {"GC_CELLULE": {"rating": "SATISFAISANT", "entry_ids": [own, foreign, own]}}}
        response = await client.put(f"{URL}/{played}/evaluation", json=body)
        problem = assert_problem(response, 422, "validation_failed")
        assert [(error["field"], error["code"]) for error in problem["errors"]] == [
            ("ratings.GC_CELLULE.entry_ids[1]", "entry_of_another_exercise"),
            ("ratings.GC_CELLULE.entry_ids[2]", "duplicate_entry"),
        ]
        linked = await client.put(
            f"{URL}/{played}/evaluation",
            json={"ratings": {"GC_CELLULE": {"rating": "SATISFAISANT", "entry_ids": [own]}}},
        )
        assert linked.status_code == 200, linked.text
        assert linked.json()["ratings"]["GC_CELLULE"]["entry_ids"] == [own]
        # Links are kept in the evaluator's order, and may be reordered or replaced.
        relinked = await client.put(
            f"{URL}/{played}/evaluation",
            json={"ratings": {"GC_CELLULE": {"rating": "SATISFAISANT", "entry_ids": [second, own]}}},
        )
        assert relinked.status_code == 200, relinked.text
        assert relinked.json()["ratings"]["GC_CELLULE"]["entry_ids"] == [second, own]

    @pytest.mark.parametrize("statuses", [(), ("READY",), ("READY", "GENERATED")])
    async def test_an_exercise_not_yet_played_cannot_be_evaluated(
        self, client: Client, organisation_id: str, statuses: tuple[str, ...]
    ) -> None:
        exercise_id = await new_exercise(client, organisation_id, *statuses)
        response = await client.put(f"{URL}/{exercise_id}/evaluation", json={"ratings": every_item()})
        assert_problem(response, 409, "exercise_not_played")
        assert (await client.get(f"{URL}/{exercise_id}")).json()["status"] == (statuses or ("DRAFT",))[-1]

    async def test_a_closed_exercise_is_read_only(self, client: Client, played: str) -> None:
        await client.put(f"{URL}/{played}/evaluation", json={"ratings": every_item()})
        closed = await client.patch(f"{URL}/{played}", json={"status": "CLOSED"})
        assert closed.status_code == 200, closed.text
        response = await client.put(f"{URL}/{played}/evaluation", json={"ratings": every_item("NA")})
        assert_problem(response, 409, "exercise_closed")

    async def test_a_rating_of_the_wrong_shape_is_a_bad_request(self, client: Client, played: str) -> None:
        response = await client.put(f"{URL}/{played}/evaluation", json={"ratings": {"CA_PLAN_BLEU": "NA"}})
        assert_problem(response, 400, "invalid_request")


class TestLifecycle:
    async def test_the_organisers_declare_a_table_top_exercise_played(
        self, client: Client, organisation_id: str, issue_key: KeyIssuer
    ) -> None:
        exercise_id, _ = await with_chronogram(client, organisation_id)
        key = await issue_key(AccountRole.ESTABLISHMENT, organisation_ids=[organisation_id])
        response = await client.patch(f"{URL}/{exercise_id}", json={"status": "PLAYED"}, headers=bearer(key))
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "PLAYED"
        # Evaluated only by a complete grid, not by hand.
        forced = await client.patch(f"{URL}/{exercise_id}", json={"status": "EVALUATED"}, headers=bearer(key))
        assert_problem(forced, 403, "transition_reserved")
        grid = await client.put(
            f"{URL}/{exercise_id}/evaluation", json={"ratings": every_item()}, headers=bearer(key)
        )
        assert grid.json()["exercise_status"] == "EVALUATED"

    async def test_another_regions_exercise_is_not_found(
        self, client: Client, played: str, issue_key: KeyIssuer
    ) -> None:
        key = await issue_key(AccountRole.REGIONAL, region_code="53")
        for response in (
            await client.get(f"{URL}/{played}/evaluation", headers=bearer(key)),
            await client.put(f"{URL}/{played}/evaluation", json={"ratings": {}}, headers=bearer(key)),
            await client.get(f"{URL}/{played}/observations", headers=bearer(key)),
        ):
            assert_problem(response, 404, "exercise_not_found")


class TestObservations:
    async def test_an_observer_notes_what_they_see_during_the_run(
        self, client: Client, organisation_id: str
    ) -> None:
        exercise_id, (entry, *_) = await with_chronogram(client, organisation_id)
        url = f"{URL}/{exercise_id}/observations"
        later = await client.post(
            url,
            json={
                "observed_at": "2026-03-12T10:40:00+01:00",
                "text": "Appel à l'ARS passé.",
                "observer": "Anne Leroy",
            },
        )
        assert later.status_code == 201, later.text
        read = await client.get(later.headers["location"])
        assert read.status_code == 200, read.text
        assert (read.json(), read.headers["etag"]) == (later.json(), '"1"')
        assert later.json()["observer"] == "Anne Leroy"
        earlier = await client.post(
            url,
            json={
                "observed_at": "2026-03-12T08:55:00Z",
                "text": "Cellule réunie.\nSix personnes.",
                "entry_id": entry,
            },
        )
        assert earlier.status_code == 201, earlier.text
        assert later.json()["observed_at"] in ("2026-03-12T09:40:00Z", "2026-03-12T09:40:00+00:00")
        assert earlier.json()["entry_id"] == entry
        page = (await client.get(url)).json()
        assert [item["text"] for item in page["items"]] == [
            "Cellule réunie.\nSix personnes.",
            "Appel à l'ARS passé.",
        ]
        assert page["total"] == 2
        backwards = (await client.get(url, params={"order": "desc"})).json()
        assert [item["id"] for item in backwards["items"]] == [later.json()["id"], earlier.json()["id"]]

        deleted = await client.delete(f"{url}/{later.json()['id']}", headers={"If-Match": '"1"'})
        assert deleted.status_code == 204, deleted.text
        assert (await client.get(url)).json()["total"] == 1
        assert_problem(await client.delete(f"{url}/{later.json()['id']}"), 404, "observation_not_found")

    async def test_bad_observations_name_their_field(
        self, client: Client, organisation_id: str, played: str
    ) -> None:
        _, (foreign, *_) = await with_chronogram(client, organisation_id, title="Autre exercice")
        url = f"{URL}/{played}/observations"
        cases = [
            ({"observed_at": "2026-03-12T10:00:00Z", "text": "   "}, "text", "required"),
            ({"observed_at": "1999-12-31T10:00:00Z", "text": "Vu"}, "observed_at", "out_of_range"),
            (
                {"observed_at": "2026-03-12T10:00:00Z", "text": "Vu", "entry_id": foreign},
                "entry_id",
                "entry_of_another_exercise",
            ),
            (
                {"observed_at": "2026-03-12T10:00:00Z", "text": "Vu", "entry_id": str(uuid.uuid4())},
                "entry_id",
                "unknown_entry",
            ),
        ]
        for body, field, code in cases:
            problem = assert_problem(await client.post(url, json=body), 422, "validation_failed", field=field)
            assert [error["code"] for error in problem["errors"]] == [code]
        assert (await client.get(url)).json()["total"] == 0

    async def test_observations_wait_for_the_chronogram(self, client: Client, organisation_id: str) -> None:
        exercise_id = await new_exercise(client, organisation_id, "READY")
        response = await client.post(
            f"{URL}/{exercise_id}/observations",
            json={"observed_at": "2026-03-12T10:00:00Z", "text": "Trop tôt"},
        )
        assert_problem(response, 409, "exercise_not_started")


class TestEntriesOutOfScope:
    """Issue E2: a SESSAD citing an entry of a MAS's chronogram learnt that the id exists
    elsewhere (``entry_of_another_exercise``) where a random id is ``unknown_entry``."""

    async def test_another_establishments_entry_is_as_unknown_as_a_random_id(
        self, client: Client, issue_key: KeyIssuer
    ) -> None:
        sessad = await new_organisation(client, name="SESSAD Les Mouettes", category="SESSAD")
        mas = await new_organisation(client, name="MAS Le Phare", category="MAS")
        played, _ = await played_with_chronogram(client, sessad)
        _, (foreign, *_) = await with_chronogram(client, mas)
        sessad_key = bearer(await issue_key(AccountRole.ESTABLISHMENT, organisation_ids=[sessad]))

        def grid(entry: str) -> dict[str, Any]:
            return {"ratings": {"GC_CELLULE": {"rating": "SATISFAISANT", "entry_ids": [entry]}}}

        def note(entry: str) -> dict[str, Any]:
            return {"observed_at": "2026-03-12T10:00:00Z", "text": "Vu", "entry_id": entry}

        for url, body, field in [
            (f"{URL}/{played}/evaluation", grid, "ratings.GC_CELLULE.entry_ids[0]"),
            (f"{URL}/{played}/observations", note, "entry_id"),
        ]:
            method = client.put if url.endswith("evaluation") else client.post
            cited = await method(url, json=body(foreign), headers=sessad_key)
            unknown = await method(url, json=body(str(uuid.uuid4())), headers=sessad_key)
            problem = assert_problem(cited, 422, "validation_failed", field=field)
            assert [error["code"] for error in problem["errors"]] == ["unknown_entry"]
            assert problem == unknown.json()
            # The national admin sees both exercises: the precise answer stays for it.
            precise = assert_problem(await method(url, json=body(foreign)), 422, "validation_failed")
            assert [error["code"] for error in precise["errors"]] == ["entry_of_another_exercise"]
            assert "appartient au chronogramme d'un autre exercice" in precise["errors"][0]["message"]
