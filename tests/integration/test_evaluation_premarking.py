"""The grid proposes N/A for the items that no stimulus of the exercise's chronogram puts in
play (N/A: not played; « Non réalisé »: played but not done), through the API."""

from __future__ import annotations

from typing import Any

import pytest

from tests.evaluation_support import (
    URL,
    Client,
    new_exercise,
    new_organisation,
    played_with_chronogram,
)

pytestmark = pytest.mark.anyio

REASON = "Aucun stimulus du chronogramme ne l'a mis en jeu."
OUTSIDE_PLAY = {"DEBEX", "FINEX", "RETEX_CHAUD"}


async def entries_of(client: Client, exercise_id: str) -> list[dict[str, Any]]:
    response = await client.get(f"{URL}/{exercise_id}/chronogram/entries", params={"limit": 100})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


def in_play(entries: list[dict[str, Any]]) -> dict[str, list[str]]:
    """Item → the entries (play order) that put it in play, as the grid should say."""
    exercising: dict[str, list[str]] = {}
    for entry in entries:
        if entry["status"] == "SKIPPED" or entry["phase"] in OUTSIDE_PLAY:
            continue
        for item in dict.fromkeys(entry["competency_items"]):
            exercising.setdefault(item, []).append(entry["id"])
    return exercising


async def unrated(client: Client, exercise_id: str) -> dict[str, dict[str, Any]]:
    response = await client.get(f"{URL}/{exercise_id}/evaluation")
    assert response.status_code == 200, response.text
    body = response.json()
    assert [item["item_code"] for item in body["unrated"]] == body["completeness"]["missing"]
    return {item["item_code"]: item for item in body["unrated"]}


@pytest.fixture
async def organisation_id(client: Client) -> str:
    return await new_organisation(client)


async def test_items_no_stimulus_puts_in_play_are_proposed_na(client: Client, organisation_id: str) -> None:
    exercise_id, _ = await played_with_chronogram(client, organisation_id)
    entries = await entries_of(client, exercise_id)
    exercising = in_play(entries)
    items = await unrated(client, exercise_id)
    assert len(items) == 23
    # A generated chronogram exercises some items and not others.
    assert exercising
    assert set(items) - set(exercising)
    for code, item in items.items():
        if code in exercising:
            assert (item["exercised"], item["entry_ids"], item["suggested_rating"]) == (
                True,
                exercising[code],
                None,
            ), code
            assert item["suggestion_reason"] is None
        else:
            assert (item["exercised"], item["entry_ids"], item["suggested_rating"]) == (False, [], "NA"), code
            assert item["suggestion_reason"] == REASON
        assert item["item_label"]
        assert item["family_code"]


async def test_a_skipped_stimulus_no_longer_puts_its_items_in_play(
    client: Client, organisation_id: str
) -> None:
    exercise_id, _ = await played_with_chronogram(client, organisation_id)
    entries = await entries_of(client, exercise_id)
    exercising = in_play(entries)
    # An item that only one stimulus exercises: skipping that stimulus makes it N/A-proposed.
    code, (entry_id,) = next((code, ids) for code, ids in exercising.items() if len(ids) == 1)
    assert (await unrated(client, exercise_id))[code]["suggested_rating"] is None
    skipped = await client.patch(
        f"{URL}/{exercise_id}/chronogram/entries/{entry_id}", json={"status": "SKIPPED"}
    )
    assert skipped.status_code == 200, skipped.text
    item = (await unrated(client, exercise_id))[code]
    assert (item["exercised"], item["suggested_rating"], item["suggestion_reason"]) == (False, "NA", REASON)


async def test_a_rated_item_leaves_the_list_and_a_proposal_is_not_a_rating(
    client: Client, organisation_id: str
) -> None:
    exercise_id, _ = await played_with_chronogram(client, organisation_id)
    items = await unrated(client, exercise_id)
    proposed = next(code for code, item in items.items() if item["suggested_rating"] == "NA")
    played = next(code for code, item in items.items() if item["exercised"])
    response = await client.put(
        f"{URL}/{exercise_id}/evaluation",
        json={"ratings": {proposed: {"rating": "NA"}, played: {"rating": "NON_REALISE"}}},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    # The PUT answers the same representation: the two items are rated, no longer proposed.
    assert body["completeness"]["rated"] == 2
    assert {item["item_code"] for item in body["unrated"]} == set(items) - {proposed, played}
    assert body["exercise_status"] == "PLAYED"


async def test_without_a_chronogram_nothing_is_proposed(client: Client, organisation_id: str) -> None:
    exercise_id = await new_exercise(client, organisation_id)
    items = await unrated(client, exercise_id)
    assert len(items) == 23
    assert all(
        (item["exercised"], item["entry_ids"], item["suggested_rating"]) == (None, [], None)
        for item in items.values()
    )
