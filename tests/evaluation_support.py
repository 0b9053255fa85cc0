"""What the evaluation and results tests share: exercises moved to a given step (by hand, or
through their chronogram's generation, whose entries the grid links to), and the grids of the
worked example (docs/examples/resultats-exemple.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient

from service.kit.catalogue import get_catalogue
from service.kit.codes import Rating
from service.kit.content import get_kit
from tests.factories import complete_answers, exercise_payload, organisation_payload, si_component

Client = AsyncTestClient[Litestar]
URL = "/api/v1/exercises"
EXAMPLE = Path(__file__).parent.parent / "docs" / "examples" / "resultats-exemple.md"


def plain(text: str) -> str:
    """Text of the worked example as compared: no-break spaces as spaces, no bold, one space
    between words (the document follows French typography and wraps its lines)."""
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").replace("**", "").split())


def example_text() -> str:
    """The whole worked example, as :func:`plain` text."""
    return plain(EXAMPLE.read_text(encoding="utf-8"))


def example_table(marker: str) -> list[list[str]]:
    """The rows (header and separator left out) of the table that follows ``<!-- marker -->``
    in the worked example, each as its :func:`plain` cells."""
    text = EXAMPLE.read_text(encoding="utf-8")
    block = text.split(f"<!-- {marker} -->", 1)[1].strip().split("\n\n", 1)[0]
    lines = block.splitlines()
    assert lines[0].startswith("|"), f"no table after <!-- {marker} -->"
    return [[plain(cell) for cell in line.strip().strip("|").split("|")] for line in lines[2:]]


def item_codes_by_label() -> dict[str, str]:
    """French label of an item → its code (the document names items by label only)."""
    return {plain(item.label): item.code for family in get_kit().families.values() for item in family.items}


def ratings_by_label() -> dict[str, Rating]:
    return {plain(entry.label): code for code, entry in get_catalogue().ratings.items()}


def example_grid(name: str) -> dict[str, Rating]:
    """The grid that follows the ``<!-- grille: name -->`` marker in the worked example (rows:
    family, item label, level label, score), by item code."""
    items, levels = item_codes_by_label(), ratings_by_label()
    return {items[row[1]]: levels[row[2]] for row in example_table(f"grille: {name}")}


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
        # A questionnaire this establishment is asked: its category's questions and options.
        organisation = (await client.get(f"/api/v1/organisations/{organisation_id}")).json()
        filled = complete_answers(organisation["category"], organisation["service_mode"])
        answers = await client.put(f"{URL}/{exercise_id}/questionnaire", json={"answers": filled})
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


# French numbers as the worked example writes them (the API's numbers stay numbers).


def fr(value: float | None) -> str:
    """A score: 2 decimals, decimal comma (« 1,83 »)."""
    assert value is not None
    return f"{value:.2f}".replace(".", ",")


def percent(rate: float | None) -> str:
    """A rate of the results (2 decimals, 0 to 1) as a whole percentage (« 83 % »)."""
    assert rate is not None
    return f"{round(rate * 100)} %"


def signed(value: float | None) -> str:
    """A difference of scores: « +0,83 », « −0,13 », « 0,00 »."""
    assert value is not None
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return sign + fr(abs(value))


def points(delta: float | None) -> str:
    """A difference of rates in percentage points: « +83 points », « 0 point »."""
    assert delta is not None
    whole = round(delta * 100)
    sign = "+" if whole > 0 else "−" if whole < 0 else ""
    return f"{sign}{abs(whole)} point{'s' if abs(whole) > 1 else ''}"
