"""Search folding: case and accents never hide an establishment."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.lib.text import fold, words


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("Santé Lyon", "SANTE LYON"), ("Frégate", "fregate"), ("ÉHPAD  Les   Tilleuls", "ehpad les tilleuls")],
)
def test_case_accents_and_spacing_fold_alike(typed: str, stored: str) -> None:
    assert fold(typed) == fold(stored)


@given(st.text())
def test_folding_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@given(st.text(), st.text(), st.text())
def test_a_folded_part_is_found_in_the_folded_whole(before: str, part: str, after: str) -> None:
    whole = fold(f"{before} {part} {after}")
    assert fold(part) in whole


def test_punctuation_separates_words() -> None:
    assert fold("L’Oustal — Saint-Joseph « EHPAD »") == "l oustal saint joseph ehpad"
    assert words("  Saint-Joseph, l'Oustal ") == ["saint", "joseph", "l", "oustal"]
