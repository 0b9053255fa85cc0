"""The RETEX action plan's pure rules: due dates, overdue, status changes, suggestions; and the
library of typical actions the suggestions come from."""

from __future__ import annotations

import dataclasses
import re
from datetime import date, timedelta
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.domain.action_plan.engine import (
    HORIZON_END_DAYS,
    LEFT_OUT_REASONS,
    SUGGESTION_CAP,
    NotProposedReason,
    PlannedAction,
    apply_suggestions,
    competency_item_problems,
    derived_due_date,
    due_date_problems,
    is_overdue,
    missing_change_reason,
    propose,
    status_change_conflict,
    suggest_actions,
    weak_items,
)
from service.kit.actions import build_action_library, get_action_library
from service.kit.catalogue import get_catalogue
from service.kit.codes import ActionHorizon, ActionStatus, Rating
from service.kit.content import KitContentError, get_kit

S = ActionStatus
EXERCISE_DAY = date(2026, 3, 12)
CATALOGUE = get_catalogue()
LIBRARY = tuple(get_action_library().actions.values())
ALL_ITEMS = tuple(get_kit().item_families)


# Due dates


def test_each_horizon_ends_where_the_aidera_var_plan_says() -> None:
    assert {horizon: derived_due_date(EXERCISE_DAY, horizon) for horizon in ActionHorizon} == {
        ActionHorizon.H0_30: date(2026, 4, 11),
        ActionHorizon.H30_90: date(2026, 6, 10),
        ActionHorizon.H90_120: date(2026, 7, 10),
        ActionHorizon.H120_300: date(2027, 1, 6),
    }


def test_horizon_labels_are_french() -> None:
    catalogue = get_catalogue()
    assert [catalogue.label(horizon) for horizon in ActionHorizon] == [
        "0 à 30 jours",
        "30 à 90 jours",
        "90 à 120 jours",
        "120 à 300 jours",
    ]
    assert [catalogue.label(status) for status in ActionStatus] == [
        "À faire",
        "En cours",
        "Fait",
        "Abandonné",
    ]


@given(
    day=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)),
    horizon=st.sampled_from(ActionHorizon),
)
def test_a_derived_due_date_never_precedes_the_exercise_and_ends_its_horizon(
    day: date, horizon: ActionHorizon
) -> None:
    due = derived_due_date(day, horizon)
    assert due is not None
    assert due >= day
    assert (due - day).days == HORIZON_END_DAYS[horizon]
    assert due_date_problems(due, day) == []


@given(day=st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_later_horizons_are_due_later(day: date) -> None:
    dues = [derived_due_date(day, horizon) for horizon in ActionHorizon]
    assert dues == sorted(dues)  # type: ignore[type-var]
    assert len(set(dues)) == len(dues)


def test_an_exercise_without_a_date_gives_no_due_date() -> None:
    assert derived_due_date(None, ActionHorizon.H0_30) is None
    assert due_date_problems(date(2020, 1, 1), None) == []


def test_a_due_date_before_the_exercise_is_refused() -> None:
    [error] = due_date_problems(EXERCISE_DAY - timedelta(days=1), EXERCISE_DAY)
    assert (error.field, error.code) == ("due_date", "due_before_exercise")
    assert "12/03/2026" in error.message
    assert due_date_problems(EXERCISE_DAY, EXERCISE_DAY) == []


# Overdue


@pytest.mark.parametrize(
    ("status", "due", "overdue"),
    [
        (S.A_FAIRE, date(2026, 4, 10), True),
        (S.EN_COURS, date(2026, 4, 10), True),
        (S.A_FAIRE, date(2026, 4, 11), False),  # due today: not late yet
        (S.A_FAIRE, date(2026, 4, 12), False),
        (S.FAIT, date(2026, 4, 10), False),
        (S.ABANDONNE, date(2026, 4, 10), False),
        (S.A_FAIRE, None, False),
    ],
)
def test_only_open_actions_past_their_due_date_are_overdue(
    status: ActionStatus, due: date | None, overdue: bool
) -> None:
    assert is_overdue(status, due, today=date(2026, 4, 11)) is overdue


# Status changes


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.A_FAIRE, S.EN_COURS),
        (S.EN_COURS, S.A_FAIRE),
        (S.A_FAIRE, S.FAIT),
        (S.EN_COURS, S.FAIT),
        (S.A_FAIRE, S.ABANDONNE),
        (S.EN_COURS, S.ABANDONNE),
        (S.FAIT, S.FAIT),
        (S.ABANDONNE, S.ABANDONNE),
    ],
)
def test_moving_forward_needs_no_reason(current: ActionStatus, target: ActionStatus) -> None:
    assert status_change_conflict(current, target, CATALOGUE) is None
    assert missing_change_reason(current, target, None, CATALOGUE) is None


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.FAIT, S.A_FAIRE),
        (S.FAIT, S.EN_COURS),
        (S.ABANDONNE, S.A_FAIRE),
        (S.ABANDONNE, S.EN_COURS),
        (S.ABANDONNE, S.FAIT),
    ],
)
def test_going_back_on_a_closed_action_needs_a_reason(current: ActionStatus, target: ActionStatus) -> None:
    assert status_change_conflict(current, target, CATALOGUE) is None
    missing = missing_change_reason(current, target, None, CATALOGUE)
    assert missing is not None
    assert (missing.field, missing.code) == ("reason", "reason_required")
    assert (
        missing_change_reason(current, target, "Le prestataire a changé : annuaire à refaire.", CATALOGUE)
        is None
    )


def test_a_done_action_is_never_abandoned() -> None:
    conflict = status_change_conflict(S.FAIT, S.ABANDONNE, CATALOGUE)
    assert conflict is not None
    assert (conflict.field, conflict.code) == ("status", "invalid_transition")
    assert "« Fait »" in conflict.message


# Linked competency items


def test_linked_items_must_be_known_and_listed_once() -> None:
    errors = competency_item_problems(["GC_ANNUAIRE", "NOPE", "GC_ANNUAIRE"], get_kit().item_families)
    assert [(error.field, error.code) for error in errors] == [
        ("competency_items[1]", "unknown_item"),
        ("competency_items[2]", "duplicate_item"),
    ]
    assert "NOPE" in errors[0].message


# Suggestions

ratings_strategy = st.dictionaries(st.sampled_from(ALL_ITEMS), st.sampled_from(Rating))


def planned(
    code: str | None, title: str = "Autre", *items: str, status: ActionStatus = S.A_FAIRE
) -> PlannedAction:
    return PlannedAction(library_code=code, title=title, status=status, competency_items=items)


@given(ratings=ratings_strategy)
def test_suggestions_answer_weak_items_only_and_stay_few(ratings: dict[str, Rating]) -> None:
    weak = {
        item for item, rating in ratings.items() if rating in {Rating.NON_REALISE, Rating.PEU_SATISFAISANT}
    }
    suggestions = suggest_actions(ratings, LIBRARY, [])
    assert len(suggestions) <= SUGGESTION_CAP
    assert bool(suggestions) == bool(weak)
    for suggestion in suggestions:
        assert suggestion.answers
        assert set(suggestion.answers) <= weak
    codes = [suggestion.template.code for suggestion in suggestions]
    assert len(codes) == len(set(codes))
    # Below the cap, every weak item the library answers gets an answer.
    if len(suggestions) < SUGGESTION_CAP:
        assert {item for suggestion in suggestions for item in suggestion.answers} == weak


@given(ratings=ratings_strategy)
def test_suggestions_read_as_a_timeline(ratings: dict[str, Rating]) -> None:
    horizons = list(ActionHorizon)
    keys = [
        (horizons.index(suggestion.template.horizon), suggestion.template.priority)
        for suggestion in suggest_actions(ratings, LIBRARY, [])
    ]
    assert keys == sorted(keys)


def test_no_suggestion_when_every_item_is_acquired_or_not_applicable() -> None:
    ratings = dict.fromkeys(ALL_ITEMS, Rating.SATISFAISANT) | {"GC_ANNUAIRE": Rating.NA}
    assert suggest_actions(ratings, LIBRARY, []) == []
    assert suggest_actions({}, LIBRARY, []) == []


def test_the_aidera_var_weaknesses_get_the_aidera_var_plan() -> None:
    """The webinar's RETEX: directory incomplete, roles unclear, degraded mode to test, alert chain."""
    ratings = {
        "GC_ANNUAIRE": Rating.NON_REALISE,
        "GC_ROLES": Rating.PEU_SATISFAISANT,
        "CA_CONTOURNEMENT": Rating.PEU_SATISFAISANT,
        "AS_SIGNALEMENT_ARS": Rating.PEU_SATISFAISANT,
        "GC_MAIN_COURANTE": Rating.SATISFAISANT,
        "CO_MEDIAS": Rating.TRES_SATISFAISANT,
    }
    suggestions = suggest_actions(ratings, LIBRARY, [])
    assert [(s.template.code, s.template.horizon, s.answers) for s in suggestions] == [
        ("ANNUAIRE_CRISE_HORS_SI", ActionHorizon.H0_30, ("GC_ANNUAIRE",)),
        ("FICHE_REFLEXE_SIGNALEMENT", ActionHorizon.H0_30, ("AS_SIGNALEMENT_ARS",)),
        ("LISTES_RESIDENTS_PAPIER", ActionHorizon.H0_30, ("CA_CONTOURNEMENT",)),
        ("ROLES_CRISE", ActionHorizon.H30_90, ("GC_ROLES",)),
    ]


def test_items_rated_non_realise_come_before_the_cap() -> None:
    """With more weak items than the cap, the items not done at all are answered first."""
    ratings = dict.fromkeys(ALL_ITEMS, Rating.PEU_SATISFAISANT) | {"CO_MEDIAS": Rating.NON_REALISE}
    suggestions = suggest_actions(ratings, LIBRARY, [])
    assert len(suggestions) == SUGGESTION_CAP
    assert any("CO_MEDIAS" in suggestion.answers for suggestion in suggestions)


def test_an_action_already_in_the_plan_is_never_suggested_again() -> None:
    ratings = {
        "GC_ANNUAIRE": Rating.NON_REALISE,
        "GC_ROLES": Rating.NON_REALISE,
        "CA_FORMATION": Rating.NON_REALISE,
    }
    same_code = planned("ANNUAIRE_CRISE_HORS_SI")
    # The same title typed by hand, whatever its case, accents and punctuation.
    same_title = planned(None, "clarifier QUI alerte qui décide, qui appelle qui trace et qui communique!")
    codes = [s.template.code for s in suggest_actions(ratings, LIBRARY, [same_code, same_title])]
    assert "ANNUAIRE_CRISE_HORS_SI" not in codes
    assert "ROLES_CRISE" not in codes
    assert "FORMATION_PROCEDURES_DEGRADEES" in codes


def test_an_item_the_plan_already_answers_is_not_suggested_for_unless_abandoned() -> None:
    ratings = {"CA_FORMATION": Rating.NON_REALISE}
    answered = planned(None, "Sessions de formation", "CA_FORMATION")
    assert suggest_actions(ratings, LIBRARY, [answered]) == []
    abandoned = planned(None, "Sessions de formation", "CA_FORMATION", status=S.ABANDONNE)
    assert [s.template.code for s in suggest_actions(ratings, LIBRARY, [abandoned])] == [
        "FORMATION_PROCEDURES_DEGRADEES"
    ]


# Applying the suggestions: idempotent for the same evaluation


def plans() -> st.SearchStrategy[list[PlannedAction]]:
    """Any plan a user may have built: typical actions (applied or typed by hand under their
    title), actions of their own, any status, items edited, memories of earlier applications."""
    weak_ratings = st.dictionaries(
        st.sampled_from(ALL_ITEMS), st.sampled_from([Rating.NON_REALISE, Rating.PEU_SATISFAISANT])
    )

    @st.composite
    def action(draw: st.DrawFn) -> PlannedAction:
        template = draw(st.sampled_from(LIBRARY))
        origin = draw(st.sampled_from(["applied", "typed", "own"]))
        items = draw(
            st.one_of(
                st.just(template.competency_items),
                st.lists(st.sampled_from(ALL_ITEMS), max_size=3, unique=True).map(tuple),
            )
        )
        return PlannedAction(
            library_code=template.code if origin == "applied" else None,
            title=template.title if origin != "own" else draw(st.sampled_from(["Autre", "Former"])),
            status=draw(st.sampled_from(ActionStatus)),
            competency_items=items,
            suggested_from=draw(weak_ratings) if origin == "applied" else None,
        )

    return st.lists(action(), max_size=6)


@given(ratings=ratings_strategy, plan=plans())
def test_applying_twice_gives_the_plan_of_one_application(
    ratings: dict[str, Rating], plan: list[PlannedAction]
) -> None:
    """apply ∘ apply = apply, for any evaluation and whatever the plan already holds."""
    once = apply_suggestions(ratings, LIBRARY, plan)
    assert apply_suggestions(ratings, LIBRARY, once) == once
    again = propose(ratings, LIBRARY, once)
    assert again.suggestions == []
    # The second answer says why: every weak item has its reason.
    assert {entry.item for entry in again.not_proposed} == set(weak_items(ratings))


@given(first=ratings_strategy, second=ratings_strategy, plan=plans())
def test_a_new_suggestion_is_always_for_a_rating_no_application_has_read(
    first: dict[str, Rating], second: dict[str, Rating], plan: list[PlannedAction]
) -> None:
    """After a change of the evaluation, what appears is named by the rating that changed: its
    ``because`` are weak ratings of the new evaluation that no application read before, and
    the plan does not answer; applying again after that adds nothing."""
    once = apply_suggestions(first, LIBRARY, plan)
    read = {
        (item, rating)
        for action in once
        if action.suggested_from
        for item, rating in action.suggested_from.items()
    }
    answered = {
        item for action in once if action.status is not S.ABANDONNE for item in action.competency_items
    }
    proposal = propose(second, LIBRARY, once)
    weak = weak_items(second)
    for suggestion in proposal.suggestions:
        assert suggestion.because
        for item in suggestion.because:
            assert item in weak
            assert (item, weak[item]) not in read
            assert item not in answered
    twice = apply_suggestions(second, LIBRARY, once)
    assert apply_suggestions(second, LIBRARY, twice) == twice


@given(ratings=ratings_strategy, plan=plans())
def test_the_preview_is_what_an_application_adds(
    ratings: dict[str, Rating], plan: list[PlannedAction]
) -> None:
    preview = [s.template.code for s in propose(ratings, LIBRARY, plan).suggestions]
    added = apply_suggestions(ratings, LIBRARY, plan)[len(plan) :]
    assert [action.library_code for action in added] == preview
    assert all(action.suggested_from == weak_items(ratings) for action in added)


@given(ratings=ratings_strategy, plan=plans())
def test_every_weak_item_is_either_proposed_for_or_given_a_reason(
    ratings: dict[str, Rating], plan: list[PlannedAction]
) -> None:
    for every in (False, True):
        proposal = propose(ratings, LIBRARY, plan, every=every)
        answered = {item for suggestion in proposal.suggestions for item in suggestion.answers}
        reasons = [entry.item for entry in proposal.not_proposed]
        assert len(reasons) == len(set(reasons))
        assert set(reasons) | answered == set(weak_items(ratings))
        assert not set(reasons) & answered
    # Without the cap nor the memory nothing is left out; what is left out is there.
    everything = propose(ratings, LIBRARY, plan, every=True)
    assert everything.left_out == 0
    capped = propose(ratings, LIBRARY, plan)
    left_out = {entry.item for entry in capped.not_proposed if entry.reason in LEFT_OUT_REASONS}
    assert left_out <= {item for suggestion in everything.suggestions for item in suggestion.answers}


def every_item_weak() -> dict[str, Rating]:
    """More weak items than five actions can answer: the issue's exercise."""
    return dict.fromkeys(ALL_ITEMS, Rating.PEU_SATISFAISANT) | {
        "GC_MAIN_COURANTE": Rating.NON_REALISE,
        "CA_CONTOURNEMENT": Rating.NON_REALISE,
    }


def test_the_second_application_adds_nothing_and_says_why() -> None:
    ratings = every_item_weak()
    first = propose(ratings, LIBRARY, [])
    assert len(first.suggestions) == SUGGESTION_CAP
    assert first.left_out > 0
    assert {entry.reason for entry in first.not_proposed} == {NotProposedReason.OVER_CAP}
    once = apply_suggestions(ratings, LIBRARY, [])

    second = propose(ratings, LIBRARY, once)

    assert second.suggestions == []
    assert second.applied_before == tuple(once)
    reasons = {entry.item: entry.reason for entry in second.not_proposed}
    answered = {item for action in once for item in action.competency_items}
    assert {item for item, reason in reasons.items() if reason is NotProposedReason.ANSWERED_BY_PLAN} == (
        answered & set(ratings)
    )
    left = {item for item, reason in reasons.items() if reason is NotProposedReason.ALREADY_APPLIED}
    assert left == set(ratings) - answered
    assert second.left_out == first.left_out == len(left)
    # The items left out are seen without the cap (never by applying again).
    everything = propose(ratings, LIBRARY, once, every=True)
    assert left <= {item for suggestion in everything.suggestions for item in suggestion.because}


def test_a_changed_rating_brings_its_action_and_is_named() -> None:
    """The plan answers five items; one left out by the cap gets worse: its action is proposed
    because of that rating, and only it."""
    ratings = every_item_weak()
    once = apply_suggestions(ratings, LIBRARY, [])
    answered = {item for action in once for item in action.competency_items}
    left_out = next(item for item in ALL_ITEMS if item not in answered)
    changed = ratings | {left_out: Rating.NON_REALISE}

    proposal = propose(changed, LIBRARY, once)

    assert [s.because for s in proposal.suggestions] == [(left_out,)]
    # An item that improves (still weak) but is answered by the plan brings nothing.
    better = ratings | {"GC_MAIN_COURANTE": Rating.PEU_SATISFAISANT}
    assert propose(better, LIBRARY, once).suggestions == []


def test_an_abandoned_suggestion_is_not_replaced_for_the_same_rating() -> None:
    """Abandoning what an application added is a decision: applying again does not bring
    another action for the same rating (all=true still shows one)."""
    ratings = {"GC_ANNUAIRE": Rating.NON_REALISE, "CA_CONTOURNEMENT": Rating.NON_REALISE}
    plan = [
        dataclasses.replace(action, status=S.ABANDONNE) for action in apply_suggestions(ratings, LIBRARY, [])
    ]
    assert [action.library_code for action in plan] == ["ANNUAIRE_CRISE_HORS_SI", "LISTES_RESIDENTS_PAPIER"]

    proposal = propose(ratings, LIBRARY, plan)

    assert proposal.suggestions == []
    assert [(entry.item, entry.reason, entry.actions) for entry in proposal.not_proposed] == [
        # The only typical action for the directory is the abandoned one.
        ("GC_ANNUAIRE", NotProposedReason.NO_ACTION_LEFT, ()),
        ("CA_CONTOURNEMENT", NotProposedReason.ALREADY_APPLIED, tuple(plan)),
    ]
    assert proposal.left_out == 1
    assert [s.template.code for s in propose(ratings, LIBRARY, plan, every=True).suggestions] == [
        "MODE_DEGRADE_PCRA"
    ]


# The library


def test_the_library_covers_every_family_with_enough_typical_actions() -> None:
    kit = get_kit()
    assert len(LIBRARY) >= 15
    families = {kit.item_families[item] for template in LIBRARY for item in template.competency_items}
    assert families == set(kit.families)
    titles = {template.title for template in LIBRARY}
    assert "Fiabiliser l'annuaire de crise hors SI" in titles
    assert "Tester le mode dégradé (PCRA)" in titles
    assert "Former les équipes aux procédures dégradées" in titles
    assert [template.priority for template in LIBRARY] == sorted(template.priority for template in LIBRARY)


def test_the_library_follows_french_typography() -> None:
    """As the kit's other texts: a no-break space before « : ; ? ! » and inside guillemets."""
    bad = re.compile(r"[^\u00a0][:;?!»]|«[^\u00a0]|  ")
    texts = [text for template in LIBRARY for text in (template.title, template.description)]
    assert [text for text in texts if bad.search(text)] == []


def _raw_library() -> dict[str, Any]:
    raw: dict[str, Any] = msgspec.json.decode(msgspec.json.encode({"actions": LIBRARY}))
    return raw


def test_an_unknown_item_stops_the_service_naming_the_action_and_the_field() -> None:
    raw = _raw_library()
    raw["actions"][0]["competency_items"][1] = "GC_INCONNU"
    with pytest.raises(
        KitContentError,
        match=r"ANNUAIRE_CRISE_HORS_SI: competency_items\[1\]: unknown competency item GC_INCONNU",
    ):
        build_action_library(raw)


def test_a_bad_horizon_names_the_action_and_the_field() -> None:
    raw = _raw_library()
    raw["actions"][2]["horizon"] = "H0_45"
    with pytest.raises(KitContentError, match=r"actions\.toml: LISTES_RESIDENTS_PAPIER: .*horizon"):
        build_action_library(raw)


def test_duplicate_codes_unanswered_items_and_blank_titles_are_refused() -> None:
    raw = _raw_library()
    raw["actions"][1]["code"] = raw["actions"][0]["code"]
    raw["actions"][3]["title"] = " "
    raw["actions"] = [action for action in raw["actions"] if action["code"] != "PLAN_BLEU_CYBER"]
    with pytest.raises(KitContentError) as refused:
        build_action_library(raw)
    message = str(refused.value)
    assert "code ANNUAIRE_CRISE_HORS_SI is used twice" in message
    assert "MAIN_COURANTE: title is empty" in message
    assert "competency item CA_PLAN_BLEU is answered by no action" in message
