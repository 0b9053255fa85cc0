"""Results, comparison with the previous evaluated exercise, and the SVG charts, through the API:
what the dashboard of an establishment shows after its exercise."""

from __future__ import annotations

from typing import Any
from xml.etree import ElementTree as ET

import pytest

from service.kit.codes import AccountRole
from tests.conftest import KeyIssuer, bearer
from tests.evaluation_support import (
    PLAYED,
    URL,
    Client,
    example_grid,
    example_table,
    fr,
    new_exercise,
    new_organisation,
    percent,
    points,
    signed,
)
from tests.problems import assert_problem

pytestmark = pytest.mark.anyio

NS = {"svg": "http://www.w3.org/2000/svg"}


def grid(name: str) -> dict[str, Any]:
    return {"ratings": {code: {"rating": rating.value} for code, rating in example_grid(name).items()}}


async def evaluated(client: Client, organisation_id: str, name: str, **overrides: Any) -> str:
    exercise_id = await new_exercise(client, organisation_id, *PLAYED, **overrides)
    response = await client.put(f"{URL}/{exercise_id}/evaluation", json=grid(name))
    assert response.status_code == 200, response.text
    assert response.json()["exercise_status"] == "EVALUATED"
    return exercise_id


async def results(client: Client, exercise_id: str, **headers: str) -> dict[str, Any]:
    response = await client.get(f"{URL}/{exercise_id}/results", headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
async def organisation_id(client: Client) -> str:
    return await new_organisation(client)


async def test_the_worked_example_through_the_api(client: Client, organisation_id: str) -> None:
    before = await evaluated(
        client, organisation_id, "precedente", title="Exercice 2025", exercise_date="2025-03-14"
    )
    now = await evaluated(client, organisation_id, "actuelle", exercise_date="2026-03-12")

    body = await results(client, now)

    assert (body["exercise_id"], body["exercise_status"]) == (now, "EVALUATED")
    computed = body["results"]
    assert computed["complete"] is True
    assert {
        key: computed["overall"][key] for key in ("rated_count", "na_count", "score", "acquisition_rate")
    } == {"rated_count": 20, "na_count": 3, "score": 1.75, "acquisition_rate": 0.7}
    assert [
        (family["family_code"], family["score"], family["acquisition_rate"])
        for family in computed["families"]
    ] == [
        ("CONTINUITE_ACTIVITE", 1.83, 0.83),
        ("RECONSTRUCTION_IT", 1.0, 0.33),
        ("GOUVERNANCE_CRISE", 2.25, 0.75),
        ("ALERTE_SIGNALEMENT", 1.0, 0.33),
        ("COMMUNICATION", 2.25, 1.0),
    ]
    # Same score as Gouvernance de crise, better rate: Communication alone; the two weakest are
    # equal on score and rate: both, ex aequo.
    assert computed["strongest"] == {
        "families": [{"family_code": "COMMUNICATION", "label": "Communication"}],
        "ex_aequo": False,
        "score": 2.25,
        "acquisition_rate": 1.0,
    }
    assert computed["weakest"] == {
        "families": [
            {
                "family_code": "RECONSTRUCTION_IT",
                "label": (
                    "Reconstruction IT (cœur de confiance, infrastructure critique, "
                    "outils d'administration, réseau)"
                ),
            },
            {"family_code": "ALERTE_SIGNALEMENT", "label": "Alerte et signalement"},
        ],
        "ex_aequo": True,
        "score": 1.0,
        "acquisition_rate": 0.33,
    }
    family = computed["families"][0]
    assert family["label"] == "Continuité de l'activité (ESMS)"
    assert family["items"][0] == {
        "item_code": "CA_CARTOGRAPHIE",
        "label": "Définir mes activités métiers (cartographie des services)",
        "rating": "NON_REALISE",
        "rating_label": "Non réalisé",
        "score": 0,
        "acquired": False,
    }
    assert [entry["count"] for entry in computed["overall"]["distribution"]] == [3, 3, 10, 4]
    charts = computed["charts"]
    assert charts["scale_max"] == 3
    assert [bar["score"] for bar in charts["bars"][0]["bars"]] == [0, 3, 2, 2, 2, 2]
    assert charts["bars"][0]["chart"] == "family-continuite-activite.svg"
    assert [axis["previous_score"] for axis in charts["radar"]] == [1.0, 0.0, 1.0, None, 2.0]

    comparison = body["comparison"]
    assert (comparison["previous_exercise_id"], comparison["previous_title"]) == (before, "Exercice 2025")
    assert comparison["previous_exercise_date"] == "2025-03-14"
    # On the 17 items rated both times only (not +0.75 / +0.48 over different perimeters).
    assert comparison["overall"] == {
        "compared_count": 17,
        "excluded_count": 6,
        "score": 1.88,
        "previous_score": 1.06,
        "score_delta": 0.82,
        "acquisition_rate": 0.76,
        "previous_acquisition_rate": 0.24,
        "acquisition_rate_delta": 0.53,
    }
    assert [
        (item["family_code"], item["compared_count"], item["score_delta"]) for item in comparison["families"]
    ] == [
        ("CONTINUITE_ACTIVITE", 6, 0.83),
        ("RECONSTRUCTION_IT", 3, 1.0),
        ("GOUVERNANCE_CRISE", 4, 1.25),
        ("ALERTE_SIGNALEMENT", 0, None),
        ("COMMUNICATION", 4, 0.25),
    ]
    assert comparison["excluded_families"] == [
        {"family_code": "ALERTE_SIGNALEMENT", "label": "Alerte et signalement"}
    ]
    assert comparison["families"][1]["excluded_items"] == [
        {
            "item_code": "RI_OUTILS_ADMIN",
            "label": "Sécuriser les outils d'administration avant de les réutiliser",
            "rating": "NA",
            "previous_rating": "NON_REALISE",
            "reason": "N/A lors de cet exercice",
        }
    ]
    # What the quality manager reads in docs/examples/resultats-exemple.md is what the API says.
    assert example_table("tableau: familles")[:-1] == [
        [
            family["label"],
            str(family["rated_count"]),
            str(family["na_count"]),
            str(family["acquired_count"]),
            percent(family["acquisition_rate"]),
            fr(family["score"]),
        ]
        for family in computed["families"]
    ]
    progression = example_table("tableau: progression")
    assert [row[:2] for row in progression] == [
        *([item["label"], str(item["compared_count"])] for item in comparison["families"]),
        ["Ensemble", "17"],
    ]
    overall = comparison["overall"]
    assert progression[-1][2:] == [
        percent(overall["previous_acquisition_rate"]),
        percent(overall["acquisition_rate"]),
        points(overall["acquisition_rate_delta"]),
        fr(overall["previous_score"]),
        fr(overall["score"]),
        signed(overall["score_delta"]),
    ]
    assert [row[4] for row in example_table("tableau: exclus")] == [
        item["reason"] for family in comparison["families"] for item in family["excluded_items"]
    ]
    # The earlier exercise has nothing before it.
    assert (await results(client, before))["comparison"] is None


async def test_nothing_rated_yet_reads_as_null_not_zero(client: Client, organisation_id: str) -> None:
    exercise_id = await new_exercise(client, organisation_id)
    body = await results(client, exercise_id)
    computed = body["results"]
    assert (body["exercise_status"], computed["complete"]) == ("DRAFT", False)
    assert computed["overall"]["score"] is None
    assert computed["overall"]["acquisition_rate"] is None
    assert computed["overall"]["unrated_count"] == 23
    assert computed["strongest"] is None
    assert computed["weakest"] is None
    assert all(family["score"] is None for family in computed["families"])
    assert body["comparison"] is None


async def test_the_comparison_takes_the_latest_final_evaluation_before_this_one(
    client: Client, organisation_id: str
) -> None:
    older = await evaluated(client, organisation_id, "precedente", title="2024", exercise_date="2024-03-01")
    previous = await evaluated(
        client, organisation_id, "precedente", title="2025", exercise_date="2025-03-01"
    )
    # Played but not evaluated, later than 2025: not final, not compared with.
    await new_exercise(client, organisation_id, *PLAYED, title="2025 bis", exercise_date="2025-09-01")
    # Evaluated, then closed, but after the current exercise.
    later = await evaluated(client, organisation_id, "actuelle", title="2027", exercise_date="2027-03-01")
    closed = await client.patch(f"{URL}/{later}", json={"status": "CLOSED"})
    assert closed.status_code == 200, closed.text
    # Another establishment's exercise, just before: not ours.
    elsewhere = await new_organisation(client)
    await evaluated(client, elsewhere, "actuelle", title="Ailleurs", exercise_date="2026-03-01")
    current = await new_exercise(client, organisation_id, *PLAYED, exercise_date="2026-03-12")

    comparison = (await results(client, current))["comparison"]
    assert (comparison["previous_exercise_id"], comparison["previous_title"]) == (previous, "2025")
    # Nothing rated now: nothing to compare, every family and item is said to be left out.
    assert comparison["families"][0]["score_delta"] is None
    assert comparison["families"][0]["previous_score"] is None
    assert comparison["overall"]["compared_count"] == 0
    assert len(comparison["excluded_families"]) == 5
    assert comparison["families"][0]["excluded_items"][0]["reason"] == "Pas noté lors de cet exercice"
    # A closed exercise is compared with the latest before it.
    assert (await results(client, later))["comparison"]["previous_exercise_id"] == previous
    assert (await results(client, previous))["comparison"]["previous_exercise_id"] == older


class TestCharts:
    async def test_the_radar_is_an_accessible_svg(self, client: Client, organisation_id: str) -> None:
        exercise_id = await evaluated(client, organisation_id, "actuelle")
        response = await client.get(f"{URL}/{exercise_id}/results/charts/radar.svg")
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("image/svg+xml")
        root = ET.fromstring(response.text)  # noqa: S314 - the service's own output
        assert root.get("role") == "img"
        title = root.find("svg:title", NS)
        assert title is not None
        assert title.text == "Radar des familles de compétences : score moyen sur 3"
        desc = root.find("svg:desc", NS)
        assert desc is not None
        assert desc.text is not None
        assert "Gouvernance de crise : 2,25 sur 3" in desc.text

    async def test_each_family_has_its_bar_chart(self, client: Client, organisation_id: str) -> None:
        exercise_id = await evaluated(client, organisation_id, "actuelle")
        computed = (await results(client, exercise_id))["results"]
        for family in computed["charts"]["bars"]:
            response = await client.get(f"{URL}/{exercise_id}/results/charts/{family['chart']}")
            assert response.status_code == 200, response.text
            root = ET.fromstring(response.text)  # noqa: S314 - the service's own output
            title = root.find("svg:title", NS)
            assert title is not None
            assert title.text == f"{family['label']} : niveau atteint par item (0 à 3)"

    @pytest.mark.parametrize(
        "chart",
        ["radar", "camembert.svg", "family-inconnue.svg", "family-continuite-activite.png", "RADAR.SVG"],
    )
    async def test_an_unknown_chart_is_not_found(
        self, client: Client, organisation_id: str, chart: str
    ) -> None:
        exercise_id = await new_exercise(client, organisation_id)
        response = await client.get(f"{URL}/{exercise_id}/results/charts/{chart}")
        assert_problem(response, 404, "chart_not_found")

    async def test_another_regions_results_are_not_found(
        self, client: Client, organisation_id: str, issue_key: KeyIssuer
    ) -> None:
        exercise_id = await evaluated(client, organisation_id, "actuelle")
        key = await issue_key(AccountRole.REGIONAL, region_code="53")
        for path in ("results", "results/charts/radar.svg"):
            response = await client.get(f"{URL}/{exercise_id}/{path}", headers=bearer(key))
            assert_problem(response, 404, "exercise_not_found")
        own = await issue_key(AccountRole.ESTABLISHMENT, organisation_ids=[organisation_id])
        assert (await results(client, exercise_id, **bearer(own)))["results"]["overall"]["score"] == 1.75
