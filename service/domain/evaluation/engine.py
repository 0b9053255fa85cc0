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
- strongest family: the highest score; ties go to the higher acquisition rate, then to the
  family that comes first in the kit. Weakest: the lowest score; ties go to the lower
  acquisition rate, then to the family that comes first in the kit. Families with nothing
  rated take no part.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction
from uuid import UUID

import msgspec

from service.domain.evaluation.schemas import (
    ChartData,
    FamilyBars,
    FamilyHighlight,
    FamilyProgress,
    FamilyResult,
    ItemBar,
    ItemRatingPut,
    ItemResult,
    OverallResult,
    RadarAxis,
    RatingCount,
    ResultsComparison,
    ScoredResults,
)
from service.errors import FieldError
from service.kit.catalogue import Catalogue
from service.kit.codes import Rating
from service.kit.content import Kit

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


def _extreme(
    framework: Framework, tallies: Mapping[str, Tally], *, strongest: bool
) -> FamilyHighlight | None:
    """See the module's docstring for the tie rule; ``min`` keeps the first of equal keys, so
    among equal keys the kit's order stands."""
    sign = -1 if strongest else 1
    candidates = [
        (sign * score, sign * rate, family, score)
        for family in framework.families
        if (score := tallies[family.code].score) is not None
        and (rate := tallies[family.code].acquisition_rate) is not None
    ]
    if not candidates:
        return None
    *_, family, score = min(candidates, key=lambda candidate: candidate[:2])
    return FamilyHighlight(family_code=family.code, label=family.label, score=rounded(score))


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
        strongest_family=_extreme(framework, tallies, strongest=True),
        weakest_family=_extreme(framework, tallies, strongest=False),
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


def compare(
    ratings: Mapping[str, Rating], previous: PreviousExercise, framework: Framework
) -> ResultsComparison:
    """Progress since ``previous``, per family and overall (current − previous, exact then
    rounded; None where either side has nothing rated)."""
    now, before = family_tallies(ratings, framework), family_tallies(previous.ratings, framework)
    overall_now = _tally(framework.item_codes(), ratings, framework)
    overall_before = _tally(framework.item_codes(), previous.ratings, framework)
    return ResultsComparison(
        previous_exercise_id=previous.id,
        previous_title=previous.title,
        previous_exercise_date=previous.exercise_date,
        overall_score_delta=_delta(overall_now.score, overall_before.score),
        overall_acquisition_rate_delta=_delta(overall_now.acquisition_rate, overall_before.acquisition_rate),
        families=[
            FamilyProgress(
                family_code=family.code,
                label=family.label,
                score=_rounded_or_none(now[family.code].score),
                previous_score=_rounded_or_none(before[family.code].score),
                score_delta=_delta(now[family.code].score, before[family.code].score),
                acquisition_rate=_rounded_or_none(now[family.code].acquisition_rate),
                previous_acquisition_rate=_rounded_or_none(before[family.code].acquisition_rate),
                acquisition_rate_delta=_delta(
                    now[family.code].acquisition_rate, before[family.code].acquisition_rate
                ),
            )
            for family in framework.families
        ],
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
# Checking a grid before it is saved


def entry_error(
    field: str, entry_id: UUID, exercise_id: UUID, entry_exercises: Mapping[UUID, UUID]
) -> FieldError | None:
    """A link to a chronogram entry must name an entry of ``exercise_id`` (``entry_exercises``:
    entry id → its exercise, for the entries that exist)."""
    owner = entry_exercises.get(entry_id)
    if owner is None:
        return FieldError(
            field=field,
            code="unknown_entry",
            message="Aucune entrée du chronogramme ne porte cet identifiant.",
        )
    if owner != exercise_id:
        return FieldError(
            field=field,
            code="entry_of_another_exercise",
            message="Cette entrée appartient au chronogramme d'un autre exercice.",
        )
    return None


def _entries_errors(
    field: str, entry_ids: Sequence[UUID], exercise_id: UUID, entry_exercises: Mapping[UUID, UUID]
) -> list[FieldError]:
    errors: list[FieldError] = []
    for index, entry_id in enumerate(entry_ids):
        where = f"{field}[{index}]"
        if entry_id in entry_ids[:index]:
            errors.append(
                FieldError(field=where, code="duplicate_entry", message="Entrée du chronogramme déjà citée.")
            )
        elif (error := entry_error(where, entry_id, exercise_id, entry_exercises)) is not None:
            errors.append(error)
    return errors


def grid_errors(
    ratings: Mapping[str, ItemRatingPut],
    framework: Framework,
    exercise_id: UUID,
    entry_exercises: Mapping[UUID, UUID],
) -> list[FieldError]:
    """Problems of a grid, each naming ``ratings.<ITEM>`` (or its ``entry_ids[i]``), in the
    input's order: items outside the framework, ratings outside the scale, bad links."""
    items = set(framework.item_codes())
    scale = {level.rating.value for level in framework.scale}
    codes = ", ".join(level.rating.value for level in framework.scale)
    errors: list[FieldError] = []
    for code, item in ratings.items():
        field = f"ratings.{code}"
        if code not in items:
            errors.append(
                FieldError(
                    field=field, code="unknown_item", message="Item inconnu du référentiel de compétences."
                )
            )
        elif item.rating not in scale:
            errors.append(
                FieldError(
                    field=field,
                    code="unknown_rating",
                    message=f"Niveau hors de l'échelle : {item.rating} (attendu : {codes}).",
                )
            )
        errors += _entries_errors(f"{field}.entry_ids", item.entry_ids, exercise_id, entry_exercises)
    return errors


def missing_items(rated: Iterable[str], framework: Framework) -> list[str]:
    """Items of the framework without a rating, in the framework's order."""
    done = set(rated)
    return [code for code in framework.item_codes() if code not in done]
