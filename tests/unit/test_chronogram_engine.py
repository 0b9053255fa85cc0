"""The chronogram engine, without a database: its steps one by one, then its properties under
hypothesis over random establishments, exercises, answers, SI descriptions and directories."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from datetime import date, time
from itertools import pairwise
from typing import Any

import msgspec
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from service.domain.chronogram.engine import (
    MANDATORY_ANCHORS,
    PLACEHOLDER,
    SESSION_PHASES,
    SITES_QUESTION,
    USERS_QUESTION,
    ContactFacts,
    ExerciseParameters,
    GeneratedChronogram,
    GenerationInputs,
    OrganisationProfile,
    Timing,
    clock_at,
    fill_placeholders,
    generate,
    inputs_digest,
    placeholder_values,
    rule_context,
    scale_offset,
    short_format_link,
    timing,
)
from service.kit.catalogue import get_catalogue
from service.kit.codes import (
    AnswerType,
    ContactRole,
    EssmsCategory,
    ExerciseFormat,
    ExerciseLevel,
    HostingMode,
    InjectAnchor,
    ParticipantRole,
    Phase,
    ScenarioType,
    ServiceMode,
    SiCategory,
)
from service.kit.context import load_kit_context
from service.kit.injects import PLACEHOLDERS, InjectLibrary
from service.kit.rules import ComponentFacts, reads
from tests.golden.establishments import EHPAD, SSIAD

KIT_CONTEXT = load_kit_context()
KIT = KIT_CONTEXT.content
LIBRARY = KIT_CONTEXT.injects
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def run(inputs: GenerationInputs, library: InjectLibrary = LIBRARY) -> GeneratedChronogram:
    return generate(inputs, dataclasses.replace(KIT_CONTEXT, injects=library))


def anchor_of(code: str) -> InjectAnchor | None:
    return LIBRARY.injects[code].anchor


def rule_reads(code: str) -> frozenset[str]:
    rule = LIBRARY.injects[code].rule
    return reads(rule) if rule is not None else frozenset()


# ---------------------------------------------------------------------------------------------
# Strategies


def answer_values(code: str) -> st.SearchStrategy[Any]:
    question = KIT.questions[code]
    options = [option.code for option in KIT.options(question)]
    by_type: dict[AnswerType, st.SearchStrategy[Any]] = {
        AnswerType.BOOL: st.booleans(),
        AnswerType.INTEGER: st.integers(question.minimum or 0, min(question.maximum or 0, 5000)),
        AnswerType.SINGLE_CHOICE: st.sampled_from(options) if options else st.nothing(),
        AnswerType.MULTIPLE_CHOICE: st.lists(st.sampled_from(options), unique=True)
        if options
        else st.nothing(),
        AnswerType.TEXT: st.text("abcdé ", min_size=1, max_size=20),
    }
    return by_type[question.answer_type]


@st.composite
def answers(draw: st.DrawFn) -> dict[str, Any]:
    chosen = draw(st.lists(st.sampled_from(list(KIT.questions)), unique=True))
    return {code: draw(answer_values(code)) for code in sorted(chosen)}


names = st.text("ABCDEFGHIJ éèà-'", min_size=1, max_size=24).map(str.strip).filter(bool)


@st.composite
def components(draw: st.DrawFn) -> tuple[ComponentFacts, ...]:
    categories = draw(st.lists(st.sampled_from(list(SiCategory)), unique=True, max_size=12))
    return tuple(
        ComponentFacts(
            code=f"C{index}",
            category=category,
            name=draw(st.none() | names),
            editor=draw(st.none() | names),
            hosting=draw(st.none() | st.sampled_from(list(HostingMode))),
            criticality=draw(st.none() | st.integers(1, 4)),
            users_count=draw(st.none() | st.integers(0, 500)),
            personal_data=draw(st.none() | st.booleans()),
            health_data=draw(st.none() | st.booleans()),
            degraded_procedure=draw(st.none() | st.booleans()),
            rto_hours=draw(st.none() | st.integers(0, 72)),
        )
        for index, category in enumerate(categories)
    )


@st.composite
def parameters(draw: st.DrawFn, *, min_play: int = 1) -> ExerciseParameters:
    exercise_format = draw(st.sampled_from(list(ExerciseFormat)))
    briefing = draw(st.integers(0, 30))
    duration = draw(st.integers(briefing + 10, 300))
    candidate = ExerciseParameters(
        exercise_date=draw(st.none() | st.dates(date(2026, 1, 1), date(2027, 12, 31))),
        start_time=draw(st.sampled_from([time(9, 0), time(13, 30), time(22, 15)])),
        duration_minutes=duration,
        briefing_minutes=briefing,
        level=draw(st.sampled_from(list(ExerciseLevel))),
        format=exercise_format,
        scenario_type=draw(st.sampled_from(list(ScenarioType))),
        participant_roles=tuple(
            sorted(draw(st.sets(st.sampled_from(list(ParticipantRole)))), key=list(ParticipantRole).index)
        ),
        include_perturbations=draw(st.booleans()),
    )
    assume(timing(candidate, KIT).play_minutes >= min_play)
    return candidate


@st.composite
def inputs(draw: st.DrawFn, *, min_play: int = 1) -> GenerationInputs:
    category = draw(st.sampled_from(list(EssmsCategory)))
    mode = get_catalogue().essms_categories[category].service_mode or draw(st.sampled_from(list(ServiceMode)))
    roles = draw(st.lists(st.sampled_from(list(ContactRole)), max_size=8))
    return GenerationInputs(
        organisation=OrganisationProfile(
            name=draw(names),
            short_name=draw(st.none() | names),
            category=category,
            service_mode=mode,
            capacity_places=draw(st.none() | st.integers(1, 400)),
            sites_count=draw(st.integers(1, 6)),
        ),
        parameters=draw(parameters(min_play=min_play)),
        answers=draw(answers()),
        components=draw(components()),
        contacts=tuple(ContactFacts(role=role, name=draw(names)) for role in roles),
    )


# ---------------------------------------------------------------------------------------------
# Steps


def test_the_formats_own_durations_give_back_their_play_time() -> None:
    for exercise_format, content in KIT.formats.items():
        window = timing(
            msgspec.structs.replace(
                EHPAD.parameters,
                format=exercise_format,
                duration_minutes=content.total_minutes,
                briefing_minutes=content.briefing_minutes,
            ),
            KIT,
        )
        assert (window.briefing_minutes, window.play_minutes, window.debriefing_minutes) == (
            content.briefing_minutes,
            content.play_minutes,
            content.debriefing_minutes,
        )


def test_the_reference_timeline_scales_to_the_play_time() -> None:
    """The webinar's first hour (T0, T+15, T+45, T+90 on 120 minutes) in a 30-minute play."""
    window = Timing(briefing_minutes=5, play_minutes=30, debriefing_minutes=10)
    assert [scale_offset(offset, 120, window) for offset in (0, 15, 45, 90, 120)] == [0, 4, 11, 23, 30]
    # The DEBEX stays within the briefing; the RETEX starts in the first third of the debriefing.
    assert [scale_offset(offset, 120, window) for offset in (-3, -15, 125, 200)] == [-3, -5, 33, 33]


def test_a_long_play_keeps_the_first_hour_in_real_minutes() -> None:
    """T0, T+15, T+45, T+90 as the webinar plays them; the extra time goes after the escalade."""
    window = Timing(briefing_minutes=15, play_minutes=135, debriefing_minutes=30)
    assert [scale_offset(offset, 120, window) for offset in (0, 15, 45, 90, 105, 120)] == [
        0,
        15,
        45,
        90,
        113,
        135,
    ]
    exact = Timing(briefing_minutes=15, play_minutes=120, debriefing_minutes=45)
    assert [scale_offset(offset, 120, exact) for offset in (15, 90, 110, 130)] == [15, 90, 110, 130]


def test_the_45_minute_format_is_5_25_15_and_leaves_the_retex_its_time() -> None:
    short = KIT.formats[ExerciseFormat.SENSIBILISATION]
    assert (short.briefing_minutes, short.play_minutes, short.debriefing_minutes) == (5, 25, 15)
    parameters = msgspec.structs.replace(
        SSIAD.parameters, format=ExerciseFormat.SENSIBILISATION, duration_minutes=45, briefing_minutes=5
    )
    chronogram = run(msgspec.structs.replace(SSIAD, parameters=parameters))
    retex = next(entry for entry in chronogram.entries if entry.phase is Phase.RETEX_CHAUD)
    assert chronogram.timing.last_offset - retex.offset_minutes >= 10


def test_clock_times_follow_paris_time_across_the_change_of_hour() -> None:
    """29 March 2026, the clocks go from 02:00 to 03:00 in Paris."""
    night = ExerciseParameters(
        exercise_date=date(2026, 3, 29),
        start_time=time(1, 0),
        duration_minutes=180,
        briefing_minutes=15,
        level=ExerciseLevel.DEBUTANT,
        format=ExerciseFormat.TABLE_TOP,
        scenario_type=ScenarioType.RANSOMWARE,
    )
    assert clock_at(night, -15) == time(1, 0)
    assert clock_at(night, 45) == time(3, 0)
    assert clock_at(msgspec.structs.replace(night, exercise_date=None), 0) is None


def test_filled_values_agree_with_the_words_before_them() -> None:
    values = {"medecin": "le médecin traitant", "etablissement": "l'IME Les Genêts", "nom": "Les Tilleuls"}
    text, missing = fill_placeholders(
        "{medecin} passe. Appeler {medecin}, l'avis de {medecin}, à {etablissement}, de {nom}. "
        "« {etablissement} ferme »",
        values,
    )
    assert text == (
        "Le médecin traitant passe. Appeler le médecin traitant, l'avis du médecin traitant, "
        "à l'IME Les Genêts, des Tilleuls. « L'IME Les Genêts ferme »"
    )
    assert missing == []


def test_a_person_the_directory_does_not_name_goes_with_its_parentheses() -> None:
    text = "Le DPO ({contact_dpo}) écrit."
    assert fill_placeholders(text, {})[0] == "Le DPO écrit."
    assert fill_placeholders(text, {"contact_dpo": "Julien Roux"})[0] == "Le DPO (Julien Roux) écrit."


def test_placeholders_without_a_value_stay_visible_and_are_reported() -> None:
    text, missing = fill_placeholders(
        "{etablissement} appelle {editeur_dui} puis {editeur_dui}.", {"etablissement": "Les Tilleuls"}
    )
    assert text == "Les Tilleuls appelle {editeur_dui} puis {editeur_dui}."
    assert missing == ["editeur_dui", "editeur_dui"]


def test_placeholders_come_from_the_profile_the_si_and_the_directory() -> None:
    values = placeholder_values(EHPAD, rule_context(EHPAD, KIT_CONTEXT), KIT_CONTEXT)
    assert values["etablissement"] == "Les Tilleuls"  # the short name, as the staff say it
    assert values["categorie"] == get_catalogue().label(EssmsCategory.EHPAD)
    assert (values["nb_usagers"], values["nb_sites"]) == ("80", "1")
    assert (values["dui"], values["editeur_dui"], values["mssante"]) == (
        "Atalante Soins",
        "Atalante Santé",
        "MSSanté de l'établissement",
    )
    assert values["contact_ars"] == "Isabelle Moreau"
    assert "editeur_circuit_medicament" not in values  # no editor given
    for entry in run(EHPAD).entries:
        assert not set(entry.unresolved_placeholders) & values.keys()


def test_an_absent_recipient_is_routed_and_the_line_says_so() -> None:
    """The SSIAD plays without a référent SI: what was meant for it reaches a present role."""
    chronogram = run(SSIAD)
    routed = [entry for entry in chronogram.entries if entry.routing_note]
    assert routed
    for entry in routed:
        assert entry.routing_note.startswith("Destinataire prévu\u00a0: ")
        assert "absent de l'exercice\u00a0; stimulus adressé à\u00a0: " in entry.routing_note
        assert get_catalogue().label(entry.recipient) in entry.routing_note
        assert entry.recipient in SSIAD.parameters.participant_roles


def test_without_personal_data_in_what_the_scenario_hits_there_is_no_dpo_milestone() -> None:
    quiet = tuple(
        msgspec.structs.replace(item, personal_data=False, health_data=False) for item in EHPAD.components
    )
    codes = [entry.inject_code for entry in run(msgspec.structs.replace(EHPAD, components=quiet)).entries]
    assert InjectAnchor.DPO_CNIL not in {anchor_of(code) for code in codes}
    assert InjectAnchor.DPO_CNIL in {anchor_of(entry.inject_code) for entry in run(EHPAD).entries}


def test_the_inputs_digest_is_the_sha256_of_their_canonical_json() -> None:
    reordered = msgspec.structs.replace(EHPAD, answers=dict(reversed(EHPAD.answers.items())))
    assert inputs_digest(reordered) == inputs_digest(EHPAD) == run(EHPAD).inputs_sha256
    assert len(inputs_digest(EHPAD)) == 64


# ---------------------------------------------------------------------------------------------
# Properties


@PROPERTY
@given(inputs())
def test_the_same_inputs_give_byte_identical_chronograms(case: GenerationInputs) -> None:
    first = msgspec.json.encode(run(case))
    decoded = msgspec.json.decode(msgspec.json.encode(case), type=GenerationInputs)
    assert msgspec.json.encode(run(decoded)) == first
    assert msgspec.json.encode(run(case)) == first


@PROPERTY
@given(inputs())
def test_entries_are_numbered_in_play_order_within_the_session(case: GenerationInputs) -> None:
    chronogram = run(case)
    window = chronogram.timing
    entries = chronogram.entries
    assert [entry.seq for entry in entries] == list(range(1, len(entries) + 1))
    offsets = [entry.offset_minutes for entry in entries]
    assert offsets == sorted(offsets)
    assert all(window.first_offset <= offset <= window.last_offset for offset in offsets)
    for entry in entries:
        if entry.phase not in SESSION_PHASES:
            assert 0 <= entry.offset_minutes < max(window.play_minutes, 1)
    codes = [entry.inject_code for entry in entries]
    assert len(codes) == len(set(codes))


@PROPERTY
@given(inputs())
def test_every_milestone_is_played_once(case: GenerationInputs) -> None:
    chronogram = run(case)
    anchors = [anchor for entry in chronogram.entries if (anchor := anchor_of(entry.inject_code))]
    hit = KIT.scenarios[case.parameters.scenario_type].impacted_categories
    exposed = any(c.category in hit and (c.personal_data or c.health_data) for c in case.components)
    expected = [anchor for anchor in MANDATORY_ANCHORS if anchor is not InjectAnchor.DPO_CNIL or exposed]
    assert sorted(anchors) == sorted(expected)
    by_anchor = {anchor_of(entry.inject_code): entry for entry in chronogram.entries}
    # The first-hour chain, in its order, whatever the duration.
    chain = [InjectAnchor.BRIEFING, InjectAnchor.T0, InjectAnchor.QUALIFICATION, InjectAnchor.ALERTE_ARS]
    assert [by_anchor[anchor].seq for anchor in chain] == sorted(by_anchor[anchor].seq for anchor in chain)
    assert by_anchor[InjectAnchor.FINEX].offset_minutes == chronogram.timing.play_minutes


@PROPERTY
@given(inputs())
def test_no_stimulus_goes_to_a_role_that_does_not_play(case: GenerationInputs) -> None:
    present = set(case.parameters.participant_roles) or set(ParticipantRole)
    for entry in run(case).entries:
        assert entry.recipient in present
        template = LIBRARY.injects[entry.inject_code]
        assert (entry.routing_note is None) == (template.recipient is entry.recipient)


@PROPERTY
@given(inputs())
def test_optional_stimuli_stay_within_the_levels_density(case: GenerationInputs) -> None:
    chronogram = run(case)
    cap = LIBRARY.density_caps[case.parameters.level]
    short = case.parameters.format is ExerciseFormat.SENSIBILISATION
    optional = [
        entry
        for entry in chronogram.entries
        if anchor_of(entry.inject_code) is None
        and entry.phase not in SESSION_PHASES
        # The short format keeps the first hour and the alert chain whatever the density.
        and not (short and short_format_link(LIBRARY.injects[entry.inject_code]))
    ]
    assert len(optional) <= chronogram.timing.play_minutes // cap
    kept = {entry.inject_code for entry in chronogram.entries}
    for entry in chronogram.entries:
        assert set(LIBRARY.injects[entry.inject_code].requires) <= kept
    assert not kept & {item.inject_code for item in chronogram.left_out}


@PROPERTY
@given(inputs(min_play=30))
def test_no_window_of_ten_minutes_is_a_barrage_and_no_new_thread_opens_before_finex(
    case: GenerationInputs,
) -> None:
    """An optional stimulus is placed only where every window of ``density_window_minutes`` around
    it holds at most the level's limit, only a closing one in the quiet minutes, and few
    perturbations."""
    chronogram = run(case)
    play = chronogram.timing.play_minutes
    limit = LIBRARY.density_window_limits[case.parameters.level]
    span = LIBRARY.density_window_minutes
    short = case.parameters.format is ExerciseFormat.SENSIBILISATION
    stimuli = [entry for entry in chronogram.entries if entry.phase not in SESSION_PHASES]
    minutes = [entry.offset_minutes for entry in stimuli]
    quiet_from = play - min(LIBRARY.quiet_minutes_before_finex, play // 5)
    for entry in stimuli:
        template = LIBRARY.injects[entry.inject_code]
        if anchor_of(entry.inject_code) is not None or (short and short_format_link(template)):
            continue
        at = entry.offset_minutes
        for start in range(at - span + 1, at + 1):
            assert sum(1 for other in minutes if start <= other < start + span) <= limit, entry.inject_code
        if not template.closing:
            assert at <= quiet_from, entry.inject_code
    perturbations = [e for e in chronogram.entries if LIBRARY.injects[e.inject_code].perturbation]
    assert len(perturbations) <= LIBRARY.max_perturbations


@PROPERTY
@given(inputs(min_play=30))
def test_stimuli_to_one_recipient_are_spaced(case: GenerationInputs) -> None:
    """From a 30-minute play on (the 45-minute format's), the milestones fit with their gaps."""
    times: dict[ParticipantRole, list[int]] = defaultdict(list)
    for entry in run(case).entries:
        if entry.phase not in SESSION_PHASES:
            times[entry.recipient].append(entry.offset_minutes)
    for minutes in times.values():
        ordered = sorted(minutes)
        assert all(later - earlier >= LIBRARY.min_gap_minutes for earlier, later in pairwise(ordered))


def test_the_authorities_calls_keep_their_gap_when_one_player_has_them_all_late() -> None:
    """Found by hypothesis: a 47-minute short format played by the direction alone asked « qui
    alertez-vous ? » at T+18; the ARS, CERT Santé and DPO calls, six minutes after it, ran into the
    FINEX and the DPO's came two minutes after the CERT's."""
    parameters = msgspec.structs.replace(
        EHPAD.parameters,
        duration_minutes=47,
        briefing_minutes=0,
        level=ExerciseLevel.DEBUTANT,
        format=ExerciseFormat.SENSIBILISATION,
        participant_roles=(ParticipantRole.DIRECTION,),
        include_perturbations=False,
    )
    case = GenerationInputs(
        organisation=EHPAD.organisation,
        parameters=parameters,
        answers={},
        components=(
            ComponentFacts(code="C0", category=SiCategory.DUI),
            ComponentFacts(code="C1", category=SiCategory.ACTIVE_DIRECTORY, health_data=True),
        ),
        contacts=(),
    )
    stimuli = [entry for entry in run(case).entries if entry.phase not in SESSION_PHASES]
    question = next(entry.offset_minutes for entry in stimuli if entry.inject_code == "COM-ESC-01")
    calls = [
        entry.offset_minutes for entry in stimuli if entry.inject_code.split("-")[1] in {"ARS", "CERT", "DPO"}
    ]
    assert len(calls) == 3
    assert all(later - earlier >= LIBRARY.min_gap_minutes for earlier, later in pairwise(sorted(calls)))
    assert min(calls) - question >= LIBRARY.min_gap_minutes


@PROPERTY
@given(inputs())
def test_competency_items_and_placeholders_resolve_or_are_reported(case: GenerationInputs) -> None:
    for entry in run(case).entries:
        assert set(entry.competency_items) <= KIT.item_families.keys()
        left = {
            match[1]
            for text in (entry.title, entry.stimulus, *entry.expected_reactions)
            for match in PLACEHOLDER.finditer(text)
        }
        assert left == set(entry.unresolved_placeholders)
        assert left <= PLACEHOLDERS.keys()
        assert entry.reason


def _unread_questions() -> list[str]:
    """Questions no rule of the library reads, nor any placeholder."""
    read = {key for template in LIBRARY.injects.values() if template.rule for key in reads(template.rule)}
    return [
        code
        for code in KIT.questions
        if f"answer:{code}" not in read and code not in {USERS_QUESTION, SITES_QUESTION}
    ]


@PROPERTY
@given(inputs(), st.data())
def test_an_input_no_rule_reads_never_changes_the_chronogram(
    case: GenerationInputs, data: st.DataObject
) -> None:
    unread = _unread_questions()
    assume(unread)
    code = data.draw(st.sampled_from(unread))
    changed = dict(case.answers)
    if data.draw(st.booleans()):
        changed.pop(code, None)
    else:
        changed[code] = data.draw(answer_values(code))
    other = run(msgspec.structs.replace(case, answers=changed))
    first = run(case)
    assert msgspec.json.encode(other.entries) == msgspec.json.encode(first.entries)
    assert other.left_out == first.left_out


# Attributes no placeholder reads (name and editor fill {dui}, {editeur_dui}…).
NUMERIC_ATTRIBUTES = {"users_count": st.integers(0, 500), "rto_hours": st.integers(0, 72)}


@PROPERTY
@given(inputs(), st.data())
def test_a_component_attribute_no_rule_reads_never_changes_the_chronogram(
    case: GenerationInputs, data: st.DataObject
) -> None:
    assume(case.components)
    read = {key for template in LIBRARY.injects.values() if template.rule for key in reads(template.rule)}
    index = data.draw(st.integers(0, len(case.components) - 1))
    component = case.components[index]
    unread = [
        name
        for name in NUMERIC_ATTRIBUTES
        if f"si_attr:{component.category}.{name}" not in read and f"si_attr:*.{name}" not in read
    ]
    assume(unread)
    name = data.draw(st.sampled_from(unread))
    changed = msgspec.structs.replace(component, **{name: data.draw(st.none() | NUMERIC_ATTRIBUTES[name])})
    components = (*case.components[:index], changed, *case.components[index + 1 :])
    other = run(msgspec.structs.replace(case, components=components))
    first = run(case)
    assert msgspec.json.encode(other.entries) == msgspec.json.encode(first.entries)
    assert other.left_out == first.left_out


def _reads_mssante(code: str) -> bool:
    keys = rule_reads(code)
    return any(key == "si:MSSANTE" or key.startswith(("si_attr:MSSANTE.", "si_attr:*.")) for key in keys)


def _depending_on_mssante() -> set[str]:
    found = {code for code in LIBRARY.injects if _reads_mssante(code)}
    while extra := {code for code, t in LIBRARY.injects.items() if set(t.requires) & found} - found:
        found |= extra
    return found


@PROPERTY
@given(inputs(), names, st.booleans())
def test_removing_mssante_changes_exactly_the_lines_that_depend_on_it(
    case: GenerationInputs, name: str, health: bool
) -> None:
    """Besides the lines that read MSSanté (or require one that does), and those the density
    or the spacing let in or out in turn, every line stays word for word the same."""
    mssante = ComponentFacts(
        code="MSS", category=SiCategory.MSSANTE, name=name, personal_data=True, health_data=health
    )
    others = tuple(item for item in case.components if item.category is not SiCategory.MSSANTE)
    with_it = run(msgspec.structs.replace(case, components=(*others, mssante)))
    without = run(msgspec.structs.replace(case, components=others))

    dependent = _depending_on_mssante() | {
        code for code, t in LIBRARY.injects.items() if t.anchor is InjectAnchor.DPO_CNIL
    }
    shuffled = {item.inject_code for item in (*with_it.left_out, *without.left_out)}
    before = {entry.inject_code: entry for entry in with_it.entries}
    after = {entry.inject_code: entry for entry in without.entries}
    assert set(before) ^ set(after) <= dependent | shuffled
    for code in set(before) & set(after) - dependent:
        uses_it = {"mssante", "editeur_mssante"} & set(PLACEHOLDER.findall(LIBRARY.injects[code].stimulus))
        if uses_it:
            continue
        fields = ("title", "stimulus", "expected_reactions", "reason", "recipient", "channel", "routing_note")
        assert [getattr(before[code], f) for f in fields] == [getattr(after[code], f) for f in fields]


def test_mssante_rules_exist_and_drive_lines_of_the_golden_ehpad() -> None:
    """The property above is not vacuous: the EHPAD's MSSanté brings lines of its own, in a
    scenario that breaks it (a compromised mailbox; a phishing spares it)."""
    mailbox = msgspec.structs.replace(
        EHPAD,
        parameters=msgspec.structs.replace(EHPAD.parameters, scenario_type=ScenarioType.MAILBOX_COMPROMISE),
    )
    without = msgspec.structs.replace(
        mailbox,
        components=tuple(item for item in EHPAD.components if item.category is not SiCategory.MSSANTE),
    )
    gone = {entry.inject_code for entry in run(mailbox).entries} - {
        entry.inject_code for entry in run(without).entries
    }
    assert gone
    assert gone <= _depending_on_mssante() | {item.inject_code for item in run(without).left_out}


FIRST_HOUR = (Phase.SIGNAL_FAIBLE, Phase.QUALIFICATION, Phase.ARBITRAGE, Phase.ESCALADE)


@PROPERTY
@given(inputs(), st.sampled_from(list(ExerciseLevel)))
def test_the_45_minute_format_keeps_the_first_hour_chain_in_order(
    case: GenerationInputs, level: ExerciseLevel
) -> None:
    """T0 signal faible, then qualification, arbitrage and escalade, whatever the establishment."""
    short = KIT.formats[ExerciseFormat.SENSIBILISATION]
    parameters = msgspec.structs.replace(
        case.parameters,
        format=ExerciseFormat.SENSIBILISATION,
        level=level,
        duration_minutes=short.total_minutes,
        briefing_minutes=short.briefing_minutes,
    )
    entries = run(msgspec.structs.replace(case, parameters=parameters)).entries
    first = [next((e.offset_minutes for e in entries if e.phase is phase), None) for phase in FIRST_HOUR]
    assert None not in first, first
    assert first == sorted(first)
