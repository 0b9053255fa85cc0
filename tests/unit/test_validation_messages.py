"""Validation messages reach users in French, naming the field in error."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.lib.validation_messages import field_path, french_message


@pytest.mark.parametrize(
    ("english", "french"),
    [
        ("Expected `str`, got `int`", "Doit être un texte (reçu : un nombre entier)."),
        ("Expected `int`, got `str`", "Doit être un nombre entier (reçu : un texte)."),
        ("Expected `object`, got `array`", "Doit être un objet JSON (reçu : une liste)."),
        ("Expected `str` of length >= 1", "Doit contenir au moins 1 caractère."),
        ("Expected `str` of length <= 200", "Doit contenir au plus 200 caractères."),
        ("Expected `array` of length <= 5", "Doit contenir au plus 5 éléments."),
        ("Expected `int` >= 1", "Doit être supérieur ou égal à 1."),
        ("Expected `int` <= 100", "Doit être inférieur ou égal à 100."),
        ("Expected `str` matching regex '^[0-9]{9}$'", "Format invalide."),
        ("Invalid enum value 'MAISON'", "Valeur non autorisée : 'MAISON'."),
        ("Invalid UUID", "Identifiant UUID invalide."),
        ("Object missing required field `name`", "Champ obligatoire manquant."),
        ("Object contains unknown field `colour`", "Champ inconnu : il n'est pas accepté ici."),
    ],
)
def test_known_messages_are_translated(english: str, french: str) -> None:
    assert french_message(english) == french


@given(st.text(max_size=200))
def test_any_message_gets_a_french_sentence(message: str) -> None:
    translated = french_message(message)
    assert translated
    assert translated.endswith(".")


@pytest.mark.parametrize(
    ("key", "message", "field"),
    [
        ("name", "Expected `str`, got `int`", "name"),
        ("phones[0]", "Expected `str` of length <= 30", "phones[0]"),
        ("data", "Object contains unknown field `colour`", "colour"),
        ("data", "Object missing required field `finess_et`", "finess_et"),
        ("participants[2]", "Object missing required field `role`", "participants[2].role"),
        ("data", "Expected `object`, got `array`", "body"),
        (None, "Expected `object`, got `array`", "body"),
    ],
)
def test_field_paths_name_the_offending_field(key: str | None, message: str, field: str) -> None:
    assert field_path(key, message) == field
