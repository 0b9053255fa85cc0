"""The vocabulary says each kind of establishment's people and bodies as its staff say them."""

from __future__ import annotations

import copy
from importlib import resources

import msgspec
import pytest

from service.kit.codes import EssmsCategory, ServiceMode
from service.kit.content import KitContentError, get_kit
from service.kit.vocabulary import WORDS, build_vocabulary, get_vocabulary


def document() -> dict[str, object]:
    raw = (resources.files("service.kit") / "data" / "vocabulary.toml").read_bytes()
    decoded = msgspec.toml.decode(raw)
    assert isinstance(decoded, dict)
    return copy.deepcopy(decoded)


@pytest.mark.parametrize(
    ("category", "mode", "answers", "expected"),
    [
        (EssmsCategory.EHPAD, ServiceMode.HEBERGEMENT, {}, {"medecin": "le médecin coordonnateur"}),
        (EssmsCategory.MAS, ServiceMode.HEBERGEMENT, {}, {"medecin": "le médecin de l'établissement"}),
        (EssmsCategory.IME, ServiceMode.HEBERGEMENT, {}, {"encadrant": "le chef de service éducatif"}),
        (EssmsCategory.SSIAD, ServiceMode.DOMICILE, {}, {"usagers": "patients"}),
        (EssmsCategory.ESAT, ServiceMode.TRAVAIL, {}, {"usagers": "travailleurs"}),
        # The questionnaire says who governs, whatever the category.
        (
            EssmsCategory.EHPAD,
            ServiceMode.HEBERGEMENT,
            {"Q_STATUT": "PUBLIC_TERRITORIAL"},
            {"gouvernance": "le maire, président du CCAS"},
        ),
        (EssmsCategory.SAVS, ServiceMode.DOMICILE, {}, {"gouvernance": "l'organisme gestionnaire"}),
        (
            EssmsCategory.EHPAD,
            ServiceMode.HEBERGEMENT,
            {"Q_AUTORITES": "ARS_CD"},
            {"autorites": "l'ARS et le conseil départemental"},
        ),
    ],
)
def test_words_come_from_the_answers_then_the_category_then_the_mode(
    category: EssmsCategory, mode: ServiceMode, answers: dict[str, str], expected: dict[str, str]
) -> None:
    words = get_vocabulary().words(category, mode, answers)
    assert {word: words[word] for word in expected} == expected


@pytest.mark.parametrize("category", list(EssmsCategory))
@pytest.mark.parametrize("mode", list(ServiceMode))
def test_every_word_has_a_french_value_for_every_establishment(
    category: EssmsCategory, mode: ServiceMode
) -> None:
    words = get_vocabulary().words(category, mode, {})
    assert set(words) == set(WORDS)
    assert all(value.strip() == value and value for value in words.values())


@pytest.mark.parametrize(
    ("name", "said"),
    [
        ("IME Les Genêts", "l'IME Les Genêts"),
        ("SSIAD du Pays de Morlaix", "le SSIAD du Pays de Morlaix"),
        ("MAS du Littoral", "la MAS du Littoral"),
        ("Résidence autonomie Les Lilas", "la résidence autonomie Les Lilas"),
        ("Les Tilleuls", "Les Tilleuls"),
        ("Saint-Joseph", "Saint-Joseph"),
    ],
)
def test_a_name_takes_the_article_its_first_word_asks_for(name: str, said: str) -> None:
    assert get_vocabulary().name_with_article(name) == said


def test_the_crrc_is_named_after_its_region() -> None:
    vocabulary = get_vocabulary()
    assert vocabulary.crrc("53", "Bretagne") == "CRRC Bretagne"
    assert vocabulary.crrc("93", "Provence-Alpes-Côte d'Azur").startswith("CAPSI")
    assert vocabulary.crrc(None, None) == "CRRC de la région"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda doc: doc["fallbacks"].pop("proches"), "fallbacks: proches is missing"),
        (
            lambda doc: doc["categories"]["IME"].__setitem__("enseignant", "un prof"),
            "unknown word enseignant",
        ),
        (lambda doc: doc["modes"]["DOMICILE"].__setitem__("proches", " "), "modes.DOMICILE.proches is empty"),
        (lambda doc: doc["answers"]["Q_STATUT"].__setitem__("COOPERATIVE", {}), "not an option of Q_STATUT"),
        (lambda doc: doc["answers"].__setitem__("Q_INCONNUE", {}), "answers.Q_INCONNUE: unknown question"),
        (lambda doc: doc["name_articles"].__setitem__("ESAT", "un"), "name_articles.ESAT"),
    ],
)
def test_a_broken_vocabulary_stops_the_service_naming_what_is_wrong(change: object, message: str) -> None:
    doc = document()
    assert callable(change)
    change(doc)
    with pytest.raises(KitContentError, match=message):
        build_vocabulary(doc, get_kit())
