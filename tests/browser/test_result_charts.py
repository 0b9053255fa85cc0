"""The results charts as a person sees them: served by the API, opened in Chromium, they draw at
a readable size, show their French labels and values, and expose their title as the image's
accessible name (what a screen reader announces)."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from playwright.async_api import Browser

from tests.evaluation_support import PLAYED, URL, Client, every_item, new_exercise, new_organisation

pytestmark = pytest.mark.anyio

NS = {"svg": "http://www.w3.org/2000/svg"}


async def test_the_charts_render_in_chromium(client: Client, browser: Browser, tmp_path: Path) -> None:
    organisation_id = await new_organisation(client)
    exercise_id = await new_exercise(client, organisation_id, *PLAYED)
    grid = every_item("SATISFAISANT") | {"GC_CELLULE": {"rating": "TRES_SATISFAISANT"}}
    evaluation = await client.put(f"{URL}/{exercise_id}/evaluation", json={"ratings": grid})
    assert evaluation.status_code == 200, evaluation.text
    results = (await client.get(f"{URL}/{exercise_id}/results")).json()["results"]
    charts = ["radar.svg"] + [family["chart"] for family in results["charts"]["bars"]]

    page = await browser.new_page()
    drawn: dict[str, str] = {}
    for chart in charts:
        response = await client.get(f"{URL}/{exercise_id}/results/charts/{chart}")
        assert response.status_code == 200, response.text
        title = ET.fromstring(response.text).find("svg:title", NS)  # noqa: S314 - the service's own output
        assert title is not None
        assert title.text
        path = tmp_path / chart
        path.write_text(response.text, encoding="utf-8")
        await page.goto(path.as_uri())

        image = page.get_by_role("img", name=title.text)
        assert await image.count() == 1, f"{chart}: no image named « {title.text} »"
        box = await image.bounding_box()
        assert box is not None
        assert box["width"] >= 300, (chart, box)
        assert box["height"] >= 200, (chart, box)
        drawn[chart] = await page.locator("svg").text_content() or ""
    # Values are written out (not left to colour): Gouvernance de crise is (3 + 2 + 2 + 2) / 4.
    assert "Gouvernance de crise" in drawn["radar.svg"]
    assert "2,25" in drawn["radar.svg"]
    assert "Déclencher et armer la cellule de crise" in drawn["family-gouvernance-crise.svg"]
