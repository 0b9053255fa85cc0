"""What the evaluation and results tests share: exercises moved to a given step (by hand, or
through their chronogram's generation, whose entries the grid links to), and the grids of the
worked example (docs/examples/resultats-exemple.md)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from service.kit.codes import Rating
from service.kit.content import get_kit
from tests.factories import complete_answers, exercise_payload, organisation_payload, si_component

Client = AsyncTestClient[Litestar]
URL = "/api/v1/exercises"
EXAMPLE = Path(__file__).parent.parent / "docs" / "examples" / "resultats-exemple.md"


def example_grid(name: str) -> dict[str, Rating]:
    """The grid table that follows the ``<!-- grille: name -->`` marker in the worked example."""
    text = EXAMPLE.read_text(encoding="utf-8")
    block = text.split(f"<!-- grille: {name} -->", 1)[1].split("\n\n", 1)[0]
    rows = re.findall(r"^\| ([A-Z_]+) \| ([A-Z_]+) \| ", block, flags=re.MULTILINE)
    return {item: Rating(rating) for item, rating in rows}


def every_item(rating: str = "SATISFAISANT") -> dict[str, dict[str, Any]]:
    return {code: {"rating": rating} for code in get_kit().item_families}


async def new_organisation(client: Client, **overrides: Any) -> str:
    response = await client.post("/api/v1/organisations", json=organisation_payload(**overrides))
    assert response.status_code == 201, response.text
    identifier: str = response.json()["id"]
    return identifier


async def new_exercise(client: Client, organisation_id: str, *statuses: str, **overrides: Any) -> str:
    """An exercise moved through ``statuses`` (by the admin, who may force every step)."""
    response = await client.post(URL, json=exercise_payload(organisation_id, **overrides))
    assert response.status_code == 201, response.text
    exercise_id: str = response.json()["id"]
    if statuses:
        answers = await client.put(f"{URL}/{exercise_id}/questionnaire", json={"answers": complete_answers()})
        assert answers.status_code == 200, answers.text
        system = await client.put(
            f"{URL}/{exercise_id}/information-system", json={"components": [si_component("DUI")]}
        )
        assert system.status_code == 200, system.text
    for status in statuses:
        moved = await client.patch(f"{URL}/{exercise_id}", json={"status": status})
        assert moved.status_code == 200, moved.text
    return exercise_id


PLAYED = ("READY", "GENERATED", "PLAYED")


async def with_chronogram(client: Client, organisation_id: str, **overrides: Any) -> tuple[str, list[str]]:
    """An exercise made READY, then its chronogram generated (it is GENERATED: being played),
    with the ids of the chronogram's entries."""
    exercise_id = await new_exercise(client, organisation_id, "READY", **overrides)
    generated = await client.post(f"{URL}/{exercise_id}/chronogram")
    assert generated.status_code == 200, generated.text
    entries = await client.get(f"{URL}/{exercise_id}/chronogram/entries", params={"limit": 100})
    assert entries.status_code == 200, entries.text
    ids = [entry["id"] for entry in entries.json()["items"]]
    assert ids, entries.text
    return exercise_id, ids


async def played_with_chronogram(
    client: Client, organisation_id: str, **overrides: Any
) -> tuple[str, list[str]]:
    """The same, then declared PLAYED by its organisers (a table-top exercise played on paper)."""
    exercise_id, entries = await with_chronogram(client, organisation_id, **overrides)
    played = await client.patch(f"{URL}/{exercise_id}", json={"status": "PLAYED"})
    assert played.status_code == 200, played.text
    return exercise_id, entries
