"""The kit's reference content: what it holds, and how a broken file stops the service.

Every rule of the loader gets a broken document fed to ``build_kit``; the error must name the
file and the code at fault, so whoever edits the TOML knows where to look.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Callable, Iterator
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.kit.catalogue import get_catalogue
from service.kit.codes import (
    AnswerType,
    EssmsCategory,
    ExerciseFormat,
    ExerciseLevel,
    QuestionSection,
    ScenarioType,
    ServiceMode,
    SiCategory,
)
from service.kit.content import (
    KIT_FILES,
    Establishment,
    Kit,
    KitContentError,
    build_kit,
    every_establishment,
    get_kit,
    read_kit_documents,
)

Documents = dict[str, Any]


@functools.cache
def _shipped() -> Documents:
    return read_kit_documents()


def documents() -> Documents:
    """A private copy of the shipped files, decoded, for a test to break."""
    return copy.deepcopy(_shipped())


def questions(docs: Documents) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = docs["questionnaire.toml"]["questions"]
    return found


def question(docs: Documents, code: str) -> dict[str, Any]:
    return next(item for item in questions(docs) if item["code"] == code)


def entries(docs: Documents, file: str, key: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = docs[file][key]
    return found


def refused(docs: Documents, *fragments: str) -> str:
    """Building fails, and the message holds every fragment (file, code, reason)."""
    with pytest.raises(KitContentError) as raised:
        build_kit(docs)
    message = str(raised.value)
    for fragment in fragments:
        assert fragment in message, message
    return message


KIT = get_kit()


# What the shipped content holds.


def test_the_shipped_content_loads_and_is_cached() -> None:
    assert get_kit() is KIT
    assert build_kit(documents()) == KIT
    assert KIT.kit_version == "V2"
    assert KIT.revision


def test_the_questionnaire_has_at_least_25_questions_in_every_section() -> None:
    assert len(KIT.questions) >= 25
    assert {item.section for item in KIT.questions.values()} == set(QuestionSection)
    assert {item.answer_type for item in KIT.questions.values()} == set(AnswerType)


# DOMAIN §8.3: the codes the chronogram's rules will refer to.
DOMAIN_QUESTION_CODES = (
    "Q_PLAN_BLEU",
    "Q_PLAN_BLEU_CYBER",
    "Q_PCA",
    "Q_CELLULE_CRISE",
    "Q_ASTREINTE",
    "Q_ACTIVITES_CRITIQUES",
    "Q_PROC_DEGRADEES",
    "Q_LISTES_PAPIER",
    "Q_FORMATION_MODE_DEGRADE",
    "Q_SITES_MULTIPLES",
    "Q_ANNUAIRE_CRISE",
    "Q_SIGNALEMENT_CONNU",
    "Q_DPO",
    "Q_PAIE_PERIODE",
    "Q_ES_PARTENAIRE",
    "Q_EXERCICE_PRECEDENT",
)


@pytest.mark.parametrize("code", DOMAIN_QUESTION_CODES)
def test_the_domain_question_codes_exist_and_feed_the_rules(code: str) -> None:
    assert KIT.questions[code].used_by_rules


def test_critical_activities_and_degraded_procedures_share_the_activity_list() -> None:
    critical = KIT.questions["Q_ACTIVITES_CRITIQUES"]
    degraded = KIT.questions["Q_PROC_DEGRADEES"]
    assert critical.answer_type is degraded.answer_type is AnswerType.MULTIPLE_CHOICE
    codes = [option.code for option in KIT.options(critical)]
    assert codes == [option.code for option in KIT.options(degraded)]
    assert set(codes) >= {
        "SOINS",
        "CIRCUIT_MEDICAMENT",
        "REPAS",
        "ACCOMPAGNEMENT",
        "TRANSPORT",
        "PLANNING_INTERVENTIONS",
        "ADMISSIONS",
        "FACTURATION",
        "PAIE",
    }


def test_follow_up_questions_are_asked_only_after_a_yes() -> None:
    follow_up = KIT.questions["Q_PRESTATAIRE_HORAIRES"]
    assert follow_up.asked_if is not None
    assert (follow_up.asked_if.question, follow_up.asked_if.answer) == ("Q_PRESTATAIRE_INFO", True)
    year = KIT.questions["Q_EXERCICE_PRECEDENT_ANNEE"]
    assert year.answer_type is AnswerType.INTEGER
    assert year.asked_if is not None
    assert year.asked_if.question == "Q_EXERCICE_PRECEDENT"


def test_every_si_category_scenario_level_and_format_has_its_content() -> None:
    assert list(KIT.si_categories) == list(SiCategory)
    assert len(KIT.si_categories) == 22
    assert list(KIT.scenarios) == list(ScenarioType)
    assert len(KIT.scenarios) == 7
    assert list(KIT.levels) == list(ExerciseLevel)
    assert list(KIT.formats) == list(ExerciseFormat)


def test_the_si_attributes_are_those_of_a_component() -> None:
    assert set(KIT.si_attributes) == {
        "name",
        "editor",
        "hosting",
        "criticality",
        "users_count",
        "personal_data",
        "health_data",
        "degraded_procedure",
        "rto_hours",
        "depends_on",
    }
    assert list(KIT.criticality_levels) == [1, 2, 3, 4]


def test_formats_last_about_three_hours_and_the_short_one_45_minutes() -> None:
    """DOMAIN decision 7."""
    assert KIT.formats[ExerciseFormat.SENSIBILISATION].total_minutes == 45
    assert KIT.formats[ExerciseFormat.TABLE_TOP].total_minutes == 180
    assert KIT.formats[ExerciseFormat.SIMULATION].total_minutes == 180


def test_the_competency_framework_of_decision_2() -> None:
    assert list(KIT.families) == [
        "CONTINUITE_ACTIVITE",
        "RECONSTRUCTION_IT",
        "GOUVERNANCE_CRISE",
        "ALERTE_SIGNALEMENT",
        "COMMUNICATION",
    ]
    for family in KIT.families.values():
        assert 4 <= len(family.items) <= 6, family.code
    continuity = KIT.families["CONTINUITE_ACTIVITE"]
    assert continuity.label == "Continuité de l'activité (ESMS)"
    assert [item.code for item in continuity.items] == [
        "CA_CARTOGRAPHIE",
        "CA_PRIORISATION",
        "CA_CONTOURNEMENT",
        "CA_FORMATION",
        "CA_PLAN_BLEU",
        "CA_FILIERES",
    ]
    assert continuity.items[0].label == "Définir mes activités métiers (cartographie des services)"
    assert KIT.item_families["AS_DPO_CNIL"] == "ALERTE_SIGNALEMENT"


def test_an_item_is_acquired_from_satisfaisant() -> None:
    """DOMAIN decision 1: acquis when rated ≥ 2 (Satisfaisant)."""
    ratings = get_catalogue().ratings
    assert [entry.score for entry in ratings.values() if entry.score == KIT.acquired_score] == [2]
    assert ratings[next(iter(ratings))].score is None  # NA, first of the scale, is never scored


def _texts(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _texts(item)


# French typography, the same everywhere: a no-break space before « : ; ? ! » and inside
# guillemets, never an ordinary one, never none.
_BAD_TYPOGRAPHY = re.compile(r"[^\u00a0][:;?!»]|«[^\u00a0]")


def test_french_text_uses_no_break_spaces_consistently() -> None:
    texts = [
        *_texts(_shipped()),
        *(label for labels in get_catalogue().lists().values() for label in labels.values()),
    ]
    codes = re.compile(r"[A-Za-z0-9_.-]+")
    offenders = [text for text in texts if not codes.fullmatch(text) and _BAD_TYPOGRAPHY.search(text)]
    assert offenders == []


def test_no_text_holds_line_breaks_or_double_spaces() -> None:
    offenders = [text for text in _texts(_shipped()) if "\n" in text or "  " in text]
    assert offenders == []


# Decoding: unknown codes and fields, missing fields, wrong types.


def test_a_missing_file_is_refused() -> None:
    docs = documents()
    del docs["scenarios.toml"]
    refused(docs, "scenarios.toml: missing")


def test_an_unexpected_file_is_refused() -> None:
    docs = documents()
    docs["injects.toml"] = {}
    refused(docs, "injects.toml: not a file of the kit")


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("section", "FINANCES", "Invalid enum value 'FINANCES'"),
        ("answer_type", "DATE", "Invalid enum value 'DATE'"),
        ("colour", "bleu", "unknown field `colour`"),
        ("required", "oui", "Expected `bool`, got `str`"),
    ],
)
def test_an_unknown_code_field_or_type_names_the_question(field: str, value: object, reason: str) -> None:
    docs = documents()
    question(docs, "Q_DPO")[field] = value
    refused(docs, "questionnaire.toml: Q_DPO:", reason)


@pytest.mark.parametrize("field", ["label", "help", "required", "used_by_rules", "answer_type"])
def test_a_missing_question_field_names_the_question(field: str) -> None:
    docs = documents()
    del question(docs, "Q_ASTREINTE")[field]
    refused(docs, "questionnaire.toml: Q_ASTREINTE:", f"missing required field `{field}`")


def test_an_unknown_scenario_type_is_refused() -> None:
    docs = documents()
    entries(docs, "scenarios.toml", "scenarios")[0]["code"] = "ALIEN_INVASION"
    refused(docs, "scenarios.toml: ALIEN_INVASION:", "Invalid enum value 'ALIEN_INVASION'")


def test_an_unknown_impacted_category_names_the_scenario() -> None:
    docs = documents()
    entries(docs, "scenarios.toml", "scenarios")[1]["impacted_categories"].append("MINITEL")
    refused(docs, "scenarios.toml: RANSOMWARE:", "Invalid enum value 'MINITEL'")


def test_an_unknown_si_category_is_refused() -> None:
    docs = documents()
    entries(docs, "information_system.toml", "categories")[0]["code"] = "FAX"
    refused(docs, "information_system.toml: FAX:", "Invalid enum value 'FAX'")


def test_an_unknown_top_level_key_is_refused() -> None:
    docs = documents()
    docs["kit.toml"]["editor"] = "ANS"
    refused(docs, "kit.toml:", "unknown field `editor`")


def test_every_problem_is_reported_at_once() -> None:
    docs = documents()
    question(docs, "Q_DPO")["label"] = ""
    entries(docs, "competencies.toml", "families")[0]["label"] = " "
    message = refused(docs, "question Q_DPO: label", "family CONTINUITE_ACTIVITE: label")
    assert message.count(";") >= 1


# Questions.


def test_a_duplicate_question_code_is_refused() -> None:
    docs = documents()
    questions(docs).append(copy.deepcopy(question(docs, "Q_PCA")))
    refused(docs, "questionnaire.toml: question Q_PCA is defined twice")


@pytest.mark.parametrize("field", ["label", "help"])
@pytest.mark.parametrize("text", ["", "   ", " Le Plan Bleu ?", "\u00a0"])
def test_an_empty_or_padded_french_text_is_refused(field: str, text: str) -> None:
    docs = documents()
    question(docs, "Q_PLAN_BLEU")[field] = text
    refused(docs, f"questionnaire.toml: question Q_PLAN_BLEU: {field} is empty or has surrounding spaces")


def test_a_question_code_must_be_upper_snake() -> None:
    docs = documents()
    question(docs, "Q_DPO")["code"] = "q-dpo"
    refused(docs, "question q-dpo: code 'q-dpo' must match")


def test_options_referring_to_a_missing_list_are_refused() -> None:
    docs = documents()
    question(docs, "Q_PCA")["options"] = "ETAT_DU_PLAN"
    refused(docs, "questionnaire.toml: question Q_PCA: option list ETAT_DU_PLAN does not exist")


def test_a_choice_question_without_options_is_refused() -> None:
    docs = documents()
    del question(docs, "Q_ACTIVITES_CRITIQUES")["options"]
    refused(docs, "question Q_ACTIVITES_CRITIQUES: a MULTIPLE_CHOICE question needs options")


def test_options_on_a_yes_no_question_are_refused() -> None:
    docs = documents()
    question(docs, "Q_DPO")["options"] = "ETAT_PCA"
    refused(docs, "question Q_DPO: only choice questions take options")


def test_an_integer_question_needs_both_bounds_in_order() -> None:
    docs = documents()
    del question(docs, "Q_SITES_MULTIPLES")["maximum"]
    refused(docs, "question Q_SITES_MULTIPLES: minimum and maximum are required")
    docs = documents()
    question(docs, "Q_SITES_MULTIPLES")["minimum"] = 1000
    refused(docs, "question Q_SITES_MULTIPLES: minimum 1000 is above maximum 500")


def test_bounds_or_a_unit_on_a_yes_no_question_are_refused() -> None:
    docs = documents()
    question(docs, "Q_DPO")["unit"] = "personnes"
    refused(docs, "question Q_DPO: minimum, maximum and unit are for integers only")


def test_a_text_question_needs_a_maximum_length() -> None:
    docs = documents()
    del question(docs, "Q_ATTENTES")["max_length"]
    refused(docs, "question Q_ATTENTES: max_length (at least 1) is required")
    docs = documents()
    question(docs, "Q_DPO")["max_length"] = 20
    refused(docs, "question Q_DPO: max_length is for text only")


def test_asked_if_must_refer_to_an_earlier_question() -> None:
    docs = documents()
    question(docs, "Q_PLAN_BLEU_CYBER")["asked_if"]["question"] = "Q_ATTENTES"  # declared later
    refused(
        docs, "question Q_PLAN_BLEU_CYBER: asked_if refers to Q_ATTENTES, which is not an earlier question"
    )
    docs = documents()
    question(docs, "Q_PLAN_BLEU_CYBER")["asked_if"]["question"] = "Q_PLAN_ROUGE"
    refused(docs, "asked_if refers to Q_PLAN_ROUGE")


def test_asked_if_on_a_yes_no_question_needs_a_boolean() -> None:
    docs = documents()
    question(docs, "Q_PLAN_BLEU_CYBER")["asked_if"]["answer"] = "OUI"
    refused(docs, "question Q_PLAN_BLEU_CYBER: asked_if on Q_PLAN_BLEU (yes/no) needs answer = true or false")


def test_asked_if_on_a_choice_question_needs_one_of_its_options() -> None:
    docs = documents()
    question(docs, "Q_PRESTATAIRE_HORAIRES")["asked_if"] = {"question": "Q_PCA", "answer": "PEUT_ETRE"}
    refused(docs, "question Q_PRESTATAIRE_HORAIRES: asked_if answer 'PEUT_ETRE' is not an option of Q_PCA")
    question(docs, "Q_PRESTATAIRE_HORAIRES")["asked_if"]["answer"] = "OUI"
    build_kit(docs)


def test_asked_if_cannot_depend_on_a_number_or_a_text() -> None:
    docs = documents()
    question(docs, "Q_PLAN_BLEU_CYBER")["asked_if"] = {"question": "Q_NB_USAGERS", "answer": True}
    refused(docs, "asked_if must refer to a yes/no or choice question, not Q_NB_USAGERS")


# Option lists.


def _option_list(docs: Documents, code: str) -> dict[str, Any]:
    return next(item for item in entries(docs, "questionnaire.toml", "option_lists") if item["code"] == code)


def test_an_option_listed_twice_is_refused() -> None:
    docs = documents()
    options = _option_list(docs, "ETAT_PCA")["options"]
    options.append(dict(options[0]))
    refused(docs, "option list ETAT_PCA: option NON is listed twice")


def test_an_option_without_label_is_refused() -> None:
    docs = documents()
    del _option_list(docs, "ETAT_PCA")["options"][1]["label"]
    refused(docs, "questionnaire.toml: EN_COURS:", "missing required field `label`")


def test_an_empty_or_unused_option_list_is_refused() -> None:
    docs = documents()
    entries(docs, "questionnaire.toml", "option_lists").append({"code": "COULEURS", "options": []})
    refused(docs, "option list COULEURS: has no option", "option list COULEURS is used by no question")


def test_an_option_list_defined_twice_is_refused() -> None:
    docs = documents()
    lists = entries(docs, "questionnaire.toml", "option_lists")
    lists.append(copy.deepcopy(lists[0]))
    refused(docs, "option list ACTIVITES_METIER is defined twice")


# Code lists covered once each: scenarios, SI categories, levels, formats.

COVERAGE = [
    ("scenarios.toml", "scenarios", "scenario"),
    ("information_system.toml", "categories", "category"),
    ("kit.toml", "levels", "level"),
    ("kit.toml", "formats", "format"),
]


@pytest.mark.parametrize(("file", "key", "kind"), COVERAGE)
@given(data=st.data())
def test_a_missing_entry_of_a_code_list_is_named(file: str, key: str, kind: str, data: st.DataObject) -> None:
    docs = documents()
    items = entries(docs, file, key)
    removed = items.pop(data.draw(st.integers(0, len(items) - 1)))
    refused(docs, f"{file}: {kind} {removed['code']} is missing")


@pytest.mark.parametrize(("file", "key", "kind"), COVERAGE)
@given(data=st.data())
def test_a_duplicate_entry_of_a_code_list_is_named(
    file: str, key: str, kind: str, data: st.DataObject
) -> None:
    docs = documents()
    items = entries(docs, file, key)
    items.append(copy.deepcopy(data.draw(st.sampled_from(items))))
    refused(docs, f"{file}: {kind} {items[-1]['code']} is listed twice")


def test_a_scenario_needs_a_synopsis_and_impacted_categories() -> None:
    docs = documents()
    scenario = entries(docs, "scenarios.toml", "scenarios")[2]
    scenario["synopsis"] = "  "
    scenario["impacted_categories"] = []
    refused(
        docs,
        "scenario MAILBOX_COMPROMISE: synopsis is empty",
        "scenario MAILBOX_COMPROMISE: impacted_categories is empty",
    )


def test_a_format_needs_some_play_time() -> None:
    docs = documents()
    entries(docs, "kit.toml", "formats")[1]["play_minutes"] = 0
    refused(docs, "kit.toml: format TABLE_TOP: durations must be positive")


def test_a_level_needs_a_description() -> None:
    docs = documents()
    del entries(docs, "kit.toml", "levels")[0]["description"]
    refused(docs, "kit.toml: DEBUTANT:", "missing required field `description`")


def test_the_kit_version_cannot_be_blank() -> None:
    docs = documents()
    docs["kit.toml"]["kit_version"] = ""
    refused(docs, "kit.toml: kit_version is empty")


# SI description.


def test_criticality_levels_are_numbered_from_one() -> None:
    docs = documents()
    entries(docs, "information_system.toml", "criticality_levels")[0]["value"] = 0
    refused(docs, "information_system.toml: criticality levels must be numbered 1, 2, 3")


def test_an_attribute_code_is_a_snake_case_field_name_defined_once() -> None:
    docs = documents()
    attributes = entries(docs, "information_system.toml", "attributes")
    attributes[0]["code"] = "Name"
    attributes.append(copy.deepcopy(attributes[1]))
    refused(docs, "attribute Name: code 'Name' must match", "attribute editor is defined twice")


def test_an_unknown_attribute_type_names_the_attribute() -> None:
    docs = documents()
    entries(docs, "information_system.toml", "attributes")[3]["value_type"] = "COLOUR"
    refused(docs, "information_system.toml: criticality:", "Invalid enum value 'COLOUR'")


def test_an_integer_attribute_needs_its_bounds() -> None:
    docs = documents()
    attribute = next(
        item for item in entries(docs, "information_system.toml", "attributes") if item["code"] == "rto_hours"
    )
    del attribute["minimum"]
    refused(docs, "attribute rto_hours: minimum and maximum are required")


# Competencies.


def _family(docs: Documents, code: str) -> dict[str, Any]:
    return next(item for item in entries(docs, "competencies.toml", "families") if item["code"] == code)


@pytest.mark.parametrize("size", [3, 7])
def test_a_family_holds_4_to_6_items(size: int) -> None:
    docs = documents()
    family = _family(docs, "COMMUNICATION")
    family["items"] = [{"code": f"CO_ITEM_{n}", "label": f"Item {n}"} for n in range(size)]
    refused(docs, f"family COMMUNICATION: has {size} items, between 4 and 6 expected")


def test_an_item_code_is_unique_across_families() -> None:
    docs = documents()
    _family(docs, "COMMUNICATION")["items"][0]["code"] = "GC_CELLULE"
    refused(docs, "competencies.toml: item GC_CELLULE is defined twice")


def test_a_family_defined_twice_is_refused() -> None:
    docs = documents()
    families = entries(docs, "competencies.toml", "families")
    families.append(copy.deepcopy(families[-1]))
    refused(docs, "competencies.toml: family COMMUNICATION is defined twice")


def test_the_acquired_threshold_must_be_a_score_of_the_scale() -> None:
    docs = documents()
    docs["competencies.toml"]["acquired_score"] = 5
    refused(docs, "competencies.toml: acquired_score 5 is no score of the rating scale")


# Properties.


def _in(file: str, key: str) -> Callable[[Documents], list[dict[str, Any]]]:
    return lambda docs: entries(docs, file, key)


# (file, entries of the file, text field, what the message calls an entry)
_TEXT_FIELDS: list[tuple[str, Callable[[Documents], list[dict[str, Any]]], str, str]] = [
    ("questionnaire.toml", questions, "label", "question"),
    ("questionnaire.toml", questions, "help", "question"),
    ("scenarios.toml", _in("scenarios.toml", "scenarios"), "first_signal", "scenario"),
    ("competencies.toml", _in("competencies.toml", "families"), "label", "family"),
    ("information_system.toml", _in("information_system.toml", "attributes"), "help", "attribute"),
]


@given(
    field=st.sampled_from(_TEXT_FIELDS),
    index=st.integers(min_value=0),
    blank=st.text(alphabet=" \t\u00a0\u202f", max_size=3),
)
def test_any_blank_text_is_refused_and_its_entry_named(
    field: tuple[str, Callable[[Documents], list[dict[str, Any]]], str, str], index: int, blank: str
) -> None:
    file, items_of, name, kind = field
    docs = documents()
    items = items_of(docs)
    item = items[index % len(items)]
    item[name] = blank
    refused(docs, f"{file}: {kind} {item['code']}: {name} is empty")


@given(
    index=st.integers(min_value=0),
    field=st.sampled_from(["label", "help", "required", "used_by_rules", "section"]),
)
def test_a_wrongly_typed_field_names_its_question(index: int, field: str) -> None:
    docs = documents()
    item = questions(docs)[index % len(questions(docs))]
    item[field] = 42
    refused(
        docs, f"questionnaire.toml: {item['code']}:", f"`$.questions[{index % len(questions(docs))}].{field}`"
    )


@given(st.permutations(range(len(_shipped()["questionnaire.toml"]["option_lists"]))))
def test_the_order_of_option_lists_does_not_matter(order: list[int]) -> None:
    docs = documents()
    lists = entries(docs, "questionnaire.toml", "option_lists")
    docs["questionnaire.toml"]["option_lists"] = [lists[i] for i in order]
    kit = build_kit(docs)
    assert kit.questions == KIT.questions
    assert {code: kit.options(q) for code, q in kit.questions.items()} == {
        code: KIT.options(q) for code, q in KIT.questions.items()
    }


def test_the_kit_round_trips_through_msgspec() -> None:
    """Plain data all the way down: it can be cached or shipped to a worker as is."""
    assert msgspec.convert(msgspec.to_builtins(KIT), type=Kit, strict=False) == KIT


def test_every_kit_file_is_read() -> None:
    assert set(_shipped()) == set(KIT_FILES)


# Filters by category and mode of care (issue C2): `modes` and `traits` on questions and options.


def test_an_unknown_mode_or_trait_names_its_question_or_option() -> None:
    docs = documents()
    question(docs, "Q_UNITE_PROTEGEE")["modes"] = ["HOPITAL"]
    refused(docs, "questionnaire.toml: Q_UNITE_PROTEGEE:", "Invalid enum value 'HOPITAL'")
    docs = documents()
    _option_list(docs, "ACTIVITES_METIER")["options"][1]["traits"] = ["DIALYSE"]
    refused(docs, "questionnaire.toml: CIRCUIT_MEDICAMENT:", "Invalid enum value 'DIALYSE'")


def test_a_mode_or_trait_listed_twice_is_refused() -> None:
    docs = documents()
    question(docs, "Q_UNITE_PROTEGEE")["modes"] = ["HEBERGEMENT", "HEBERGEMENT"]
    refused(docs, "question Q_UNITE_PROTEGEE: modes lists HEBERGEMENT twice")
    docs = documents()
    _option_list(docs, "ACTIVITES_METIER")["options"][1]["traits"] = ["MEDICAMENTS", "MEDICAMENTS"]
    refused(docs, "option list ACTIVITES_METIER: option CIRCUIT_MEDICAMENT: traits lists MEDICAMENTS twice")


def test_filters_may_not_leave_a_question_without_options_for_someone_it_is_asked() -> None:
    docs = documents()
    for option in _option_list(docs, "ETAT_PCA")["options"]:
        option["traits"] = ["SOINS"]
    message = refused(
        docs,
        "question Q_PCA: the filters of option list ETAT_PCA leave no option for an establishment",
        "ESAT (HEBERGEMENT/ACCUEIL_JOUR/DOMICILE/TRAVAIL/AMBULATOIRE)",
        "OTHER (",
    )
    # Categories that have the trait keep their options: they are not named.
    assert "EHPAD (" not in message
    assert "SSIAD (" not in message
    # Asked only of those the options are for, the question is fine.
    question(docs, "Q_PCA")["traits"] = ["SOINS"]
    build_kit(docs)


def test_a_question_whose_condition_expects_an_option_not_offered_is_not_asked() -> None:
    docs = documents()
    question(docs, "Q_PRESTATAIRE_HORAIRES")["asked_if"] = {
        "question": "Q_ACTIVITES_CRITIQUES",
        "answer": "SOINS",
    }
    kit = build_kit(docs)
    child = kit.questions["Q_PRESTATAIRE_HORAIRES"]
    assert kit.asks(child, Establishment(EssmsCategory.SSIAD, ServiceMode.DOMICILE))
    assert not kit.asks(child, Establishment(EssmsCategory.ESAT, ServiceMode.TRAVAIL))


def test_the_shipped_filters_follow_the_catalogue_traits() -> None:
    ehpad = Establishment(EssmsCategory.EHPAD, ServiceMode.HEBERGEMENT)
    ssiad = Establishment(EssmsCategory.SSIAD, ServiceMode.DOMICILE)
    esat = Establishment(EssmsCategory.ESAT, ServiceMode.TRAVAIL)
    protected, pharmacy = KIT.questions["Q_UNITE_PROTEGEE"], KIT.questions["Q_PHARMACIE"]
    assert KIT.asks(protected, ehpad)
    assert not KIT.asks(protected, ssiad)
    assert not KIT.asks(pharmacy, esat)
    activities = KIT.questions["Q_ACTIVITES_CRITIQUES"]
    assert "CIRCUIT_MEDICAMENT" in [option.code for option in KIT.offered_options(activities, ehpad)]
    assert "CIRCUIT_MEDICAMENT" not in [option.code for option in KIT.offered_options(activities, esat)]
    # Every choice question asked of anyone offers it something (checked at start-up).
    for establishment in every_establishment():
        for code, item in KIT.questions.items():
            if item.options and KIT.asks(item, establishment):
                assert KIT.offered_options(item, establishment), (code, establishment)
