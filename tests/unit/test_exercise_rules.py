"""The rules of an exercise, without a database: lifecycle, parameters, questionnaire answers
against the kit's questions, SI description against the kit's attributes, dependency cycles."""

from __future__ import annotations

import itertools
from collections import deque
from datetime import UTC, date, datetime, time
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.domain.exercises.rules import (
    TRANSITIONS,
    answer_errors,
    asked,
    closed_problem,
    completeness,
    component_errors,
    normalise_answers,
    normalise_components,
    parameter_errors,
    parse_clock,
    readiness_errors,
    reserved_transition_problem,
    transition_problem,
    valid_answers,
    valid_components,
)
from service.domain.exercises.schemas import SiComponent
from service.kit.catalogue import get_catalogue
from service.kit.codes import (
    AccountRole,
    AnswerType,
    EssmsCategory,
    ExerciseStatus,
    HostingMode,
    ServiceMode,
    SiAttributeType,
    SiCategory,
)
from service.kit.content import Establishment, Kit, Question, every_establishment, get_kit
from service.lib.graphs import dependency_cycles
from service.lib.problems import Problem
from service.lib.time import EXERCISE_YEARS, format_clock, paris_moment

S = ExerciseStatus
KIT = get_kit()
CATALOGUE = get_catalogue()
# The establishment most tests create (tests/factories.py).
EHPAD = Establishment(EssmsCategory.EHPAD, ServiceMode.HEBERGEMENT)
# Whole questionnaires and graphs are costly to draw: fewer examples, and no deadline on a busy CI.
composite = settings(max_examples=50, deadline=None)
LIFECYCLE = list(ExerciseStatus)


def fields(errors: list[Problem]) -> list[tuple[str, str]]:
    return [(error.field, error.code) for error in errors]


# Lifecycle


def test_the_lifecycle_goes_forward_one_step_at_a_time_to_closed() -> None:
    forward = [
        (source, target)
        for source, target in TRANSITIONS
        if LIFECYCLE.index(target) > LIFECYCLE.index(source)
    ]
    assert sorted(forward) == sorted(itertools.pairwise(LIFECYCLE))


def test_every_transition_moves_one_step_and_closed_is_final() -> None:
    for source, target in TRANSITIONS:
        assert abs(LIFECYCLE.index(target) - LIFECYCLE.index(source)) == 1
    assert not [pair for pair in TRANSITIONS if pair[0] is S.CLOSED]


def refusals(source: ExerciseStatus, target: ExerciseStatus, role: AccountRole) -> list[Problem]:
    """What the lifecycle says against a status change: a conflict, or a step reserved to admins."""
    found = (
        transition_problem(source, target, CATALOGUE),
        reserved_transition_problem(source, target, role, CATALOGUE),
    )
    return [problem for problem in found if problem is not None]


def test_establishments_move_between_draft_and_ready_and_close_their_exercise() -> None:
    for source, target in [(S.DRAFT, S.READY), (S.READY, S.DRAFT), (S.EVALUATED, S.CLOSED)]:
        assert refusals(source, target, AccountRole.ESTABLISHMENT) == []


@given(source=st.sampled_from(LIFECYCLE), target=st.sampled_from(LIFECYCLE))
def test_a_transition_outside_the_table_is_a_conflict_naming_both_steps(
    source: ExerciseStatus, target: ExerciseStatus
) -> None:
    if source is target or (source, target) in TRANSITIONS:
        return
    conflict = transition_problem(source, target, CATALOGUE)
    assert conflict is not None
    assert (conflict.field, conflict.code) == ("status", "invalid_transition")
    assert f"« {CATALOGUE.label(source)} »" in conflict.message
    assert f"« {CATALOGUE.label(target)} »" in conflict.message


@pytest.mark.parametrize("role", [AccountRole.REGIONAL, AccountRole.ESTABLISHMENT])
@pytest.mark.parametrize("pair", [pair for pair, transition in TRANSITIONS.items() if transition.admin_only])
def test_steps_made_by_the_service_can_be_forced_by_a_national_admin_only(
    pair: tuple[ExerciseStatus, ExerciseStatus], role: AccountRole
) -> None:
    assert refusals(*pair, AccountRole.ADMIN) == []
    assert [problem.code for problem in refusals(*pair, role)] == ["transition_reserved"]


@pytest.mark.parametrize("role", [AccountRole.REGIONAL, AccountRole.ESTABLISHMENT])
def test_organisers_step_back_from_generated_to_ready_to_change_the_inputs(role: AccountRole) -> None:
    """The chronogram is kept and regenerated later; only its generation moves READY forward."""
    assert refusals(S.GENERATED, S.READY, role) == []
    assert refusals(S.READY, S.GENERATED, role) != []


def test_staying_on_the_same_step_is_no_transition() -> None:
    for status in LIFECYCLE:
        assert refusals(status, status, AccountRole.ESTABLISHMENT) == []


def test_a_closed_exercise_refuses_every_edit() -> None:
    closed = closed_problem(S.CLOSED)
    assert closed is not None
    assert closed.code == "exercise_closed"
    assert all(closed_problem(status) is None for status in LIFECYCLE[:-1])


# Parameters


def parameters(**overrides: Any) -> dict[str, Any]:
    state: dict[str, Any] = {
        "duration_minutes": 180,
        "briefing_minutes": 15,
        "exercise_date": date(2026, 3, 12),
        "start_time": time(9, 30),
        "participants": [{"role": "DIRECTION", "count": 2, "names": ["Claire Martin"]}],
    }
    return state | overrides


@given(duration=st.integers(10, 1440), briefing=st.integers(0, 240))
def test_the_duration_must_leave_time_to_play_after_the_briefing(duration: int, briefing: int) -> None:
    errors = parameter_errors(parameters(duration_minutes=duration, briefing_minutes=briefing))
    refused = ("duration_minutes", "duration_not_above_briefing") in fields(errors)
    assert refused == (duration <= briefing)


def test_a_start_time_needs_a_date() -> None:
    errors = parameter_errors(parameters(exercise_date=None))
    assert fields(errors) == [("start_time", "start_time_without_date")]
    assert parameter_errors(parameters(exercise_date=None, start_time=None)) == []


def test_a_start_time_skipped_by_summer_time_is_refused() -> None:
    # 29 March 2026: clocks go from 02:00 to 03:00 in Paris.
    errors = parameter_errors(parameters(exercise_date=date(2026, 3, 29), start_time=time(2, 30)))
    assert fields(errors) == [("start_time", "nonexistent_local_time")]
    assert parameter_errors(parameters(exercise_date=date(2026, 3, 29), start_time=time(3, 0))) == []


@pytest.mark.parametrize("year", [EXERCISE_YEARS.start - 1, EXERCISE_YEARS.stop, 1])
def test_dates_outside_the_supported_years_are_refused(year: int) -> None:
    errors = parameter_errors(parameters(exercise_date=date(year, 6, 1)))
    assert fields(errors) == [("exercise_date", "out_of_range")]


def test_players_have_one_line_per_role_and_no_more_names_than_players() -> None:
    errors = parameter_errors(
        parameters(
            participants=[
                {"role": "DIRECTION", "count": 1, "names": ["A", "B"]},
                {"role": "DPO", "count": 1, "names": []},
                {"role": "DIRECTION", "count": 3, "names": []},
            ]
        )
    )
    assert fields(errors) == [
        ("participants[0].role", "duplicate_role"),
        ("participants[0].names", "too_many_names"),
        ("participants[2].role", "duplicate_role"),
    ]


@given(hour=st.integers(0, 23), minute=st.integers(0, 59))
def test_clock_text_round_trips(hour: int, minute: int) -> None:
    assert parse_clock(format_clock(time(hour, minute))) == time(hour, minute)


@pytest.mark.parametrize(
    ("day", "clock", "utc"),
    [
        (date(2026, 1, 15), time(9, 0), datetime(2026, 1, 15, 8, 0, tzinfo=UTC)),  # winter: UTC+1
        (date(2026, 7, 15), time(9, 0), datetime(2026, 7, 15, 7, 0, tzinfo=UTC)),  # summer: UTC+2
        # 25 October 2026: 02:30 happens twice; the first one, still in summer time.
        (date(2026, 10, 25), time(2, 30), datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
        (date(2026, 3, 29), time(2, 30), None),
    ],
)
def test_paris_wall_clock_times_become_utc_instants(day: date, clock: time, utc: datetime | None) -> None:
    assert paris_moment(day, clock) == utc


# Business questionnaire


def question_of(kind: AnswerType, *, conditional: bool = False) -> Question:
    """The first question of this type that an EHPAD is asked."""
    return next(
        question
        for question in KIT.questions.values()
        if question.answer_type is kind
        and (question.asked_if is not None) == conditional
        and KIT.asks(question, EHPAD)
    )


def option_codes(question: Question) -> list[str]:
    return [option.code for option in KIT.offered_options(question, EHPAD)]


def valid_value(question: Question, kit: Kit, establishment: Establishment = EHPAD) -> st.SearchStrategy[Any]:
    options = [option.code for option in kit.offered_options(question, establishment)]
    strategies: dict[AnswerType, st.SearchStrategy[Any]] = {
        AnswerType.BOOL: st.booleans(),
        AnswerType.INTEGER: st.integers(question.minimum, question.maximum),
        AnswerType.SINGLE_CHOICE: st.sampled_from(options or ["?"]),
        AnswerType.MULTIPLE_CHOICE: st.lists(st.sampled_from(options or ["?"]), unique=True),
        AnswerType.TEXT: st.text("abcdéèà ,.'\n", min_size=1, max_size=min(80, question.max_length or 80))
        .map(str.strip)
        .filter(bool),
    }
    return strategies[question.answer_type]


ESTABLISHMENTS = st.sampled_from(every_establishment())


@st.composite
def questionnaires(draw: st.DrawFn, *, complete: bool, establishment: Establishment) -> dict[str, Any]:
    """Valid answers of ``establishment``, filled in the kit's order as a person would: only the
    questions it is asked, a conditional one only once its condition is met, among the options
    it is offered; when not ``complete``, any question may be left out."""
    answers: dict[str, Any] = {}
    for question in KIT.questions.values():
        if asked(question, answers, KIT, establishment) is not True:
            continue
        if (complete and question.required) or draw(st.booleans()):
            answers[question.code] = draw(valid_value(question, KIT, establishment))
    return answers


@st.composite
def answered(draw: st.DrawFn, *, complete: bool) -> tuple[Establishment, dict[str, Any]]:
    """Any category in any mode of care, and a questionnaire it could send."""
    establishment = draw(ESTABLISHMENTS)
    return establishment, draw(questionnaires(complete=complete, establishment=establishment))


@composite
@given(case=answered(complete=False))
def test_answers_matching_their_questions_are_accepted(case: tuple[Establishment, dict[str, Any]]) -> None:
    establishment, answers = case
    assert answer_errors(answers, KIT, establishment, CATALOGUE) == []
    progress = completeness(answers, KIT, establishment)
    assert progress.answered == len(answers)
    assert set(progress.missing).isdisjoint(answers)


@composite
@given(case=answered(complete=True))
def test_a_questionnaire_with_every_asked_required_question_answered_is_complete(
    case: tuple[Establishment, dict[str, Any]],
) -> None:
    establishment, answers = case
    progress = completeness(answers, KIT, establishment)
    assert progress.complete
    assert progress.missing == ()
    assert readiness_errors(answers, [{"code": "DUI"}], KIT, establishment, CATALOGUE) == []


@composite
@given(case=answered(complete=True), data=st.data())
def test_removing_a_required_answer_makes_it_missing(
    case: tuple[Establishment, dict[str, Any]], data: st.DataObject
) -> None:
    establishment, answers = case
    required = [code for code in answers if KIT.questions[code].required]
    removed = data.draw(st.sampled_from(required))
    del answers[removed]
    progress = completeness(answers, KIT, establishment)
    assert removed in progress.missing
    assert ("questionnaire.answers." + removed, "required") in fields(
        readiness_errors(answers, [{}], KIT, establishment, CATALOGUE)
    )


WRONG_TYPES: dict[AnswerType, list[Any]] = {
    AnswerType.BOOL: ["oui", "true", 1, [True], 0.5],
    AnswerType.INTEGER: [True, "12", 12.5, [12], {"value": 12}],
    AnswerType.SINGLE_CHOICE: [True, 3, ["OUI"], {"code": "OUI"}],
    AnswerType.MULTIPLE_CHOICE: ["SOINS", True, 3, [1, 2], [["SOINS"]]],
    AnswerType.TEXT: [True, 3, ["texte"], {"texte": "x"}],
}


@pytest.mark.parametrize(
    ("kind", "value"), [(kind, value) for kind, values in WRONG_TYPES.items() for value in values]
)
def test_answers_of_the_wrong_type_are_refused_naming_the_question(kind: AnswerType, value: Any) -> None:
    question = question_of(kind)
    errors = answer_errors({question.code: value}, KIT, EHPAD, CATALOGUE)
    assert fields(errors) == [(f"answers.{question.code}", "wrong_type")]
    assert errors[0].message


def test_options_outside_the_list_are_refused() -> None:
    single, multiple = question_of(AnswerType.SINGLE_CHOICE), question_of(AnswerType.MULTIPLE_CHOICE)
    first = option_codes(multiple)[0]
    errors = answer_errors(
        {single.code: "PEUT_ETRE", multiple.code: [first, "TELEPORTATION"]}, KIT, EHPAD, CATALOGUE
    )
    assert fields(errors) == [
        (f"answers.{single.code}", "unknown_option"),
        (f"answers.{multiple.code}", "unknown_option"),
    ]
    assert "TELEPORTATION" in errors[1].message
    duplicated = answer_errors({multiple.code: [first, first]}, KIT, EHPAD, CATALOGUE)
    assert fields(duplicated) == [(f"answers.{multiple.code}", "duplicate_option")]


def test_integers_outside_the_question_bounds_are_refused() -> None:
    question = question_of(AnswerType.INTEGER)
    assert question.minimum is not None
    assert question.maximum is not None
    for value in (question.minimum - 1, question.maximum + 1):
        assert fields(answer_errors({question.code: value}, KIT, EHPAD, CATALOGUE)) == [
            (f"answers.{question.code}", "out_of_range")
        ]


def test_text_answers_are_trimmed_bounded_and_never_blank() -> None:
    question = question_of(AnswerType.TEXT)
    assert question.max_length is not None
    assert normalise_answers({question.code: "  Tester la chaîne d'alerte  "}) == {
        question.code: "Tester la chaîne d'alerte"
    }
    assert fields(answer_errors(normalise_answers({question.code: "   "}), KIT, EHPAD, CATALOGUE)) == [
        (f"answers.{question.code}", "blank")
    ]
    too_long = "x" * (question.max_length + 1)
    assert fields(answer_errors({question.code: too_long}, KIT, EHPAD, CATALOGUE)) == [
        (f"answers.{question.code}", "too_long")
    ]
    assert fields(answer_errors({question.code: "bip\x07"}, KIT, EHPAD, CATALOGUE)) == [
        (f"answers.{question.code}", "invalid_characters")
    ]


def test_unknown_question_codes_are_refused() -> None:
    errors = answer_errors({"Q_PLAN_ROUGE": True, "q_plan_bleu": True}, KIT, EHPAD, CATALOGUE)
    assert fields(errors) == [
        ("answers.Q_PLAN_ROUGE", "unknown_question"),
        ("answers.q_plan_bleu", "unknown_question"),
    ]


def test_null_is_no_answer() -> None:
    assert normalise_answers({"Q_PLAN_BLEU": None, "Q_DPO": True}) == {"Q_DPO": True}


def test_a_conditional_question_is_asked_only_when_its_condition_is_met() -> None:
    child = question_of(AnswerType.BOOL, conditional=True)
    assert child.asked_if is not None
    parent, expected = child.asked_if.question, child.asked_if.answer
    assert asked(child, {}, KIT, EHPAD) is None
    assert asked(child, {parent: expected}, KIT, EHPAD) is True
    other = not expected if isinstance(expected, bool) else "__other__"
    assert asked(child, {parent: other}, KIT, EHPAD) is False
    # Not asked: its answer is refused, and it is not required.
    errors = answer_errors({parent: other, child.code: True}, KIT, EHPAD, CATALOGUE)
    assert fields(errors) == [(f"answers.{child.code}", "not_asked")]
    assert child.code not in completeness({parent: other}, KIT, EHPAD).missing
    if child.required:
        assert child.code in completeness({parent: expected}, KIT, EHPAD).missing


def test_answers_copied_from_an_earlier_exercise_keep_only_what_the_kit_accepts() -> None:
    bool_question = question_of(AnswerType.BOOL)
    kept = valid_answers(
        {bool_question.code: True, "Q_RETIREE": True, "Q_NB_USAGERS": "beaucoup"}, KIT, EHPAD, CATALOGUE
    )
    assert kept == {bool_question.code: True}


# The establishment's category and mode of care (issue C2).

SSIAD = Establishment(EssmsCategory.SSIAD, ServiceMode.DOMICILE)
ESAT = Establishment(EssmsCategory.ESAT, ServiceMode.TRAVAIL)


def test_an_option_not_offered_to_the_category_is_refused_naming_it() -> None:
    errors = answer_errors({"Q_ACTIVITES_CRITIQUES": ["REPAS", "CIRCUIT_MEDICAMENT"]}, KIT, ESAT, CATALOGUE)
    assert fields(errors) == [("answers.Q_ACTIVITES_CRITIQUES", "option_not_offered")]
    message = errors[0].message
    assert message.startswith("«\u00a0Circuit du médicament\u00a0» (CIRCUIT_MEDICAMENT) n'est pas proposée")
    assert "(ESAT)" in message
    assert "REPAS" in message.partition("options proposées\u00a0:")[2]
    # A code in no list is still unknown, and said first.
    errors = answer_errors(
        {"Q_ACTIVITES_CRITIQUES": ["CIRCUIT_MEDICAMENT", "JARDINAGE"]}, KIT, ESAT, CATALOGUE
    )
    assert fields(errors) == [("answers.Q_ACTIVITES_CRITIQUES", "unknown_option")]
    assert answer_errors({"Q_ACTIVITES_CRITIQUES": ["CIRCUIT_MEDICAMENT"]}, KIT, EHPAD, CATALOGUE) == []


def test_a_question_outside_the_category_is_not_asked_whatever_the_answers() -> None:
    protected = KIT.questions["Q_UNITE_PROTEGEE"]
    assert asked(protected, {}, KIT, SSIAD) is False
    assert asked(protected, {}, KIT, EHPAD) is True
    # Even a wrongly typed answer: the question is not for it, and that is what it is told.
    errors = answer_errors({"Q_UNITE_PROTEGEE": "oui"}, KIT, SSIAD, CATALOGUE)
    assert fields(errors) == [("answers.Q_UNITE_PROTEGEE", "question_not_asked")]
    assert "dont le mode de prise en charge est «\u00a0Hébergement\u00a0»" in errors[0].message
    assert "«\u00a0Accompagne des personnes âgées\u00a0»" in errors[0].message


def test_a_follow_up_of_a_question_not_asked_is_not_asked_either() -> None:
    night_care = KIT.questions["Q_SOINS_NUIT"]
    assert night_care.asked_if is not None
    # An IME has no care trait: not asked, whatever its night presence.
    ime = Establishment(EssmsCategory.IME, ServiceMode.HEBERGEMENT)
    assert asked(night_care, {"Q_PRESENCE_NUIT": True}, KIT, ime) is False
    assert asked(night_care, {"Q_PRESENCE_NUIT": True}, KIT, EHPAD) is True


def test_completeness_ignores_the_questions_not_asked() -> None:
    pharmacy = KIT.questions["Q_PHARMACIE"]
    assert pharmacy.required
    assert "Q_PHARMACIE" in completeness({}, KIT, EHPAD).missing
    assert "Q_PHARMACIE" not in completeness({}, KIT, SSIAD).missing
    assert completeness({}, KIT, SSIAD).required == completeness({}, KIT, EHPAD).required - 1
    # A leftover answer (the category changed since) is not counted as answered…
    assert completeness({"Q_PHARMACIE": "PUI"}, KIT, SSIAD).answered == 0
    # …and keeps the exercise from being READY.
    assert ("questionnaire.answers.Q_PHARMACIE", "question_not_asked") in fields(
        readiness_errors({"Q_PHARMACIE": "PUI"}, [{"code": "DUI"}], KIT, SSIAD, CATALOGUE)
    )


def test_a_copy_keeps_what_the_establishment_is_offered() -> None:
    earlier = {
        "Q_ACTIVITES_CRITIQUES": ["SOINS", "REPAS", "CIRCUIT_MEDICAMENT"],
        "Q_PROC_DEGRADEES": ["CIRCUIT_MEDICAMENT"],
        "Q_PHARMACIE": "PUI",
        "Q_PRESENCE_NUIT": True,
        "Q_SOINS_NUIT": "ASTREINTE",
        "Q_DPO": True,
    }
    assert valid_answers(earlier, KIT, EHPAD, CATALOGUE) == earlier
    assert valid_answers(earlier, KIT, ESAT, CATALOGUE) == {
        "Q_ACTIVITES_CRITIQUES": ["REPAS"],
        "Q_PRESENCE_NUIT": True,
        "Q_DPO": True,
    }


def test_a_copy_drops_the_follow_ups_of_a_dropped_answer() -> None:
    earlier = {"Q_PLAN_BLEU": "oui", "Q_PLAN_BLEU_CYBER": True}
    assert valid_answers(earlier, KIT, EHPAD, CATALOGUE) == {}


@composite
@given(establishment=ESTABLISHMENTS, data=st.data())
def test_a_copy_is_always_accepted_as_it_stands(establishment: Establishment, data: st.DataObject) -> None:
    """Whatever another establishment answered, the copy is a questionnaire this one may save."""
    source = data.draw(ESTABLISHMENTS)
    earlier = data.draw(questionnaires(complete=False, establishment=source))
    kept = valid_answers(earlier, KIT, establishment, CATALOGUE)
    assert answer_errors(kept, KIT, establishment, CATALOGUE) == []
    # Nothing invented: each answer kept is the earlier one, or some of its ticked options.
    for code, value in kept.items():
        assert value == earlier[code] or set(value) < set(earlier[code]), code


# SI description


def component(code: str, *depends_on: str, **attributes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "code": code,
        "category": "DUI",
        "name": f"Logiciel {code}",
        "editor": None,
        "hosting": "SAAS",
        "criticality": 3,
        "users_count": 40,
        "personal_data": True,
        "health_data": True,
        "degraded_procedure": False,
        "rto_hours": 24,
        "depends_on": list(depends_on),
    }
    return values | attributes


SAMPLES: dict[SiAttributeType, Any] = {
    SiAttributeType.TEXT: "Netsoins",
    SiAttributeType.BOOL: True,
    SiAttributeType.INTEGER: 12,
    SiAttributeType.CRITICALITY: 1,
    SiAttributeType.HOSTING_MODE: "SAAS",
    SiAttributeType.COMPONENT_REFERENCES: ["INTERNET"],
}


def test_the_component_wire_format_carries_exactly_the_kit_attributes() -> None:
    """The kit defines the attributes, the wire Struct names them: both must agree, and each
    field must take a value of its attribute's type and refuse the other kinds."""
    assert set(SiComponent.__struct_fields__) - {"code", "category"} == set(KIT.si_attributes)
    for code, attribute in KIT.si_attributes.items():
        accepted = msgspec.convert(
            {"code": "DUI", "category": "DUI", code: SAMPLES[attribute.value_type]}, SiComponent
        )
        assert getattr(accepted, code) == SAMPLES[attribute.value_type]
        for sample in SAMPLES.values():
            if type(sample) is not type(SAMPLES[attribute.value_type]):
                with pytest.raises(msgspec.ValidationError):
                    msgspec.convert({"code": "DUI", "category": "DUI", code: sample}, SiComponent)


def test_a_complete_description_is_accepted_and_normalised() -> None:
    components = normalise_components(
        [
            component("INTERNET", category="INTERNET"),
            {"code": "DUI", "category": "DUI", "name": " Netsoins "},
        ],
        KIT,
    )
    assert components[1]["name"] == "Netsoins"
    assert components[1]["depends_on"] == []
    assert components[1]["rto_hours"] is None
    assert ("components[1].hosting", "required") in fields(component_errors(components, KIT))
    assert (
        component_errors(
            normalise_components([component("INTERNET"), component("DUI", "INTERNET")], KIT), KIT
        )
        == []
    )


def test_required_attributes_come_from_the_kit() -> None:
    errors = component_errors(normalise_components([{"code": "DUI", "category": "DUI"}], KIT), KIT)
    required = {attribute.code for attribute in KIT.si_attributes.values() if attribute.required}
    assert {error.field.removeprefix("components[0].") for error in errors} == required
    assert {error.code for error in errors} == {"required"}


def test_attribute_values_are_checked_against_the_kit() -> None:
    errors = component_errors(
        [
            component(
                "DUI", criticality=9, hosting="CHEZ_MOI", users_count=-1, rto_hours="24", personal_data="oui"
            )
        ],
        KIT,
    )
    assert fields(errors) == [
        ("components[0].hosting", "unknown_option"),
        ("components[0].criticality", "out_of_range"),
        ("components[0].users_count", "out_of_range"),
        ("components[0].personal_data", "wrong_type"),
        ("components[0].rto_hours", "wrong_type"),
    ]


def test_unknown_categories_attributes_and_duplicate_codes_are_refused() -> None:
    errors = component_errors(
        [component("DUI"), component("DUI", category="MINITEL"), component("X") | {"colour": "bleu"}], KIT
    )
    assert fields(errors) == [
        ("components[1].code", "duplicate_code"),
        ("components[1].category", "unknown_category"),
        ("components[2].colour", "unknown_attribute"),
    ]


def test_a_component_cannot_depend_on_itself_nor_on_an_absent_component() -> None:
    errors = component_errors([component("DUI", "DUI", "BOX", "INTERNET"), component("INTERNET")], KIT)
    assert fields(errors) == [
        ("components[0].depends_on", "self_dependency"),
        ("components[0].depends_on", "unknown_component"),
    ]
    assert "BOX" in errors[1].message


def test_a_dependency_cycle_is_refused_naming_its_first_component_and_the_circle() -> None:
    errors = component_errors(
        [component("POSTES"), component("DUI", "AD"), component("AD", "RESEAU"), component("RESEAU", "DUI")],
        KIT,
    )
    assert fields(errors) == [("components[1].depends_on", "dependency_cycle")]
    assert errors[0].message == "Dépendance circulaire : DUI → AD → RESEAU → DUI."


def test_a_description_copied_from_an_earlier_exercise_is_kept_only_when_still_valid() -> None:
    valid = [component("INTERNET"), component("DUI", "INTERNET")]
    assert valid_components(valid, KIT) == normalise_components(valid, KIT)
    assert valid_components([component("DUI", "DUI")], KIT) == []


def test_an_exercise_without_component_is_not_ready() -> None:
    errors = readiness_errors({}, [], KIT, EHPAD, CATALOGUE)
    assert ("information_system.components", "required") in fields(errors)


# Dependency cycles, against a reference: a graph has a cycle exactly when Kahn's algorithm
# cannot order all its nodes.

NODES = [f"C{index}" for index in range(8)]


@st.composite
def graphs(draw: st.DrawFn) -> dict[str, list[str]]:
    nodes = draw(st.lists(st.sampled_from(NODES), unique=True, min_size=1))
    return {node: draw(st.lists(st.sampled_from([*nodes, "ABSENT"]), max_size=4)) for node in nodes}


def is_acyclic(graph: dict[str, list[str]]) -> bool:
    edges = {
        node: {child for child in children if child in graph and child != node}
        for node, children in graph.items()
    }
    incoming = dict.fromkeys(graph, 0)
    for children in edges.values():
        for child in children:
            incoming[child] += 1
    ready = deque(node for node, count in incoming.items() if count == 0)
    ordered = 0
    while ready:
        node = ready.popleft()
        ordered += 1
        for child in edges[node]:
            incoming[child] -= 1
            if incoming[child] == 0:
                ready.append(child)
    return ordered == len(graph)


@composite
@given(graph=graphs())
def test_cycles_are_found_exactly_when_the_graph_is_not_acyclic(graph: dict[str, list[str]]) -> None:
    cycles = dependency_cycles(graph)
    assert (cycles == []) == is_acyclic(graph)


@composite
@given(graph=graphs())
def test_each_reported_cycle_is_a_real_circle_and_groups_do_not_overlap(graph: dict[str, list[str]]) -> None:
    seen: set[str] = set()
    order = list(graph)
    for cycle in dependency_cycles(graph):
        assert cycle[0] == cycle[-1]
        inner = cycle[:-1]
        assert len(inner) >= 2
        assert len(set(inner)) == len(inner)
        for source, target in itertools.pairwise(cycle):
            assert target in graph[source]
        assert seen.isdisjoint(inner)
        seen |= set(inner)
        # It starts at its group's first component in the description's order.
        assert order.index(cycle[0]) == min(order.index(node) for node in inner)


def test_long_chains_do_not_exhaust_the_stack() -> None:
    chain = {f"C{index}": [f"C{index + 1}"] for index in range(5000)} | {"C5000": ["C0"]}
    (cycle,) = dependency_cycles(chain)
    assert len(cycle) == 5002


def test_hosting_modes_and_categories_of_the_wire_are_the_kits() -> None:
    assert set(KIT.si_categories) == set(SiCategory)
    hosting = next(a for a in KIT.si_attributes.values() if a.value_type is SiAttributeType.HOSTING_MODE)
    assert component_errors([component("DUI", **{hosting.code: HostingMode.UNKNOWN.value})], KIT) == []
