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
from enum import StrEnum
from uuid import UUID

from service.kit.actions import ActionTemplate
from service.kit.catalogue import Catalogue
from service.kit.codes import ActionHorizon, ActionStatus, Rating
from service.lib.problems import Problem
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


def due_date_problems(due_date: date | None, exercise_date: date | None) -> list[Problem]:
    if due_date is None or exercise_date is None or due_date >= exercise_date:
        return []
    return [
        Problem(
            field="due_date",
            code="due_before_exercise",
            message=f"L'échéance ne peut pas précéder l'exercice (joué le {exercise_date:%d/%m/%Y}).",
        )
    ]


def is_overdue(status: ActionStatus, due_date: date | None, today: date) -> bool:
    """Still open after its due date (due today is not late yet)."""
    return status in OPEN_STATUSES and due_date is not None and due_date < today


# Status changes. Every change is free (A_FAIRE ↔ EN_COURS, an open action done or abandoned)
# but these two.


def status_change_conflict(
    current: ActionStatus, target: ActionStatus, catalogue: Catalogue
) -> Problem | None:
    """A done action is not abandoned (``invalid_transition``, a conflict with its state): reopen
    it first, saying why."""
    if current is S.FAIT and target is S.ABANDONNE:
        message = (
            f"Une action « {catalogue.label(current)} » ne peut pas être abandonnée : rouvrez-la d'abord."
        )
        return Problem(field="status", code="invalid_transition", message=message)
    return None


def missing_change_reason(
    current: ActionStatus, target: ActionStatus, reason: str | None, catalogue: Catalogue
) -> Problem | None:
    """Reopening a done action, or changing an abandoned one at all, needs a ``reason``
    (``reason_required``): the history must say why the plan went back on it."""
    if target is not current and current in CLOSED_STATUSES and not reason:
        source, goal = catalogue.label(current), catalogue.label(target)
        message = f"Passer une action de « {source} » à « {goal} » demande un motif (reason)."
        return Problem(field="reason", code="reason_required", message=message)
    return None


# ---------------------------------------------------------------------------------------------
# Suggestions
#
# « Peu d'actions, mais des actions tenues »: at most ``SUGGESTION_CAP`` typical actions for the
# items rated Non réalisé or Peu satisfaisant. Applying them must be idempotent for the same
# evaluation, so what "the same evaluation" means is stored with the actions an application
# creates: ``suggested_from``, every weak rating (item → rating) that application read — the
# ones it answered, the ones the plan already answered and the ones the cap left out alike.
#
# The rule: an application proposes only for the weak ratings that no earlier application has
# read (an item newly weak, or rated at another weak level since), which the plan does not
# already answer. Applying twice therefore adds nothing the second time (everything weak has
# been read), whatever the evaluation; a changed rating may bring new actions, and it is the
# rating named in their ``because``. The items the cap leaves out are read too: they are seen
# with ``every`` (no cap, no memory, never applied), not by applying again.


class NotProposedReason(StrEnum):
    """Pourquoi un item faible n'a pas de proposition.

    `ANSWERED_BY_PLAN` : une action du plan (non abandonnée) y répond déjà ;
    `NO_ACTION_LEFT` : toutes les actions types qui y répondent sont déjà au plan ;
    `ALREADY_APPLIED` : une application précédente des propositions a lu cette note, au même
    niveau, et a laissé l'item de côté — seule une nouvelle note le fait reproposer ;
    `OVER_CAP` : les 5 propositions sont allées à des items plus urgents."""

    # An action of the plan that is not abandoned already answers it.
    ANSWERED_BY_PLAN = "ANSWERED_BY_PLAN"
    # Every typical action that answers it is already in the plan (abandoned, or typed by hand).
    NO_ACTION_LEFT = "NO_ACTION_LEFT"
    # An earlier application read it at this very rating (and left it out): only a change of
    # its rating brings it back; ``every`` shows the action that would answer it.
    ALREADY_APPLIED = "ALREADY_APPLIED"
    # The cap was reached by more urgent items.
    OVER_CAP = "OVER_CAP"


# The reasons that leave out an item the library could still answer (``every`` would).
LEFT_OUT_REASONS = frozenset({NotProposedReason.ALREADY_APPLIED, NotProposedReason.OVER_CAP})


@dataclass(frozen=True)
class PlannedAction:
    """What the suggestions need to know of an action already in the plan."""

    library_code: str | None
    title: str
    status: ActionStatus
    competency_items: tuple[str, ...]
    # The weak ratings read by the application of the suggestions that created it (None for an
    # action written by hand).
    suggested_from: Mapping[str, Rating] | None = None
    # The row it stands for (None in a plan computed, not stored).
    id: UUID | None = None


@dataclass(frozen=True)
class Suggestion:
    """A typical action proposed for the plan.

    ``answers``: every weak item of the exercise it answers; ``because``: the weak ratings it is
    proposed for — answered neither by the plan nor by a more urgent suggestion, and, unless
    every suggestion was asked for, read by no earlier application: the ratings that made it
    appear."""

    template: ActionTemplate
    answers: tuple[str, ...]
    because: tuple[str, ...]


@dataclass(frozen=True)
class NotProposed:
    """A weak item without a suggestion, why, and the actions of the plan the reason refers to
    (those answering it, or those whose application already read it)."""

    item: str
    reason: NotProposedReason
    actions: tuple[PlannedAction, ...] = ()


@dataclass(frozen=True)
class Proposal:
    """What ``propose`` finds: the exercise's weak ratings, the suggestions, why every other weak
    item has none, and the actions earlier applications created."""

    weak: dict[str, Rating]
    suggestions: list[Suggestion]
    not_proposed: list[NotProposed]
    applied_before: tuple[PlannedAction, ...]

    @property
    def left_out(self) -> int:
        """Weak items the library could answer that this answer leaves out (``every`` shows them)."""
        return sum(entry.reason in LEFT_OUT_REASONS for entry in self.not_proposed)


def weak_items(ratings: Mapping[str, Rating]) -> dict[str, Rating]:
    return {item: rating for item, rating in ratings.items() if rating in WEAK_RATINGS}


def propose(
    ratings: Mapping[str, Rating],
    library: Iterable[ActionTemplate],
    plan: Sequence[PlannedAction],
    *,
    cap: int = SUGGESTION_CAP,
    every: bool = False,
) -> Proposal:
    """Typical actions for the items rated Non réalisé or Peu satisfaisant.

    Never proposed again: a typical action already in the plan (same library code, or same
    title whatever its case, accents and punctuation). A weak item linked to an action of the
    plan that is not abandoned is taken as answered; one whose rating an earlier application
    read (``PlannedAction.suggested_from``) is left to that application, unless ``every``.

    Chosen one at a time, ``cap`` at most (no cap with ``every``): each suggestion must answer
    a weak item no earlier one (nor the plan) answers; the next is the one answering the most
    items rated Non réalisé, then the most weak items, then the library's priority. The result
    reads as a timeline: by horizon, then priority.
    """
    weak = weak_items(ratings)
    read_before = {
        (item, rating)
        for action in plan
        if action.suggested_from is not None
        for item, rating in action.suggested_from.items()
    }
    answering: dict[str, list[PlannedAction]] = {}
    for action in plan:
        if action.status is not S.ABANDONNE:
            for item in action.competency_items:
                answering.setdefault(item, []).append(action)
    codes = {action.library_code for action in plan if action.library_code}
    titles = {fold(action.title) for action in plan}
    candidates = [
        template for template in library if template.code not in codes and fold(template.title) not in titles
    ]
    fresh = {item for item, rating in weak.items() if every or (item, rating) not in read_before}
    unanswered = fresh - set(answering)

    def urgency(template: ActionTemplate) -> tuple[int, int, int, str]:
        new = [item for item in template.competency_items if item in unanswered]
        missed = sum(weak[item] is Rating.NON_REALISE for item in new)
        return (-missed, -len(new), template.priority, template.code)

    chosen: list[tuple[ActionTemplate, tuple[str, ...]]] = []
    while candidates and (every or len(chosen) < cap):
        best = min(candidates, key=urgency)
        because = tuple(item for item in best.competency_items if item in unanswered)
        if not because:
            break
        chosen.append((best, because))
        candidates.remove(best)
        unanswered.difference_update(because)
    horizons = list(ActionHorizon)
    chosen.sort(key=lambda pick: (horizons.index(pick[0].horizon), pick[0].priority))
    suggestions = [
        Suggestion(template, tuple(item for item in template.competency_items if item in weak), because)
        for template, because in chosen
    ]

    # A weak item a suggestion answers is taken care of, whether or not it is proposed for it.
    proposed = {item for suggestion in suggestions for item in suggestion.answers}
    answerable = {item for template in candidates for item in template.competency_items}
    not_proposed: list[NotProposed] = []
    for item, rating in weak.items():
        if item in proposed:
            continue
        if item in answering:
            not_proposed.append(NotProposed(item, NotProposedReason.ANSWERED_BY_PLAN, tuple(answering[item])))
        elif item not in answerable:
            not_proposed.append(NotProposed(item, NotProposedReason.NO_ACTION_LEFT))
        elif item not in fresh:
            readers = tuple(
                action
                for action in plan
                if action.suggested_from is not None and action.suggested_from.get(item) is rating
            )
            not_proposed.append(NotProposed(item, NotProposedReason.ALREADY_APPLIED, readers))
        else:
            not_proposed.append(NotProposed(item, NotProposedReason.OVER_CAP))
    applied_before = tuple(action for action in plan if action.suggested_from is not None)
    return Proposal(weak, suggestions, not_proposed, applied_before)


def suggest_actions(
    ratings: Mapping[str, Rating],
    library: Iterable[ActionTemplate],
    plan: Sequence[PlannedAction],
    *,
    cap: int = SUGGESTION_CAP,
) -> list[Suggestion]:
    """The suggestions of :func:`propose` alone."""
    return propose(ratings, library, plan, cap=cap).suggestions


def applied(proposal: Proposal) -> list[PlannedAction]:
    """The actions an application of ``proposal`` adds to the plan, each keeping the weak
    ratings the application read."""
    return [
        PlannedAction(
            library_code=suggestion.template.code,
            title=suggestion.template.title,
            status=S.A_FAIRE,
            competency_items=suggestion.template.competency_items,
            suggested_from=dict(proposal.weak),
        )
        for suggestion in proposal.suggestions
    ]


def apply_suggestions(
    ratings: Mapping[str, Rating], library: Iterable[ActionTemplate], plan: Sequence[PlannedAction]
) -> list[PlannedAction]:
    """The plan after an application of the suggestions: ``plan`` and what it adds."""
    return [*plan, *applied(propose(ratings, library, plan))]


def competency_item_problems(items: Sequence[str], known: Mapping[str, str]) -> list[Problem]:
    """Each linked item must be an item of the framework, listed once."""
    errors: list[Problem] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        field = f"competency_items[{index}]"
        if item not in known:
            errors.append(
                Problem(
                    field=field,
                    code="unknown_item",
                    message=f"« {item} » n'est pas un item du référentiel de compétences.",
                )
            )
        elif item in seen:
            errors.append(Problem(field=field, code="duplicate_item", message="Item déjà cité."))
        seen.add(item)
    return errors
