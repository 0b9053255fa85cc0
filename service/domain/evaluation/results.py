"""What the scoring computes, as the engine's own values: the controllers turn them into the
documented response Structs of :mod:`service.domain.evaluation.schemas` (same field names), so
a change to the wire never reaches the computation, nor the other way round."""

from __future__ import annotations

from datetime import date
from uuid import UUID

import msgspec

from service.kit.codes import Rating


class RatingCount(msgspec.Struct, frozen=True, kw_only=True):
    rating: Rating
    label: str
    score: int
    count: int


class ItemResult(msgspec.Struct, frozen=True, kw_only=True):
    item_code: str
    label: str
    rating: Rating | None
    rating_label: str | None
    score: int | None
    acquired: bool | None


class OverallResult(msgspec.Struct, frozen=True, kw_only=True):
    item_count: int
    rated_count: int
    na_count: int
    unrated_count: int
    acquired_count: int
    score: float | None
    acquisition_rate: float | None
    distribution: list[RatingCount]


class FamilyResult(OverallResult, frozen=True, kw_only=True):
    family_code: str
    label: str
    items: list[ItemResult]


class FamilyRef(msgspec.Struct, frozen=True, kw_only=True):
    family_code: str
    label: str


class FamilyRanking(msgspec.Struct, frozen=True, kw_only=True):
    families: list[FamilyRef]
    ex_aequo: bool
    score: float
    acquisition_rate: float


class ItemBar(msgspec.Struct, frozen=True, kw_only=True):
    item_code: str
    label: str
    score: int | None
    rating: Rating | None


class FamilyBars(msgspec.Struct, frozen=True, kw_only=True):
    family_code: str
    label: str
    chart: str
    bars: list[ItemBar]


class RadarAxis(msgspec.Struct, frozen=True, kw_only=True):
    family_code: str
    label: str
    score: float | None
    previous_score: float | None


class ChartData(msgspec.Struct, frozen=True, kw_only=True):
    scale_max: int
    radar: list[RadarAxis]
    bars: list[FamilyBars]


class ScoredResults(msgspec.Struct, frozen=True, kw_only=True):
    complete: bool
    overall: OverallResult
    families: list[FamilyResult]
    strongest: FamilyRanking | None
    weakest: FamilyRanking | None
    charts: ChartData


class ExcludedItem(msgspec.Struct, frozen=True, kw_only=True):
    item_code: str
    label: str
    rating: Rating | None
    previous_rating: Rating | None
    reason: str


class Progress(msgspec.Struct, frozen=True, kw_only=True):
    """Scores and rates on the items rated (not N/A) both times, now and then."""

    compared_count: int
    score: float | None
    previous_score: float | None
    score_delta: float | None
    acquisition_rate: float | None
    previous_acquisition_rate: float | None
    acquisition_rate_delta: float | None


class OverallProgress(Progress, frozen=True, kw_only=True):
    excluded_count: int


class FamilyProgress(Progress, frozen=True, kw_only=True):
    family_code: str
    label: str
    excluded_items: list[ExcludedItem]


class ResultsComparison(msgspec.Struct, frozen=True, kw_only=True):
    previous_exercise_id: UUID
    previous_title: str
    previous_exercise_date: date | None
    overall: OverallProgress
    excluded_families: list[FamilyRef]
    families: list[FamilyProgress]


class UnratedItem(msgspec.Struct, frozen=True, kw_only=True):
    item_code: str
    item_label: str
    family_code: str
    exercised: bool | None
    entry_ids: list[UUID]
    suggested_rating: Rating | None
    suggestion_reason: str | None
