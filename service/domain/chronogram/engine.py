"""Chronogram generation: a pure function from an establishment and an exercise to its stimuli.

No I/O, no clock, no ORM object, no global: :func:`generate` reads only its arguments (the
inputs and the kit context), so the same inputs give the same bytes. The steps, in order:

1. **Select** the library's injects of the exercise's scenario whose level, format, perturbation
   flag and inclusion rule fit; then drop, until nothing changes, those whose ``requires`` are
   not all selected.
2. **Anchor**: each mandatory milestone (briefing, T0, qualification, ARS and CERT Santé alerts,
   FINEX, hot RETEX — and the DPO/CNIL one when a component of a category the scenario hits
   holds personal or health data) is always present: the first of its variants in library
   order whose rule matches, else the first without a rule, else the first.
3. **Time**: the reference timeline (T0 … FINEX = ``reference_minutes``) is laid on the play:
   in real minutes up to the escalation when the play is at least as long, scaled otherwise;
   the DEBEX stays before T0, within the briefing; the hot RETEX starts within the first third
   of the debriefing.
4. **Density**: the level allows one optional stimulus per N minutes of play; beyond that the
   lowest priorities go first (ties: the larger code), an inject never kept without what it
   requires. In the 45-minute format the first-hour thread and the links of the alert chain are
   kept whatever the density.
5. **Route**: a stimulus whose recipient plays no part goes to the first present role of the
   library's fallbacks (never to the role its sender stands for), and says so.
6. **Pace**: two stimuli to the same recipient are at least ``min_gap_minutes`` apart, no window
   of ``density_window_minutes`` holds more than the level's limit, and no new thread opens in
   the quiet minutes before FINEX. Anchors are placed first, then the protected links, then each
   optional stimulus at the first minute from its own (after what it requires) that keeps these
   rules; one that finds none is left out, with whatever requires it.
7. **Render**: placeholders are filled from the establishment (its name with its article, the
   words of the vocabulary for its category and answers, its CRRC), the SI description and the
   crisis directory, the article before each agreeing with its value and a value that opens a
   sentence capitalised (an unknown value stays visible and is reported); clock times come from
   the exercise's Paris date and start time; entries are numbered in play order and name the
   facilitator who plays them.

What was left out, and why, is reported too: the engine explains its choices both ways.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, time, timedelta
from typing import Annotated

import msgspec
from msgspec import Meta

from service.kit.catalogue import Catalogue
from service.kit.codes import (
    Channel,
    ContactRole,
    EssmsCategory,
    ExerciseFormat,
    ExerciseLevel,
    FacilitatorRole,
    InjectAnchor,
    InjectSender,
    ParticipantRole,
    Phase,
    ScenarioType,
    ServiceMode,
)
from service.kit.content import Kit
from service.kit.context import KitContext
from service.kit.injects import FIRST_HOUR, InjectTemplate
from service.kit.rules.french import explain
from service.kit.rules.model import ComponentFacts, RuleContext, evaluate
from service.lib.numbers import is_integer
from service.lib.text import quoted
from service.lib.time import PARIS, format_clock, paris_moment

# Bumped whenever a change to this module can change a chronogram generated from the same inputs
# and the same library: stored with every chronogram, next to the library's version.
GENERATOR_VERSION = "2.0.0"

# The questionnaire answers some placeholders read.
USERS_QUESTION = "Q_NB_USAGERS"
SITES_QUESTION = "Q_SITES_MULTIPLES"
# Whether anybody stays the night: an IME without internat is a day service.
NIGHT_QUESTION = "Q_PRESENCE_NUIT"
# Who authorised the establishment: the category's usual authority when left open.
AUTHORITIES_QUESTION = "Q_AUTORITES"
# The webinar's first hour is played in real minutes up to the escalation (T+90) whenever the
# play is at least as long as the reference timeline; what is longer stretches what follows.
REAL_MINUTES_UNTIL = 90

# Steps of the session rather than stimuli: neither spaced nor counted in the density.
SESSION_PHASES = frozenset({Phase.DEBEX, Phase.FINEX, Phase.RETEX_CHAUD})
# Milestones every chronogram has, in this order; DPO_CNIL only when personal data is hit.
MANDATORY_ANCHORS = (
    InjectAnchor.BRIEFING,
    InjectAnchor.T0,
    InjectAnchor.QUALIFICATION,
    InjectAnchor.ALERTE_ARS,
    InjectAnchor.ALERTE_CERT_SANTE,
    InjectAnchor.DPO_CNIL,
    InjectAnchor.FINEX,
    InjectAnchor.RETEX_CHAUD,
)
PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
# The kit's French typography: a no-break space before « : ; » and inside guillemets.
COLON, SEMICOLON = "\u00a0:", "\u00a0;"
ALWAYS = f"Toujours joué{COLON}"
LEVEL_RANK = {level: rank for rank, level in enumerate(ExerciseLevel)}
PHASE_RANK = {phase: rank for rank, phase in enumerate(Phase)}

AnswerValue = bool | int | str | list[str]


# ---------------------------------------------------------------------------------------------
# Inputs


class OrganisationProfile(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """What the generation reads of the establishment."""

    name: str
    # « Nom court, utilisé dans les stimuli »: the name the staff say.
    short_name: str | None = None
    category: EssmsCategory
    service_mode: ServiceMode
    capacity_places: int | None = None
    sites_count: int = 1
    # The region, for the name of its CRRC ({crrc}).
    region_code: str | None = None
    region_name: str | None = None


class ExerciseParameters(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """« Paramètres exercice »: timing (Paris wall clock), level, format, scenario, players."""

    exercise_date: date | None
    start_time: time | None
    duration_minutes: Annotated[int, Meta(ge=1)]
    briefing_minutes: Annotated[int, Meta(ge=0)]
    level: ExerciseLevel
    format: ExerciseFormat
    scenario_type: ScenarioType
    # Roles with at least one player; none declared means every role plays.
    participant_roles: tuple[ParticipantRole, ...] = ()
    include_perturbations: bool = False


class ContactFacts(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """An entry of the crisis directory, in directory order."""

    role: ContactRole
    name: str


class GenerationInputs(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Everything a chronogram depends on besides the library and the kit."""

    organisation: OrganisationProfile
    parameters: ExerciseParameters
    answers: dict[str, AnswerValue]
    components: tuple[ComponentFacts, ...]
    contacts: tuple[ContactFacts, ...] = ()


# ---------------------------------------------------------------------------------------------
# Output


class GeneratedEntry(msgspec.Struct, frozen=True, kw_only=True):
    """One line of the chronogram."""

    seq: int
    # Minutes from T0 (negative during the DEBEX).
    offset_minutes: int
    # Europe/Paris « HH:MM », None while the exercise's date or start time is not fixed.
    clock_time: str | None
    phase: Phase
    sender: InjectSender
    # Who of the facilitators plays the sender (column « Animateur »).
    facilitator: FacilitatorRole
    recipient: ParticipantRole
    channel: Channel
    title: str
    stimulus: str
    expected_reactions: tuple[str, ...]
    competency_items: tuple[str, ...]
    inject_code: str
    # Why the line is there, in French.
    reason: str
    routing_note: str | None
    # When the facilitators play it (« Seulement si personne n'a encore signalé… »), in French.
    play_if: str | None
    unresolved_placeholders: tuple[str, ...]


class LeftOut(msgspec.Struct, frozen=True, kw_only=True):
    """An inject that fitted the exercise but was not kept, and why (in French)."""

    inject_code: str
    reason: str


class Timing(msgspec.Struct, frozen=True, kw_only=True):
    """How the session's minutes divide: briefing (before T0), play (T0 → FINEX), debriefing."""

    briefing_minutes: int
    play_minutes: int
    debriefing_minutes: int

    @property
    def first_offset(self) -> int:
        return -self.briefing_minutes

    @property
    def last_offset(self) -> int:
        return self.play_minutes + self.debriefing_minutes


class GeneratedChronogram(msgspec.Struct, frozen=True, kw_only=True):
    library_version: str
    generator_version: str
    # SHA-256 of the canonical JSON of the inputs (sorted keys, no spaces).
    inputs_sha256: str
    timing: Timing
    entries: tuple[GeneratedEntry, ...]
    left_out: tuple[LeftOut, ...]


# ---------------------------------------------------------------------------------------------
# Pure helpers, also used by the service (window checks, clock times of edited entries)


def inputs_digest(inputs: GenerationInputs) -> str:
    return hashlib.sha256(msgspec.json.encode(inputs, order="sorted")).hexdigest()


def timing(parameters: ExerciseParameters, kit: Kit) -> Timing:
    """The play time is what the session leaves after the briefing, less a debriefing that keeps
    the format's share of play and debriefing (the format's own durations give back its play)."""
    after_briefing = max(parameters.duration_minutes - parameters.briefing_minutes, 1)
    fmt = kit.formats[parameters.format]
    debriefing = after_briefing * fmt.debriefing_minutes // (fmt.play_minutes + fmt.debriefing_minutes)
    return Timing(
        briefing_minutes=parameters.briefing_minutes,
        play_minutes=after_briefing - debriefing,
        debriefing_minutes=debriefing,
    )


def clock_at(parameters: ExerciseParameters, offset_minutes: int) -> time | None:
    """Paris wall-clock time of an offset from T0, through the real instant (a session across
    the change of time reads right); None while the date or the start time is not fixed."""
    if parameters.exercise_date is None or parameters.start_time is None:
        return None
    start = paris_moment(parameters.exercise_date, parameters.start_time)
    if start is None:
        return None
    moment = start + timedelta(minutes=parameters.briefing_minutes + offset_minutes)
    return moment.astimezone(PARIS).time().replace(second=0, microsecond=0)


def scale_offset(offset: int, reference_minutes: int, window: Timing) -> int:
    """A reference offset on the exercise's timeline. The DEBEX stays within the briefing; what
    follows FINEX (the hot RETEX) starts within the first third of the debriefing, so that the
    RETEX keeps most of it. Between T0 and FINEX: the webinar's real minutes up to the escalation
    when the play is at least as long as the reference, what follows stretched to the FINEX;
    a shorter play is scaled linearly (halves round up)."""
    if offset < 0:
        return max(offset, window.first_offset)
    play = window.play_minutes
    if offset > reference_minutes:
        return play + min(offset - reference_minutes, window.debriefing_minutes // 3)
    if play >= reference_minutes > REAL_MINUTES_UNTIL:
        if offset <= REAL_MINUTES_UNTIL:
            return offset
        span, stretched = reference_minutes - REAL_MINUTES_UNTIL, play - REAL_MINUTES_UNTIL
        return REAL_MINUTES_UNTIL + (2 * (offset - REAL_MINUTES_UNTIL) * stretched + span) // (2 * span)
    return (2 * offset * play + reference_minutes) // (2 * reference_minutes)


def fill_placeholders(text: str, values: Mapping[str, str]) -> tuple[str, list[str]]:
    """``text`` with the known placeholders filled, the French article or preposition before
    each agreeing with its value (« de Atalante » → « d'Atalante », « de le médecin » → « du
    médecin », « de Les Tilleuls » → « des Tilleuls »), and a value that opens a sentence
    capitalised. A person of the crisis directory the directory does not name goes with its
    parentheses (« le DPO ({contact_dpo}) » → « le DPO »). Unknown placeholders stay visible,
    and are listed."""
    text = _CONTACT_IN_PARENTHESES.sub(lambda match: match[0] if match[1] in values else "", text)
    unresolved: list[str] = []
    pieces: list[str] = []
    position = 0
    for match in PLACEHOLDER.finditer(text):
        before = text[position : match.start()]
        name = match[1]
        if name in values:
            before, value = _agree(before, values[name])
            if _opens_sentence("".join(pieces) + before):
                value = value[:1].upper() + value[1:]
        else:
            unresolved.append(name)
            value = match[0]
        pieces += [before, value]
        position = match.end()
    pieces.append(text[position:])
    return "".join(pieces), unresolved


_CONTACT_IN_PARENTHESES = re.compile(r" \(\{(contact_[a-z_]+)\}\)")
# What ends a sentence, or opens a quotation: the next word takes a capital.
_SENTENCE_ENDS = (".", "!", "?", "…", "«")


def _opens_sentence(before: str) -> bool:
    stripped = before.rstrip(" \u00a0")
    return not stripped or stripped.endswith(_SENTENCE_ENDS)


# « de » + « les Tilleuls » → « des Tilleuls »; « à » + « le médecin » → « au médecin ».
_ARTICLE_CONTRACTIONS = {
    ("de", "les"): "des",
    ("de", "le"): "du",
    ("à", "les"): "aux",
    ("à", "le"): "au",
}
# Words that elide before a vowel: « de Ogirys » → « d'Ogirys », « que IME » → « qu'IME ».
_ELIDING = {"de": "d'", "que": "qu'", "le": "l'", "la": "l'"}
_LAST_WORD = re.compile(r"(?:^|(?<=[\s(«]))(\w+) $")
_VOWELS = frozenset("aeiouyàâäéèêëîïôöùûüAEIOUYÀÂÄÉÈÊËÎÏÔÖÙÛÜ")


def _agree(before: str, value: str) -> tuple[str, str]:
    """The text before a filled placeholder and its value, once its last word agrees."""
    match = _LAST_WORD.search(before)
    if match is None or not value:
        return before, value
    word, head = match[1], before[: match.start()]
    lower = word.lower()
    first, _, rest = value.partition(" ")
    contracted = _ARTICLE_CONTRACTIONS.get((lower, first.lower()))
    if contracted is not None and rest:
        return head + _same_case(contracted, word) + " ", rest
    if lower in _ELIDING and value[0] in _VOWELS:
        return head + _same_case(_ELIDING[lower], word), value
    return before, value


def _same_case(replacement: str, word: str) -> str:
    return replacement[0].upper() + replacement[1:] if word[0].isupper() else replacement


def placeholder_values(inputs: GenerationInputs, context: RuleContext, kit: KitContext) -> dict[str, str]:
    """Every placeholder this establishment fills: its name with its article, the words of the
    vocabulary as its category and answers say them (the effective ones of ``context``), its
    CRRC, its SI components and the people of its crisis directory."""
    organisation = inputs.organisation
    answers = context.answers
    vocabulary = kit.vocabulary
    values = vocabulary.words(organisation.category, context.service_mode, answers)
    values |= {
        "etablissement": vocabulary.name_with_article(organisation.short_name or organisation.name),
        "categorie": kit.catalogue.label(organisation.category),
        "crrc": vocabulary.crrc(organisation.region_code, organisation.region_name),
    }
    users = answers.get(USERS_QUESTION)
    if is_integer(users):
        values["nb_usagers"] = str(users)
    elif organisation.capacity_places is not None:
        values["nb_usagers"] = str(organisation.capacity_places)
    sites = answers.get(SITES_QUESTION)
    values["nb_sites"] = str(sites if is_integer(sites) else organisation.sites_count)
    seen: set[str] = set()
    for component in inputs.components:
        key = component.category.lower()
        if key in seen:
            continue
        seen.add(key)
        if component.name:
            values[key] = component.name
        if component.editor:
            values[f"editeur_{key}"] = component.editor
    for contact in inputs.contacts:
        values.setdefault(f"contact_{contact.role.lower()}", contact.name)
    return values


def effective_service_mode(inputs: GenerationInputs, catalogue: Catalogue) -> ServiceMode:
    """The mode of care the stimuli speak of: a category that may run without internat (IME,
    ITEP…) is a day service when the questionnaire says nobody stays the night."""
    organisation = inputs.organisation
    entry = catalogue.essms_categories[organisation.category]
    if (
        entry.service_mode_without_night is not None
        and organisation.service_mode is entry.service_mode
        and inputs.answers.get(NIGHT_QUESTION) is False
    ):
        return entry.service_mode_without_night
    return organisation.service_mode


def effective_answers(inputs: GenerationInputs, catalogue: Catalogue) -> dict[str, AnswerValue]:
    """The answers, with the category's usual authority when the questionnaire leaves it open."""
    authorities = catalogue.essms_categories[inputs.organisation.category].authorities
    if authorities is None or AUTHORITIES_QUESTION in inputs.answers:
        return dict(inputs.answers)
    return {**inputs.answers, AUTHORITIES_QUESTION: authorities}


# ---------------------------------------------------------------------------------------------
# Generation


class _Pick(msgspec.Struct, frozen=True):
    """An inject chosen for the chronogram, and why."""

    template: InjectTemplate
    reason: str

    @property
    def code(self) -> str:
        return self.template.code

    @property
    def is_stimulus(self) -> bool:
        return self.template.phase not in SESSION_PHASES


class _Placed(msgspec.Struct, frozen=True):
    """A chosen inject with its minute and its actual recipient."""

    pick: _Pick
    offset: int
    recipient: ParticipantRole
    routing_note: str | None = None

    def order(self) -> tuple[int, int, int, str]:
        template = self.pick.template
        return (self.offset, PHASE_RANK[template.phase], -template.priority, template.code)


def rule_context(inputs: GenerationInputs, kit: KitContext) -> RuleContext:
    """What the rules read of ``inputs``: the effective service mode and answers, computed once
    per generation, are read by the placeholders too."""
    parameters = inputs.parameters
    catalogue = kit.catalogue
    category = catalogue.essms_categories[inputs.organisation.category]
    return RuleContext(
        category=inputs.organisation.category,
        service_mode=effective_service_mode(inputs, catalogue),
        level=parameters.level,
        format=parameters.format,
        scenario_type=parameters.scenario_type,
        include_perturbations=parameters.include_perturbations,
        answers=effective_answers(inputs, catalogue),
        components=inputs.components,
        traits=frozenset(category.traits),
        impacted_categories=frozenset(kit.content.scenarios[parameters.scenario_type].impacted_categories),
    )


def generate(inputs: GenerationInputs, kit: KitContext) -> GeneratedChronogram:
    """The chronogram of ``inputs`` with the library and the words of ``kit`` (see the module's
    docstring for the steps)."""
    parameters, library = inputs.parameters, kit.injects
    context = rule_context(inputs, kit)
    window = timing(parameters, kit.content)
    scenario = [t for t in library.injects.values() if parameters.scenario_type in t.scenario_types]
    left_out: list[LeftOut] = []

    optional = _select(scenario, context, kit)
    anchors = _anchors(scenario, inputs, kit, context)
    anchor_codes = {pick.code for pick in anchors}
    optional = _with_requirements(optional, anchor_codes, left_out)
    # The short format is the first hour and the alert chain: their links are kept like milestones.
    protected = (
        {pick.code for pick in optional if short_format_link(pick.template)}
        if parameters.format is ExerciseFormat.SENSIBILISATION
        else set()
    )
    cap = library.density_caps.get(parameters.level)
    if cap:
        optional = _within_density(optional, anchor_codes, protected, window.play_minutes // cap, left_out)

    optional = _with_requirements(
        _few_perturbations(optional, library.max_perturbations, left_out), anchor_codes, left_out
    )

    present = set(parameters.participant_roles) or set(ParticipantRole)
    offsets = {
        pick.code: scale_offset(pick.template.offset_minutes, library.reference_minutes, window)
        for pick in [*anchors, *optional]
    }
    # The calls that wait for the alert question are placed after the protected links, so that the
    # question keeps its minute.
    callbacks: dict[str, int] = {}
    if parameters.format is ExerciseFormat.SENSIBILISATION:
        callbacks = _calls_after_the_alert_question(
            anchors,
            optional,
            offsets,
            last_minute=max(window.play_minutes - 1, 0),
            gap=library.min_gap_minutes,
        )
        offsets |= callbacks
    placed = [_route(pick, offsets[pick.code], present, kit) for pick in [*anchors, *optional]]
    pacing = _Pacing(
        gap=library.min_gap_minutes,
        window=library.density_window_minutes,
        per_window=library.density_window_limits[parameters.level],
        quiet_from=window.play_minutes - min(library.quiet_minutes_before_finex, window.play_minutes // 5),
        last_minute=max(window.play_minutes - 1, 0),
    )
    placed = _spaced(
        placed,
        anchor_codes=anchor_codes,
        protected=protected,
        callbacks=set(callbacks),
        pacing=pacing,
        left_out=left_out,
    )

    values = placeholder_values(inputs, context, kit)
    entries = tuple(
        _render(seq, item, values, parameters, kit.catalogue)
        for seq, item in enumerate(sorted(placed, key=_Placed.order), start=1)
    )
    return GeneratedChronogram(
        library_version=library.version,
        generator_version=GENERATOR_VERSION,
        inputs_sha256=inputs_digest(inputs),
        timing=window,
        entries=entries,
        left_out=tuple(sorted(left_out, key=lambda item: item.inject_code)),
    )


def _select(scenario: Sequence[InjectTemplate], context: RuleContext, kit: KitContext) -> list[_Pick]:
    """The optional (non-anchor) injects whose level, format, flag and rule fit."""
    picks: list[_Pick] = []
    for template in scenario:
        if template.anchor is not None or not _fits(template, context):
            continue
        if template.rule is not None and not evaluate(template.rule, context):
            continue
        picks.append(_Pick(template, _reason(template, context, kit)))
    return picks


def _fits(template: InjectTemplate, context: RuleContext) -> bool:
    return (
        LEVEL_RANK[context.level] >= LEVEL_RANK[template.min_level]
        and context.format in template.formats
        and (context.include_perturbations or not template.perturbation)
    )


def _reason(template: InjectTemplate, context: RuleContext, kit: KitContext) -> str:
    why = explain(template.rule, context, kit) if template.rule is not None else None
    if template.perturbation:
        perturbation = "Stimulus perturbateur, demandé dans les paramètres de l'exercice"
        return perturbation if why is None else f"{perturbation}{SEMICOLON} {why}"
    if why is None:
        return f"{ALWAYS} scénario {quoted(kit.catalogue.label(context.scenario_type))}"
    return why[:1].upper() + why[1:]


def _anchors(
    scenario: Sequence[InjectTemplate], inputs: GenerationInputs, kit: KitContext, context: RuleContext
) -> list[_Pick]:
    """One inject per mandatory milestone, whatever the level, format or density."""
    catalogue = kit.catalogue
    picks: list[_Pick] = []
    for anchor in MANDATORY_ANCHORS:
        variants = [t for t in scenario if t.anchor is anchor]
        if not variants:
            continue
        reason = f"{ALWAYS} {catalogue.label(anchor)}"
        if anchor is InjectAnchor.DPO_CNIL:
            hit = _personal_data_hit(inputs, kit)
            if hit is None:
                continue
            reason = f"{reason}{SEMICOLON} {hit}"
        matching = [t for t in variants if t.rule is not None and evaluate(t.rule, context)]
        ruleless = [t for t in variants if t.rule is None]
        template = (matching or ruleless or variants)[0]
        if template in matching and template.rule is not None:
            reason = f"{reason}{SEMICOLON} {explain(template.rule, context, kit)}"
        picks.append(_Pick(template, reason))
    return picks


def _personal_data_hit(inputs: GenerationInputs, kit: KitContext) -> str | None:
    """Why the DPO/CNIL milestone is played, in French: the first component of a category the
    scenario hits that holds health data (else personal data); None when there is none."""
    hit = kit.content.scenarios[inputs.parameters.scenario_type].impacted_categories
    exposed = [component for component in inputs.components if component.category in hit]
    for flag, kind in (("health_data", "données de santé"), ("personal_data", "données personnelles")):
        component = next((item for item in exposed if getattr(item, flag)), None)
        if component is not None:
            category = kit.catalogue.label(component.category)
            return (
                f"{component.name or component.code} ({category}), touché par le scénario, traite des {kind}"
            )
    return None


def _with_requirements(picks: list[_Pick], anchor_codes: set[str], left_out: list[LeftOut]) -> list[_Pick]:
    """Drop, until nothing changes, the injects whose requirements are not all kept."""
    kept = list(picks)
    while True:
        codes = anchor_codes | {pick.code for pick in kept}
        missing = {
            pick.code: next(code for code in pick.template.requires if code not in codes)
            for pick in kept
            if not set(pick.template.requires) <= codes
        }
        if not missing:
            return kept
        for code, requirement in missing.items():
            left_out.append(LeftOut(inject_code=code, reason=f"Dépend de {requirement}, non retenu."))
        kept = [pick for pick in kept if pick.code not in missing]


# In the short format the players must have had time to alert before the authorities call back.
_INBOUND_CALLS = frozenset({InjectAnchor.ALERTE_ARS, InjectAnchor.ALERTE_CERT_SANTE, InjectAnchor.DPO_CNIL})
_TIME_TO_ALERT = 6


def _calls_after_the_alert_question(
    anchors: Sequence[_Pick],
    optional: Sequence[_Pick],
    offsets: Mapping[str, int],
    *,
    last_minute: int,
    gap: int,
) -> dict[str, int]:
    """The inbound calls of the authorities, moved to ``_TIME_TO_ALERT`` minutes at least after the
    last link of the alert chain in the escalation (« qui alertez-vous ? ») — fewer, never under
    ``gap``, when the play is too short to hold every call spaced by ``gap`` after that delay
    (they may all go to the one player there is)."""
    questions = [
        offsets[pick.code]
        for pick in optional
        if pick.template.alert_chain and pick.template.phase is Phase.ESCALADE
    ]
    if not questions:
        return {}
    calls = [pick for pick in anchors if pick.template.anchor in _INBOUND_CALLS]
    room = last_minute - gap * (len(calls) - 1)
    earliest = max(questions) + max(min(_TIME_TO_ALERT, room - max(questions)), gap)
    return {pick.code: max(offsets[pick.code], earliest) for pick in calls}


def _few_perturbations(picks: list[_Pick], allowed: int, left_out: list[LeftOut]) -> list[_Pick]:
    """At most ``allowed`` perturbations, the highest priorities (then codes) first."""
    perturbations = sorted(
        (pick for pick in picks if pick.template.perturbation), key=lambda p: (-p.template.priority, p.code)
    )
    dropped = {pick.code for pick in perturbations[allowed:]}
    left_out += [
        LeftOut(
            inject_code=code,
            reason="Assez de stimuli perturbateurs\u00a0: ils ne doivent pas masquer la crise.",
        )
        for code in sorted(dropped)
    ]
    return [pick for pick in picks if pick.code not in dropped]


def short_format_link(template: InjectTemplate) -> bool:
    """A link of the alert chain, or of the webinar's first-hour chain that every exercise of the
    scenario plays (no rule, no requirement: the T0 → qualification → arbitrage thread)."""
    first_hour = (
        template.phase in FIRST_HOUR
        and template.rule is None
        and not template.requires
        and not template.perturbation
    )
    return template.alert_chain or first_hour


def _within_density(
    picks: list[_Pick], anchor_codes: set[str], protected: set[str], allowed: int, left_out: list[LeftOut]
) -> list[_Pick]:
    """At most ``allowed`` optional stimuli besides the ``protected`` ones: by priority (then
    code), each with what it requires."""
    stimuli = [pick for pick in picks if pick.is_stimulus and pick.code not in protected]
    if len(stimuli) <= allowed:
        return picks
    by_code = {pick.code: pick for pick in picks}
    kept: set[str] = {pick.code for pick in picks if not pick.is_stimulus} | protected
    for code in protected:
        kept |= _requirements(code, by_code, anchor_codes)
    count = 0
    for pick in sorted(stimuli, key=lambda p: (-p.template.priority, p.code)):
        if pick.code in kept:
            continue
        closure = _requirements(pick.code, by_code, anchor_codes) - kept
        added = sum(1 for code in closure if by_code[code].is_stimulus)
        if count + added <= allowed:
            kept |= closure
            count += added
    for pick in stimuli:
        if pick.code not in kept:
            left_out.append(
                LeftOut(
                    inject_code=pick.code, reason="Densité maximale du niveau atteinte (priorité plus basse)."
                )
            )
    return [pick for pick in picks if pick.code in kept]


def _requirements(code: str, by_code: Mapping[str, _Pick], anchor_codes: set[str]) -> set[str]:
    """``code`` and the optional injects it requires, transitively."""
    closure: set[str] = set()
    stack = [code]
    while stack:
        current = stack.pop()
        if current in closure or current in anchor_codes:
            continue
        closure.add(current)
        stack.extend(by_code[current].template.requires)
    return closure


def _route(pick: _Pick, offset: int, present: set[ParticipantRole], kit: KitContext) -> _Placed:
    intended = pick.template.recipient
    if intended in present:
        return _Placed(pick, offset, intended)
    # Never the role the facilitators play as the sender (a provider writing to itself).
    candidates = [*kit.injects.fallback_recipients.get(intended, ()), *ParticipantRole]
    recipient = next(
        (role for role in candidates if role in present and role.value != pick.template.sender.value),
        next(role for role in candidates if role in present),
    )
    catalogue = kit.catalogue
    note = (
        f"Destinataire prévu{COLON} {catalogue.label(intended)}, absent de l'exercice{SEMICOLON} "
        f"stimulus adressé à{COLON} {catalogue.label(recipient)}."
    )
    return _Placed(pick, offset, recipient, note)


class _Pacing(msgspec.Struct, frozen=True, kw_only=True):
    """How close stimuli may be: ``gap`` minutes between two to one recipient, at most
    ``per_window`` in any ``window`` minutes, only closing stimuli after ``quiet_from`` and
    nothing after ``last_minute`` (the FINEX is the next)."""

    gap: int
    window: int
    per_window: int
    quiet_from: int
    last_minute: int

    def crowded(self, minute: int, minutes: Sequence[int]) -> bool:
        """Whether one more stimulus at ``minute`` fills some window beyond its limit
        (``minutes`` sorted)."""
        for start in range(minute - self.window + 1, minute + 1):
            inside = bisect.bisect_left(minutes, start + self.window) - bisect.bisect_left(minutes, start)
            if inside >= self.per_window:
                return True
        return False


def _spaced(
    items: list[_Placed],
    *,
    anchor_codes: set[str],
    protected: set[str],
    callbacks: set[str],
    pacing: _Pacing,
    left_out: list[LeftOut],
) -> list[_Placed]:
    """Stimuli placed by ``pacing``: anchors take their minute first (spaced per recipient
    only), then the protected links of the alert chain (spaced per recipient only too), then
    the anchors in ``callbacks`` (the authorities' calls that wait for the alert question), then
    each optional stimulus the first minute from its own, after what it requires, that keeps
    every rule; an optional stimulus with no such minute before the FINEX is left out, with
    whatever requires it."""
    busy: dict[ParticipantRole, list[int]] = {}
    minutes: list[int] = []
    at: dict[str, int] = {}
    placed: list[_Placed] = []
    dropped: set[str] = set()
    ordered = sorted(items, key=_Placed.order)
    ranks = dict.fromkeys(anchor_codes, 0) | dict.fromkeys(protected, 1) | dict.fromkeys(callbacks, 2)
    for item in sorted(ordered, key=lambda entry: ranks.get(entry.pick.code, 3)):
        code = item.pick.code
        if not item.pick.is_stimulus:
            placed.append(item)
            continue
        taken = busy.setdefault(item.recipient, [])
        if code in anchor_codes:
            # A play too short to space the milestones: they stay, as close as they must.
            minute = min(_free_minute(item.offset, taken, pacing.gap), pacing.last_minute)
        else:
            after = max((at[other] + 1 for other in item.pick.template.requires if other in at), default=0)
            last = pacing.last_minute if item.pick.template.closing else pacing.quiet_from
            start = max(item.offset, after)
            if code in protected:
                # Kept whatever the density: spaced for its recipient only.
                found: int | None = min(_free_minute(start, taken, pacing.gap), pacing.last_minute)
            else:
                found = _paced_minute(start, taken, minutes, last, pacing)
            if found is None or any(other in dropped for other in item.pick.template.requires):
                dropped.add(code)
                left_out.append(LeftOut(inject_code=code, reason=_NO_ROOM))
                continue
            minute = found
        taken.append(minute)
        bisect.insort(minutes, minute)
        at[code] = minute
        placed.append(msgspec.structs.replace(item, offset=minute))
    while dependent := {
        item.pick.code for item in placed if any(code in dropped for code in item.pick.template.requires)
    }:
        for code in sorted(dependent):
            left_out.append(
                LeftOut(inject_code=code, reason="Dépend d'un stimulus sans place avant la FINEX.")
            )
        dropped |= dependent
        placed = [item for item in placed if item.pick.code not in dependent]
    return placed


_NO_ROOM = (
    "Plus de place avant la FINEX sans surcharger les joueurs (au plus un nombre limité de stimuli "
    "par tranche de dix minutes, aucun nouveau sujet dans les dernières minutes)."
)


def _paced_minute(
    start: int, taken: Sequence[int], minutes: Sequence[int], last: int, pacing: _Pacing
) -> int | None:
    """The first minute from ``start`` to ``last`` spaced for the recipient and in an uncrowded
    window; None when there is none."""
    minute = start
    while minute <= last:
        minute = _free_minute(minute, taken, pacing.gap)
        if minute > last:
            return None
        if not pacing.crowded(minute, minutes):
            return minute
        minute += 1
    return None


def _free_minute(start: int, taken: Iterable[int], gap: int) -> int:
    minute = start
    while clashes := [other for other in taken if abs(other - minute) < gap]:
        minute = max(clashes) + gap
    return minute


def _render(
    seq: int, item: _Placed, values: Mapping[str, str], parameters: ExerciseParameters, catalogue: Catalogue
) -> GeneratedEntry:
    template = item.pick.template
    title, missing = fill_placeholders(template.title, values)
    stimulus, unresolved = fill_placeholders(template.stimulus, values)
    missing += unresolved
    reactions: list[str] = []
    for text in template.expected_reactions:
        filled, unresolved = fill_placeholders(text, values)
        reactions.append(filled)
        missing += unresolved
    return GeneratedEntry(
        seq=seq,
        offset_minutes=item.offset,
        clock_time=format_clock(clock_at(parameters, item.offset)),
        phase=template.phase,
        sender=template.sender,
        facilitator=catalogue.inject_senders[template.sender].facilitator,
        recipient=item.recipient,
        channel=template.channel,
        title=title,
        stimulus=stimulus,
        expected_reactions=tuple(reactions),
        competency_items=template.competency_items,
        inject_code=template.code,
        reason=item.pick.reason,
        routing_note=item.routing_note,
        play_if=template.play_if,
        unresolved_placeholders=tuple(dict.fromkeys(missing)),
    )
