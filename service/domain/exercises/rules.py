"""Rules of an exercise beyond the JSON shape of its bodies: pure functions, no I/O.

- the lifecycle: which status may follow which, and who may move it;
- the parameters (« Paramètres exercice »): durations, local date and start time, players;
- the business questionnaire: each answer against its question in the kit (type, options,
  bounds), which questions are asked of the establishment (its category and mode of care, then
  the conditions on earlier answers), which options it is offered, and how complete the
  answers are;
- the SI description: each component against the kit's attribute definitions, references
  between components, and dependency cycles.

Everything the kit defines (questions, options, bounds, attributes, criticality levels) is read
from the :class:`~service.kit.content.Kit` passed in, never written here.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, time
from enum import StrEnum
from typing import Any, NamedTuple

import msgspec

from service.kit.catalogue import Catalogue
from service.kit.codes import (
    AccountRole,
    AnswerType,
    ExerciseStatus,
    HostingMode,
    SiAttributeType,
    SiCategory,
)
from service.kit.content import Establishment, Kit, Option, Question, SiAttribute
from service.lib.graphs import dependency_cycles
from service.lib.numbers import is_integer
from service.lib.problems import Problem
from service.lib.text import quoted
from service.lib.time import EXERCISE_YEARS, format_clock, paris_moment

# ---------------------------------------------------------------------------------------------
# Lifecycle


class Transition(NamedTuple):
    """A status change the service accepts; ``admin_only`` ones are normally made by a later
    step of the kit (chronogram generation, the evaluation) and may only be forced by a
    national administrator (to repair an exercise, or import one played elsewhere)."""

    admin_only: bool


S = ExerciseStatus
TRANSITIONS: dict[tuple[ExerciseStatus, ExerciseStatus], Transition] = {
    # Preparation complete (see ``readiness_errors``); back to editing with partial saves.
    (S.DRAFT, S.READY): Transition(admin_only=False),
    (S.READY, S.DRAFT): Transition(admin_only=False),
    # Made by the chronogram's generation (POST …/chronogram).
    (S.READY, S.GENERATED): Transition(admin_only=True),
    # The organisers step back to change the inputs before playing: the chronogram is kept,
    # manual edits included, and regenerated from the new inputs.
    (S.GENERATED, S.READY): Transition(admin_only=False),
    # A table-top exercise played on paper is declared played by its organisers (the live run
    # will also make this step when it ends).
    (S.GENERATED, S.PLAYED): Transition(admin_only=False),
    # Made by the evaluation: the first complete save of the grid (PUT …/evaluation).
    (S.PLAYED, S.EVALUATED): Transition(admin_only=True),
    # The establishment closes its exercise: from then on it is read-only.
    (S.EVALUATED, S.CLOSED): Transition(admin_only=False),
}
# Partial questionnaires and empty SI descriptions are allowed in these statuses only.
EDITABLE_INCOMPLETE = frozenset({S.DRAFT})


def next_statuses(current: ExerciseStatus) -> list[ExerciseStatus]:
    return [target for (source, target) in TRANSITIONS if source is current]


def closed_problem(status: ExerciseStatus) -> Problem | None:
    """A closed exercise is read-only: nothing of it may change, nor may it be deleted."""
    if status is not S.CLOSED:
        return None
    message = "L'exercice est clôturé : il ne peut plus être modifié ni supprimé."
    return Problem(field="status", code="exercise_closed", message=message)


def transition_problem(
    current: ExerciseStatus, target: ExerciseStatus, catalogue: Catalogue
) -> Problem | None:
    """A status change the lifecycle does not allow (a conflict with the exercise's state)."""
    if target is current or (current, target) in TRANSITIONS:
        return None
    label = {status: f"« {catalogue.label(status)} »" for status in ExerciseStatus}
    possible = ", ".join(label[status] for status in next_statuses(current)) or "aucune"
    message = (
        f"Un exercice {label[current]} ne peut pas passer directement à {label[target]} "
        f"(étapes possibles : {possible})."
    )
    return Problem(field="status", code="invalid_transition", message=message)


def reserved_transition_problem(
    current: ExerciseStatus, target: ExerciseStatus, role: AccountRole, catalogue: Catalogue
) -> Problem | None:
    """An allowed status change that only the service makes (a national admin may force it)."""
    transition = TRANSITIONS.get((current, target))
    if target is current or transition is None or not transition.admin_only or role is AccountRole.ADMIN:
        return None
    message = (
        f"Le passage de « {catalogue.label(current)} » à « {catalogue.label(target)} » est fait par "
        "le service au fil de l'exercice ; seul un administrateur national peut le forcer."
    )
    return Problem(field="status", code="transition_reserved", message=message)


# ---------------------------------------------------------------------------------------------
# Parameters

_CLOCK = re.compile(r"^(?P<hour>[01][0-9]|2[0-3]):(?P<minute>[0-5][0-9])$")


def parse_clock(text: str) -> time:
    """``HH:MM`` (already checked by the schema) as a time of day."""
    match = _CLOCK.fullmatch(text)
    if match is None:
        raise ValueError(text)
    return time(int(match["hour"]), int(match["minute"]))


def normalise_parameters(state: dict[str, Any]) -> None:
    """Rewrite in ``state``, in place, what the wire carries as text or Structs: the start time
    as a time of day, players as plain data, objectives and names without surrounding spaces."""
    if isinstance(state.get("start_time"), str):
        state["start_time"] = parse_clock(state["start_time"])
    if "objectives" in state:
        state["objectives"] = [text.strip() for text in state["objectives"]]
    if "participants" in state:
        participants = msgspec.to_builtins(state["participants"])
        for participant in participants:
            participant["names"] = [name.strip() for name in participant.get("names") or []]
        state["participants"] = participants


def parameter_errors(state: Mapping[str, Any]) -> list[Problem]:
    """Problems of a complete set of parameters (the stored row with the changes applied)."""
    errors: list[Problem] = []
    duration, briefing = state["duration_minutes"], state["briefing_minutes"]
    if duration <= briefing:
        errors.append(
            Problem(
                field="duration_minutes",
                code="duration_not_above_briefing",
                message=(
                    f"La durée totale ({duration} min) doit dépasser celle de la mise en situation "
                    f"({briefing} min) : il ne resterait aucun temps de jeu."
                ),
            )
        )
    day: date | None = state.get("exercise_date")
    clock: time | None = state.get("start_time")
    if day is not None and day.year not in EXERCISE_YEARS:
        errors.append(
            Problem(
                field="exercise_date",
                code="out_of_range",
                message=f"Date attendue entre {EXERCISE_YEARS.start} et {EXERCISE_YEARS.stop - 1}.",
            )
        )
    elif clock is not None and day is None:
        errors.append(
            Problem(
                field="start_time",
                code="start_time_without_date",
                message="Une heure de début demande une date : indiquez aussi exercise_date.",
            )
        )
    elif clock is not None and day is not None and paris_moment(day, clock) is None:
        errors.append(
            Problem(
                field="start_time",
                code="nonexistent_local_time",
                message=(
                    f"{format_clock(clock)} n'existe pas à Paris le {day:%d/%m/%Y} "
                    "(passage à l'heure d'été) : choisissez une autre heure."
                ),
            )
        )
    roles = Counter(participant["role"] for participant in state.get("participants") or [])
    for index, participant in enumerate(state.get("participants") or []):
        if roles[participant["role"]] > 1:
            errors.append(
                Problem(
                    field=f"participants[{index}].role",
                    code="duplicate_role",
                    message="Une seule ligne par fonction : additionnez les joueurs dans « count ».",
                )
            )
        if len(participant.get("names") or []) > participant["count"]:
            errors.append(
                Problem(
                    field=f"participants[{index}].names",
                    code="too_many_names",
                    message=f"Plus de noms que de joueurs ({participant['count']}).",
                )
            )
    return errors


# ---------------------------------------------------------------------------------------------
# Business questionnaire

# Free text: tabs and line breaks allowed, other control characters refused.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Completeness(NamedTuple):
    """How far the questionnaire is filled in. ``required`` counts the required questions that
    are asked of the establishment given the answers so far (a question outside its category or
    mode of care is never asked; a conditional question is asked once its condition is met);
    ``answered`` counts the answers to questions asked; ``missing`` lists the required ones
    still unanswered, in the kit's order."""

    answered: int
    required: int
    missing: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.missing


def normalise_answers(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Drop null answers (no answer) and trim text answers."""
    return {
        code: value.strip() if isinstance(value, str) else value
        for code, value in answers.items()
        if value is not None
    }


def _options_text(codes: Iterable[str]) -> str:
    return ", ".join(codes)


def _is_code(value: object, codes: type[StrEnum]) -> bool:
    return isinstance(value, str) and value in codes.__members__.values()


# (code, French message) of a value that cannot answer a question or fill an attribute.
ValueProblem = tuple[str, str] | None


def _bool_problem(value: Any) -> ValueProblem:
    return None if isinstance(value, bool) else ("wrong_type", "Valeur attendue : true (oui) ou false (non).")


def _integer_problem(value: Any, minimum: int | None, maximum: int | None) -> ValueProblem:
    if not is_integer(value):
        return "wrong_type", "Nombre entier attendu."
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        return "out_of_range", f"Valeur attendue entre {minimum} et {maximum}."
    return None


def _text_value_problem(value: Any, max_length: int | None) -> ValueProblem:
    if not isinstance(value, str):
        return "wrong_type", "Texte attendu."
    if not value:
        return "blank", "Texte vide : retirez la réponse pour ne pas répondre."
    if max_length is not None and len(value) > max_length:
        return "too_long", f"Texte trop long ({max_length} caractères au plus)."
    if _CONTROL.search(value):
        return "invalid_characters", "Le texte contient des caractères de contrôle."
    return None


class Offer(NamedTuple):
    """The options of a choice question: all those of its list, and those offered to the
    establishment that answers."""

    every: tuple[Option, ...]
    offered: tuple[Option, ...]
    # The establishment that answers, in French (« cet établissement (« EHPAD », hébergement) »).
    who: str

    @property
    def codes(self) -> list[str]:
        return [option.code for option in self.offered]

    def problem(self, code: str) -> ValueProblem:
        """An option code that is not in the list, or not offered to the establishment."""
        if code in self.codes:
            return None
        option = next((option for option in self.every if option.code == code), None)
        if option is None:
            return "unknown_option", f"« {code} » n'est pas une option ({_options_text(self.codes)})."
        return "option_not_offered", (
            f"{quoted(option.label)} ({code}) n'est pas proposée à {self.who}\u00a0; "
            f"options proposées\u00a0: {_options_text(self.codes)}."
        )


def _code_problem(value: Any, options: Sequence[str]) -> ValueProblem:
    if not isinstance(value, str):
        return "wrong_type", f"Code d'option attendu ({_options_text(options)})."
    if value not in options:
        return "unknown_option", f"« {value} » n'est pas une option ({_options_text(options)})."
    return None


def _choice_problem(value: Any, offer: Offer) -> ValueProblem:
    if not isinstance(value, str):
        return "wrong_type", f"Code d'option attendu ({_options_text(offer.codes)})."
    return offer.problem(value)


def _choices_problem(value: Any, offer: Offer) -> ValueProblem:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return "wrong_type", f"Liste de codes d'options attendue ({_options_text(offer.codes)})."
    # Unknown codes first: a typo says more than a filter.
    problems = [offer.problem(item) for item in value]
    for wanted in ("unknown_option", "option_not_offered"):
        found = next((problem for problem in problems if problem and problem[0] == wanted), None)
        if found is not None:
            return found
    if len(set(value)) != len(value):
        return "duplicate_option", "Chaque option ne peut être cochée qu'une fois."
    return None


def _answer_problem(
    question: Question, value: Any, kit: Kit, establishment: Establishment, who: str
) -> ValueProblem:
    """(code, French message) when ``value`` cannot answer ``question`` for ``establishment``
    (``who``, in French)."""
    offer = Offer(kit.options(question), kit.offered_options(question, establishment), who)
    checks: dict[AnswerType, Callable[[], ValueProblem]] = {
        AnswerType.BOOL: lambda: _bool_problem(value),
        AnswerType.INTEGER: lambda: _integer_problem(value, question.minimum, question.maximum),
        AnswerType.SINGLE_CHOICE: lambda: _choice_problem(value, offer),
        AnswerType.MULTIPLE_CHOICE: lambda: _choices_problem(value, offer),
        AnswerType.TEXT: lambda: _text_value_problem(value, question.max_length),
    }
    return checks[question.answer_type]()


def _matches(question: Question, value: Any, expected: bool | str) -> bool:
    if question.answer_type is AnswerType.MULTIPLE_CHOICE:
        return isinstance(value, list) and expected in value
    return bool(value == expected and type(value) is type(expected))


def asked(
    question: Question, answers: Mapping[str, Any], kit: Kit, establishment: Establishment
) -> bool | None:
    """Whether ``question`` is asked of ``establishment`` given ``answers``: False when its
    category or mode of care is outside the question's filters (:meth:`Kit.asks`), else True,
    False, or None while the question its condition depends on is unanswered. The options it is
    offered are :meth:`Kit.offered_options`."""
    if not kit.asks(question, establishment):
        return False
    condition = question.asked_if
    if condition is None:
        return True
    parent = kit.questions[condition.question]
    parent_asked = asked(parent, answers, kit, establishment)
    if parent_asked is not True:
        return parent_asked
    if condition.question not in answers:
        return None
    return _matches(parent, answers[condition.question], condition.answer)


def _who(establishment: Establishment, catalogue: Catalogue) -> str:
    return (
        f"cet établissement ({quoted(catalogue.label(establishment.category))}, "
        f"{catalogue.label(establishment.service_mode).lower()})"
    )


def _filters_text(entry: Question | Option, catalogue: Catalogue) -> str:
    """For whom a question is meant, in French: « aux établissements en « Hébergement » et dont
    la catégorie répond à l'un de ces critères : « … », « … » »."""
    parts = []
    if entry.modes:
        modes = " ou ".join(quoted(catalogue.label(mode)) for mode in entry.modes)
        parts.append(f"dont le mode de prise en charge est {modes}")
    if entry.traits:
        traits = ", ".join(quoted(catalogue.label(trait)) for trait in entry.traits)
        parts.append(f"dont la catégorie répond à l'un de ces critères\u00a0: {traits}")
    return " et ".join(parts)


def not_asked_reason(question: Question, kit: Kit, establishment: Establishment, catalogue: Catalogue) -> str:
    """Why the establishment is not asked ``question`` at all (:meth:`Kit.asks` is False)."""
    if not kit.fits(question, establishment):
        return f"elle n'est posée qu'aux établissements {_filters_text(question, catalogue)}"
    condition = question.asked_if
    if condition is None:  # pragma: no cover - Kit.asks is False for one of the reasons above
        raise AssertionError(question.code)
    parent = kit.questions[condition.question]
    if not kit.asks(parent, establishment):
        return f"elle dépend de la réponse à {parent.code} ({quoted(parent.label)}), qui ne lui est pas posée"
    option = next(option for option in kit.options(parent) if option.code == condition.answer)
    return f"elle dépend de l'option {quoted(option.label)} de {parent.code}, qui ne lui est pas proposée"


def answer_errors(
    answers: Mapping[str, Any], kit: Kit, establishment: Establishment, catalogue: Catalogue
) -> list[Problem]:
    """Problems of normalised ``answers`` given by ``establishment``, each naming
    ``answers.<CODE>``, in the input's order."""
    who = _who(establishment, catalogue)
    errors: list[Problem] = []
    for code, value in answers.items():
        field = f"answers.{code}"
        question = kit.questions.get(code)
        if question is None:
            errors.append(Problem(field=field, code="unknown_question", message="Question inconnue du kit."))
            continue
        if not kit.asks(question, establishment):
            errors.append(
                Problem(
                    field=field,
                    code="question_not_asked",
                    message=(
                        f"Question non posée à {who}\u00a0: "
                        f"{not_asked_reason(question, kit, establishment, catalogue)}. Retirez cette réponse."
                    ),
                )
            )
            continue
        problem = _answer_problem(question, value, kit, establishment, who)
        if problem is not None:
            errors.append(Problem(field=field, code=problem[0], message=problem[1]))
        elif asked(question, answers, kit, establishment) is False:
            parent = kit.questions[question.asked_if.question] if question.asked_if else question
            errors.append(
                Problem(
                    field=field,
                    code="not_asked",
                    message=(
                        f"Question posée seulement selon la réponse à {parent.code} "
                        f"(« {parent.label} ») : retirez cette réponse."
                    ),
                )
            )
    return errors


def completeness(answers: Mapping[str, Any], kit: Kit, establishment: Establishment) -> Completeness:
    """Only the questions asked of ``establishment`` count: an answer left over from another
    category (the organisation's changed since) is neither answered nor missing."""
    asked_now = [
        question
        for question in kit.questions.values()
        if asked(question, answers, kit, establishment) is True
    ]
    required = [question.code for question in asked_now if question.required]
    return Completeness(
        answered=sum(1 for question in asked_now if question.code in answers),
        required=len(required),
        missing=tuple(code for code in required if code not in answers),
    )


def missing_answer_errors(
    answers: Mapping[str, Any], kit: Kit, establishment: Establishment, *, prefix: str = ""
) -> list[Problem]:
    return [
        Problem(
            field=f"{prefix}answers.{code}",
            code="required",
            message=f"Réponse requise : « {kit.questions[code].label} »",
        )
        for code in completeness(answers, kit, establishment).missing
    ]


def valid_answers(
    answers: Mapping[str, Any], kit: Kit, establishment: Establishment, catalogue: Catalogue
) -> dict[str, Any]:
    """What an earlier exercise's answers give a new one: only what the current kit accepts
    from ``establishment``. A multiple choice keeps the options still offered (unless none is
    left of a choice that had some: the question is then asked afresh); a refused answer is
    dropped, and with it any answer that was asked only because of it."""
    kept = normalise_answers(answers)
    for code, value in list(kept.items()):
        question = kit.questions.get(code)
        if question is None or question.answer_type is not AnswerType.MULTIPLE_CHOICE:
            continue
        if isinstance(value, list) and value:
            offered = {option.code for option in kit.offered_options(question, establishment)}
            still = [item for item in value if item in offered]
            if still:
                kept[code] = list(dict.fromkeys(still))
            else:
                del kept[code]
    # Dropping a parent may make its children unasked: repeat until nothing more is refused.
    while rejected := {
        error.field.removeprefix("answers.") for error in answer_errors(kept, kit, establishment, catalogue)
    }:
        kept = {code: value for code, value in kept.items() if code not in rejected}
    return kept


# ---------------------------------------------------------------------------------------------
# SI description

# The keys of a component besides its attributes.
IDENTITY_FIELDS = ("code", "category")


def _attribute_default(attribute: SiAttribute) -> Any:
    return [] if attribute.value_type is SiAttributeType.COMPONENT_REFERENCES else None


def normalise_components(components: Sequence[Mapping[str, Any]], kit: Kit) -> list[dict[str, Any]]:
    """Each component as stored: identity, then every attribute of the kit (null or [] when
    not given), text trimmed and blank text read as not given; unknown keys kept for the
    checks to report."""
    normalised: list[dict[str, Any]] = []
    for component in components:
        item = dict(component)
        for code, attribute in kit.si_attributes.items():
            value = item.get(code)
            if isinstance(value, str):
                value = value.strip() or None
            item[code] = _attribute_default(attribute) if value is None else value
        normalised.append(item)
    return normalised


def _references_problem(value: Any) -> ValueProblem:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        return "wrong_type", "Liste de codes de composants attendue."
    return None


def _attribute_problem(attribute: SiAttribute, value: Any, kit: Kit) -> ValueProblem:
    levels = list(kit.criticality_levels)
    checks: dict[SiAttributeType, Callable[[], ValueProblem]] = {
        SiAttributeType.TEXT: lambda: _text_value_problem(value, attribute.max_length),
        SiAttributeType.BOOL: lambda: _bool_problem(value),
        SiAttributeType.INTEGER: lambda: _integer_problem(value, attribute.minimum, attribute.maximum),
        SiAttributeType.HOSTING_MODE: lambda: _code_problem(value, list(HostingMode)),
        SiAttributeType.CRITICALITY: lambda: _integer_problem(value, levels[0], levels[-1]),
        SiAttributeType.COMPONENT_REFERENCES: lambda: _references_problem(value),
    }
    return checks[attribute.value_type]()


def _reference_errors(field: str, own_code: Any, references: Sequence[str], codes: set[str]) -> list[Problem]:
    errors: list[Problem] = []
    if own_code in references:
        errors.append(
            Problem(
                field=field,
                code="self_dependency",
                message=f"Le composant {own_code} ne peut pas dépendre de lui-même.",
            )
        )
    absent = [code for code in dict.fromkeys(references) if code != own_code and code not in codes]
    if absent:
        errors.append(
            Problem(
                field=field,
                code="unknown_component",
                message=(
                    f"Composant absent de la description : {_options_text(absent)} "
                    "(une dépendance cite le code d'un autre composant de la même description)."
                ),
            )
        )
    if len(set(references)) != len(references):
        errors.append(
            Problem(
                field=field, code="duplicate_reference", message="Chaque composant n'est cité qu'une fois."
            )
        )
    return errors


def component_errors(components: Sequence[Mapping[str, Any]], kit: Kit) -> list[Problem]:
    """Problems of normalised ``components``, each naming ``components[i].<field>``."""
    errors: list[Problem] = []
    codes = [component.get("code") for component in components]
    known_codes = {code for code in codes if isinstance(code, str)}
    seen: set[Any] = set()
    references = [
        attribute
        for attribute in kit.si_attributes.values()
        if attribute.value_type is SiAttributeType.COMPONENT_REFERENCES
    ]
    for index, component in enumerate(components):
        where = f"components[{index}]"
        code = component.get("code")
        if not isinstance(code, str) or not code:
            errors.append(
                Problem(field=f"{where}.code", code="required", message="Code du composant requis.")
            )
        elif code in seen:
            errors.append(
                Problem(
                    field=f"{where}.code",
                    code="duplicate_code",
                    message=f"Le code {code} est déjà celui d'un autre composant de la description.",
                )
            )
        seen.add(code)
        if not _is_code(component.get("category"), SiCategory):
            errors.append(
                Problem(
                    field=f"{where}.category", code="unknown_category", message="Catégorie inconnue du kit."
                )
            )
        for key in component.keys() - set(IDENTITY_FIELDS) - kit.si_attributes.keys():
            errors.append(
                Problem(field=f"{where}.{key}", code="unknown_attribute", message="Attribut inconnu du kit.")
            )
        for attribute in kit.si_attributes.values():
            value = component.get(attribute.code)
            field = f"{where}.{attribute.code}"
            if value is None or value == []:
                if attribute.required:
                    errors.append(
                        Problem(field=field, code="required", message=f"À renseigner : {attribute.label}.")
                    )
                continue
            problem = _attribute_problem(attribute, value, kit)
            if problem is not None:
                errors.append(Problem(field=field, code=problem[0], message=problem[1]))
            elif attribute in references:
                errors += _reference_errors(field, code, value, known_codes)
    errors += _cycle_errors(components, references)
    return errors


def _cycle_errors(
    components: Sequence[Mapping[str, Any]], references: Sequence[SiAttribute]
) -> list[Problem]:
    graph: dict[str, list[str]] = {}
    position: dict[str, int] = {}
    for index, component in enumerate(components):
        code = component.get("code")
        if isinstance(code, str) and code not in graph:
            position[code] = index
            graph[code] = [
                target
                for attribute in references
                if isinstance(values := component.get(attribute.code), list)
                for target in values
                if isinstance(target, str)
            ]
    field_name = references[0].code if references else "depends_on"
    return [
        Problem(
            field=f"components[{position[cycle[0]]}].{field_name}",
            code="dependency_cycle",
            message="Dépendance circulaire : " + " → ".join(cycle) + ".",
        )
        for cycle in dependency_cycles(graph)
    ]


def valid_components(components: Sequence[Mapping[str, Any]], kit: Kit) -> list[dict[str, Any]]:
    """An earlier exercise's description when it is still valid under ``kit``, else none."""
    normalised = normalise_components(components, kit)
    return [] if component_errors(normalised, kit) else normalised


# ---------------------------------------------------------------------------------------------
# Readiness


def readiness_errors(
    answers: Mapping[str, Any],
    components: Sequence[Mapping[str, Any]],
    kit: Kit,
    establishment: Establishment,
    catalogue: Catalogue,
) -> list[Problem]:
    """What keeps an exercise from being READY: stored answers this establishment may not give
    (its category or mode of care changed since they were saved), unanswered required
    questions, no component."""
    errors = [
        Problem(field=f"questionnaire.{error.field}", code=error.code, message=error.message)
        for error in answer_errors(answers, kit, establishment, catalogue)
    ]
    errors += missing_answer_errors(answers, kit, establishment, prefix="questionnaire.")
    if not components:
        errors.append(
            Problem(
                field="information_system.components",
                code="required",
                message="Décrivez au moins un composant du système d'information.",
            )
        )
    return errors
