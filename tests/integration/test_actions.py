"""The RETEX action plan as an establishment following it for months would see it: due dates from
the horizons, status and its history, suggestions for weak items, overdue actions, the
organisation's view, and every bad input of the issue."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from service.kit.codes import AccountRole, Rating
from service.kit.content import get_kit
from tests.conftest import KeyIssuer, bearer
from tests.evaluation_support import PLAYED, new_exercise, new_organisation
from tests.factories import contact_payload, exercise_payload
from tests.problems import assert_problem

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]
EXERCISES = "/api/v1/exercises"
TODAY = "service.domain.action_plan.controllers.paris_today"


async def created(client: Client, url: str, payload: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    response = await client.post(url, json=payload, **kwargs)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def move(client: Client, exercise_id: str, *statuses: str) -> None:
    """Statuses the service sets by itself are forced here by the national admin."""
    for status in statuses:
        response = await client.patch(f"{EXERCISES}/{exercise_id}", json={"status": status})
        assert response.status_code == 200, response.text


async def played_exercise(client: Client, organisation_id: str, **overrides: Any) -> str:
    return await new_exercise(client, organisation_id, *PLAYED, **overrides)


async def rate(client: Client, exercise_id: str, ratings: Mapping[str, Rating]) -> None:
    """A partial evaluation grid, as the evaluators save it once the exercise is played."""
    grid = {"ratings": {item: {"rating": rating.value} for item, rating in ratings.items()}}
    response = await client.put(f"{EXERCISES}/{exercise_id}/evaluation", json=grid)
    assert response.status_code == 200, response.text


def action(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "title": "Fiabiliser l'annuaire de crise hors SI",
        "horizon": "H0_30",
        "owner_role": "DIRECTION",
        "competency_items": ["GC_ANNUAIRE"],
    }
    return payload | overrides


@pytest.fixture
async def organisation_id(client: Client) -> str:
    return await new_organisation(client)


@pytest.fixture
async def exercise_id(client: Client, organisation_id: str) -> str:
    """Played on 12 March 2026."""
    return await played_exercise(client, organisation_id)


def actions_url(exercise_id: str) -> str:
    return f"{EXERCISES}/{exercise_id}/actions"


async def test_derived_due_dates_follow_a_corrected_exercise_date(client: Client, exercise_id: str) -> None:
    """The exercise was in fact played on 1 April: due dates derived from its date move with it,
    a date set by hand stays, and each moved action leaves an audit event."""
    derived = await created(client, actions_url(exercise_id), action())
    chosen = await created(client, actions_url(exercise_id), action(title="Former", due_date="2026-06-30"))

    corrected = await client.patch(f"{EXERCISES}/{exercise_id}", json={"exercise_date": "2026-04-01"})

    assert corrected.status_code == 200, corrected.text
    moved = (await client.get(f"{actions_url(exercise_id)}/{derived['id']}")).json()
    assert (moved["due_date"], moved["due_date_overridden"]) == ("2026-05-01", False)
    assert moved["revision"] == derived["revision"] + 1
    kept = (await client.get(f"{actions_url(exercise_id)}/{chosen['id']}")).json()
    assert (kept["due_date"], kept["revision"]) == ("2026-06-30", chosen["revision"])
    events = (await client.get("/api/v1/audit-events", params={"resource_id": derived["id"]})).json()
    changes = [(event["action"], event["changed_fields"]) for event in events["items"]]
    assert ("UPDATE", ["due_date"]) in changes


async def test_an_action_is_due_at_the_end_of_its_horizon(
    client: Client, exercise_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(TODAY, lambda: date(2026, 4, 1))
    response = await client.post(
        actions_url(exercise_id),
        json=action(description="Contacts ARS, CERT Santé, CRRC, DPO, prestataires, assureur."),
    )

    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["location"] == f"{actions_url(exercise_id)}/{body['id']}"
    assert response.headers["etag"] == '"1"'
    assert (body["horizon"], body["horizon_label"]) == ("H0_30", "0 à 30 jours")
    assert (body["due_date"], body["due_date_overridden"]) == ("2026-04-11", False)
    assert (body["owner_role"], body["owner_role_label"]) == ("DIRECTION", "Direction")
    assert (body["status"], body["status_label"], body["overdue"]) == ("A_FAIRE", "À faire", False)
    assert body["competency_items"] == [
        {
            "code": "GC_ANNUAIRE",
            "label": "Disposer d'un annuaire de crise à jour hors SI",
            "family_code": "GOUVERNANCE_CRISE",
        }
    ]
    [creation] = body["status_history"]
    assert (creation["from_status"], creation["to_status"], creation["to_status_label"]) == (
        None,
        "A_FAIRE",
        "À faire",
    )
    assert creation["changed_by"] == "Tests (admin)"
    assert creation["changed_at"] == body["status_changed_at"]

    later = {"H30_90": "2026-06-10", "H90_120": "2026-07-10", "H120_300": "2027-01-06"}
    for horizon, due in later.items():
        response = await client.post(
            actions_url(exercise_id), json=action(title=f"Action {horizon}", horizon=horizon)
        )
        assert response.json()["due_date"] == due


async def test_a_due_date_may_be_set_by_hand_but_never_before_the_exercise(
    client: Client, exercise_id: str
) -> None:
    chosen = await created(client, actions_url(exercise_id), action(due_date="2026-03-20"))
    assert (chosen["due_date"], chosen["due_date_overridden"]) == ("2026-03-20", True)

    early = await client.post(actions_url(exercise_id), json=action(title="Trop tôt", due_date="2026-03-11"))

    problem = assert_problem(early, 422, "validation_failed", field="due_date")
    assert problem["errors"][0]["code"] == "due_before_exercise"
    listing = await client.get(actions_url(exercise_id))
    assert listing.json()["total"] == 1  # nothing saved


async def test_the_horizon_moves_a_derived_due_date_not_a_chosen_one(
    client: Client, exercise_id: str
) -> None:
    derived = await created(client, actions_url(exercise_id), action())
    chosen = await created(client, actions_url(exercise_id), action(title="Autre", due_date="2026-05-01"))

    moved = await client.patch(f"{actions_url(exercise_id)}/{derived['id']}", json={"horizon": "H30_90"})
    kept = await client.patch(f"{actions_url(exercise_id)}/{chosen['id']}", json={"horizon": "H30_90"})
    reset = await client.patch(f"{actions_url(exercise_id)}/{chosen['id']}", json={"due_date": None})

    assert moved.json()["due_date"] == "2026-06-10"
    assert kept.json()["due_date"] == "2026-05-01"
    assert (reset.json()["due_date"], reset.json()["due_date_overridden"]) == ("2026-06-10", False)
    late = await client.patch(f"{actions_url(exercise_id)}/{chosen['id']}", json={"due_date": "2026-01-01"})
    assert_problem(late, 422, "validation_failed", field="due_date")


async def test_an_exercise_without_a_date_gives_actions_without_due_date(
    client: Client, organisation_id: str
) -> None:
    exercise_id = await played_exercise(client, organisation_id, exercise_date=None, start_time=None)

    undated = await created(client, actions_url(exercise_id), action())
    chosen = await created(client, actions_url(exercise_id), action(title="Autre", due_date="2026-05-01"))

    assert (undated["due_date"], undated["overdue"]) == (None, False)
    assert chosen["due_date"] == "2026-05-01"


async def test_the_plan_opens_once_the_exercise_is_played(client: Client, organisation_id: str) -> None:
    draft = await created(client, EXERCISES, exercise_payload(organisation_id))

    refused = await client.post(actions_url(draft["id"]), json=action())
    suggestions = await client.post(f"{actions_url(draft['id'])}/suggestions")

    assert_problem(refused, 409, "exercise_not_played")
    assert_problem(suggestions, 409, "exercise_not_played")
    empty = await client.get(actions_url(draft["id"]))
    assert empty.status_code == 200
    assert empty.json() == {"items": [], "total": 0, "limit": 20, "offset": 0}


async def test_the_plan_lives_on_after_the_exercise_is_closed(client: Client, exercise_id: str) -> None:
    first = await created(client, actions_url(exercise_id), action())
    await move(client, exercise_id, "EVALUATED", "CLOSED")

    done = await client.patch(f"{actions_url(exercise_id)}/{first['id']}", json={"status": "FAIT"})
    added = await client.post(
        actions_url(exercise_id), json=action(title="Refaire un exercice court", horizon="H120_300")
    )

    assert done.status_code == 200, done.text
    assert done.json()["status_label"] == "Fait"
    assert added.status_code == 201, added.text
    exercise = await client.patch(f"{EXERCISES}/{exercise_id}", json={"title": "Modifié"})
    assert_problem(exercise, 409, "exercise_closed")  # the exercise itself stays read-only


async def test_the_contact_must_be_in_the_directory_of_the_same_organisation(
    client: Client, organisation_id: str, exercise_id: str
) -> None:
    own = await created(client, f"/api/v1/organisations/{organisation_id}/contacts", contact_payload())
    elsewhere = await new_organisation(client)
    foreign = await created(client, f"/api/v1/organisations/{elsewhere}/contacts", contact_payload())

    refused = await client.post(actions_url(exercise_id), json=action(contact_id=foreign["id"]))
    accepted = await client.post(actions_url(exercise_id), json=action(contact_id=own["id"]))

    problem = assert_problem(refused, 422, "validation_failed", field="contact_id")
    assert problem["errors"][0]["code"] == "unknown_contact"
    assert accepted.json()["contact_id"] == own["id"]
    update = await client.patch(
        f"{actions_url(exercise_id)}/{accepted.json()['id']}", json={"contact_id": foreign["id"]}
    )
    assert_problem(update, 422, "validation_failed", field="contact_id")


async def test_unknown_competency_items_are_named(client: Client, exercise_id: str) -> None:
    response = await client.post(
        actions_url(exercise_id), json=action(competency_items=["GC_ANNUAIRE", "GC_INCONNU", "GC_ANNUAIRE"])
    )

    problem = assert_problem(response, 422, "validation_failed")
    assert [(error["field"], error["code"]) for error in problem["errors"]] == [
        ("competency_items[1]", "unknown_item"),
        ("competency_items[2]", "duplicate_item"),
    ]


async def test_the_status_history_says_who_when_from_to_and_why(client: Client, exercise_id: str) -> None:
    created_action = await created(client, actions_url(exercise_id), action())
    url = f"{actions_url(exercise_id)}/{created_action['id']}"

    started = await client.patch(url, json={"status": "EN_COURS"})
    done = await client.patch(url, json={"status": "FAIT"}, headers={"If-Match": started.headers["etag"]})
    unexplained = await client.patch(url, json={"status": "A_FAIRE"})
    abandoned = await client.patch(url, json={"status": "ABANDONNE", "reason": "Plus utile"})
    reopened = await client.patch(
        url, json={"status": "A_FAIRE", "reason": "Le prestataire a changé de numéro."}
    )

    assert started.json()["status_changed_at"] > created_action["status_changed_at"]
    assert done.json()["status"] == "FAIT"
    problem = assert_problem(unexplained, 422, "reason_required", field="reason")
    assert "« Fait »" in problem["detail"]
    assert_problem(abandoned, 409, "invalid_transition", field="status")
    history = reopened.json()["status_history"]
    assert [(change["from_status"], change["to_status"], change["reason"]) for change in history] == [
        (None, "A_FAIRE", None),
        ("A_FAIRE", "EN_COURS", None),
        ("EN_COURS", "FAIT", None),
        ("FAIT", "A_FAIRE", "Le prestataire a changé de numéro."),
    ]
    assert history[-1]["from_status_label"] == "Fait"
    assert reopened.json()["status_changed_at"] == history[-1]["changed_at"]
    # An edit that does not touch the status leaves the history alone; a reason alone is refused.
    renamed = await client.patch(url, json={"title": "Fiabiliser l'annuaire de crise"})
    assert len(renamed.json()["status_history"]) == 4
    stray = await client.patch(url, json={"reason": "Pour rien"})
    assert_problem(stray, 422, "validation_failed", field="reason")


async def test_a_stale_etag_is_refused_and_deletion_is_final(client: Client, exercise_id: str) -> None:
    first = await created(client, actions_url(exercise_id), action())
    url = f"{actions_url(exercise_id)}/{first['id']}"
    await client.patch(url, json={"status": "EN_COURS"})

    stale = await client.patch(url, json={"status": "FAIT"}, headers={"If-Match": '"1"'})
    stale_delete = await client.delete(url, headers={"If-Match": '"1"'})
    deleted = await client.delete(url, headers={"If-Match": '"2"'})

    assert_problem(stale, 412, "precondition_failed")
    assert_problem(stale_delete, 412, "precondition_failed")
    assert deleted.status_code == 204
    assert_problem(await client.get(url), 404, "action_not_found")


async def test_a_retried_creation_returns_the_first_action(client: Client, exercise_id: str) -> None:
    headers = {"Idempotency-Key": "retex-annuaire-1"}
    first = await client.post(actions_url(exercise_id), json=action(), headers=headers)
    again = await client.post(actions_url(exercise_id), json=action(), headers=headers)

    assert again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["idempotent-replayed"] == "true"
    assert (await client.get(actions_url(exercise_id))).json()["total"] == 1


async def test_every_change_is_in_the_audit_trail(client: Client, exercise_id: str) -> None:
    first = await created(client, actions_url(exercise_id), action())
    url = f"{actions_url(exercise_id)}/{first['id']}"
    await client.patch(url, json={"status": "EN_COURS"})
    await client.delete(url)

    events = await client.get("/api/v1/audit-events", params={"resource_id": first["id"]})

    items = events.json()["items"]
    assert sorted(event["action"] for event in items) == ["CREATE", "DELETE", "UPDATE"]
    assert {event["resource_type"] for event in items} == {"ACTION"}
    update = next(event for event in items if event["action"] == "UPDATE")
    assert update["changed_fields"] == ["status", "status_history"]
    assert {event["region_code"] for event in items} == {"11"}


async def test_overdue_follows_the_clock(
    client: Client, exercise_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await created(client, actions_url(exercise_id), action())  # due 2026-04-11
    url = f"{actions_url(exercise_id)}/{first['id']}"

    monkeypatch.setattr(TODAY, lambda: date(2026, 4, 11))
    on_time = await client.get(url)
    monkeypatch.setattr(TODAY, lambda: date(2026, 4, 12))
    late = await client.get(url)
    overdue_only = await client.get(actions_url(exercise_id), params={"overdue": "true"})
    done = await client.patch(url, json={"status": "FAIT"})

    assert on_time.json()["overdue"] is False
    assert late.json()["overdue"] is True
    assert [item["id"] for item in overdue_only.json()["items"]] == [first["id"]]
    assert done.json()["overdue"] is False


async def test_suggestions_answer_weak_items_only_and_never_twice(client: Client, exercise_id: str) -> None:
    await rate(
        client,
        exercise_id,
        {
            "GC_ANNUAIRE": Rating.NON_REALISE,
            "GC_ROLES": Rating.PEU_SATISFAISANT,
            "CA_FORMATION": Rating.PEU_SATISFAISANT,
            "GC_MAIN_COURANTE": Rating.SATISFAISANT,
            "CO_MEDIAS": Rating.TRES_SATISFAISANT,
            "AS_PLAINTE": Rating.NA,
        },
    )
    # Already in the plan, typed by hand under the library's title.
    await created(
        client,
        actions_url(exercise_id),
        action(
            title="Clarifier qui alerte, qui décide, qui appelle, qui trace et qui communique",
            competency_items=[],
        ),
    )
    url = f"{actions_url(exercise_id)}/suggestions"

    proposed = await client.post(url)
    after_proposal = await client.get(actions_url(exercise_id))
    applied = await client.post(url, params={"apply": "true"})
    again = await client.post(url, params={"apply": "true"})

    assert proposed.status_code == 200, proposed.text
    body = proposed.json()
    assert [item["code"] for item in body["weak_items"]] == ["CA_FORMATION", "GC_ROLES", "GC_ANNUAIRE"]
    assert [(s["library_code"], [item["code"] for item in s["answers"]]) for s in body["suggestions"]] == [
        ("ANNUAIRE_CRISE_HORS_SI", ["GC_ANNUAIRE"]),
        ("FORMATION_PROCEDURES_DEGRADEES", ["CA_FORMATION"]),
    ]
    first = body["suggestions"][0]
    assert (first["horizon_label"], first["due_date"], first["owner_role_label"]) == (
        "0 à 30 jours",
        "2026-04-11",
        "Direction",
    )
    assert (body["applied"], body["created"]) == (False, [])
    assert after_proposal.json()["total"] == 1  # a proposal creates nothing

    created_actions = applied.json()["created"]
    assert [item["library_code"] for item in created_actions] == [
        "ANNUAIRE_CRISE_HORS_SI",
        "FORMATION_PROCEDURES_DEGRADEES",
    ]
    assert created_actions[0]["title"] == "Fiabiliser l'annuaire de crise hors SI"
    assert created_actions[1]["due_date"] == "2026-07-10"
    assert (again.json()["suggestions"], again.json()["created"]) == ([], [])
    assert (await client.get(actions_url(exercise_id))).json()["total"] == 3
    # Each suggestion says which rating made it appear.
    assert [
        [(item["code"], item["rating"], item["rating_label"]) for item in s["because"]]
        for s in body["suggestions"]
    ] == [
        [("GC_ANNUAIRE", "NON_REALISE", "Non réalisé")],
        [("CA_FORMATION", "PEU_SATISFAISANT", "Peu satisfaisant")],
    ]
    # GC_ROLES has the action typed by hand under the library's title.
    [roles] = body["not_proposed"]
    assert (roles["code"], roles["reason"]) == ("GC_ROLES", "NO_ACTION_LEFT")
    assert body["left_out"] == 0


async def test_applying_twice_adds_nothing_the_second_time_and_says_why(
    client: Client, exercise_id: str
) -> None:
    """The issue: every item weak, the cap of five leaves some uncovered; the second apply (a
    double click, a retried script) used to add the next five."""
    ratings = dict.fromkeys(get_kit().item_families, Rating.PEU_SATISFAISANT) | {
        "GC_MAIN_COURANTE": Rating.NON_REALISE,
        "CA_CONTOURNEMENT": Rating.NON_REALISE,
    }
    await rate(client, exercise_id, ratings)
    url = f"{actions_url(exercise_id)}/suggestions"

    first = (await client.post(url, params={"apply": "true"})).json()
    second = await client.post(url, params={"apply": "true"})

    assert len(first["created"]) == 5
    assert first["left_out"] > 0
    assert "all=true" in first["summary"]
    assert second.status_code == 200, second.text
    body = second.json()
    assert (body["applied"], body["created"], body["suggestions"]) == (True, [], [])
    assert body["summary"].startswith("Rien à ajouter\u00a0: les propositions ont déjà été appliquées")
    assert [action["id"] for action in body["already_applied"]] == [
        action["id"] for action in first["created"]
    ]
    plan = (await client.get(actions_url(exercise_id))).json()
    assert plan["total"] == 5
    # Every weak item says why it gets nothing: answered by the plan, or read by the first apply.
    reasons = {item["code"]: item["reason"] for item in body["not_proposed"]}
    assert set(reasons) == set(ratings)
    assert set(reasons.values()) == {"ANSWERED_BY_PLAN", "ALREADY_APPLIED"}
    assert body["left_out"] == first["left_out"] == list(reasons.values()).count("ALREADY_APPLIED")
    left = next(item for item in body["not_proposed"] if item["reason"] == "ALREADY_APPLIED")
    assert left["action_ids"] == [action["id"] for action in first["created"]]
    assert "all=true" in left["explanation"]

    # The left-out items are seen without applying: all=true lifts the cap, adds nothing.
    everything = (await client.post(url, params={"all": "true"})).json()
    assert everything["left_out"] == 0
    shown = {item["code"] for suggestion in everything["suggestions"] for item in suggestion["because"]}
    assert {code for code, reason in reasons.items() if reason == "ALREADY_APPLIED"} <= shown
    assert (await client.get(actions_url(exercise_id))).json()["total"] == 5
    refused = await client.post(url, params={"all": "true", "apply": "true"})
    problem = assert_problem(refused, 422, "validation_failed", field="all")
    assert problem["errors"][0]["code"] == "every_not_applicable"

    # A changed rating may bring a new action, and the answer names that rating.
    worse = left["code"]
    grid = {"ratings": {item: {"rating": rating.value} for item, rating in ratings.items()}}
    grid["ratings"][worse] = {"rating": "NON_REALISE"}
    saved = await client.put(f"{EXERCISES}/{exercise_id}/evaluation", json=grid)
    assert saved.status_code == 200, saved.text
    third = (await client.post(url, params={"apply": "true"})).json()
    [new] = third["suggestions"]
    assert [(item["code"], item["rating_label"]) for item in new["because"]] == [(worse, "Non réalisé")]
    assert [action["library_code"] for action in third["created"]] == [new["library_code"]]
    fourth = (await client.post(url, params={"apply": "true"})).json()
    assert (fourth["created"], len(fourth["already_applied"])) == ([], 6)
    assert (await client.get(actions_url(exercise_id))).json()["total"] == 6


async def test_the_organisation_sees_its_open_actions_across_exercises(
    client: Client, organisation_id: str, exercise_id: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(TODAY, lambda: date(2026, 6, 1))
    later_exercise = await played_exercise(client, organisation_id, exercise_date="2026-05-04")
    roles = await created(
        client, actions_url(exercise_id), action(title="Clarifier les rôles", horizon="H30_90")
    )
    directory = await created(client, actions_url(exercise_id), action())
    finished = await created(client, actions_url(exercise_id), action(title="Fait déjà"))
    await client.patch(f"{actions_url(exercise_id)}/{finished['id']}", json={"status": "FAIT"})
    short = await created(
        client, actions_url(later_exercise), action(title="Exercice court", horizon="H0_30")
    )
    elsewhere = await played_exercise(client, await new_organisation(client))
    await created(client, actions_url(elsewhere), action())

    url = f"/api/v1/organisations/{organisation_id}/actions"
    listing = await client.get(url)
    second_page = await client.get(url, params={"limit": 1, "offset": 1})
    overdue = await client.get(url, params={"overdue": "true"})

    body = listing.json()
    assert [(item["id"], item["due_date"], item["overdue"]) for item in body["items"]] == [
        (directory["id"], "2026-04-11", True),
        (short["id"], "2026-06-03", False),
        (roles["id"], "2026-06-10", False),
    ]
    assert body["total"] == 3
    assert [item["id"] for item in second_page.json()["items"]] == [short["id"]]
    assert second_page.json()["total"] == 3
    assert [item["id"] for item in overdue.json()["items"]] == [directory["id"]]


async def test_another_regions_plan_is_out_of_sight(
    client: Client, issue_key: KeyIssuer, exercise_id: str
) -> None:
    first = await created(client, actions_url(exercise_id), action())
    breton = bearer(await issue_key(AccountRole.REGIONAL, region_code="53"))
    organisation_id = (await client.get(f"{EXERCISES}/{exercise_id}")).json()["organisation_id"]

    reads = [
        await client.get(actions_url(exercise_id), headers=breton),
        await client.get(f"{actions_url(exercise_id)}/{first['id']}", headers=breton),
        await client.post(actions_url(exercise_id), json=action(), headers=breton),
        await client.patch(
            f"{actions_url(exercise_id)}/{first['id']}", json={"status": "FAIT"}, headers=breton
        ),
        await client.post(f"{actions_url(exercise_id)}/suggestions", headers=breton),
    ]

    for response in reads:
        assert_problem(response, 404, "exercise_not_found")
    assert_problem(
        await client.get(f"/api/v1/organisations/{organisation_id}/actions", headers=breton),
        404,
        "organisation_not_found",
    )
    unchanged = await client.get(f"{actions_url(exercise_id)}/{first['id']}")
    assert (unchanged.json()["status"], unchanged.json()["revision"]) == ("A_FAIRE", 1)


async def test_an_action_of_another_exercise_is_not_found_here(
    client: Client, organisation_id: str, exercise_id: str
) -> None:
    other_exercise = await played_exercise(client, organisation_id)
    other = await created(client, actions_url(other_exercise), action())

    response = await client.get(f"{actions_url(exercise_id)}/{other['id']}")

    assert_problem(response, 404, "action_not_found")
