"""Pure rules of the RETEX action plan: due dates, overdue actions, status changes, suggestions.

No I/O here: "today" is always a parameter, so the rules are tested at any date.

Due date (DOMAIN, decision 5): an action is due at the end of its horizon, counted in calendar
days from the exercise's date — « 0 à 30 jours » after an exercise played on 12 March 2026 is
due on 11 April 2026. An exercise without a date gives no due date: the action has none (and is
never overdue) until one is set by hand. A date set by hand overrides the derived one but may
not fall before the exercise.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from service.errors import ConflictError, FieldError, InvalidDataError
from service.kit.actions import ActionTemplate
from service.kit.catalogue import get_catalogue
from service.kit.codes import ActionHorizon, ActionStatus, Rating
from service.lib.text import fold

S = ActionStatus

# Last day of each horizon, in days after the exercise (the AIDERA Var testimony's 0–30, 30–90,
# 90–120 and 120–300 days).
HORIZON_END_DAYS: dict[ActionHorizon, int] = {
    ActionHorizon.H0_30: 30,
    ActionHorizon.H30_90: 90,
    ActionHorizon.H90_120: 120,
    ActionHorizon.H120_300: 300,
}
OPEN_STATUSES = frozenset({S.A_FAIRE, S.EN_COURS})
CLOSED_STATUSES = frozenset({S.FAIT, S.ABANDONNE})
# The ratings an action should answer (decision 1: not acquired, and actually rated).
WEAK_RATINGS = frozenset({Rating.NON_REALISE, Rating.PEU_SATISFAISANT})
# « Peu d'actions, mais des actions tenues »: at most this many suggestions at a time.
SUGGESTION_CAP = 5


def derived_due_date(exercise_date: date | None, horizon: ActionHorizon) -> date | None:
    """The end of the horizon after the exercise; None for an exercise without a date."""
    if exercise_date is None:
        return None
    return exercise_date + timedelta(days=HORIZON_END_DAYS[horizon])


def due_date_errors(due_date: date | None, exercise_date: date | None) -> list[FieldError]:
    if due_date is None or exercise_date is None or due_date >= exercise_date:
        return []
    return [
        FieldError(
            field="due_date",
            code="due_before_exercise",
            message=f"L'échéance ne peut pas précéder l'exercice (joué le {exercise_date:%d/%m/%Y}).",
        )
    ]


def is_overdue(status: ActionStatus, due_date: date | None, today: date) -> bool:
    """Still open after its due date (due today is not late yet)."""
    return status in OPEN_STATUSES and due_date is not None and due_date < today


def _label(status: ActionStatus) -> str:
    return f"« {get_catalogue().label(status)} »"


def check_status_change(current: ActionStatus, target: ActionStatus, reason: str | None) -> None:
    """Refuse a change that makes no sense.

    - A done action is not abandoned (409 ``invalid_transition``): reopen it first, saying why.
    - Reopening a done action, or changing an abandoned one at all, needs a ``reason`` (422
      ``reason_required``): the history must say why the plan went back on it.
    Every other change is free (A_FAIRE ↔ EN_COURS, an open action done or abandoned).
    """
    if target is current:
        return
    if current is S.FAIT and target is S.ABANDONNE:
        message = f"Une action {_label(current)} ne peut pas être abandonnée : rouvrez-la d'abord."
        raise ConflictError(
            message,
            code="invalid_transition",
            errors=[FieldError(field="status", code="invalid_transition", message=message)],
        )
    if current in CLOSED_STATUSES and not reason:
        message = f"Passer une action de {_label(current)} à {_label(target)} demande un motif (reason)."
        raise InvalidDataError(
            message,
            code="reason_required",
            errors=[FieldError(field="reason", code="reason_required", message=message)],
        )


@dataclass(frozen=True)
class PlannedAction:
    """What the suggestions need to know of an action already in the plan."""

    library_code: str | None
    title: str
    status: ActionStatus
    competency_items: tuple[str, ...]


@dataclass(frozen=True)
class Suggestion:
    """A typical action proposed for the plan, and the weak items of the exercise it answers."""

    template: ActionTemplate
    answers: tuple[str, ...]


def weak_items(ratings: Mapping[str, Rating]) -> dict[str, Rating]:
    return {item: rating for item, rating in ratings.items() if rating in WEAK_RATINGS}


def suggest_actions(
    ratings: Mapping[str, Rating],
    library: Iterable[ActionTemplate],
    plan: Sequence[PlannedAction],
    *,
    cap: int = SUGGESTION_CAP,
) -> list[Suggestion]:
    """Typical actions for the items rated Non réalisé or Peu satisfaisant, ``cap`` at most.

    Never proposed again: a typical action already in the plan (same library code, or same
    title whatever its case, accents and punctuation). A weak item already linked to an action
    of the plan that is not abandoned is taken as answered.

    Chosen one at a time: each suggestion must answer a weak item no earlier one (nor the plan)
    answers; the next is the one answering the most items rated Non réalisé, then the most weak
    items, then the library's priority. The result reads as a timeline: by horizon, then priority.
    """
    weak = weak_items(ratings)
    codes = {action.library_code for action in plan if action.library_code}
    titles = {fold(action.title) for action in plan}
    unanswered = set(weak) - {
        item for action in plan if action.status is not S.ABANDONNE for item in action.competency_items
    }
    candidates = [
        template for template in library if template.code not in codes and fold(template.title) not in titles
    ]

    def urgency(template: ActionTemplate) -> tuple[int, int, int, str]:
        new = [item for item in template.competency_items if item in unanswered]
        missed = sum(weak[item] is Rating.NON_REALISE for item in new)
        return (-missed, -len(new), template.priority, template.code)

    chosen: list[ActionTemplate] = []
    while candidates and len(chosen) < cap:
        best = min(candidates, key=urgency)
        if not unanswered.intersection(best.competency_items):
            break
        chosen.append(best)
        candidates.remove(best)
        unanswered.difference_update(best.competency_items)
    horizons = list(ActionHorizon)
    chosen.sort(key=lambda template: (horizons.index(template.horizon), template.priority))
    return [
        Suggestion(template, tuple(item for item in template.competency_items if item in weak))
        for template in chosen
    ]


def competency_item_errors(items: Sequence[str], known: Mapping[str, str]) -> list[FieldError]:
    """Each linked item must be an item of the framework, listed once."""
    errors: list[FieldError] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        field = f"competency_items[{index}]"
        if item not in known:
            errors.append(
                FieldError(
                    field=field,
                    code="unknown_item",
                    message=f"« {item} » n'est pas un item du référentiel de compétences.",
                )
            )
        elif item in seen:
            errors.append(FieldError(field=field, code="duplicate_item", message="Item déjà cité."))
        seen.add(item)
    return errors
