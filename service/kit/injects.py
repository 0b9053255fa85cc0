"""The inject library: the stimuli a chronogram is built from, as data in ``data/injects.toml``.

Each inject carries its place on the reference timeline, who sends it to whom and how, the
French stimulus (with placeholders filled at generation), the reactions expected of the players,
the competency items it assesses and the rule that says when it fits an establishment. The
library is decoded into frozen Structs and checked against the kit at start-up; any problem raises
KitContentError naming the inject code and the field.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import msgspec

from service.kit.catalogue import get_catalogue
from service.kit.codes import (
    Channel,
    ContactRole,
    ExerciseFormat,
    ExerciseLevel,
    InjectAnchor,
    InjectSender,
    ParticipantRole,
    Phase,
    ScenarioType,
    SiCategory,
)

# The kit's own decoding and duplicate helpers, so library errors read like the kit's.
from service.kit.content import Kit, KitContentError, decode_error, get_kit, read_data_file
from service.kit.rules.check import rule_problems
from service.kit.rules.model import All, AnyOf, Rule, SiAttribute, SiHit, SiPresent
from service.kit.rules.parse import parse_rule
from service.kit.rules.wording import Wording, get_wording, wording_problems
from service.kit.vocabulary import WORDS
from service.lib.duplicates import duplicates
from service.lib.graphs import dependency_cycles


class InjectTemplate(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One stimulus of the library, as the engine reads it (rule parsed)."""

    code: str
    title: str
    scenario_types: tuple[ScenarioType, ...]
    phase: Phase
    # Minutes from T0 on the reference timeline: DEBEX is negative, FINEX = reference length.
    offset_minutes: int
    sender: InjectSender
    recipient: ParticipantRole
    channel: Channel
    stimulus: str
    expected_reactions: tuple[str, ...]
    competency_items: tuple[str, ...]
    min_level: ExerciseLevel
    formats: tuple[ExerciseFormat, ...]
    # 1 is dropped first when the density cap bites, 5 kept longest; anchors ignore it.
    priority: int
    # None: always included (subject to scenario, level and format).
    rule: Rule | None = None
    perturbation: bool = False
    requires: tuple[str, ...] = ()
    anchor: InjectAnchor | None = None
    # A link of the alert chain (annuaire, circuit de signalement, « qui alertez-vous ? »): in the
    # short format it is kept whatever the density, like an anchor.
    alert_chain: bool = False
    # When the facilitators play it, in French (« Seulement si personne n'a encore signalé… »).
    play_if: str | None = None
    # Closes a thread (the Plan Bleu lifted, the return to normal): the only kind of stimulus
    # played in the quiet minutes before FINEX.
    closing: bool = False


class InjectLibrary(msgspec.Struct, frozen=True):
    version: str
    # Length of the reference timeline, T0 to FINEX; the engine scales it to the exercise.
    reference_minutes: int
    # Between two stimuli to the same recipient.
    min_gap_minutes: int
    # At most one optional stimulus per N minutes, per level.
    density_caps: dict[ExerciseLevel, int]
    # In any window of this many minutes of play, at most density_window_limits[level] stimuli.
    density_window_minutes: int
    density_window_limits: dict[ExerciseLevel, int]
    # Only closing stimuli in this many minutes before FINEX.
    quiet_minutes_before_finex: int
    # Distracting stimuli are a seasoning: at most this many in one chronogram.
    max_perturbations: int
    # Where a stimulus goes when its recipient plays no part; each list ends with DIRECTION.
    fallback_recipients: dict[ParticipantRole, tuple[ParticipantRole, ...]]
    # In file order.
    injects: dict[str, InjectTemplate]


def _placeholders() -> dict[str, str]:
    names = {
        "etablissement": "Nom de l'établissement, avec son article (l'IME Les Genêts)",
        "categorie": "Catégorie de l'établissement",
        "nb_usagers": "Nombre d'usagers (questionnaire) ou capacité",
        "nb_sites": "Nombre de sites",
        "crrc": "Le CRRC de l'annuaire de crise (CRRC de la région, sans annuaire)",
        **WORDS,
    }
    label = get_catalogue().label
    for category in SiCategory:
        names[category.lower()] = (
            f"Nom du premier composant du SI de catégorie «\u00a0{label(category)}\u00a0»"
        )
        names[f"editeur_{category.lower()}"] = (
            f"Éditeur du premier composant du SI de catégorie «\u00a0{label(category)}\u00a0»"
        )
    for role in ContactRole:
        names[f"contact_{role.lower()}"] = (
            f"Nom du premier contact «\u00a0{label(role)}\u00a0» de l'annuaire de crise"
        )
    return names


# Allowed placeholder name → French description; the engine fills them, the checks refuse others.
PLACEHOLDERS: Mapping[str, str] = MappingProxyType(_placeholders())


# injects.toml as written: the rule is a raw TOML table until parse_rule reads it.
class _InjectEntry(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    code: str
    title: str
    scenario_types: tuple[ScenarioType, ...]
    phase: Phase
    offset_minutes: int
    sender: InjectSender
    recipient: ParticipantRole
    channel: Channel
    stimulus: str
    expected_reactions: tuple[str, ...]
    competency_items: tuple[str, ...]
    min_level: ExerciseLevel
    formats: tuple[ExerciseFormat, ...]
    priority: int
    rule: dict[str, Any] | None = None
    perturbation: bool = False
    requires: tuple[str, ...] = ()
    anchor: InjectAnchor | None = None
    alert_chain: bool = False
    play_if: str | None = None
    closing: bool = False


class _LibraryFile(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    version: str
    reference_minutes: int
    min_gap_minutes: int
    density_caps: dict[ExerciseLevel, int]
    density_window_minutes: int
    density_window_limits: dict[ExerciseLevel, int]
    quiet_minutes_before_finex: int
    max_perturbations: int
    fallback_recipients: dict[ParticipantRole, tuple[ParticipantRole, ...]]
    injects: tuple[_InjectEntry, ...]


FILE = "injects.toml"
CODE = re.compile(r"[A-Z0-9]+(-[A-Z0-9]+)+")
PRIORITIES = range(1, 6)
# Minutes after FINEX the hot debrief may reach on the reference timeline.
DEBRIEF_MARGIN = 60
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
# A person of the crisis directory is named in parentheses after their role (« le DPO
# ({contact_dpo}) »): without a name in the directory, the parentheses go and the role reads alone.
_CONTACT = re.compile(r"\{(contact_[a-z_]+)\}")
_CONTACT_IN_PARENTHESES = re.compile(r" \(\{contact_[a-z_]+\}\)")
# Where each anchor sits on the timeline.
ANCHOR_PHASES: Mapping[InjectAnchor, Phase] = MappingProxyType(
    {
        InjectAnchor.BRIEFING: Phase.DEBEX,
        InjectAnchor.T0: Phase.SIGNAL_FAIBLE,
        InjectAnchor.QUALIFICATION: Phase.QUALIFICATION,
        InjectAnchor.ALERTE_ARS: Phase.ESCALADE,
        InjectAnchor.ALERTE_CERT_SANTE: Phase.ESCALADE,
        InjectAnchor.DPO_CNIL: Phase.ESCALADE,
        InjectAnchor.FINEX: Phase.FINEX,
        InjectAnchor.RETEX_CHAUD: Phase.RETEX_CHAUD,
    }
)
# The webinar's first hour: every exercise, even a 45-minute beginners' one, plays these phases.
FIRST_HOUR: tuple[Phase, ...] = (Phase.SIGNAL_FAIBLE, Phase.QUALIFICATION, Phase.ARBITRAGE, Phase.ESCALADE)


def _always_playable(entry: _InjectEntry, *, ruled: bool = False) -> bool:
    """Selected whatever the establishment, level and format (scenario aside); ``ruled``: except
    for its rule (an anchor's variant for some establishments)."""
    return (
        (ruled or entry.rule is None)
        and not entry.perturbation
        and not entry.requires
        and entry.min_level is ExerciseLevel.DEBUTANT
        and set(entry.formats) == set(ExerciseFormat)
    )


def _inject_text_problems(where: str, entry: _InjectEntry) -> list[str]:
    problems: list[str] = []
    texts = {"title": entry.title, "stimulus": entry.stimulus}
    texts |= {f"expected_reactions[{index}]": text for index, text in enumerate(entry.expected_reactions)}
    for field, text in texts.items():
        if not text.strip() or text != text.strip():
            problems.append(f"{where}: {field} is empty or has surrounding spaces")
        elif field != "stimulus" and ("{" in text or "}" in text):
            problems.append(f"{where}: {field} takes no placeholder (only the stimulus is filled)")
    if not entry.expected_reactions:
        problems.append(f"{where}: expected_reactions is empty")
    unknown = [name for name in _PLACEHOLDER.findall(entry.stimulus) if name not in PLACEHOLDERS]
    problems += [f"{where}: stimulus: unknown placeholder {{{name}}}" for name in unknown]
    if _CONTACT.search(_CONTACT_IN_PARENTHESES.sub("", entry.stimulus)):
        problems.append(
            f"{where}: stimulus: a {{contact_…}} placeholder stands alone in parentheses after the role "
            "it names (« le DPO ({contact_dpo}) »), so that the text reads without it"
        )
    if entry.play_if is not None and (not entry.play_if.strip() or "{" in entry.play_if):
        problems.append(f"{where}: play_if is empty or holds a placeholder")
    if _PLACEHOLDER.sub("", entry.stimulus).count("{") or _PLACEHOLDER.sub("", entry.stimulus).count("}"):
        problems.append(f"{where}: stimulus: unbalanced brace")
    return problems


# SI placeholder name → the category whose first component fills it ({dui}, {editeur_dui}).
_SI_PLACEHOLDERS: Mapping[str, SiCategory] = MappingProxyType(
    {name: category for category in SiCategory for name in (category.lower(), f"editeur_{category.lower()}")}
)


def _guaranteed(rule: Rule | None) -> frozenset[SiCategory]:
    """The SI categories a component of which exists whenever ``rule`` holds."""
    if isinstance(rule, SiPresent | SiHit) or (isinstance(rule, SiAttribute) and rule.category is not None):
        return frozenset({rule.category}) if rule.category else frozenset()
    if isinstance(rule, All):
        return frozenset().union(*map(_guaranteed, rule.rules))
    if isinstance(rule, AnyOf):
        return frozenset.intersection(*map(_guaranteed, rule.rules))
    return frozenset()


def _si_placeholder_problems(where: str, stimulus: str, rule: Rule | None) -> list[str]:
    """An SI placeholder is filled only if the component exists: the rule must require it, so that
    no chronogram shows « {editeur_dui} » for an establishment without a DUI."""
    present = _guaranteed(rule)
    return [
        f"{where}: stimulus: {{{name}}} needs a rule that requires a {_SI_PLACEHOLDERS[name]} component"
        for name in _PLACEHOLDER.findall(stimulus)
        if name in _SI_PLACEHOLDERS and _SI_PLACEHOLDERS[name] not in present
    ]


def _lists_problems(where: str, entry: _InjectEntry, kit: Kit) -> list[str]:
    problems: list[str] = []
    for field, values in (
        ("scenario_types", entry.scenario_types),
        ("formats", entry.formats),
        ("competency_items", entry.competency_items),
    ):
        # Nothing is rated on the hot RETEX: the play is over.
        if not values and not (field == "competency_items" and entry.phase is Phase.RETEX_CHAUD):
            problems.append(f"{where}: {field} is empty")
        problems += [f"{where}: {field}: {value} is listed twice" for value in duplicates(values)]
    if entry.phase is Phase.RETEX_CHAUD and entry.competency_items:
        problems.append(f"{where}: competency_items: nothing is rated on the hot RETEX")
    problems += [
        f"{where}: competency_items: unknown competency item {item}"
        for item in entry.competency_items
        if item not in kit.item_families
    ]
    return problems


def _timing_problems(where: str, entry: _InjectEntry, reference: int) -> list[str]:
    problems: list[str] = []
    if not -reference <= entry.offset_minutes <= reference + DEBRIEF_MARGIN:
        problems.append(
            f"{where}: offset_minutes {entry.offset_minutes} is outside "
            f"[-{reference}, {reference + DEBRIEF_MARGIN}]"
        )
    elif (entry.offset_minutes < 0) != (entry.phase is Phase.DEBEX):
        problems.append(f"{where}: offset_minutes: only DEBEX comes before T0 (found {entry.offset_minutes})")
    elif entry.phase is Phase.FINEX and entry.offset_minutes != reference:
        problems.append(
            f"{where}: offset_minutes: FINEX is at the end of the reference timeline ({reference})"
        )
    elif (entry.phase is Phase.RETEX_CHAUD) != (entry.offset_minutes > reference):
        problems.append(f"{where}: offset_minutes: only RETEX_CHAUD comes after FINEX ({reference})")
    if entry.phase is Phase.RECONSTRUCTION and entry.min_level is ExerciseLevel.DEBUTANT:
        problems.append(f"{where}: min_level: the reconstruction is not played at DEBUTANT level")
    if entry.priority not in PRIORITIES:
        problems.append(f"{where}: priority {entry.priority} is outside 1 to 5")
    return problems


def _anchor_problems(where: str, entry: _InjectEntry) -> list[str]:
    if entry.anchor is None:
        return []
    problems: list[str] = []
    if entry.phase is not ANCHOR_PHASES[entry.anchor]:
        problems.append(f"{where}: anchor {entry.anchor} belongs to phase {ANCHOR_PHASES[entry.anchor]}")
    if not _always_playable(entry, ruled=True):
        problems.append(
            f"{where}: anchor: an anchor is played in every exercise (no requires or perturbation; "
            "min_level DEBUTANT; every format; a rule only on a variant)"
        )
    return problems


def _requires_problems(entries: Mapping[str, _InjectEntry]) -> list[str]:
    problems: list[str] = []
    for code, entry in entries.items():
        for required in entry.requires:
            target = entries.get(required)
            if target is None:
                problems.append(f"{FILE}: {code}: requires: unknown inject {required}")
            elif required == code:
                problems.append(f"{FILE}: {code}: requires: an inject cannot require itself")
            elif missing := set(entry.scenario_types) - set(target.scenario_types):
                problems.append(
                    f"{FILE}: {code}: requires: {required} is never played in {', '.join(sorted(missing))}"
                )
    graph = {code: entry.requires for code, entry in entries.items()}
    problems += [
        f"{FILE}: {cycle[0]}: requires: cycle {' → '.join(cycle)}" for cycle in dependency_cycles(graph)
    ]
    return problems


def _coverage_problems(entries: Iterable[_InjectEntry]) -> list[str]:
    """Every scenario has each anchor, and a first-hour chain that plays in every exercise."""
    entries = list(entries)
    problems: list[str] = []
    for scenario in ScenarioType:
        own = [entry for entry in entries if scenario in entry.scenario_types]
        anchors = {entry.anchor for entry in own if entry.rule is None}
        problems += [
            f"{FILE}: scenario {scenario}: no inject without a rule is anchor {anchor}"
            for anchor in InjectAnchor
            if anchor not in anchors
        ]
        chain = {entry.phase for entry in own if _always_playable(entry)}
        problems += [
            f"{FILE}: scenario {scenario}: no {phase} inject plays in every exercise (first-hour chain)"
            for phase in FIRST_HOUR
            if phase not in chain
        ]
    return problems


def _settings_problems(data: _LibraryFile) -> list[str]:
    problems: list[str] = []
    if not data.version.strip():
        problems.append(f"{FILE}: version is empty")
    if data.reference_minutes <= 0 or data.min_gap_minutes < 0:
        problems.append(f"{FILE}: reference_minutes must be positive and min_gap_minutes zero or more")
    problems += [
        f"{FILE}: density_caps: {level} is missing"
        for level in ExerciseLevel
        if level not in data.density_caps
    ]
    problems += [
        f"{FILE}: density_caps: {level} must be positive"
        for level, cap in data.density_caps.items()
        if cap <= 0
    ]
    problems += [
        f"{FILE}: density_window_limits: {level} is missing"
        for level in ExerciseLevel
        if level not in data.density_window_limits
    ]
    if data.density_window_minutes <= 0 or any(limit <= 0 for limit in data.density_window_limits.values()):
        problems.append(f"{FILE}: density_window_minutes and density_window_limits must be positive")
    if data.quiet_minutes_before_finex < 0 or data.max_perturbations < 0:
        problems.append(f"{FILE}: quiet_minutes_before_finex and max_perturbations must be zero or more")
    for role in ParticipantRole:
        route = data.fallback_recipients.get(role, ())
        if role is ParticipantRole.DIRECTION:
            if route:
                problems.append(
                    f"{FILE}: fallback_recipients: DIRECTION is the last resort and has no fallback"
                )
        elif not route or route[-1] is not ParticipantRole.DIRECTION or role in route or duplicates(route):
            problems.append(
                f"{FILE}: fallback_recipients: {role} needs distinct roles other than itself, "
                "ending with DIRECTION"
            )
    return problems


def build_inject_library(document: object, kit: Kit, wording: Wording) -> InjectLibrary:
    """Convert and check the decoded injects.toml against the kit; raise KitContentError listing
    every problem, each naming the inject code and the field."""
    try:
        data = msgspec.convert(document, type=_LibraryFile)
    except msgspec.ValidationError as exc:
        raise KitContentError(decode_error(FILE, document, exc)) from exc
    problems = _settings_problems(data)
    problems += [
        f"{FILE}: {code}: code is defined twice" for code in duplicates(entry.code for entry in data.injects)
    ]
    entries = {entry.code: entry for entry in data.injects}
    templates: dict[str, InjectTemplate] = {}
    for entry in entries.values():
        where = f"{FILE}: {entry.code}"
        if not CODE.fullmatch(entry.code):
            problems.append(f"{where}: code must match {CODE.pattern}")
        problems += _inject_text_problems(where, entry)
        problems += _lists_problems(where, entry, kit)
        problems += _timing_problems(where, entry, data.reference_minutes)
        problems += _anchor_problems(where, entry)
        if entry.alert_chain and (entry.requires or entry.anchor is not None):
            problems.append(
                f"{where}: alert_chain: a link of the alert chain requires nothing and is no anchor"
            )
        rule = None
        if entry.rule is not None:
            try:
                rule = parse_rule(entry.rule, where=f"{where}: rule")
            except KitContentError as exc:
                problems.append(str(exc))
            else:
                problems += [f"{where}: rule: {problem}" for problem in rule_problems(rule, kit, wording)]
        problems += _si_placeholder_problems(where, entry.stimulus, rule)
        fields = {name: getattr(entry, name) for name in entry.__struct_fields__}
        templates[entry.code] = InjectTemplate(**(fields | {"rule": rule}))
    problems += _requires_problems(entries)
    problems += _coverage_problems(entries.values())
    if problems:
        raise KitContentError("The inject library is invalid: " + "; ".join(problems))
    return InjectLibrary(
        version=data.version,
        reference_minutes=data.reference_minutes,
        min_gap_minutes=data.min_gap_minutes,
        density_caps=data.density_caps,
        density_window_minutes=data.density_window_minutes,
        density_window_limits=data.density_window_limits,
        quiet_minutes_before_finex=data.quiet_minutes_before_finex,
        max_perturbations=data.max_perturbations,
        fallback_recipients=data.fallback_recipients,
        injects=templates,
    )


def read_inject_document() -> object:
    """injects.toml as shipped, its ``parts`` (files of ``injects/``) merged in the order it lists
    them: one document, as if the library were written in one file."""
    document = read_data_file(FILE)
    if not isinstance(document, dict) or "injects" in document:
        raise KitContentError(f"{FILE}: the injects belong in the files of injects/ listed under `parts`")
    parts = document.pop("parts", None)
    if not isinstance(parts, list) or not parts or not all(isinstance(part, str) for part in parts):
        raise KitContentError(f"{FILE}: `parts` must list the files of injects/")
    injects: list[object] = []
    for part in parts:
        content = read_data_file(f"injects/{part}")
        if not isinstance(content, dict) or set(content) != {"injects"}:
            raise KitContentError(f"injects/{part}: holds only [[injects]] tables")
        injects += content["injects"]
    return document | {"injects": injects}


@functools.cache
def get_inject_library() -> InjectLibrary:
    """The checked library; the wording its rules are said with is checked at the same time."""
    kit, wording = get_kit(), get_wording()
    problems = wording_problems(wording, kit)
    if problems:
        raise KitContentError("The rules' wording is invalid: " + "; ".join(problems))
    return build_inject_library(read_inject_document(), kit, wording)
