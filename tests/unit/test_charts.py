"""The dashboard's SVG charts say what they show: parsed, their title, description, labels and
values are those of the results, in French, and they do not rely on colour."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import pytest

from service.domain.evaluation.charts import french_number, render_chart
from service.domain.evaluation.engine import FamilyDef, Framework, ItemDef, compute_results
from service.domain.evaluation.results import ScoredResults
from service.kit.catalogue import get_catalogue
from service.kit.codes import Rating
from service.kit.content import get_kit
from tests.evaluation_support import example_grid

NS = {"svg": "http://www.w3.org/2000/svg"}
FRAMEWORK = Framework.of(get_kit(), get_catalogue())


@pytest.fixture
def results() -> ScoredResults:
    return compute_results(example_grid("actuelle"), FRAMEWORK, example_grid("precedente"))


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def texts(root: ET.Element) -> list[str]:
    """Every visible line of text."""
    return ["".join(span.itertext()) for span in root.iterfind(".//svg:text/svg:tspan", NS)]


def check_accessible(root: ET.Element) -> tuple[str, str]:
    """role="img", aria-labelledby naming the title and the description; returns both texts."""
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img"
    assert root.get("lang") == "fr"
    title, desc = root.find("svg:title", NS), root.find("svg:desc", NS)
    assert title is not None
    assert desc is not None
    assert root.get("aria-labelledby", "").split() == [title.get("id"), desc.get("id")]
    assert title.text
    assert desc.text
    return title.text, desc.text


def test_the_radar_says_what_it_shows_and_every_value(results: ScoredResults) -> None:
    svg = render_chart("radar", results)
    assert svg is not None
    root = parse(svg)
    title, desc = check_accessible(root)
    assert title == "Radar des familles de compétences : score moyen sur 3"
    assert "Continuité de l'activité (ESMS) : 1,83 sur 3" in desc
    assert "Communication : 2,25 sur 3" in desc
    assert "items N/A exclus" in desc
    assert "Exercice évalué précédent, en pointillés" in desc
    assert "Alerte et signalement : rien de noté" in desc  # in 2025
    lines = texts(root)
    for family in results.families:
        assert family.score is not None
        assert french_number(family.score) in lines
        assert any(family.label.startswith(line) for line in lines), family.label
    assert "(précédent : 1,00)" in lines
    assert "(précédent : rien de noté)" in lines


def test_the_radar_is_readable_in_black_and_white(results: ScoredResults) -> None:
    root = parse(render_chart("radar", results) or "")
    current = root.find(".//svg:polygon[@class='current']", NS)
    previous = root.find(".//svg:polygon[@class='previous']", NS)
    assert current is not None
    assert previous is not None
    # Told apart by hatching and dashes, drawn in black: not by colour.
    assert current.get("fill") == "url(#radar-hatch)"
    assert root.find(".//svg:pattern[@id='radar-hatch']", NS) is not None
    assert previous.get("stroke-dasharray")
    assert {current.get("stroke"), previous.get("stroke")} == {"#000000"}
    legend = " ".join(texts(root))
    assert "hachuré" in legend
    assert "tirets" in legend


def test_a_family_chart_labels_each_bar_with_its_level(results: ScoredResults) -> None:
    svg = render_chart("family-continuite-activite", results)
    assert svg is not None
    root = parse(svg)
    title, desc = check_accessible(root)
    assert title == "Continuité de l'activité (ESMS) : niveau atteint par item (0 à 3)"
    assert "Déclencher le Plan Bleu : 2 (Satisfaisant)" in desc
    assert "Définir mes activités métiers (cartographie des services) : 0 (Non réalisé)" in desc
    assert "Score moyen de la famille : 1,83 sur 3, taux d'acquisition 83 %" in desc
    lines = texts(root)
    assert lines.count("2 — Satisfaisant") == 4
    assert lines.count("3 — Très satisfaisant") == 1
    assert "0 — Non réalisé" in lines
    assert "Prioriser mes activités métiers" in lines
    bars = root.findall(".//svg:rect[@class='bar']", NS)
    # The webinar's bars: 0, 3, 2, 2, 2, 2 (a zero has no length).
    assert [float(bar.get("width", "0")) for bar in bars] == [0.0, 300.0, 200.0, 200.0, 200.0, 200.0]


def test_na_and_unrated_items_are_written_not_drawn(results: ScoredResults) -> None:
    root = parse(render_chart("family-reconstruction-it", results) or "")
    _, desc = check_accessible(root)
    assert "N/A (sans objet, exclu du score)" in desc
    assert "N/A (exclu)" in texts(root)
    empty = compute_results({}, FRAMEWORK)
    blank = parse(render_chart("family-communication", empty) or "")
    _, desc = check_accessible(blank)
    assert "Aucun item de la famille n'est encore noté" in desc
    assert texts(blank).count("non noté") == 4
    assert blank.findall(".//svg:rect[@class='bar']", NS) == []
    radar = parse(render_chart("radar", empty) or "")
    assert radar.find(".//svg:polygon[@class='current']", NS) is None
    assert "rien de noté" in texts(radar)


def test_labels_are_escaped() -> None:
    hostile = Framework(
        families=(
            FamilyDef("HOSTILE", "<script>alert('x')</script> & co", (ItemDef("H_1", 'Item "1" <b>'),)),
        ),
        scale=FRAMEWORK.scale,
        acquired_score=2,
    )
    results = compute_results({"H_1": Rating.SATISFAISANT}, hostile)
    for name in ("radar", "family-hostile"):
        svg = render_chart(name, results)
        assert svg is not None
        root = parse(svg)
        assert root.find(".//svg:script", NS) is None
        assert "<script>" not in svg
        assert "&lt;script&gt;" in svg


def test_unknown_charts_are_none(results: ScoredResults) -> None:
    for name in ("", "radar.svg", "family-", "family-inconnue", "FAMILY-COMMUNICATION", "../radar"):
        assert render_chart(name, results) is None
