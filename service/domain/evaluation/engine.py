"""Scoring of a competency evaluation: pure functions, no I/O, no ORM objects, no clock.

Rules (DOMAIN, decision 1), applied to every item, family and to the whole grid alike:

- each rating has the score the kit's scale gives it (Non réalisé 0, Peu satisfaisant 1,
  Satisfaisant 2, Très satisfaisant 3); **N/A has none and is left out of every count, mean
  and rate** — rating an item N/A is exactly like leaving it out of the results;
- the score of a family (or of the whole grid) is the mean of the scores of its rated items;
  the overall score is the mean over all rated items, each counted once (not the mean of the
  family means, which would weigh a 4-item family like a 6-item one);
- an item is *acquis* when its score is at least the kit's ``acquired_score`` (2,
  Satisfaisant); the acquisition rate is acquired items / rated items, between 0 and 1;
- with nothing rated, score and rate are ``None`` (never a division by zero, never a 0 that
  would read as « Non réalisé »);
- means, rates and differences are computed exactly with :class:`fractions.Fraction` and
  rounded once, at the edge, to 2 decimals, half away from zero (1.125 → 1.13, 0.665 → 0.67,
  −0.125 → −0.13): :func:`rounded`. Differences with a previous exercise are the rounding of
  the exact difference, not the difference of two rounded values;
- strongest family: the highest score, then the higher acquisition rate; weakest: the lowest
  score, then the lower rate. Families equal on both are *ex aequo* and all reported: the kit's
  order is no merit, so it never breaks a tie. Families with nothing rated take no part;
- the progression since a previous exercise compares like with like: only the items rated
  (not N/A) both times count, on both sides, and the others are named with the reason. An item
  rated N/A or not rated on either side would otherwise move the perimeter, and the
  « progression » with it.

Pre-marking the grid: an item that no stimulus of the exercise's chronogram puts in play (its
entries' ``competency_items``, leaving out the skipped ones and those outside play time: DEBEX,
FINEX, RETEX) is proposed N/A; one that was played but not done is « Non réalisé », which only
the evaluator can say.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction
from uuid import UUID

import msgspec

from service.domain.evaluation.results import (
    ChartData,
    ExcludedItem,
    FamilyBars,
    FamilyProgress,
    FamilyRanking,
    FamilyRef,
    FamilyResult,
    ItemBar,
    ItemResult,
    OverallProgress,
    OverallResult,
    RadarAxis,
    RatingCount,
    ResultsComparison,
    ScoredResults,
    UnratedItem,
)
from service.domain.evaluation.schemas import ItemRatingPut
from service.kit.catalogue import Catalogue
from service.kit.codes import ChronogramEntryStatus, Phase, Rating
from service.kit.content import Kit
from service.lib.problems import Problem

RADAR_CHART = "radar"
FAMILY_CHART_PREFIX = "family-"
_HUNDREDTH = Fraction(1, 100)


class Level(msgspec.Struct, frozen=True):
    """One step of the rating scale."""

    rating: Rating
    label: str
    # None for NA only.
    score: int | None


class ItemDef(msgspec.Struct, frozen=True):
    code: str
    label: str


class FamilyDef(msgspec.Struct, frozen=True):
    code: str
    label: str
    items: tuple[ItemDef, ...]


class Framework(msgspec.Struct, frozen=True):
    """What scoring needs of the kit: the families and items in order, the scale, the bar."""

    families: tuple[FamilyDef, ...]
    scale: tuple[Level, ...]
    acquired_score: int

    @classmethod
    def of(cls, kit: Kit, catalogue: Catalogue) -> Framework:
        return cls(
            families=tuple(
                FamilyDef(
                    family.code, family.label, tuple(ItemDef(item.code, item.label) for item in family.items)
                )
                for family in kit.families.values()
            ),
            scale=tuple(Level(code, entry.label, entry.score) for code, entry in catalogue.ratings.items()),
            acquired_score=kit.acquired_score,
        )

    @property
    def max_score(self) -> int:
        return max(level.score for level in self.scale if level.score is not None)

    def level(self, rating: Rating) -> Level:
        return next(level for level in self.scale if level.rating is rating)

    def locate(self, item_code: str) -> tuple[FamilyDef, ItemDef]:
        """The family and the definition of an item of the framework (KeyError otherwise)."""
        for family in self.families:
            for item in family.items:
                if item.code == item_code:
                    return family, item
        raise KeyError(item_code)

    def item_codes(self) -> list[str]:
        return [item.code for family in self.families for item in family.items]


def rounded(value: Fraction) -> float:
    """``value`` to 2 decimals, half away from zero, exactly (no binary floating point on the
    way: the float returned is the one nearest the 2-decimal result, which JSON writes as such)."""
    hundredths = abs(value) / _HUNDREDTH
    whole = int(hundredths + Fraction(1, 2))  # floor of a non-negative number
    return (-whole if value < 0 else whole) / 100


def _rounded_or_none(value: Fraction | None) -> float | None:
    return None if value is None else rounded(value)


@dataclass(frozen=True)
class Tally:
    """Exact counts and scores of a set of items (a family, or the whole grid)."""

    item_count: int
    scores: tuple[int, ...]  # one per item rated on the 0–3 scale, N/A excluded
    na_count: int
    acquired_score: int

    @property
    def rated_count(self) -> int:
        return len(self.scores)

    @property
    def unrated_count(self) -> int:
        return self.item_count - self.rated_count - self.na_count

    @property
    def acquired_count(self) -> int:
        return sum(1 for score in self.scores if score >= self.acquired_score)

    @property
    def score(self) -> Fraction | None:
        return Fraction(sum(self.scores), len(self.scores)) if self.scores else None

    @property
    def acquisition_rate(self) -> Fraction | None:
        return Fraction(self.acquired_count, len(self.scores)) if self.scores else None


def _tally(codes: Iterable[str], ratings: Mapping[str, Rating], framework: Framework) -> Tally:
    scores: list[int] = []
    na_count = item_count = 0
    for code in codes:
        item_count += 1
        rating = ratings.get(code)
        if rating is None:
            continue
        score = framework.level(rating).score
        if score is None:
            na_count += 1
        else:
            scores.append(score)
    return Tally(item_count, tuple(scores), na_count, framework.acquired_score)


def _distribution(tally: Tally, framework: Framework) -> list[RatingCount]:
    return [
        RatingCount(
            rating=level.rating,
            label=level.label,
            score=level.score,
            count=sum(1 for score in tally.scores if score == level.score),
        )
        for level in framework.scale
        if level.score is not None
    ]


def _item_result(item: ItemDef, rating: Rating | None, framework: Framework) -> ItemResult:
    level = framework.level(rating) if rating is not None else None
    score = level.score if level is not None else None
    return ItemResult(
        item_code=item.code,
        label=item.label,
        rating=rating,
        rating_label=level.label if level is not None else None,
        score=score,
        acquired=None if score is None else score >= framework.acquired_score,
    )


def _family_result(family: FamilyDef, ratings: Mapping[str, Rating], framework: Framework) -> FamilyResult:
    tally = _tally((item.code for item in family.items), ratings, framework)
    return FamilyResult(
        family_code=family.code,
        label=family.label,
        item_count=tally.item_count,
        rated_count=tally.rated_count,
        na_count=tally.na_count,
        unrated_count=tally.unrated_count,
        acquired_count=tally.acquired_count,
        score=_rounded_or_none(tally.score),
        acquisition_rate=_rounded_or_none(tally.acquisition_rate),
        distribution=_distribution(tally, framework),
        items=[_item_result(item, ratings.get(item.code), framework) for item in family.items],
    )


def _overall(ratings: Mapping[str, Rating], framework: Framework) -> OverallResult:
    tally = _tally(framework.item_codes(), ratings, framework)
    return OverallResult(
        item_count=tally.item_count,
        rated_count=tally.rated_count,
        na_count=tally.na_count,
        unrated_count=tally.unrated_count,
        acquired_count=tally.acquired_count,
        score=_rounded_or_none(tally.score),
        acquisition_rate=_rounded_or_none(tally.acquisition_rate),
        distribution=_distribution(tally, framework),
    )


def family_tallies(ratings: Mapping[str, Rating], framework: Framework) -> dict[str, Tally]:
    return {
        family.code: _tally((item.code for item in family.items), ratings, framework)
        for family in framework.families
    }


def _ranking(framework: Framework, tallies: Mapping[str, Tally], *, strongest: bool) -> FamilyRanking | None:
    """The families with the best (or worst) score, then rate, all of them when tied: see the
    module's docstring. Exact fractions compare, so 2,25 and 2,2500001 are never tied."""
    rated = [
        (family, score, rate)
        for family in framework.families
        if (score := tallies[family.code].score) is not None
        and (rate := tallies[family.code].acquisition_rate) is not None
    ]
    if not rated:
        return None
    pick = max if strongest else min
    _, best_score, best_rate = pick(rated, key=lambda candidate: (candidate[1], candidate[2]))
    families = [
        FamilyRef(family_code=family.code, label=family.label)
        for family, score, rate in rated
        if (score, rate) == (best_score, best_rate)
    ]
    return FamilyRanking(
        families=families,
        ex_aequo=len(families) > 1,
        score=rounded(best_score),
        acquisition_rate=rounded(best_rate),
    )


def chart_name(family_code: str) -> str:
    """``CONTINUITE_ACTIVITE`` → ``family-continuite-activite``."""
    return FAMILY_CHART_PREFIX + family_code.lower().replace("_", "-")


def chart_names(framework: Framework) -> list[str]:
    return [RADAR_CHART, *(chart_name(family.code) for family in framework.families)]


def _charts(
    families: Sequence[FamilyResult], previous: Mapping[str, Tally] | None, framework: Framework
) -> ChartData:
    return ChartData(
        scale_max=framework.max_score,
        radar=[
            RadarAxis(
                family_code=family.family_code,
                label=family.label,
                score=family.score,
                previous_score=_rounded_or_none(previous[family.family_code].score) if previous else None,
            )
            for family in families
        ],
        bars=[
            FamilyBars(
                family_code=family.family_code,
                label=family.label,
                chart=chart_name(family.family_code) + ".svg",
                bars=[
                    ItemBar(item_code=item.item_code, label=item.label, score=item.score, rating=item.rating)
                    for item in family.items
                ],
            )
            for family in families
        ],
    )


def compute_results(
    ratings: Mapping[str, Rating],
    framework: Framework,
    previous: Mapping[str, Rating] | None = None,
) -> ScoredResults:
    """Results of ``ratings`` (item code → rating; codes outside the framework are ignored),
    with the previous exercise's family scores on the radar when ``previous`` is given."""
    families = [_family_result(family, ratings, framework) for family in framework.families]
    tallies = family_tallies(ratings, framework)
    item_codes = framework.item_codes()
    return ScoredResults(
        complete=all(code in ratings for code in item_codes),
        overall=_overall(ratings, framework),
        families=families,
        strongest=_ranking(framework, tallies, strongest=True),
        weakest=_ranking(framework, tallies, strongest=False),
        charts=_charts(
            families, family_tallies(previous, framework) if previous is not None else None, framework
        ),
    )


def _delta(current: Fraction | None, previous: Fraction | None) -> float | None:
    return None if current is None or previous is None else rounded(current - previous)


@dataclass(frozen=True)
class PreviousExercise:
    """The exercise compared with, and its ratings."""

    id: UUID
    title: str
    exercise_date: date | None
    ratings: Mapping[str, Rating]


def _scored(rating: Rating | None, framework: Framework) -> bool:
    return rating is not None and framework.level(rating).score is not None


def compared_items(
    ratings: Mapping[str, Rating], previous: Mapping[str, Rating], framework: Framework
) -> list[str]:
    """The items rated on the 0–3 scale (not N/A, not missing) in both grids, in the kit's order."""
    return [
        code
        for code in framework.item_codes()
        if _scored(ratings.get(code), framework) and _scored(previous.get(code), framework)
    ]


def _side(rating: Rating | None, when: str) -> str | None:
    """Why one side of an item leaves it out of the comparison (None: it was rated)."""
    if rating is None:
        return f"pas noté {when}"
    if rating is Rating.NA:
        return f"N/A {when}"
    return None


def exclusion_reason(rating: Rating | None, previous: Rating | None) -> str:
    """« N/A lors de l'exercice précédent », « N/A lors des deux exercices »…"""
    if rating is Rating.NA and previous is Rating.NA:
        return "N/A lors des deux exercices"
    sides = [
        side
        for side in (_side(rating, "lors de cet exercice"), _side(previous, "lors de l'exercice précédent"))
        if side is not None
    ]
    text = " ; ".join(sides)
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Figures:
    """Score and rate of both exercises over the same items, and their exact differences."""

    score: float | None
    previous_score: float | None
    score_delta: float | None
    acquisition_rate: float | None
    previous_acquisition_rate: float | None
    acquisition_rate_delta: float | None

    @classmethod
    def over(
        cls,
        codes: Sequence[str],
        ratings: Mapping[str, Rating],
        previous: Mapping[str, Rating],
        framework: Framework,
    ) -> Figures:
        now, before = _tally(codes, ratings, framework), _tally(codes, previous, framework)
        return cls(
            score=_rounded_or_none(now.score),
            previous_score=_rounded_or_none(before.score),
            score_delta=_delta(now.score, before.score),
            acquisition_rate=_rounded_or_none(now.acquisition_rate),
            previous_acquisition_rate=_rounded_or_none(before.acquisition_rate),
            acquisition_rate_delta=_delta(now.acquisition_rate, before.acquisition_rate),
        )


def compare(
    ratings: Mapping[str, Rating], previous: PreviousExercise, framework: Framework
) -> ResultsComparison:
    """Progress since ``previous``, per family and overall, on the items rated (not N/A) both
    times only (current − previous, exact then rounded; None where no item compares). Every
    other item is listed, family by family, with the reason it is left out."""
    before = previous.ratings
    compared = set(compared_items(ratings, before, framework))
    families: list[FamilyProgress] = []
    for family in framework.families:
        codes = [item.code for item in family.items if item.code in compared]
        figures = Figures.over(codes, ratings, before, framework)
        families.append(
            FamilyProgress(
                family_code=family.code,
                label=family.label,
                compared_count=len(codes),
                excluded_items=[
                    ExcludedItem(
                        item_code=item.code,
                        label=item.label,
                        rating=ratings.get(item.code),
                        previous_rating=before.get(item.code),
                        reason=exclusion_reason(ratings.get(item.code), before.get(item.code)),
                    )
                    for item in family.items
                    if item.code not in compared
                ],
                score=figures.score,
                previous_score=figures.previous_score,
                score_delta=figures.score_delta,
                acquisition_rate=figures.acquisition_rate,
                previous_acquisition_rate=figures.previous_acquisition_rate,
                acquisition_rate_delta=figures.acquisition_rate_delta,
            )
        )
    every = [code for code in framework.item_codes() if code in compared]
    overall = Figures.over(every, ratings, before, framework)
    return ResultsComparison(
        previous_exercise_id=previous.id,
        previous_title=previous.title,
        previous_exercise_date=previous.exercise_date,
        overall=OverallProgress(
            compared_count=len(every),
            excluded_count=len(framework.item_codes()) - len(every),
            score=overall.score,
            previous_score=overall.previous_score,
            score_delta=overall.score_delta,
            acquisition_rate=overall.acquisition_rate,
            previous_acquisition_rate=overall.previous_acquisition_rate,
            acquisition_rate_delta=overall.acquisition_rate_delta,
        ),
        excluded_families=[
            FamilyRef(family_code=progress.family_code, label=progress.label)
            for progress in families
            if progress.compared_count == 0
        ],
        families=families,
    )


@dataclass(frozen=True)
class ExerciseKey:
    """Where an exercise stands in its organisation's history: by date (undated ones after
    every dated one, as when pre-filling), then by creation, then by id."""

    exercise_date: date | None
    created_at: datetime
    id: UUID

    def sort_key(self) -> tuple[bool, date, datetime, UUID]:
        return (self.exercise_date is None, self.exercise_date or date.min, self.created_at, self.id)


def previous_of(current: ExerciseKey, candidates: Iterable[ExerciseKey]) -> ExerciseKey | None:
    """The latest of ``candidates`` that comes strictly before ``current``, or None."""
    earlier = [candidate for candidate in candidates if candidate.sort_key() < current.sort_key()]
    return max(earlier, key=ExerciseKey.sort_key, default=None)


# ---------------------------------------------------------------------------------------------
# Pre-marking the grid from the chronogram

# Lines of the chronogram that frame the play without being played: the briefing, the end of
# the exercise and the hot debrief (no competency is rated on them).
OUTSIDE_PLAY = frozenset({Phase.DEBEX, Phase.FINEX, Phase.RETEX_CHAUD})
NOT_IN_PLAY_REASON = "Aucun stimulus du chronogramme ne l'a mis en jeu."


@dataclass(frozen=True)
class PlayedEntry:
    """What pre-marking needs of a chronogram entry."""

    id: UUID
    status: str
    phase: str
    competency_items: Sequence[str]


def exercising_entries(entries: Iterable[PlayedEntry]) -> dict[str, list[UUID]]:
    """Item code → the entries (in the given order) that put it in play: neither skipped nor
    outside play time."""
    exercising: dict[str, list[UUID]] = {}
    for entry in entries:
        if entry.status == ChronogramEntryStatus.SKIPPED or entry.phase in OUTSIDE_PLAY:
            continue
        for code in dict.fromkeys(entry.competency_items):
            exercising.setdefault(code, []).append(entry.id)
    return exercising


def unrated_items(
    rated: Iterable[str], framework: Framework, exercising: Mapping[str, Sequence[UUID]] | None
) -> list[UnratedItem]:
    """The items without a rating, in the kit's order, each with what the chronogram says of it
    (``exercising``: see :func:`exercising_entries`; None when there is no chronogram, so
    nothing is proposed): N/A proposed for those no stimulus puts in play."""
    done = set(rated)
    unrated: list[UnratedItem] = []
    for family in framework.families:
        for item in family.items:
            if item.code in done:
                continue
            entries = list(exercising.get(item.code, ())) if exercising is not None else []
            propose = exercising is not None and not entries
            unrated.append(
                UnratedItem(
                    item_code=item.code,
                    item_label=item.label,
                    family_code=family.code,
                    exercised=bool(entries) if exercising is not None else None,
                    entry_ids=entries,
                    suggested_rating=Rating.NA if propose else None,
                    suggestion_reason=NOT_IN_PLAY_REASON if propose else None,
                )
            )
    return unrated


# ---------------------------------------------------------------------------------------------
# Checking a grid before it is saved


def entry_problem(
    field: str, entry_id: UUID, exercise_id: UUID, entry_exercises: Mapping[UUID, UUID]
) -> Problem | None:
    """A link to a chronogram entry must name an entry of ``exercise_id`` (``entry_exercises``:
    entry id → its exercise, for the entries that exist)."""
    owner = entry_exercises.get(entry_id)
    if owner is None:
        return Problem(
            field=field,
            code="unknown_entry",
            message="Aucune entrée du chronogramme ne porte cet identifiant.",
        )
    if owner != exercise_id:
        return Problem(
            field=field,
            code="entry_of_another_exercise",
            message="Cette entrée appartient au chronogramme d'un autre exercice.",
        )
    return None


def _entries_problems(
    field: str, entry_ids: Sequence[UUID], exercise_id: UUID, entry_exercises: Mapping[UUID, UUID]
) -> list[Problem]:
    errors: list[Problem] = []
    for index, entry_id in enumerate(entry_ids):
        where = f"{field}[{index}]"
        if entry_id in entry_ids[:index]:
            errors.append(
                Problem(field=where, code="duplicate_entry", message="Entrée du chronogramme déjà citée.")
            )
        elif (error := entry_problem(where, entry_id, exercise_id, entry_exercises)) is not None:
            errors.append(error)
    return errors


def grid_problems(
    ratings: Mapping[str, ItemRatingPut],
    framework: Framework,
    exercise_id: UUID,
    entry_exercises: Mapping[UUID, UUID],
) -> list[Problem]:
    """Problems of a grid, each naming ``ratings.<ITEM>`` (or its ``entry_ids[i]``), in the
    input's order: items outside the framework, ratings outside the scale, bad links."""
    items = set(framework.item_codes())
    scale = {level.rating.value for level in framework.scale}
    codes = ", ".join(level.rating.value for level in framework.scale)
    errors: list[Problem] = []
    for code, item in ratings.items():
        field = f"ratings.{code}"
        if code not in items:
            errors.append(
                Problem(
                    field=field, code="unknown_item", message="Item inconnu du référentiel de compétences."
                )
            )
        elif item.rating not in scale:
            errors.append(
                Problem(
                    field=field,
                    code="unknown_rating",
                    message=f"Niveau hors de l'échelle : {item.rating} (attendu : {codes}).",
                )
            )
        errors += _entries_problems(f"{field}.entry_ids", item.entry_ids, exercise_id, entry_exercises)
    return errors


def missing_items(rated: Iterable[str], framework: Framework) -> list[str]:
    """Items of the framework without a rating, in the framework's order."""
    done = set(rated)
    return [code for code in framework.item_codes() if code not in done]
