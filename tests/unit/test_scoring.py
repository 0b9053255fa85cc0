"""Scoring of a competency evaluation, without a database: properties over every grid, the
exact rounding, the tie rules, the worked example of docs/examples, the checks of a grid."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.domain.evaluation.engine import (
    ExerciseKey,
    Framework,
    PreviousExercise,
    chart_names,
    compare,
    compute_results,
    grid_errors,
    missing_items,
    previous_of,
    rounded,
)
from service.domain.evaluation.schemas import FamilyResult, ItemRatingPut, OverallResult
from service.kit.catalogue import get_catalogue
from service.kit.codes import Rating
from service.kit.content import get_kit
from tests.evaluation_support import EXAMPLE, example_grid

FRAMEWORK = Framework.of(get_kit(), get_catalogue())
ITEMS = FRAMEWORK.item_codes()

grids = st.dictionaries(st.sampled_from(ITEMS), st.sampled_from(list(Rating)))
scored = [rating for rating in Rating if rating is not Rating.NA]


# ---------------------------------------------------------------------------------------------
# Properties


@given(grid=grids, na_items=st.sets(st.sampled_from(ITEMS)))
def test_na_never_changes_a_score(grid: dict[str, Rating], na_items: set[str]) -> None:
    """Rating more items N/A (or un-rating N/A ones) changes no score, rate or distribution:
    only the N/A and unrated counts move."""
    without_na = {code: rating for code, rating in grid.items() if rating is not Rating.NA}
    with_more_na = without_na | {code: Rating.NA for code in na_items if code not in without_na}
    plain, noisy = compute_results(without_na, FRAMEWORK), compute_results(with_more_na, FRAMEWORK)
    assert (plain.overall.score, plain.overall.acquisition_rate) == (
        noisy.overall.score,
        noisy.overall.acquisition_rate,
    )
    assert plain.overall.distribution == noisy.overall.distribution
    for before, after in zip(plain.families, noisy.families, strict=True):
        assert (before.score, before.acquisition_rate, before.rated_count, before.distribution) == (
            after.score,
            after.acquisition_rate,
            after.rated_count,
            after.distribution,
        )
    assert (plain.strongest_family, plain.weakest_family) == (noisy.strongest_family, noisy.weakest_family)


@given(grid=grids)
def test_scores_stay_within_the_scale_and_rates_within_zero_and_one(grid: dict[str, Rating]) -> None:
    results = compute_results(grid, FRAMEWORK)
    summaries: list[OverallResult | FamilyResult] = [results.overall, *results.families]
    for summary in summaries:
        assert summary.score is None or 0 <= summary.score <= 3
        assert summary.acquisition_rate is None or 0 <= summary.acquisition_rate <= 1
        # Nothing rated: null, never a 0 that would read as « Non réalisé ».
        assert (summary.score is None) == (summary.rated_count == 0) == (summary.acquisition_rate is None)
    for axis in results.charts.radar:
        assert axis.score is None or 0 <= axis.score <= results.charts.scale_max


@given(grid=grids)
def test_counts_add_up_to_the_number_of_items(grid: dict[str, Rating]) -> None:
    results = compute_results(grid, FRAMEWORK)
    overall = results.overall
    assert overall.item_count == len(ITEMS)
    assert overall.rated_count + overall.na_count + overall.unrated_count == overall.item_count
    assert sum(entry.count for entry in overall.distribution) == overall.rated_count
    assert overall.rated_count == sum(family.rated_count for family in results.families)
    assert overall.na_count == sum(1 for rating in grid.values() if rating is Rating.NA)
    assert overall.acquired_count == sum(family.acquired_count for family in results.families)
    for family in results.families:
        assert (
            family.rated_count + family.na_count + family.unrated_count
            == family.item_count
            == len(family.items)
        )
        assert sum(entry.count for entry in family.distribution) == family.rated_count
    assert results.complete == (len(grid) == len(ITEMS))


@given(grid=grids, data=st.data())
def test_the_order_of_the_ratings_is_irrelevant(grid: dict[str, Rating], data: st.DataObject) -> None:
    shuffled = dict(data.draw(st.permutations(list(grid.items()))))
    assert compute_results(shuffled, FRAMEWORK) == compute_results(grid, FRAMEWORK)


@given(grid=grids)
def test_the_overall_score_is_the_mean_of_every_rated_item(grid: dict[str, Rating]) -> None:
    scores = [FRAMEWORK.level(rating).score for rating in grid.values()]
    numbers = [score for score in scores if score is not None]
    overall = compute_results(grid, FRAMEWORK).overall
    expected = rounded(Fraction(sum(numbers), len(numbers))) if numbers else None
    assert overall.score == expected


@given(grid=grids)
def test_the_strongest_family_scores_at_least_the_weakest(grid: dict[str, Rating]) -> None:
    results = compute_results(grid, FRAMEWORK)
    rated = [family for family in results.families if family.score is not None]
    if not rated:
        assert results.strongest_family is None
        assert results.weakest_family is None
        return
    assert results.strongest_family is not None
    assert results.weakest_family is not None
    assert results.strongest_family.score == max(family.score for family in rated if family.score is not None)
    assert results.weakest_family.score == min(family.score for family in rated if family.score is not None)


@given(now=grids, before=grids)
def test_progress_is_the_exact_difference_rounded_once(
    now: dict[str, Rating], before: dict[str, Rating]
) -> None:
    previous = PreviousExercise(uuid.uuid4(), "2025", date(2025, 3, 1), before)
    comparison = compare(now, previous, FRAMEWORK)
    mine, theirs = compute_results(now, FRAMEWORK), compute_results(before, FRAMEWORK)
    for progress, current, earlier in zip(comparison.families, mine.families, theirs.families, strict=True):
        assert (progress.score, progress.previous_score) == (current.score, earlier.score)
        assert (progress.score_delta is None) == (current.score is None or earlier.score is None)
        if progress.score_delta is not None:
            assert current.score is not None
            assert earlier.score is not None
            # Within a rounding step of the difference of the rounded values.
            assert abs(progress.score_delta - (current.score - earlier.score)) <= 0.0100001


# ---------------------------------------------------------------------------------------------
# Rounding


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(11, 6), 1.83),
        (Fraction(2, 3), 0.67),
        (Fraction(1, 3), 0.33),
        (Fraction(9, 8), 1.13),  # half: away from zero, not to even
        (Fraction(1, 8), 0.13),
        (Fraction(-1, 8), -0.13),
        (Fraction(5, 200), 0.03),
        (Fraction(3, 1), 3.0),
        (Fraction(0), 0.0),
    ],
)
def test_rounding_is_half_away_from_zero_to_two_decimals(value: Fraction, expected: float) -> None:
    assert rounded(value) == expected
    assert repr(rounded(value)) == repr(expected)


def test_nothing_rated_gives_no_score_and_no_division_by_zero() -> None:
    results = compute_results(dict.fromkeys(ITEMS, Rating.NA), FRAMEWORK)
    assert results.overall.score is None
    assert results.overall.acquisition_rate is None
    assert results.overall.na_count == len(ITEMS)
    assert results.strongest_family is None
    assert results.weakest_family is None
    assert results.complete is True
    assert all(axis.score is None for axis in results.charts.radar)
    empty = compute_results({}, FRAMEWORK)
    assert (empty.complete, empty.overall.unrated_count) == (False, len(ITEMS))


# ---------------------------------------------------------------------------------------------
# The worked example (docs/examples/resultats-exemple.md)


def example_family_rows() -> dict[str, list[str]]:
    """The « Calcul par famille » table: family code → its cells."""
    text = EXAMPLE.read_text(encoding="utf-8")
    block = text.split("## Calcul par famille", 1)[1].split("\n\n", 2)[1]
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in block.splitlines()]
    return {cells[0]: cells for cells in rows[2:]}


def test_the_worked_example_matches_the_hand_computation() -> None:
    current, before = example_grid("actuelle"), example_grid("precedente")
    assert set(current) == set(before) == set(ITEMS)
    results = compute_results(current, FRAMEWORK, before)

    expected = {
        # family: (rated, na, score, acquired, rate)
        "CONTINUITE_ACTIVITE": (6, 0, 1.83, 5, 0.83),
        "RECONSTRUCTION_IT": (3, 1, 1.0, 1, 0.33),
        "GOUVERNANCE_CRISE": (4, 0, 2.25, 3, 0.75),
        "ALERTE_SIGNALEMENT": (3, 2, 1.0, 1, 0.33),
        "COMMUNICATION": (4, 0, 2.25, 4, 1.0),
    }
    computed = {
        family.family_code: (
            family.rated_count,
            family.na_count,
            family.score,
            family.acquired_count,
            family.acquisition_rate,
        )
        for family in results.families
    }
    assert computed == expected
    # The document's table says the same.
    for code, cells in example_family_rows().items():
        rated, na, score, acquired, rate = expected[code]
        assert (int(cells[1]), int(cells[2]), float(cells[5]), int(cells[6]), float(cells[8])) == (
            rated,
            na,
            score,
            acquired,
            rate,
        ), code

    overall = results.overall
    assert (overall.rated_count, overall.na_count, overall.unrated_count) == (20, 3, 0)
    assert (overall.score, overall.acquired_count, overall.acquisition_rate) == (1.75, 14, 0.7)
    assert [(entry.rating, entry.count) for entry in overall.distribution] == [
        (Rating.NON_REALISE, 3),
        (Rating.PEU_SATISFAISANT, 3),
        (Rating.SATISFAISANT, 10),
        (Rating.TRES_SATISFAISANT, 4),
    ]
    # The webinar's bars for « Continuité de l'activité (ESMS) ».
    assert [bar.score for bar in results.charts.bars[0].bars] == [0, 3, 2, 2, 2, 2]
    # Ties: same score, better rate wins; same score and rate, the kit's order decides.
    assert results.strongest_family is not None
    assert results.weakest_family is not None
    assert (results.strongest_family.family_code, results.strongest_family.score) == ("COMMUNICATION", 2.25)
    assert (results.weakest_family.family_code, results.weakest_family.score) == ("RECONSTRUCTION_IT", 1.0)
    assert [axis.previous_score for axis in results.charts.radar] == [1.0, 0.0, 1.0, None, 2.0]

    comparison = compare(
        current, PreviousExercise(uuid.uuid4(), "Exercice 2025", date(2025, 3, 14), before), FRAMEWORK
    )
    assert [
        (progress.family_code, progress.previous_score, progress.score_delta, progress.acquisition_rate_delta)
        for progress in comparison.families
    ] == [
        ("CONTINUITE_ACTIVITE", 1.0, 0.83, 0.83),
        ("RECONSTRUCTION_IT", 0.0, 1.0, 0.33),
        ("GOUVERNANCE_CRISE", 1.0, 1.25, 0.75),
        ("ALERTE_SIGNALEMENT", None, None, None),
        ("COMMUNICATION", 2.0, 0.25, 0.0),
    ]
    assert (comparison.overall_score_delta, comparison.overall_acquisition_rate_delta) == (0.75, 0.48)


def test_rating_an_item_na_is_like_leaving_it_out() -> None:
    grid = example_grid("actuelle")
    assert grid["RI_OUTILS_ADMIN"] is Rating.NA
    without = {code: rating for code, rating in grid.items() if code != "RI_OUTILS_ADMIN"}
    with_na, left_out = compute_results(grid, FRAMEWORK), compute_results(without, FRAMEWORK)
    assert with_na.families[1].score == left_out.families[1].score == 1.0
    assert with_na.overall.score == left_out.overall.score


# ---------------------------------------------------------------------------------------------
# Which exercise is « the previous one »


def key(day: date | None, minutes: int) -> ExerciseKey:
    return ExerciseKey(day, datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes), uuid.uuid4())


def test_the_previous_exercise_is_the_latest_before_by_date_then_creation() -> None:
    current = key(date(2026, 3, 12), 50)
    same_day_earlier = key(date(2026, 3, 12), 10)
    same_day_later = key(date(2026, 3, 12), 90)
    last_year = key(date(2025, 3, 14), 95)
    next_year = key(date(2027, 1, 1), 0)
    undated = key(None, 0)
    candidates = [last_year, same_day_later, next_year, undated, same_day_earlier]
    assert previous_of(current, candidates) == same_day_earlier
    assert previous_of(current, [last_year, next_year, undated]) == last_year
    assert previous_of(current, [next_year, undated, same_day_later]) is None
    # An undated exercise comes after every dated one.
    assert previous_of(key(None, 5), [undated, last_year]) == undated


# ---------------------------------------------------------------------------------------------
# Checking a grid


def test_a_grid_names_each_bad_item() -> None:
    exercise, other = uuid.uuid4(), uuid.uuid4()
    own_entry, foreign_entry, unknown_entry = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    entries = {own_entry: exercise, foreign_entry: other}
    grid = {
        "CA_PLAN_BLEU": ItemRatingPut(rating="SATISFAISANT", entry_ids=[own_entry]),
        "XX_INCONNU": ItemRatingPut(rating="SATISFAISANT"),
        "GC_ROLES": ItemRatingPut(rating="PASSABLE"),
        "GC_CELLULE": ItemRatingPut(rating="NA", entry_ids=[foreign_entry, unknown_entry, foreign_entry]),
    }
    errors = grid_errors(grid, FRAMEWORK, exercise, entries)
    assert [(error.field, error.code) for error in errors] == [
        ("ratings.XX_INCONNU", "unknown_item"),
        ("ratings.GC_ROLES", "unknown_rating"),
        ("ratings.GC_CELLULE.entry_ids[0]", "entry_of_another_exercise"),
        ("ratings.GC_CELLULE.entry_ids[1]", "unknown_entry"),
        ("ratings.GC_CELLULE.entry_ids[2]", "duplicate_entry"),
    ]
    assert "TRES_SATISFAISANT" in errors[1].message
    assert missing_items(grid, FRAMEWORK)[:2] == ["CA_CARTOGRAPHIE", "CA_PRIORISATION"]


def test_every_family_has_a_chart() -> None:
    assert chart_names(FRAMEWORK) == [
        "radar",
        "family-continuite-activite",
        "family-reconstruction-it",
        "family-gouvernance-crise",
        "family-alerte-signalement",
        "family-communication",
    ]
