"""Exercises: parameters, lifecycle, scope, audit and pre-filling, as a CRRC or an establishment
preparing one would see them."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from service.kit.codes import AccountRole
from tests.conftest import KeyIssuer, bearer
from tests.factories import complete_answers, exercise_payload, finess, organisation_payload, si_component
from tests.problems import assert_problem

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]
URL = "/api/v1/exercises"


async def create_organisation(client: Client, **overrides: Any) -> str:
    response = await client.post("/api/v1/organisations", json=organisation_payload(**overrides))
    assert response.status_code == 201, response.text
    identifier: str = response.json()["id"]
    return identifier


async def create(client: Client, organisation_id: str, **overrides: Any) -> dict[str, Any]:
    response = await client.post(URL, json=exercise_payload(organisation_id, **overrides))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def prepare(client: Client, exercise_id: str) -> None:
    """Fill in both inputs so the exercise may become READY."""
    answers = await client.put(f"{URL}/{exercise_id}/questionnaire", json={"answers": complete_answers()})
    assert answers.status_code == 200, answers.text
    components = [si_component("INTERNET", category="INTERNET"), si_component("DUI", "INTERNET")]
    system = await client.put(f"{URL}/{exercise_id}/information-system", json={"components": components})
    assert system.status_code == 200, system.text


async def move(client: Client, exercise_id: str, *statuses: str) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for status in statuses:
        response = await client.patch(f"{URL}/{exercise_id}", json={"status": status})
        assert response.status_code == 200, response.text
        body = response.json()
    return body


@pytest.fixture
async def organisation_id(client: Client) -> str:
    return await create_organisation(client)


async def test_create_returns_the_exercise_in_draft_with_french_labels(
    client: Client, organisation_id: str
) -> None:
    response = await client.post(
        URL,
        json=exercise_payload(
            organisation_id,
            level="INTERMEDIAIRE",
            participants=[
                {"role": "DIRECTION", "count": 2, "names": ["Claire Martin"]},
                {"role": "DPO", "count": 1},
            ],
            objectives=["  Tester la chaîne d'alerte  "],
        ),
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["location"] == f"{URL}/{body['id']}"
    assert response.headers["etag"] == '"1"'
    assert body["status"] == "DRAFT"
    assert body["status_label"] == "Brouillon"
    assert body["kit_version"] == "V2"
    assert body["scenario_label"] == "Rançongiciel"
    assert body["level_label"] == "Intermédiaire"
    assert (body["format"], body["format_label"]) == ("TABLE_TOP", "Exercice sur table")
    # The format's timing when none is given: 15 min of briefing, 3 hours in all.
    assert (body["duration_minutes"], body["briefing_minutes"]) == (180, 15)
    assert body["objectives"] == ["Tester la chaîne d'alerte"]
    assert body["participants"][0] == {
        "role": "DIRECTION",
        "role_label": "Direction",
        "count": 2,
        "names": ["Claire Martin"],
    }
    assert body["players_count"] == 3
    assert (body["facilitators_count"], body["observers_count"], body["include_perturbations"]) == (
        1,
        0,
        False,
    )
    assert body["prefilled_from_id"] is None
    assert body["created_at"].endswith("Z")


@pytest.mark.parametrize(
    ("day", "clock", "starts_at"),
    [
        ("2026-03-12", "09:30", "2026-03-12T08:30:00Z"),  # winter time, UTC+1
        ("2026-06-18", "09:30", "2026-06-18T07:30:00Z"),  # summer time, UTC+2
    ],
)
async def test_local_date_and_time_are_paris_time_and_starts_at_is_utc(
    client: Client, organisation_id: str, day: str, clock: str, starts_at: str
) -> None:
    body = await create(client, organisation_id, exercise_date=day, start_time=clock)
    assert (body["exercise_date"], body["start_time"], body["starts_at"]) == (day, clock, starts_at)
    undated = await create(client, organisation_id, exercise_date=None, start_time=None)
    assert undated["starts_at"] is None


async def test_read_returns_what_was_created_with_its_etag(client: Client, organisation_id: str) -> None:
    created = await create(client, organisation_id)
    response = await client.get(f"{URL}/{created['id']}")
    assert response.status_code == 200
    assert response.json() == created
    assert response.headers["etag"] == '"1"'


async def test_the_short_format_brings_its_own_timing(client: Client, organisation_id: str) -> None:
    body = await create(client, organisation_id, format="SENSIBILISATION")
    assert (body["duration_minutes"], body["briefing_minutes"]) == (45, 5)
    chosen = await create(client, organisation_id, format="SENSIBILISATION", duration_minutes=60)
    assert (chosen["duration_minutes"], chosen["briefing_minutes"]) == (60, 5)


async def test_changing_format_moves_durations_that_followed_it_only(
    client: Client, organisation_id: str
) -> None:
    followed = await create(client, organisation_id)
    moved = await client.patch(f"{URL}/{followed['id']}", json={"format": "SENSIBILISATION"})
    assert (moved.json()["duration_minutes"], moved.json()["briefing_minutes"]) == (45, 5)
    chosen = await create(client, organisation_id, duration_minutes=150, briefing_minutes=20)
    kept = await client.patch(f"{URL}/{chosen['id']}", json={"format": "SIMULATION"})
    assert (kept.json()["duration_minutes"], kept.json()["briefing_minutes"]) == (150, 20)


async def test_update_changes_only_the_fields_sent_and_bumps_the_revision(
    client: Client, organisation_id: str
) -> None:
    created = await create(client, organisation_id)
    response = await client.patch(
        f"{URL}/{created['id']}",
        json={"title": "Exercice de printemps", "start_time": None, "observers_count": 2},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["title"], body["start_time"], body["observers_count"]) == ("Exercice de printemps", None, 2)
    assert body["exercise_date"] == created["exercise_date"]
    assert body["revision"] == 2
    assert response.headers["etag"] == '"2"'


async def test_if_match_protects_against_lost_updates(client: Client, organisation_id: str) -> None:
    created = await create(client, organisation_id)
    url = f"{URL}/{created['id']}"
    assert (
        await client.patch(url, json={"title": "Premier"}, headers={"If-Match": '"1"'})
    ).status_code == 200
    stale = await client.patch(url, json={"title": "Second"}, headers={"If-Match": '"1"'})
    assert_problem(stale, 412, "precondition_failed")
    assert stale.headers["etag"] == '"2"'
    assert (await client.get(url)).json()["title"] == "Premier"
    assert_problem(await client.delete(url, headers={"If-Match": '"1"'}), 412, "precondition_failed")


async def test_delete_removes_the_exercise_and_its_inputs(client: Client, organisation_id: str) -> None:
    created = await create(client, organisation_id)
    url = f"{URL}/{created['id']}"
    assert (await client.delete(url, headers={"If-Match": '"1"'})).status_code == 204
    assert_problem(await client.get(url), 404, "exercise_not_found")
    assert_problem(await client.get(f"{url}/questionnaire"), 404, "exercise_not_found")
    assert_problem(await client.delete(url), 404, "exercise_not_found")


async def test_deleting_the_organisation_is_refused_while_it_has_exercises(
    client: Client, organisation_id: str
) -> None:
    created = await create(client, organisation_id)
    refused = await client.delete(f"/api/v1/organisations/{organisation_id}")
    assert_problem(refused, 409, "organisation_has_exercises")
    assert (await client.get(f"{URL}/{created['id']}")).status_code == 200


async def test_an_idempotency_key_replays_the_first_creation(client: Client, organisation_id: str) -> None:
    payload, headers = exercise_payload(organisation_id), {"Idempotency-Key": "exercice-2026-tilleuls"}
    first = await client.post(URL, json=payload, headers=headers)
    again = await client.post(URL, json=payload, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert (await client.get(URL)).json()["total"] == 1


class TestListing:
    @pytest.fixture
    async def exercises(self, client: Client, organisation_id: str) -> dict[str, dict[str, Any]]:
        other = await create_organisation(
            client, finess_et=finess("69"), region_code="84", departement_code="69", name="SSIAD du Rhône"
        )
        return {
            "2025": await create(client, organisation_id, title="Zénith 2025", exercise_date="2025-11-20"),
            "2026": await create(client, organisation_id, title="élan 2026", scenario_type="INTERNET_LOSS"),
            "undated": await create(
                client, organisation_id, title="Brouillon", exercise_date=None, start_time=None
            ),
            "other": await create(client, other, title="Rhône 2026", exercise_date="2026-05-04"),
        }

    async def titles(self, client: Client, **params: Any) -> list[str]:
        response = await client.get(URL, params=params)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["total"] == len(body["items"])
        return [item["title"] for item in body["items"]]

    async def test_most_recent_first_and_undated_last(
        self, client: Client, exercises: dict[str, dict[str, Any]]
    ) -> None:
        assert await self.titles(client) == ["Rhône 2026", "élan 2026", "Zénith 2025", "Brouillon"]
        assert await self.titles(client, order="asc") == [
            "Zénith 2025",
            "élan 2026",
            "Rhône 2026",
            "Brouillon",
        ]

    async def test_titles_sort_without_regard_to_case_or_accents(
        self, client: Client, exercises: dict[str, dict[str, Any]]
    ) -> None:
        assert await self.titles(client, sort="title", order="asc") == [
            "Brouillon",
            "élan 2026",
            "Rhône 2026",
            "Zénith 2025",
        ]

    async def test_filters(
        self, client: Client, organisation_id: str, exercises: dict[str, dict[str, Any]]
    ) -> None:
        assert await self.titles(client, year=2025) == ["Zénith 2025"]
        assert await self.titles(client, scenario_type="INTERNET_LOSS") == ["élan 2026"]
        assert await self.titles(client, organisation_id=organisation_id, year=2026) == ["élan 2026"]
        await move(client, exercises["2025"]["id"])  # no change
        assert await self.titles(client, status="READY") == []
        assert len(await self.titles(client, status="DRAFT")) == 4

    async def test_pages_and_totals(self, client: Client, exercises: dict[str, dict[str, Any]]) -> None:
        response = await client.get(URL, params={"limit": 3, "offset": 3})
        body = response.json()
        assert (body["total"], body["limit"], body["offset"]) == (4, 3, 3)
        assert [item["title"] for item in body["items"]] == ["Brouillon"]

    async def test_unknown_filters_and_years_out_of_range_are_refused(self, client: Client) -> None:
        assert_problem(await client.get(URL, params={"annee": 2026}), 400, "invalid_request", field="annee")
        assert_problem(await client.get(URL, params={"year": 1999}), 400, "invalid_request")


class TestBadInput:
    """Each refusal names the field, and nothing is saved."""

    async def assert_nothing_created(self, client: Client) -> None:
        assert (await client.get(URL)).json()["total"] == 0
        events = await client.get("/api/v1/audit-events", params={"resource_type": "EXERCISE"})
        assert events.json()["total"] == 0

    @pytest.mark.parametrize(
        ("overrides", "field", "code"),
        [
            (
                {"duration_minutes": 30, "briefing_minutes": 30},
                "duration_minutes",
                "duration_not_above_briefing",
            ),
            (
                {"duration_minutes": 20, "briefing_minutes": 45},
                "duration_minutes",
                "duration_not_above_briefing",
            ),
            ({"exercise_date": None}, "start_time", "start_time_without_date"),
            ({"exercise_date": "2026-03-29", "start_time": "02:30"}, "start_time", "nonexistent_local_time"),
            ({"exercise_date": "1999-12-31"}, "exercise_date", "out_of_range"),
            (
                {"participants": [{"role": "DPO", "count": 1}, {"role": "DPO", "count": 2}]},
                "participants[1].role",
                "duplicate_role",
            ),
            (
                {"participants": [{"role": "DPO", "count": 1, "names": ["A", "B"]}]},
                "participants[0].names",
                "too_many_names",
            ),
        ],
    )
    async def test_rules_of_the_parameters_answer_422(
        self, client: Client, organisation_id: str, overrides: dict[str, Any], field: str, code: str
    ) -> None:
        response = await client.post(URL, json=exercise_payload(organisation_id, **overrides))
        body = assert_problem(response, 422, "validation_failed", field=field)
        assert code in {error["code"] for error in body["errors"]}
        await self.assert_nothing_created(client)

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"start_time": "9h30"}, "start_time"),
            ({"start_time": "24:00"}, "start_time"),
            ({"scenario_type": "ALIEN_INVASION"}, "scenario_type"),
            ({"level": "EXPERT"}, "level"),
            ({"duration_minutes": 5}, "duration_minutes"),
            ({"participants": [{"role": "PATISSIER", "count": 1}]}, "participants[0].role"),
            ({"status": "READY"}, "status"),
        ],
    )
    async def test_values_the_contract_refuses_answer_400(
        self, client: Client, organisation_id: str, overrides: dict[str, Any], field: str
    ) -> None:
        response = await client.post(URL, json=exercise_payload(organisation_id, **overrides))
        assert_problem(response, 400, "invalid_request", field=field)
        await self.assert_nothing_created(client)

    async def test_an_unknown_organisation_is_refused(self, client: Client) -> None:
        response = await client.post(URL, json=exercise_payload("01890a5d-ac96-774b-bcce-b302099a8057"))
        body = assert_problem(response, 422, "validation_failed", field="organisation_id")
        assert body["errors"][0]["code"] == "unknown_organisation"
        await self.assert_nothing_created(client)

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"briefing_minutes": 180}, "duration_minutes"),
            ({"duration_minutes": 15}, "duration_minutes"),
            ({"exercise_date": None}, "start_time"),
        ],
    )
    async def test_an_update_is_checked_against_the_whole_exercise(
        self, client: Client, organisation_id: str, change: dict[str, Any], field: str
    ) -> None:
        created = await create(client, organisation_id)
        response = await client.patch(
            f"{URL}/{created['id']}", json=change | {"title": "Ne doit pas changer"}
        )
        assert_problem(response, 422, "validation_failed", field=field)
        assert (await client.get(f"{URL}/{created['id']}")).json() == created


class TestLifecycle:
    async def test_ready_needs_a_complete_questionnaire_and_an_si_description(
        self, client: Client, organisation_id: str
    ) -> None:
        created = await create(client, organisation_id)
        url = f"{URL}/{created['id']}"
        refused = await client.patch(url, json={"status": "READY", "title": "Prêt ?"})
        body = assert_problem(refused, 409, "exercise_incomplete", field="information_system.components")
        fields = {error["field"] for error in body["errors"]}
        assert "questionnaire.answers.Q_PLAN_BLEU" in fields
        assert (await client.get(url)).json() == created

        await prepare(client, created["id"])
        ready = await client.patch(url, json={"status": "READY"})
        assert ready.status_code == 200, ready.text
        assert (ready.json()["status"], ready.json()["status_label"]) == ("READY", "Prêt")
        back = await client.patch(url, json={"status": "DRAFT"})
        assert back.json()["status"] == "DRAFT"

    @pytest.mark.parametrize(
        ("path", "target", "labels"),
        [
            ([], "GENERATED", ("« Brouillon »", "« Chronogramme généré »")),
            ([], "CLOSED", ("« Brouillon »", "« Clôturé »")),
            (["READY"], "PLAYED", ("« Prêt »", "« Joué »")),
            (["READY", "GENERATED"], "EVALUATED", ("« Chronogramme généré »", "« Évalué »")),
            (["READY", "GENERATED", "PLAYED"], "DRAFT", ("« Joué »", "« Brouillon »")),
        ],
    )
    async def test_skipping_steps_is_a_conflict_naming_both_steps(
        self, client: Client, organisation_id: str, path: list[str], target: str, labels: tuple[str, str]
    ) -> None:
        created = await create(client, organisation_id)
        await prepare(client, created["id"])
        before = await move(client, created["id"], *path) if path else created
        response = await client.patch(f"{URL}/{created['id']}", json={"status": target})
        body = assert_problem(response, 409, "invalid_transition", field="status")
        assert labels[0] in body["detail"]
        assert labels[1] in body["detail"]
        after = (await client.get(f"{URL}/{created['id']}")).json()
        assert (after["status"], after["revision"]) == (before.get("status", "DRAFT"), before["revision"])

    async def test_a_national_admin_can_force_the_steps_made_by_the_service(
        self, client: Client, organisation_id: str
    ) -> None:
        created = await create(client, organisation_id)
        await prepare(client, created["id"])
        closed = await move(client, created["id"], "READY", "GENERATED", "PLAYED", "EVALUATED", "CLOSED")
        assert (closed["status"], closed["status_label"]) == ("CLOSED", "Clôturé")

    async def test_an_establishment_cannot_force_a_step_made_by_the_service(
        self, client: Client, organisation_id: str, issue_key: KeyIssuer
    ) -> None:
        created = await create(client, organisation_id)
        await prepare(client, created["id"])
        await move(client, created["id"], "READY")
        key = await issue_key(AccountRole.ESTABLISHMENT, organisation_ids=[organisation_id])
        response = await client.patch(
            f"{URL}/{created['id']}", json={"status": "GENERATED"}, headers=bearer(key)
        )
        assert_problem(response, 403, "transition_reserved")
        assert (await client.get(f"{URL}/{created['id']}")).json()["status"] == "READY"

    async def test_a_closed_exercise_is_read_only(self, client: Client, organisation_id: str) -> None:
        created = await create(client, organisation_id)
        await prepare(client, created["id"])
        closed = await move(client, created["id"], "READY", "GENERATED", "PLAYED", "EVALUATED", "CLOSED")
        url = f"{URL}/{created['id']}"
        questionnaire = (await client.get(f"{url}/questionnaire")).json()
        system = (await client.get(f"{url}/information-system")).json()
        attempts = [
            client.patch(url, json={"title": "Réécrire l'histoire"}),
            client.patch(url, json={"status": "EVALUATED"}),
            client.delete(url),
            client.put(f"{url}/questionnaire", json={"answers": complete_answers()}),
            client.put(f"{url}/information-system", json={"components": [si_component("DUI")]}),
        ]
        for attempt in attempts:
            assert_problem(await attempt, 409, "exercise_closed")
        assert (await client.get(url)).json() == closed
        assert (await client.get(f"{url}/questionnaire")).json() == questionnaire
        assert (await client.get(f"{url}/information-system")).json() == system


class TestScope:
    async def test_an_establishment_prepares_its_exercise_from_draft_to_ready(
        self, client: Client, organisation_id: str, issue_key: KeyIssuer
    ) -> None:
        """Every call below carries the establishment's key, not the admin's."""
        key = bearer(await issue_key(AccountRole.ESTABLISHMENT, organisation_ids=[organisation_id]))
        api = client
        created = await api.post(URL, json=exercise_payload(organisation_id), headers=key)
        assert created.status_code == 201, created.text
        url = f"{URL}/{created.json()['id']}"
        answers = await api.put(f"{url}/questionnaire", json={"answers": complete_answers()}, headers=key)
        assert answers.json()["completeness"]["complete"] is True
        system = await api.put(
            f"{url}/information-system", json={"components": [si_component("DUI")]}, headers=key
        )
        assert system.status_code == 200, system.text
        ready = await api.patch(url, json={"status": "READY"}, headers={**key, "If-Match": '"1"'})
        assert ready.status_code == 200, ready.text
        assert ready.json()["status"] == "READY"
        listed = (await api.get(URL, headers=key)).json()
        assert [item["id"] for item in listed["items"]] == [created.json()["id"]]

    async def test_another_regions_account_finds_nothing(
        self, client: Client, organisation_id: str, issue_key: KeyIssuer
    ) -> None:
        created = await create(client, organisation_id)  # region 11
        key = bearer(await issue_key(AccountRole.REGIONAL, region_code="53"))
        url = f"{URL}/{created['id']}"
        for response in [
            await client.get(url, headers=key),
            await client.patch(url, json={"title": "Intrusion"}, headers=key),
            await client.delete(url, headers=key),
            await client.get(f"{url}/questionnaire", headers=key),
            await client.put(f"{url}/questionnaire", json={"answers": {}}, headers=key),
            await client.get(f"{url}/information-system", headers=key),
            await client.put(f"{url}/information-system", json={"components": []}, headers=key),
        ]:
            assert_problem(response, 404, "exercise_not_found")
        listed = (await client.get(URL, params={"organisation_id": organisation_id}, headers=key)).json()
        assert (listed["items"], listed["total"]) == ([], 0)
        refused = await client.post(URL, json=exercise_payload(organisation_id), headers=key)
        assert_problem(refused, 422, "validation_failed", field="organisation_id")
        assert (await client.get(url)).json() == created

    async def test_the_regional_account_of_the_region_sees_and_edits(
        self, client: Client, organisation_id: str, issue_key: KeyIssuer
    ) -> None:
        created = await create(client, organisation_id)
        key = bearer(await issue_key(AccountRole.REGIONAL, region_code="11"))
        response = await client.patch(f"{URL}/{created['id']}", json={"title": "Avec le CRRC"}, headers=key)
        assert response.status_code == 200, response.text

    async def test_the_observatory_sees_no_exercise(self, client: Client, issue_key: KeyIssuer) -> None:
        key = bearer(await issue_key(AccountRole.OBSERVATORY))
        assert_problem(await client.get(URL, headers=key), 403, "role_forbidden")


async def test_every_change_is_audited(client: Client, organisation_id: str) -> None:
    created = await create(client, organisation_id)
    url = f"{URL}/{created['id']}"
    await client.patch(url, json={"title": "Nouveau titre"})
    await prepare(client, created["id"])
    await move(client, created["id"], "READY")
    await client.patch(url, json={"status": "DRAFT"})
    await client.delete(url)
    events = (
        await client.get("/api/v1/audit-events", params={"resource_id": created["id"], "order": "asc"})
    ).json()["items"]
    assert [(event["action"], event["resource_type"]) for event in events] == [
        ("CREATE", "EXERCISE"),
        ("UPDATE", "EXERCISE"),
        ("UPDATE", "EXERCISE"),
        ("UPDATE", "EXERCISE"),
        ("UPDATE", "EXERCISE"),
        ("UPDATE", "EXERCISE"),
        ("DELETE", "EXERCISE"),
    ]
    assert events[1]["changed_fields"] == ["title"]
    assert "questionnaire.Q_PLAN_BLEU" in events[2]["changed_fields"]
    assert "information_system.DUI" in events[3]["changed_fields"]
    assert events[4]["changed_fields"] == ["status"]
    assert {event["region_code"] for event in events} == {"11"}


class TestPrefill:
    async def test_a_new_exercise_starts_from_the_latest_one(
        self, client: Client, organisation_id: str
    ) -> None:
        older = await create(client, organisation_id, exercise_date="2025-03-01")
        latest = await create(client, organisation_id, exercise_date="2025-11-20", prefill=False)
        # Created last, but dated earlier: not the latest.
        await create(client, organisation_id, exercise_date="2024-01-10", prefill=False)
        await client.put(f"{URL}/{older['id']}/questionnaire", json={"answers": {"Q_DPO": False}})
        await prepare(client, latest["id"])

        new = await create(client, organisation_id, exercise_date="2026-11-20")
        assert new["prefilled_from_id"] == latest["id"]
        copied = (await client.get(f"{URL}/{new['id']}/questionnaire")).json()
        assert copied["answers"] == complete_answers()
        assert copied["completeness"]["complete"] is True
        system = (await client.get(f"{URL}/{new['id']}/information-system")).json()
        assert [component["code"] for component in system["components"]] == ["INTERNET", "DUI"]

    async def test_the_copy_keeps_only_what_the_establishment_is_now_asked(
        self, client: Client, organisation_id: str
    ) -> None:
        source = await create(client, organisation_id, exercise_date="2025-03-01")
        await prepare(client, source["id"])
        ehpad = complete_answers()
        ehpad["Q_ACTIVITES_CRITIQUES"] = ["SOINS", "REPAS", "CIRCUIT_MEDICAMENT"]
        saved = await client.put(f"{URL}/{source['id']}/questionnaire", json={"answers": ehpad})
        assert saved.status_code == 200, saved.text
        # The EHPAD becomes an ESAT (its mode of care follows: travail protégé).
        moved = await client.patch(f"/api/v1/organisations/{organisation_id}", json={"category": "ESAT"})
        assert moved.json()["service_mode"] == "TRAVAIL"

        new = await create(client, organisation_id)
        copied = (await client.get(f"{URL}/{new['id']}/questionnaire")).json()
        answers = copied["answers"]
        for code in ("Q_UNITE_PROTEGEE", "Q_PHARMACIE", "Q_SOINS_NUIT", "Q_MEDECINS_TRAITANTS"):
            assert code not in answers, code
        # A multiple choice keeps the options still offered; one left with none is asked again.
        assert answers["Q_ACTIVITES_CRITIQUES"] == ["REPAS"]
        assert "Q_PROC_DEGRADEES" not in answers
        assert answers["Q_DPO"] == ehpad["Q_DPO"]
        assert "Q_PROC_DEGRADEES" in copied["completeness"]["missing"]
        # What was copied is what the ESAT may save.
        again = await client.put(f"{URL}/{new['id']}/questionnaire", json={"answers": answers})
        assert again.status_code == 200, again.text

    async def test_undated_exercises_come_after_dated_ones(
        self, client: Client, organisation_id: str
    ) -> None:
        dated = await create(client, organisation_id, exercise_date="2020-01-01")
        await create(client, organisation_id, exercise_date=None, start_time=None)
        new = await create(client, organisation_id)
        assert new["prefilled_from_id"] == dated["id"]

    async def test_prefill_false_starts_from_scratch(self, client: Client, organisation_id: str) -> None:
        source = await create(client, organisation_id)
        await prepare(client, source["id"])
        new = await create(client, organisation_id, prefill=False)
        assert new["prefilled_from_id"] is None
        assert (await client.get(f"{URL}/{new['id']}/questionnaire")).json()["answers"] == {}
        assert (await client.get(f"{URL}/{new['id']}/information-system")).json()["components"] == []

    async def test_the_copy_is_independent_of_its_source(self, client: Client, organisation_id: str) -> None:
        source = await create(client, organisation_id)
        await prepare(client, source["id"])
        new = await create(client, organisation_id)
        await client.put(f"{URL}/{new['id']}/questionnaire", json={"answers": {}})
        assert (await client.get(f"{URL}/{source['id']}/questionnaire")).json()[
            "answers"
        ] == complete_answers()

    async def test_another_organisations_exercises_are_never_copied(
        self, client: Client, organisation_id: str
    ) -> None:
        source = await create(client, organisation_id)
        await prepare(client, source["id"])
        other = await create_organisation(client)
        new = await create(client, other)
        assert new["prefilled_from_id"] is None
