"""The dashboard's charts as accessible SVG, built with the standard library (no I/O).

Every chart says what it shows to people who cannot see it and to those who print it in black
and white:

- ``role="img"`` and ``aria-labelledby`` pointing at a ``<title>`` (what the chart is) and a
  ``<desc>`` (every value it draws, in French sentences), so a screen reader reads the data;
- values are written next to what draws them (« 1,67 », « 2 — Satisfaisant »), and series
  are told apart by hatching and dash patterns, never by colour alone;
- French labels from the kit, long ones wrapped; ids prefixed by the chart's name, so several
  charts can sit in one page.

Text goes through :mod:`xml.etree.ElementTree`, which escapes it: labels cannot inject markup.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from xml.etree import ElementTree as ET

from service.domain.evaluation.engine import RADAR_CHART, chart_name
from service.domain.evaluation.results import FamilyBars, FamilyResult, RadarAxis, ScoredResults

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
SVG_MEDIA_TYPE = "image/svg+xml"
FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"
INK = "#000000"
GRID = "#555555"


def french_number(value: float) -> str:
    """A mean as the results give it: 2 decimals, comma as the decimal separator (« 1,00 »)."""
    return f"{value:.2f}".replace(".", ",")


def _percent(rate: float) -> str:
    """Rates come rounded to 2 decimals: a whole number of percent."""
    return f"{round(rate * 100)} %"


def _svg(name: str, width: int, height: int, title: str, description: str) -> ET.Element:
    root = ET.Element(
        "svg",
        {
            "xmlns": SVG_NAMESPACE,
            "version": "1.1",
            "width": str(width),
            "height": str(height),
            "viewBox": f"0 0 {width} {height}",
            "role": "img",
            "aria-labelledby": f"{name}-title {name}-desc",
            "lang": "fr",
            "font-family": FONT,
        },
    )
    ET.SubElement(root, "title", {"id": f"{name}-title"}).text = title
    ET.SubElement(root, "desc", {"id": f"{name}-desc"}).text = description
    defs = ET.SubElement(root, "defs")
    pattern = ET.SubElement(
        defs,
        "pattern",
        {
            "id": f"{name}-hatch",
            "patternUnits": "userSpaceOnUse",
            "width": "8",
            "height": "8",
            "patternTransform": "rotate(45)",
        },
    )
    ET.SubElement(pattern, "rect", {"width": "8", "height": "8", "fill": "#ffffff"})
    ET.SubElement(
        pattern, "line", {"x1": "0", "y1": "0", "x2": "0", "y2": "8", "stroke": INK, "stroke-width": "3"}
    )
    ET.SubElement(root, "rect", {"width": str(width), "height": str(height), "fill": "#ffffff"})
    return root


def _text(
    parent: ET.Element,
    x: float,
    y: float,
    lines: Sequence[str],
    *,
    anchor: str = "start",
    size: int = 13,
    weight: str = "normal",
    css_class: str | None = None,
) -> ET.Element:
    """A text of one or more lines, the first on ``y``."""
    attributes = {
        "x": f"{x:.1f}",
        "y": f"{y:.1f}",
        "text-anchor": anchor,
        "font-size": str(size),
        "font-weight": weight,
        "fill": INK,
    }
    if css_class:
        attributes["class"] = css_class
    element = ET.SubElement(parent, "text", attributes)
    for index, line in enumerate(lines):
        span = ET.SubElement(element, "tspan", {"x": f"{x:.1f}", "dy": "0" if index == 0 else "1.2em"})
        span.text = line
    return element


def _wrapped(label: str, width: int) -> list[str]:
    return textwrap.wrap(label, width=width, break_long_words=False) or [label]


def _serialise(root: ET.Element) -> str:
    return ET.tostring(root, encoding="unicode", xml_declaration=False)


# ---------------------------------------------------------------------------------------------
# Radar of the families


def _score_phrase(score: float | None, scale_max: int) -> str:
    return f"{french_number(score)} sur {scale_max}" if score is not None else "rien de noté"


def radar_description(axes: Sequence[RadarAxis], scale_max: int) -> str:
    values = " ; ".join(f"{axis.label} : {_score_phrase(axis.score, scale_max)}" for axis in axes)
    text = (
        f"Score moyen de chaque famille de compétences sur l'échelle de 0 (non réalisé) à {scale_max} "
        f"(très satisfaisant), items N/A exclus. {values}."
    )
    if any(axis.previous_score is not None for axis in axes):
        previous = " ; ".join(
            f"{axis.label} : {_score_phrase(axis.previous_score, scale_max)}" for axis in axes
        )
        text += f" Exercice évalué précédent, en pointillés : {previous}."
    return text


def radar_svg(results: ScoredResults) -> str:
    axes = results.charts.radar
    scale_max = results.charts.scale_max
    width, height, radius = 760, 660, 190
    cx, cy = width / 2, 335
    root = _svg(
        RADAR_CHART,
        width,
        height,
        f"Radar des familles de compétences : score moyen sur {scale_max}",
        radar_description(axes, scale_max),
    )
    _text(
        root,
        cx,
        30,
        [f"Score moyen par famille de compétences (0 à {scale_max})"],
        anchor="middle",
        size=16,
        weight="bold",
    )
    count = max(len(axes), 1)

    def point(index: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * index / count
        distance = radius * value / scale_max
        return cx + distance * math.cos(angle), cy + distance * math.sin(angle)

    def outline(values: Sequence[float]) -> str:
        return " ".join(
            f"{x:.1f},{y:.1f}" for x, y in (point(index, value) for index, value in enumerate(values))
        )

    grid = ET.SubElement(root, "g", {"aria-hidden": "true"})
    for level in range(1, scale_max + 1):
        ET.SubElement(
            grid,
            "polygon",
            {
                "points": outline([level] * count),
                "fill": "none",
                "stroke": GRID,
                "stroke-width": "1",
                "stroke-dasharray": "2 3",
            },
        )
        x, y = point(0, level)
        _text(grid, x + 4, y + 4, [str(level)], size=11)
    for index in range(count):
        x, y = point(index, scale_max)
        ET.SubElement(
            grid,
            "line",
            {
                "x1": f"{cx:.1f}",
                "y1": f"{cy:.1f}",
                "x2": f"{x:.1f}",
                "y2": f"{y:.1f}",
                "stroke": GRID,
                "stroke-width": "1",
            },
        )
    previous = [axis.previous_score for axis in axes]
    current = [axis.score for axis in axes]
    if any(score is not None for score in current):
        ET.SubElement(
            root,
            "polygon",
            {
                "class": "current",
                "points": outline([score or 0 for score in current]),
                "fill": f"url(#{RADAR_CHART}-hatch)",
                "fill-opacity": "0.6",
                "stroke": INK,
                "stroke-width": "2.5",
            },
        )
    if any(score is not None for score in previous):
        ET.SubElement(
            root,
            "polygon",
            {
                "class": "previous",
                "points": outline([score or 0 for score in previous]),
                "fill": "none",
                "stroke": INK,
                "stroke-width": "2",
                "stroke-dasharray": "8 5",
            },
        )
    for index, axis in enumerate(axes):
        if axis.score is not None:
            x, y = point(index, axis.score)
            ET.SubElement(root, "circle", {"cx": f"{x:.1f}", "cy": f"{y:.1f}", "r": "4", "fill": INK})
        if axis.previous_score is not None:
            x, y = point(index, axis.previous_score)
            ET.SubElement(
                root,
                "rect",
                {
                    "x": f"{x - 4:.1f}",
                    "y": f"{y - 4:.1f}",
                    "width": "8",
                    "height": "8",
                    "fill": "#ffffff",
                    "stroke": INK,
                },
            )
        x, y = point(index, scale_max * 1.18)
        anchor = "middle" if abs(x - cx) < 20 else ("start" if x > cx else "end")
        lines = _wrapped(axis.label, 24)
        top = y - (len(lines) * 16 + 16 if y < cy - 20 else 0)
        values = [french_number(axis.score) if axis.score is not None else "rien de noté"]
        if any(score is not None for score in previous):
            before = french_number(axis.previous_score) if axis.previous_score is not None else "rien de noté"
            values.append(f"(précédent : {before})")
        _text(root, x, top, [*lines, *values], anchor=anchor, css_class="axis-label")
    legend = ET.SubElement(root, "g", {"class": "legend"})
    ET.SubElement(
        legend,
        "rect",
        {
            "x": "40",
            "y": str(height - 44),
            "width": "28",
            "height": "14",
            "fill": f"url(#{RADAR_CHART}-hatch)",
            "stroke": INK,
        },
    )
    _text(legend, 76, height - 32, ["Cet exercice (hachuré, trait plein, points ronds)"])
    if any(score is not None for score in previous):
        ET.SubElement(
            legend,
            "line",
            {
                "x1": "440",
                "y1": str(height - 37),
                "x2": "468",
                "y2": str(height - 37),
                "stroke": INK,
                "stroke-width": "2",
                "stroke-dasharray": "8 5",
            },
        )
        _text(legend, 476, height - 32, ["Exercice précédent (tirets, carrés)"])
    return _serialise(root)


# ---------------------------------------------------------------------------------------------
# Bars of one family


def _bar_phrase(family: FamilyResult, code: str) -> str:
    item = next(item for item in family.items if item.item_code == code)
    if item.rating is None:
        return f"{item.label} : pas encore noté"
    if item.score is None:
        return f"{item.label} : N/A (sans objet, exclu du score)"
    return f"{item.label} : {item.score} ({item.rating_label})"


def family_description(family: FamilyResult, bars: FamilyBars, scale_max: int) -> str:
    values = " ; ".join(_bar_phrase(family, bar.item_code) for bar in bars.bars)
    summary = (
        f"Score moyen de la famille : {french_number(family.score)} sur {scale_max}, taux "
        f"d'acquisition {_percent(family.acquisition_rate)} ({family.acquired_count} item(s) acquis "
        f"sur {family.rated_count} noté(s))."
        if family.score is not None and family.acquisition_rate is not None
        else "Aucun item de la famille n'est encore noté sur l'échelle."
    )
    return (
        f"Niveau atteint par chaque item de la famille « {family.label} », de 0 (non réalisé) à "
        f"{scale_max} (très satisfaisant). {values}. {summary}"
    )


def family_svg(family: FamilyResult, bars: FamilyBars, scale_max: int) -> str:
    name = chart_name(family.family_code)
    plot_left, plot_width, row = 320, 300, 56
    width = plot_left + plot_width + 190
    top = 110
    height = top + row * len(bars.bars) + 40
    root = _svg(
        name,
        width,
        height,
        f"{family.label} : niveau atteint par item (0 à {scale_max})",
        family_description(family, bars, scale_max),
    )
    _text(root, 20, 30, _wrapped(f"{family.label} : niveau atteint par item", 70), size=16, weight="bold")
    summary = (
        f"Score moyen {french_number(family.score)} sur {scale_max} — taux d'acquisition "
        f"{_percent(family.acquisition_rate)}"
        if family.score is not None and family.acquisition_rate is not None
        else "Aucun item noté sur l'échelle"
    )
    _text(root, 20, 56, [summary], size=13, css_class="summary")
    axis = ET.SubElement(root, "g", {"aria-hidden": "true"})
    for level in range(scale_max + 1):
        x = plot_left + plot_width * level / scale_max
        ET.SubElement(
            axis,
            "line",
            {
                "x1": f"{x:.1f}",
                "y1": str(top - 10),
                "x2": f"{x:.1f}",
                "y2": str(top + row * len(bars.bars)),
                "stroke": GRID,
                "stroke-width": "1",
                "stroke-dasharray": "2 3" if level else "none",
            },
        )
        _text(axis, x, top - 16, [str(level)], anchor="middle", size=11)
    for index, bar in enumerate(bars.bars):
        y = top + row * index
        lines = _wrapped(bar.label, 40)[:3]
        _text(root, 20, y + 18, lines, size=12, css_class="item-label")
        item = next(item for item in family.items if item.item_code == bar.item_code)
        if bar.score is not None:
            length = plot_width * bar.score / scale_max
            ET.SubElement(
                root,
                "rect",
                {
                    "class": "bar",
                    "x": str(plot_left),
                    "y": str(y + 8),
                    "width": f"{length:.1f}",
                    "height": "26",
                    "fill": f"url(#{name}-hatch)",
                    "stroke": INK,
                    "stroke-width": "1.5",
                },
            )
            value = f"{bar.score} — {item.rating_label}"
            _text(root, plot_left + length + 8, y + 26, [value], size=12, weight="bold", css_class="value")
        else:
            value = "N/A (exclu)" if bar.rating is not None else "non noté"
            _text(root, plot_left + 8, y + 26, [value], size=12, css_class="value")
    return _serialise(root)


def render_chart(name: str, results: ScoredResults) -> str | None:
    """The SVG of the chart called ``name`` (``radar`` or ``family-<code>``), None if unknown."""
    if name == RADAR_CHART:
        return radar_svg(results)
    for family, bars in zip(results.families, results.charts.bars, strict=True):
        if chart_name(family.family_code) == name:
            return family_svg(family, bars, results.charts.scale_max)
    return None
