"""The business questionnaire (« Questionnaire métier ESSMS ») of an exercise: answers checked
against the kit's questions, saved whole or not at all, and how complete they are."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from service.kit.codes import EssmsCategory, ServiceMode
from service.kit.content import Establishment, get_kit
from tests.factories import complete_answers, exercise_payload, organisation_payload, si_component
from tests.problems import assert_problem

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]
KIT = get_kit()
# Questions asked whatever the other answers: required ones make the first « missing » list.
UNCONDITIONAL_REQUIRED = [
    q.code
    for q in KIT.questions.values()
    if q.required
    and q.asked_if is None
    and KIT.asks(q, Establishment(EssmsCategory.EHPAD, ServiceMode.HEBERGEMENT))
]


@pytest.fixture
async def exercise(client: Client) -> dict[str, Any]:
    organisation = await client.post("/api/v1/organisations", json=organisation_payload())
    response = await client.post("/api/v1/exercises", json=exercise_payload(organisation.json()["id"]))
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
def url(exercise: dict[str, Any]) -> str:
    return f"/api/v1/exercises/{exercise['id']}/questionnaire"


async def put(client: Client, url: str, answers: dict[str, Any], **headers: str) -> Any:
    return await client.put(url, json={"answers": answers}, headers=headers)


async def test_a_new_exercise_has_an_empty_questionnaire(
    client: Client, exercise: dict[str, Any], url: str
) -> None:
    response = await client.get(url)
    assert response.status_code == 200
    assert response.headers["etag"] == '"1"'
    body = response.json()
    assert (body["exercise_id"], body["kit_version"], body["answers"]) == (exercise["id"], "V2", {})
    assert body["completeness"] == {
        "answered": 0,
        "required": len(UNCONDITIONAL_REQUIRED),
        "missing": UNCONDITIONAL_REQUIRED,
        "complete": False,
    }


async def test_partial_answers_are_saved_while_the_exercise_is_a_draft(client: Client, url: str) -> None:
    response = await put(client, url, {"Q_PLAN_BLEU": False, "Q_PCA": "EN_COURS", "Q_NB_USAGERS": 80})
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == '"2"'
    body = response.json()
    assert body["answers"] == {"Q_PLAN_BLEU": False, "Q_PCA": "EN_COURS", "Q_NB_USAGERS": 80}
    assert body["completeness"]["answered"] == 3
    assert body["completeness"]["complete"] is False
    assert "Q_PLAN_BLEU" not in body["completeness"]["missing"]
    assert (await client.get(url)).json() == body


async def test_a_conditional_question_becomes_required_once_its_condition_is_met(
    client: Client, url: str
) -> None:
    no_plan = (await put(client, url, {"Q_PLAN_BLEU": False})).json()["completeness"]
    with_plan = (await put(client, url, {"Q_PLAN_BLEU": True})).json()["completeness"]
    assert "Q_PLAN_BLEU_CYBER" not in no_plan["missing"]
    assert "Q_PLAN_BLEU_CYBER" in with_plan["missing"]
    assert with_plan["required"] == no_plan["required"] + 1


async def test_a_complete_questionnaire_says_so(client: Client, url: str) -> None:
    body = (await put(client, url, complete_answers())).json()
    assert body["completeness"]["complete"] is True
    assert body["completeness"]["missing"] == []
    assert body["completeness"]["answered"] == body["completeness"]["required"] + sum(
        1 for code in complete_answers() if not KIT.questions[code].required
    )


async def test_a_put_replaces_every_answer(client: Client, url: str) -> None:
    await put(client, url, {"Q_PLAN_BLEU": True, "Q_DPO": True})
    body = (await put(client, url, {"Q_DPO": False})).json()
    assert body["answers"] == {"Q_DPO": False}


async def test_null_means_no_answer_and_text_is_trimmed(client: Client, url: str) -> None:
    body = (await put(client, url, {"Q_DPO": None, "Q_ATTENTES": "  Tester l'astreinte de nuit.  "})).json()
    assert body["answers"] == {"Q_ATTENTES": "Tester l'astreinte de nuit."}


async def test_an_empty_list_answers_a_multiple_choice_question(client: Client, url: str) -> None:
    """« Ne rien cocher si aucune n'est prête »: no degraded procedure is an answer."""
    body = (await put(client, url, {"Q_PROC_DEGRADEES": []})).json()
    assert "Q_PROC_DEGRADEES" not in body["completeness"]["missing"]


async def questionnaire_of(client: Client, category: str, **overrides: Any) -> str:
    """The questionnaire URL of a new exercise of an establishment of ``category``."""
    organisation = await client.post(
        "/api/v1/organisations",
        json=organisation_payload(name=f"{category} Les Iris", category=category, **overrides),
    )
    assert organisation.status_code == 201, organisation.text
    response = await client.post("/api/v1/exercises", json=exercise_payload(organisation.json()["id"]))
    assert response.status_code == 201, response.text
    return f"/api/v1/exercises/{response.json()['id']}/questionnaire"


class TestTheEstablishmentsCategory:
    """Issue C2: the questionnaire follows the establishment's category and mode of care."""

    async def test_an_esat_cannot_tick_the_medication_circuit(self, client: Client) -> None:
        url = await questionnaire_of(client, "ESAT")
        response = await put(client, url, {"Q_ACTIVITES_CRITIQUES": ["REPAS", "CIRCUIT_MEDICAMENT"]})
        problem = assert_problem(response, 422, "validation_failed", field="answers.Q_ACTIVITES_CRITIQUES")
        [error] = problem["errors"]
        assert error["code"] == "option_not_offered"
        assert (
            "«\u00a0Circuit du médicament\u00a0» (CIRCUIT_MEDICAMENT) n'est pas proposée" in error["message"]
        )
        assert "(ESAT)" in error["message"]
        assert "CIRCUIT_MEDICAMENT" not in error["message"].partition("options proposées")[2]
        assert (await client.get(url)).json()["answers"] == {}
        # What it is offered, it may tick; an EHPAD may tick the medication circuit.
        assert (await put(client, url, {"Q_ACTIVITES_CRITIQUES": ["REPAS"]})).status_code == 200
        ehpad = await questionnaire_of(client, "EHPAD")
        assert (
            await put(client, ehpad, {"Q_ACTIVITES_CRITIQUES": ["CIRCUIT_MEDICAMENT"]})
        ).status_code == 200

    async def test_a_ssiad_is_not_asked_about_a_protected_unit(self, client: Client) -> None:
        url = await questionnaire_of(client, "SSIAD")
        response = await put(client, url, {"Q_UNITE_PROTEGEE": True, "Q_DPO": True})
        problem = assert_problem(response, 422, "validation_failed", field="answers.Q_UNITE_PROTEGEE")
        [error] = problem["errors"]
        assert error["code"] == "question_not_asked"
        assert error["message"].startswith("Question non posée à cet établissement")
        assert "«\u00a0Hébergement\u00a0»" in error["message"]
        assert error["message"].endswith("Retirez cette réponse.")
        # The same answer from an EHPAD is taken.
        ehpad = await questionnaire_of(client, "EHPAD")
        assert (await put(client, ehpad, {"Q_UNITE_PROTEGEE": True})).status_code == 200

    async def test_a_mode_of_care_the_organisation_states_is_the_one_that_counts(
        self, client: Client
    ) -> None:
        # An EHPAD that declares itself a day service has no protected unit to speak of.
        url = await questionnaire_of(client, "EHPAD", service_mode="ACCUEIL_JOUR")
        response = await put(client, url, {"Q_UNITE_PROTEGEE": True})
        assert_problem(response, 422, "validation_failed", field="answers.Q_UNITE_PROTEGEE")

    async def test_completeness_counts_only_the_questions_asked(self, client: Client) -> None:
        url = await questionnaire_of(client, "SSIAD")
        empty = (await client.get(url)).json()["completeness"]
        # A SSIAD distributes no medicines: the pharmacy question, required elsewhere, is not asked.
        assert "Q_PHARMACIE" not in empty["missing"]
        assert empty["required"] == len(UNCONDITIONAL_REQUIRED) - 1
        body = (await put(client, url, complete_answers("SSIAD"))).json()
        assert "Q_PHARMACIE" not in body["answers"]
        assert body["completeness"]["complete"] is True
        assert body["completeness"]["answered"] == len(body["answers"])
        components = {"components": [si_component("DUI")]}
        assert (
            await client.put(url.replace("questionnaire", "information-system"), json=components)
        ).status_code == 200
        ready = await client.patch(url.removesuffix("/questionnaire"), json={"status": "READY"})
        assert ready.status_code == 200, ready.text

    async def test_after_a_change_of_category_old_answers_neither_count_nor_pass(
        self, client: Client
    ) -> None:
        organisation = (await client.post("/api/v1/organisations", json=organisation_payload())).json()
        exercise = (await client.post("/api/v1/exercises", json=exercise_payload(organisation["id"]))).json()
        url = f"/api/v1/exercises/{exercise['id']}/questionnaire"
        saved = (await put(client, url, complete_answers())).json()
        assert "Q_UNITE_PROTEGEE" in saved["answers"]
        moved = await client.patch(f"/api/v1/organisations/{organisation['id']}", json={"category": "SSIAD"})
        assert moved.status_code == 200, moved.text
        progress = (await client.get(url)).json()["completeness"]
        asked = complete_answers("SSIAD")
        # The EHPAD's answers to questions a SSIAD is not asked are not counted…
        assert progress["answered"] == len(asked.keys() & saved["answers"].keys())
        await client.put(
            url.replace("questionnaire", "information-system"), json={"components": [si_component("DUI")]}
        )
        # …and keep the exercise from being READY until they are taken out.
        refused = await client.patch(f"/api/v1/exercises/{exercise['id']}", json={"status": "READY"})
        problem = assert_problem(
            refused, 409, "exercise_incomplete", field="questionnaire.answers.Q_UNITE_PROTEGEE"
        )
        assert "question_not_asked" in [error["code"] for error in problem["errors"]]


class TestBadInput:
    """Each refused answer is named ``answers.<CODE>``, and nothing of the PUT is saved."""

    @pytest.mark.parametrize(
        ("answers", "field", "code"),
        [
            ({"Q_INCONNUE": True}, "answers.Q_INCONNUE", "unknown_question"),
            ({"q_plan_bleu": True}, "answers.q_plan_bleu", "unknown_question"),
            ({"": True}, "answers.", "unknown_question"),
            ({"Q_PLAN_BLEU": "oui"}, "answers.Q_PLAN_BLEU", "wrong_type"),
            ({"Q_PLAN_BLEU": 1}, "answers.Q_PLAN_BLEU", "wrong_type"),
            ({"Q_NB_USAGERS": "80"}, "answers.Q_NB_USAGERS", "wrong_type"),
            ({"Q_NB_USAGERS": 80.5}, "answers.Q_NB_USAGERS", "wrong_type"),
            ({"Q_NB_USAGERS": True}, "answers.Q_NB_USAGERS", "wrong_type"),
            ({"Q_ACTIVITES_CRITIQUES": "SOINS"}, "answers.Q_ACTIVITES_CRITIQUES", "wrong_type"),
            ({"Q_ATTENTES": {"texte": "x"}}, "answers.Q_ATTENTES", "wrong_type"),
            ({"Q_PCA": "PEUT_ETRE"}, "answers.Q_PCA", "unknown_option"),
            (
                {"Q_ACTIVITES_CRITIQUES": ["SOINS", "JARDINAGE"]},
                "answers.Q_ACTIVITES_CRITIQUES",
                "unknown_option",
            ),
            (
                {"Q_ACTIVITES_CRITIQUES": ["SOINS", "SOINS"]},
                "answers.Q_ACTIVITES_CRITIQUES",
                "duplicate_option",
            ),
            ({"Q_SITES_MULTIPLES": 0}, "answers.Q_SITES_MULTIPLES", "out_of_range"),
            ({"Q_ATTENTES": "   "}, "answers.Q_ATTENTES", "blank"),
            ({"Q_ATTENTES": "x" * 2001}, "answers.Q_ATTENTES", "too_long"),
            ({"Q_PLAN_BLEU": False, "Q_PLAN_BLEU_CYBER": True}, "answers.Q_PLAN_BLEU_CYBER", "not_asked"),
        ],
    )
    async def test_answers_the_kit_refuses_answer_422(
        self, client: Client, url: str, answers: dict[str, Any], field: str, code: str
    ) -> None:
        saved = (await put(client, url, {"Q_DPO": True})).json()
        response = await put(client, url, {"Q_ASTREINTE": True, **answers})
        body = assert_problem(response, 422, "validation_failed", field=field)
        assert [error["code"] for error in body["errors"]] == [code]
        assert (await client.get(url)).json() == saved

    async def test_every_refused_answer_is_reported_at_once(self, client: Client, url: str) -> None:
        response = await put(client, url, {"Q_INCONNUE": 1, "Q_PCA": "PEUT_ETRE", "Q_DPO": "non"})
        body = assert_problem(response, 422, "validation_failed")
        assert [error["field"] for error in body["errors"]] == [
            "answers.Q_INCONNUE",
            "answers.Q_PCA",
            "answers.Q_DPO",
        ]

    @pytest.mark.parametrize(
        "body",
        [
            {"answers": ["Q_DPO"]},
            {"answers": {"Q_DPO": True}, "commentaire": "en trop"},
            {},
            {"answers": True},
        ],
    )
    async def test_bodies_the_contract_refuses_answer_400(
        self, client: Client, url: str, body: dict[str, Any]
    ) -> None:
        assert_problem(await client.put(url, json=body), 400, "invalid_request")
        assert (await client.get(url)).json()["answers"] == {}

    async def test_a_stale_if_match_is_refused(self, client: Client, url: str) -> None:
        await put(client, url, {"Q_DPO": True}, **{"If-Match": '"1"'})
        stale = await put(client, url, {"Q_DPO": False}, **{"If-Match": '"1"'})
        assert_problem(stale, 412, "precondition_failed")
        assert stale.headers["etag"] == '"2"'
        assert (await client.get(url)).json()["answers"] == {"Q_DPO": True}

    async def test_an_unknown_exercise_is_not_found(self, client: Client) -> None:
        response = await client.get("/api/v1/exercises/01890a5d-ac96-774b-bcce-b302099a8057/questionnaire")
        assert_problem(response, 404, "exercise_not_found")


async def test_once_ready_the_questionnaire_must_stay_complete(
    client: Client, exercise: dict[str, Any], url: str
) -> None:
    await put(client, url, complete_answers())
    system = f"/api/v1/exercises/{exercise['id']}/information-system"
    await client.put(system, json={"components": [si_component("DUI")]})
    ready = await client.patch(f"/api/v1/exercises/{exercise['id']}", json={"status": "READY"})
    assert ready.status_code == 200, ready.text
    saved = (await client.get(url)).json()

    partial = {code: value for code, value in complete_answers().items() if code != "Q_DPO"}
    refused = await put(client, url, partial)
    assert_problem(refused, 409, "questionnaire_incomplete", field="answers.Q_DPO")
    assert (await client.get(url)).json() == saved

    changed = await put(client, url, complete_answers() | {"Q_DPO": False})
    assert changed.status_code == 200, changed.text


async def test_each_save_is_audited_with_the_questions_it_changed(
    client: Client, exercise: dict[str, Any], url: str
) -> None:
    await put(client, url, {"Q_DPO": True, "Q_PLAN_BLEU": True})
    await put(client, url, {"Q_DPO": False, "Q_PLAN_BLEU": True, "Q_PCA": "OUI"})
    events = (
        await client.get(
            "/api/v1/audit-events", params={"resource_id": exercise["id"], "action": "UPDATE", "order": "asc"}
        )
    ).json()["items"]
    assert [event["changed_fields"] for event in events] == [
        ["questionnaire.Q_DPO", "questionnaire.Q_PLAN_BLEU"],
        ["questionnaire.Q_DPO", "questionnaire.Q_PCA"],
    ]
