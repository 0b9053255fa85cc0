"""Scoring of a competency evaluation, without a database: properties over every grid, the
exact rounding, the tie rules, the progression on common items, the N/A pre-marking from the
chronogram, the worked example of docs/examples (read as a quality manager reads it: French
labels and numbers), the checks of a grid."""

from __future__ import annotations

import math
import uuid
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.domain.action_plan.engine import SUGGESTION_CAP, suggest_actions, weak_items
from service.domain.evaluation.engine import (
    NOT_IN_PLAY_REASON,
    ExerciseKey,
    Framework,
    PlayedEntry,
    PreviousExercise,
    chart_names,
    compare,
    compared_items,
    compute_results,
    exercising_entries,
    family_tallies,
    grid_problems,
    missing_items,
    previous_of,
    rounded,
    unrated_items,
)
from service.domain.evaluation.results import (
    FamilyProgress,
    FamilyRanking,
    FamilyResult,
    OverallProgress,
    OverallResult,
    ResultsComparison,
    ScoredResults,
)
from service.domain.evaluation.schemas import ItemRatingPut
from service.kit.actions import get_action_library
from service.kit.catalogue import get_catalogue
from service.kit.codes import ChronogramEntryStatus, Phase, Rating
from service.kit.content import get_kit
from tests.evaluation_support import example_grid, example_table, example_text, fr, percent, points, signed

FRAMEWORK = Framework.of(get_kit(), get_catalogue())
ITEMS = FRAMEWORK.item_codes()
FAMILIES = [family.code for family in FRAMEWORK.families]

grids = st.dictionaries(st.sampled_from(ITEMS), st.sampled_from(list(Rating)))


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
    assert (plain.strongest, plain.weakest) == (noisy.strongest, noisy.weakest)


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
def test_the_strongest_and_weakest_are_every_family_tied_at_the_top_or_the_bottom(
    grid: dict[str, Rating],
) -> None:
    """Score first, then rate; every family equal on both is named, in the kit's order, and
    said ex aequo: none is picked because it comes first."""
    results = compute_results(grid, FRAMEWORK)
    keys = {
        code: (tally.score, tally.acquisition_rate)
        for code, tally in family_tallies(grid, FRAMEWORK).items()
        if tally.score is not None and tally.acquisition_rate is not None
    }
    for ranking, best in ((results.strongest, max), (results.weakest, min)):
        if not keys:
            assert ranking is None
            continue
        assert ranking is not None
        top = best(keys.values())
        assert [family.family_code for family in ranking.families] == [
            code for code in FAMILIES if keys.get(code) == top
        ]
        assert ranking.ex_aequo is (len(ranking.families) > 1)
        assert (ranking.score, ranking.acquisition_rate) == (rounded(top[0]), rounded(top[1]))


def ranked(ranking: FamilyRanking | None) -> tuple[frozenset[str], bool, float, float] | None:
    if ranking is None:
        return None
    codes = frozenset(family.family_code for family in ranking.families)
    return (codes, ranking.ex_aequo, ranking.score, ranking.acquisition_rate)


@given(grid=grids, order=st.permutations(range(len(FRAMEWORK.families))))
def test_ties_are_symmetric_under_reordering_the_families(grid: dict[str, Rating], order: list[int]) -> None:
    """Listing the families in another order changes nothing of who is strongest or weakest."""
    reordered = Framework(
        families=tuple(FRAMEWORK.families[index] for index in order),
        scale=FRAMEWORK.scale,
        acquired_score=FRAMEWORK.acquired_score,
    )
    kit_order, other_order = compute_results(grid, FRAMEWORK), compute_results(grid, reordered)
    assert ranked(kit_order.strongest) == ranked(other_order.strongest)
    assert ranked(kit_order.weakest) == ranked(other_order.weakest)


def test_families_equal_on_score_and_rate_are_ex_aequo() -> None:
    # Reconstruction IT and Communication: one Satisfaisant and one Non réalisé each.
    grid = {
        "RI_COEUR_CONFIANCE": Rating.SATISFAISANT,
        "RI_RESEAU": Rating.NON_REALISE,
        "CO_MEDIAS": Rating.NON_REALISE,
        "CO_PERSONNELS": Rating.SATISFAISANT,
        "GC_CELLULE": Rating.TRES_SATISFAISANT,
    }
    results = compute_results(grid, FRAMEWORK)
    assert results.weakest is not None
    assert [family.family_code for family in results.weakest.families] == [
        "RECONSTRUCTION_IT",
        "COMMUNICATION",
    ]
    assert (results.weakest.ex_aequo, results.weakest.score, results.weakest.acquisition_rate) == (
        True,
        1.0,
        0.5,
    )
    assert results.strongest is not None
    assert [family.family_code for family in results.strongest.families] == ["GOUVERNANCE_CRISE"]
    assert results.strongest.ex_aequo is False


def on_scale(rating: Rating | None) -> bool:
    return rating is not None and rating is not Rating.NA


def figures(progress: FamilyProgress | OverallProgress) -> tuple[float | int | None, ...]:
    return (
        progress.compared_count,
        progress.score,
        progress.previous_score,
        progress.score_delta,
        progress.acquisition_rate,
        progress.previous_acquisition_rate,
        progress.acquisition_rate_delta,
    )


def previous_grid(ratings: dict[str, Rating]) -> PreviousExercise:
    return PreviousExercise(uuid.uuid4(), "2025", date(2025, 3, 1), ratings)


def mean(codes: list[str], ratings: dict[str, Rating]) -> Fraction:
    return Fraction(sum(FRAMEWORK.level(ratings[code]).score or 0 for code in codes), len(codes))


@given(now=grids, before=grids)
def test_progress_counts_only_the_items_rated_both_times(
    now: dict[str, Rating], before: dict[str, Rating]
) -> None:
    """Both sides are scored over the same items, those rated (not N/A) both times; the other
    items are named family by family, and a family left with none is named as excluded."""
    comparison = compare(now, previous_grid(before), FRAMEWORK)
    common = [code for code in ITEMS if on_scale(now.get(code)) and on_scale(before.get(code))]
    assert compared_items(now, before, FRAMEWORK) == common
    overall = comparison.overall
    assert (overall.compared_count, overall.excluded_count) == (len(common), len(ITEMS) - len(common))
    if common:
        assert overall.score_delta == rounded(mean(common, now) - mean(common, before))
    for progress, family in zip(comparison.families, FRAMEWORK.families, strict=True):
        codes = [item.code for item in family.items if item.code in common]
        assert progress.compared_count == len(codes)
        assert [item.item_code for item in progress.excluded_items] == [
            item.code for item in family.items if item.code not in common
        ]
        for excluded in progress.excluded_items:
            assert (excluded.rating, excluded.previous_rating) == (
                now.get(excluded.item_code),
                before.get(excluded.item_code),
            )
            assert excluded.reason
        if not codes:
            assert figures(progress)[1:] == (None,) * 6
            continue
        assert (progress.score, progress.previous_score) == (
            rounded(mean(codes, now)),
            rounded(mean(codes, before)),
        )
        # The exact difference, rounded once.
        assert progress.score_delta == rounded(mean(codes, now) - mean(codes, before))
    assert [family.family_code for family in comparison.excluded_families] == [
        progress.family_code for progress in comparison.families if progress.compared_count == 0
    ]


@given(now=grids, before=grids, item=st.sampled_from(ITEMS), rating=st.sampled_from(list(Rating)))
def test_an_item_rated_on_one_side_only_never_moves_the_progression(
    now: dict[str, Rating], before: dict[str, Rating], item: str, rating: Rating
) -> None:
    """Whatever an item is rated on one side, N/A included, no figure of the progression moves
    while it is N/A or not rated on the other side."""
    for side, other in ((now, before), (before, now)):
        if on_scale(other.get(item)):
            continue
        left_out = {code: value for code, value in side.items() if code != item}
        base = compare(left_out, previous_grid(other), FRAMEWORK)
        moved = compare(left_out | {item: rating}, previous_grid(other), FRAMEWORK)
        assert figures(base.overall) == figures(moved.overall)
        assert [figures(family) for family in base.families] == [figures(family) for family in moved.families]


# ---------------------------------------------------------------------------------------------
# Pre-marking N/A from the chronogram


def played(
    *items: str, status: str = ChronogramEntryStatus.PLANNED, phase: str = Phase.QUALIFICATION
) -> PlayedEntry:
    return PlayedEntry(uuid.uuid4(), status, phase, items)


def test_only_entries_played_during_play_time_put_an_item_in_play() -> None:
    first = played("GC_CELLULE", "GC_ROLES", "GC_CELLULE")
    skipped = played("AS_PLAINTE", status=ChronogramEntryStatus.SKIPPED)
    briefing = played("CA_PLAN_BLEU", phase=Phase.DEBEX)
    debrief = played("CA_FORMATION", phase=Phase.RETEX_CHAUD)
    end = played("GC_MAIN_COURANTE", phase=Phase.FINEX)
    later = played("GC_CELLULE", phase=Phase.ESCALADE)
    exercising = exercising_entries([first, skipped, briefing, debrief, end, later])
    assert exercising == {"GC_CELLULE": [first.id, later.id], "GC_ROLES": [first.id]}

    unrated = unrated_items({"GC_ROLES"}, FRAMEWORK, exercising)
    assert [item.item_code for item in unrated] == missing_items({"GC_ROLES"}, FRAMEWORK)
    by_code = {item.item_code: item for item in unrated}
    cell = by_code["GC_CELLULE"]
    assert (cell.exercised, cell.entry_ids, cell.suggested_rating, cell.suggestion_reason) == (
        True,
        [first.id, later.id],
        None,
        None,
    )
    assert (cell.item_label, cell.family_code) == (
        "Déclencher et armer la cellule de crise",
        "GOUVERNANCE_CRISE",
    )
    for code in ("AS_PLAINTE", "CA_PLAN_BLEU", "CA_FORMATION", "GC_MAIN_COURANTE"):
        item = by_code[code]
        assert (item.exercised, item.entry_ids, item.suggested_rating) == (False, [], Rating.NA), code
        assert item.suggestion_reason == NOT_IN_PLAY_REASON
    assert NOT_IN_PLAY_REASON == "Aucun stimulus du chronogramme ne l'a mis en jeu."


def test_without_a_chronogram_nothing_is_proposed() -> None:
    unrated = unrated_items({}, FRAMEWORK, None)
    assert len(unrated) == len(ITEMS)
    assert all(item.exercised is None and item.suggested_rating is None for item in unrated)


chronograms = st.lists(
    st.builds(
        PlayedEntry,
        id=st.uuids(),
        status=st.sampled_from(list(ChronogramEntryStatus)),
        phase=st.sampled_from(list(Phase)),
        competency_items=st.lists(st.sampled_from(ITEMS), max_size=4),
    ),
    max_size=12,
)


@given(grid=grids, chronogram=chronograms)
def test_accepting_every_proposed_na_never_changes_a_score(
    grid: dict[str, Rating], chronogram: list[PlayedEntry]
) -> None:
    proposed = {
        item.item_code: item.suggested_rating
        for item in unrated_items(grid, FRAMEWORK, exercising_entries(chronogram))
        if item.suggested_rating is not None
    }
    assert set(proposed.values()) <= {Rating.NA}
    assert not set(proposed) & set(grid)
    before, after = compute_results(grid, FRAMEWORK), compute_results(grid | proposed, FRAMEWORK)
    assert (before.overall.score, before.overall.acquisition_rate) == (
        after.overall.score,
        after.overall.acquisition_rate,
    )
    assert [(family.score, family.acquisition_rate) for family in before.families] == [
        (family.score, family.acquisition_rate) for family in after.families
    ]
    assert (before.strongest, before.weakest) == (after.strongest, after.weakest)


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
    assert results.strongest is None
    assert results.weakest is None
    assert results.complete is True
    assert all(axis.score is None for axis in results.charts.radar)
    empty = compute_results({}, FRAMEWORK)
    assert (empty.complete, empty.overall.unrated_count) == (False, len(ITEMS))


# ---------------------------------------------------------------------------------------------
# The worked example (docs/examples/resultats-exemple.md), written for a quality manager: every
# table and every number of its sentences is rebuilt here from what the engine computes.

CURRENT, BEFORE = example_grid("actuelle"), example_grid("precedente")
LEVELS = {level.score: level.label for level in FRAMEWORK.scale if level.score is not None}
IN_WORDS = {3: "trois", 4: "quatre", 5: "cinq", 6: "six"}


def position(score: float | None) -> str:
    """Where a mean sits on the scale: « Peu satisfaisant », « entre Peu satisfaisant et
    Satisfaisant »."""
    assert score is not None
    low, high = math.floor(score), math.ceil(score)
    return LEVELS[low] if low == high else f"entre {LEVELS[low]} et {LEVELS[high]}"


@pytest.fixture
def results() -> ScoredResults:
    return compute_results(CURRENT, FRAMEWORK, BEFORE)


@pytest.fixture
def comparison() -> ResultsComparison:
    return compare(
        CURRENT, PreviousExercise(uuid.uuid4(), "Exercice 2025", date(2025, 3, 14), BEFORE), FRAMEWORK
    )


@pytest.fixture
def text() -> str:
    return example_text()


def test_the_hand_computation_stands(results: ScoredResults, comparison: ResultsComparison) -> None:
    """The figures the document was computed from by hand, pinned."""
    assert [
        (
            family.family_code,
            family.rated_count,
            family.na_count,
            family.score,
            family.acquired_count,
            family.acquisition_rate,
        )
        for family in results.families
    ] == [
        ("CONTINUITE_ACTIVITE", 6, 0, 1.83, 5, 0.83),
        ("RECONSTRUCTION_IT", 3, 1, 1.0, 1, 0.33),
        ("GOUVERNANCE_CRISE", 4, 0, 2.25, 3, 0.75),
        ("ALERTE_SIGNALEMENT", 3, 2, 1.0, 1, 0.33),
        ("COMMUNICATION", 4, 0, 2.25, 4, 1.0),
    ]
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
    # Same score, the better rate wins; same score and rate: ex aequo.
    assert results.strongest is not None
    assert results.weakest is not None
    assert ranked(results.strongest) == (frozenset({"COMMUNICATION"}), False, 2.25, 1.0)
    assert [family.family_code for family in results.weakest.families] == [
        "RECONSTRUCTION_IT",
        "ALERTE_SIGNALEMENT",
    ]
    assert (results.weakest.ex_aequo, results.weakest.score, results.weakest.acquisition_rate) == (
        True,
        1.0,
        0.33,
    )
    # The radar overlays 2025 as it was rated.
    assert [axis.previous_score for axis in results.charts.radar] == [1.0, 0.0, 1.0, None, 2.0]
    # The progression, on the 17 items rated both times.
    assert figures(comparison.overall) == (17, 1.88, 1.06, 0.82, 0.76, 0.24, 0.53)
    assert comparison.overall.excluded_count == 6
    assert [(family.family_code, *figures(family)) for family in comparison.families] == [
        ("CONTINUITE_ACTIVITE", 6, 1.83, 1.0, 0.83, 0.83, 0.0, 0.83),
        ("RECONSTRUCTION_IT", 3, 1.0, 0.0, 1.0, 0.33, 0.0, 0.33),
        ("GOUVERNANCE_CRISE", 4, 2.25, 1.0, 1.25, 0.75, 0.0, 0.75),
        ("ALERTE_SIGNALEMENT", 0, None, None, None, None, None, None),
        ("COMMUNICATION", 4, 2.25, 2.0, 0.25, 1.0, 1.0, 0.0),
    ]
    assert [family.family_code for family in comparison.excluded_families] == ["ALERTE_SIGNALEMENT"]


def test_the_scale_is_the_kits() -> None:
    assert example_table("tableau: echelle") == [
        [
            f"{level.label} (sans objet)" if level.score is None else level.label,
            "aucun : l'item ne compte pas" if level.score is None else str(level.score),
            "—" if level.score is None else "oui" if level.score >= FRAMEWORK.acquired_score else "non",
        ]
        for level in FRAMEWORK.scale
    ]


@pytest.mark.parametrize("name", ["actuelle", "precedente"])
def test_each_grid_lists_every_item_by_family_with_the_score_of_its_level(name: str) -> None:
    grid = example_grid(name)
    assert list(grid) == ITEMS, "the grid follows the framework, item by item, in its order"
    rows = example_table(f"grille: {name}")
    for row, code in zip(rows, ITEMS, strict=True):
        family, item = FRAMEWORK.locate(code)
        first = family.items[0].code == code
        assert row[0] == (family.label if first else ""), row
        assert row[1] == item.label
        score = FRAMEWORK.level(grid[code]).score
        assert row[3] == ("—" if score is None else str(score)), row


def test_the_table_by_family_is_what_the_service_computes(results: ScoredResults) -> None:
    overall = results.overall
    summaries: list[tuple[str, FamilyResult | OverallResult]] = [
        *((family.label, family) for family in results.families),
        ("Ensemble", overall),
    ]
    assert example_table("tableau: familles") == [
        [
            label,
            str(summary.rated_count),
            str(summary.na_count),
            str(summary.acquired_count),
            percent(summary.acquisition_rate),
            fr(summary.score),
        ]
        for label, summary in summaries
    ]


def test_the_sentences_say_the_computed_figures(results: ScoredResults, text: str) -> None:
    overall = results.overall
    assert (
        f"En une phrase : {overall.acquired_count} items acquis sur {overall.rated_count} notés, soit "
        f"un taux d'acquisition de {percent(overall.acquisition_rate)} ; score moyen sur 3 : "
        f"{fr(overall.score)}, {position(overall.score)}."
    ) in text
    for family in results.families:
        figures_said = f"{percent(family.acquisition_rate)}, {fr(family.score)}, {position(family.score)}"
        assert f"- {family.label} ({figures_said}) :" in text
    distribution = ", ".join(f"{entry.label} {entry.count}" for entry in overall.distribution)
    assert (
        f"Répartition des {overall.rated_count} items notés : {distribution} ; avec les {overall.na_count} "
        f"N/A, cela fait les {overall.item_count} items de la grille."
    ) in text
    assert f"Les {IN_WORDS[overall.na_count]} items N/A sont ceux qu'aucun stimulus" in text
    tools = results.families[1]
    assert f"« {tools.items[2].label} » en N/A laisse à {tools.label} son score de {fr(tools.score)}." in text


def ranking_sentence(ranking: FamilyRanking | None, *, strongest: bool) -> str:
    assert ranking is not None
    word = "forte" if strongest else "faible"
    head = f"Familles les plus {word}s, ex aequo" if ranking.ex_aequo else f"Famille la plus {word}"
    names = " et ".join(family.label for family in ranking.families)
    return f"{head} : {names} ({percent(ranking.acquisition_rate)}, {fr(ranking.score)})."


def test_the_strongest_and_the_ex_aequo_weakest_are_written_as_computed(
    results: ScoredResults, text: str
) -> None:
    assert ranking_sentence(results.strongest, strongest=True) in text
    assert ranking_sentence(results.weakest, strongest=False) in text
    # The family with the same score, beaten on the rate.
    assert results.strongest is not None
    runner_up = next(
        family
        for family in results.families
        if family.score == results.strongest.score and family.family_code != "COMMUNICATION"
    )
    assert (
        f"Elle a le même score que {runner_up.label} ({fr(runner_up.score)}) ; à score égal, c'est le taux "
        f"d'acquisition qui départage : {percent(results.strongest.acquisition_rate)} contre "
        f"{percent(runner_up.acquisition_rate)}."
    ) in text


def test_the_weight_of_each_family_in_the_overall_score_is_said(results: ScoredResults, text: str) -> None:
    rated = results.overall.rated_count
    assert example_table("tableau: poids") == [
        [family.label, str(family.rated_count), percent(rounded(Fraction(family.rated_count, rated)))]
        for family in results.families
    ]
    tallies = family_tallies(CURRENT, FRAMEWORK)
    means = [tally.score for tally in tallies.values() if tally.score is not None]
    mean_of_means = rounded(sum(means, Fraction(0)) / len(means))
    assert mean_of_means != results.overall.score
    assert f"donnerait {fr(mean_of_means)} au lieu de {fr(results.overall.score)}" in text


def test_the_detail_of_the_computation_adds_up(results: ScoredResults) -> None:
    rows = []
    totals = []
    for family in results.families:
        scores = [item.score for item in family.items if item.score is not None]
        totals.append(sum(scores))
        rows.append(
            [
                family.label,
                " + ".join(str(score) for score in scores),
                str(sum(scores)),
                f"{sum(scores)} ÷ {len(scores)} = {fr(family.score)}",
                f"{family.acquired_count} ÷ {family.rated_count} = {percent(family.acquisition_rate)}",
            ]
        )
    overall = results.overall
    rows.append(
        [
            "Ensemble",
            " + ".join(str(total) for total in totals),
            str(sum(totals)),
            f"{sum(totals)} ÷ {overall.rated_count} = {fr(overall.score)}",
            f"{overall.acquired_count} ÷ {overall.rated_count} = {percent(overall.acquisition_rate)}",
        ]
    )
    assert example_table("tableau: calcul") == rows


def test_the_suggested_actions_are_those_the_service_proposes(text: str) -> None:
    suggestions = suggest_actions(CURRENT, get_action_library().actions.values(), [])
    labels = {item.code: item.label for family in FRAMEWORK.families for item in family.items}
    assert example_table("tableau: actions") == [
        [
            suggestion.template.title,
            get_catalogue().label(suggestion.template.horizon),
            " ; ".join(labels[code] for code in suggestion.answers),
        ]
        for suggestion in suggestions
    ], "docs/examples/resultats-exemple.md § 5 must list what POST …/actions/suggestions proposes"
    weak = {code for suggestion in suggestions for code in suggestion.answers}
    assert weak == set(weak_items(CURRENT))
    assert f"au plus {IN_WORDS[SUGGESTION_CAP]} à la fois" in text
    assert (
        f"les {IN_WORDS[len(weak)]} items faibles sont couverts par {IN_WORDS[len(suggestions)]} actions"
    ) in text


def test_the_items_left_out_of_the_progression_are_named(comparison: ResultsComparison, text: str) -> None:
    def level(rating: Rating | None) -> str:
        return "pas noté" if rating is None else FRAMEWORK.level(rating).label

    assert example_table("tableau: exclus") == [
        [family.label, item.label, level(item.rating), level(item.previous_rating), item.reason]
        for family in comparison.families
        for item in family.excluded_items
    ]
    overall = comparison.overall
    assert (
        f"lors des deux exercices : {overall.compared_count} items sur "
        f"{overall.compared_count + overall.excluded_count}. Les {overall.excluded_count} autres"
    ) in text
    (excluded,) = comparison.excluded_families
    assert f"La famille {excluded.label} est exclue de la comparaison" in text
    tools = comparison.families[1]
    assert (
        f"Pour {tools.label}, les deux scores portent sur les {IN_WORDS[tools.compared_count]} mêmes items"
    ) in text


def test_the_progression_table_is_what_the_service_computes(comparison: ResultsComparison, text: str) -> None:
    def row(label: str, progress: FamilyProgress | OverallProgress) -> list[str]:
        if progress.compared_count == 0:
            return [label, "0", "—", "—", "non mesurable", "—", "—", "non mesurable"]
        return [
            label,
            str(progress.compared_count),
            percent(progress.previous_acquisition_rate),
            percent(progress.acquisition_rate),
            points(progress.acquisition_rate_delta),
            fr(progress.previous_score),
            fr(progress.score),
            signed(progress.score_delta),
        ]

    overall = comparison.overall
    assert example_table("tableau: progression") == [
        *(row(family.label, family) for family in comparison.families),
        row("Ensemble", overall),
    ]
    assert (
        f"Sur les {overall.compared_count} items comparables, le taux d'acquisition passe de "
        f"{percent(overall.previous_acquisition_rate)} à {percent(overall.acquisition_rate)} et le score "
        f"moyen de {fr(overall.previous_score)} à {fr(overall.score)}."
    ) in text


def test_the_rounding_note_and_the_perimeter_artefact_are_exact(
    comparison: ResultsComparison, text: str
) -> None:
    common = compared_items(CURRENT, BEFORE, FRAMEWORK)

    def acquired(grid: dict[str, Rating]) -> int:
        return sum((FRAMEWORK.level(grid[code]).score or 0) >= FRAMEWORK.acquired_score for code in common)

    gained, count = acquired(CURRENT) - acquired(BEFORE), len(common)
    overall = comparison.overall
    assert overall.acquisition_rate is not None
    assert overall.previous_acquisition_rate is not None
    assert overall.acquisition_rate_delta is not None
    shown = round(overall.acquisition_rate * 100) - round(overall.previous_acquisition_rate * 100)
    rounded_delta = round(overall.acquisition_rate_delta * 100)
    assert shown != rounded_delta, "the note explains a gap that is really there"
    exact = f"{float(Fraction(gained, count) * 100):.1f}".replace(".", ",")
    assert (
        f"Ici, {percent(overall.acquisition_rate)} − {percent(overall.previous_acquisition_rate)} affiche "
        f"{shown}, mais l'écart exact, {acquired(CURRENT)} items acquis sur {count} contre "
        f"{acquired(BEFORE)} sur {count}, est de {gained} sur {count}, soit {exact} points, arrondi à "
        f"{rounded_delta}."
    ) in text

    def whole(grid: dict[str, Rating]) -> tuple[int, Fraction, Fraction]:
        scores = [score for rating in grid.values() if (score := FRAMEWORK.level(rating).score) is not None]
        acquired = sum(score >= FRAMEWORK.acquired_score for score in scores)
        return len(scores), Fraction(sum(scores), len(scores)), Fraction(acquired, len(scores))

    (rated_now, score_now, rate_now), (rated_before, score_before, rate_before) = (
        whole(CURRENT),
        whole(BEFORE),
    )
    assert (
        f"on aurait rapproché {rated_now} items notés en 2026 de {rated_before} items notés en 2025, et "
        f"affiché {signed(rounded(score_now - score_before))} de score et "
        f"{points(rounded(rate_now - rate_before))} de taux"
    ) in text


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
    errors = grid_problems(grid, FRAMEWORK, exercise, entries)
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
