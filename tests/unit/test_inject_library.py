"""The inject library as shipped (what a chronogram can be made of) and the start-up checks that
refuse a broken one, each naming the inject code and the field."""

from __future__ import annotations

import copy
import re
from collections import Counter
from collections.abc import Callable
from typing import Any

import msgspec
import pytest

from service.kit.catalogue import get_catalogue
from service.kit.codes import (
    EssmsCategory,
    ExerciseFormat,
    ExerciseLevel,
    HostingMode,
    InjectAnchor,
    Phase,
    ScenarioType,
    ServiceMode,
    SiCategory,
)
from service.kit.content import KitContentError, get_kit
from service.kit.injects import (
    FIRST_HOUR,
    PLACEHOLDERS,
    InjectLibrary,
    InjectTemplate,
    build_inject_library,
    get_inject_library,
    read_inject_document,
)
from service.kit.rules import ComponentFacts, RuleContext, evaluate, reads
from service.kit.rules.wording import get_wording

Document = dict[str, Any]
LIBRARY = get_inject_library()
INJECTS = list(LIBRARY.injects.values())


def of(scenario: ScenarioType, phase: Phase | None = None) -> list[InjectTemplate]:
    return [t for t in INJECTS if scenario in t.scenario_types and phase in (None, t.phase)]


# The library as shipped


def test_the_library_is_large_and_covers_every_scenario() -> None:
    assert len(INJECTS) >= 95
    assert LIBRARY.reference_minutes == 120
    for scenario in ScenarioType:
        own = [t for t in of(scenario) if t.scenario_types == (scenario,)]
        assert len(own) >= 8, scenario
        for phase in (*FIRST_HOUR, Phase.CONTINUITE, Phase.RECONSTRUCTION, Phase.COMMUNICATION):
            assert of(scenario, phase), (scenario, phase)
        assert any(t.perturbation for t in of(scenario)), scenario


@pytest.mark.parametrize("scenario", list(ScenarioType))
def test_each_scenario_has_its_own_first_hour_chain(scenario: ScenarioType) -> None:
    """T0 signal faible, T+15 qualification, T+45 arbitrage (a ransomware's cut decision around
    T+20-25, CERT-FR RFX-001), then the players decide to alert before T+90 (the webinar)."""
    own = [t for t in of(scenario) if t.scenario_types == (scenario,)]
    always = [t for t in of(scenario) if t.rule is None and t.min_level is ExerciseLevel.DEBUTANT]
    starts = {phase: min(t.offset_minutes for t in always if t.phase is phase) for phase in FIRST_HOUR}
    assert starts[Phase.SIGNAL_FAIBLE] == 0
    assert starts[Phase.QUALIFICATION] == 15
    if scenario is ScenarioType.RANSOMWARE:
        assert 20 <= starts[Phase.ARBITRAGE] <= 25
    else:
        assert starts[Phase.ARBITRAGE] == 45
    assert 60 <= starts[Phase.ESCALADE] <= 90
    alert = [t for t in always if t.alert_chain and t.phase is Phase.ESCALADE]
    assert alert, "no « qui alertez-vous ? » plays in every exercise"
    ars = [t for t in always if t.anchor is InjectAnchor.ALERTE_ARS]
    assert min(t.offset_minutes for t in alert) < min(t.offset_minutes for t in ars)
    anchors = {t.anchor for t in own}
    assert {InjectAnchor.T0, InjectAnchor.QUALIFICATION} <= anchors


def test_the_shared_anchors_serve_every_scenario() -> None:
    for anchor in (InjectAnchor.BRIEFING, InjectAnchor.ALERTE_ARS, InjectAnchor.ALERTE_CERT_SANTE):
        # Variants may fit some establishments or scenarios; the one without a rule serves all.
        (shared,) = [t for t in INJECTS if t.anchor is anchor and t.rule is None]
        assert set(shared.scenario_types) == set(ScenarioType)
    ars = LIBRARY.injects["COM-ARS-01"]
    assert "portail de signalement des événements sanitaires indésirables" in " ".join(ars.expected_reactions)
    assert "72 heures" in LIBRARY.injects["COM-DPO-01"].stimulus
    assert LIBRARY.injects["COM-FINEX-01"].offset_minutes == LIBRARY.reference_minutes
    assert LIBRARY.injects["COM-RETEX-01"].offset_minutes > LIBRARY.reference_minutes


def test_the_escalation_follows_the_real_chain() -> None:
    escalation = sorted(
        (t.offset_minutes, t.sender) for t in INJECTS if t.phase is Phase.ESCALADE and t.rule is None
    )
    senders = [str(sender) for _, sender in escalation]
    # Portal and ARS first, then CERT Santé, the CRRC, the DPO (CNIL); the gendarmerie never
    # calls to canvass a complaint: the direction files it.
    order = ["ARS", "CERT_SANTE", "CRRC", "DPO"]
    positions = [senders.index(sender) for sender in order]
    assert positions == sorted(positions)
    assert "FORCES_ORDRE" not in senders


def test_every_competency_item_is_assessed_and_exists() -> None:
    used = Counter(item for t in INJECTS for item in t.competency_items)
    assert set(used) == set(get_kit().item_families)


def test_stimuli_use_only_the_known_placeholders() -> None:
    for t in INJECTS:
        assert set(re.findall(r"\{([^{}]*)\}", t.stimulus)) <= set(PLACEHOLDERS), t.code


def test_reconstruction_is_for_intermediate_levels_and_above() -> None:
    reconstruction = [t for t in INJECTS if t.phase is Phase.RECONSTRUCTION]
    assert reconstruction
    assert all(t.min_level is not ExerciseLevel.DEBUTANT for t in reconstruction)


def test_some_injects_depend_on_others_and_some_perturb() -> None:
    assert sum(bool(t.requires) for t in INJECTS) >= 5
    assert sum(t.perturbation for t in INJECTS) >= 10
    assert all(required in LIBRARY.injects for t in INJECTS for required in t.requires)


def test_every_mode_of_care_gets_stimuli_that_fit_how_it_works() -> None:
    by_mode = {
        mode: [t.code for t in INJECTS if t.rule and "service_mode" in reads(t.rule) and mode in str(t.rule)]
        for mode in ServiceMode
    }
    assert len(by_mode[ServiceMode.HEBERGEMENT]) >= 5
    assert len(by_mode[ServiceMode.DOMICILE]) >= 5
    assert len(by_mode[ServiceMode.TRAVAIL]) >= 3
    assert len(by_mode[ServiceMode.ACCUEIL_JOUR]) >= 2
    assert "DOM-TOURNEE-01" in by_mode[ServiceMode.DOMICILE]
    assert "{planning}" in LIBRARY.injects["DOM-TOURNEE-01"].stimulus


def context(
    scenario: ScenarioType,
    mode: ServiceMode,
    category: EssmsCategory,
    *,
    level: ExerciseLevel = ExerciseLevel.DEBUTANT,
    fmt: ExerciseFormat = ExerciseFormat.SENSIBILISATION,
) -> RuleContext:
    return RuleContext(
        category=category,
        service_mode=mode,
        level=level,
        format=fmt,
        scenario_type=scenario,
        include_perturbations=False,
        answers={},
        components=(),
        traits=frozenset(get_catalogue().essms_categories[category].traits),
        impacted_categories=frozenset(get_kit().scenarios[scenario].impacted_categories),
    )


def selected(ctx: RuleContext) -> list[InjectTemplate]:
    rank = list(ExerciseLevel).index
    return [
        t
        for t in INJECTS
        if ctx.scenario_type in t.scenario_types
        and ctx.format in t.formats
        and rank(t.min_level) <= rank(ctx.level)
        and not t.perturbation
        and (t.rule is None or evaluate(t.rule, ctx))
    ]


@pytest.mark.parametrize("scenario", list(ScenarioType))
@pytest.mark.parametrize(
    ("mode", "category"),
    [
        (ServiceMode.HEBERGEMENT, EssmsCategory.EHPAD),
        (ServiceMode.DOMICILE, EssmsCategory.SSIAD),
        (ServiceMode.TRAVAIL, EssmsCategory.ESAT),
        (ServiceMode.ACCUEIL_JOUR, EssmsCategory.CENTRE_JOUR_PA),
    ],
)
def test_a_short_beginners_awareness_session_keeps_the_first_hour(
    scenario: ScenarioType, mode: ServiceMode, category: EssmsCategory
) -> None:
    """45 minutes, débutant, with no answer and no SI described: still T0 → escalade, in order."""
    chosen = selected(context(scenario, mode, category))
    firsts = [min(t.offset_minutes for t in chosen if t.phase is phase) for phase in FIRST_HOUR]
    assert firsts == sorted(firsts)
    anchors = {t.anchor for t in chosen}
    assert set(InjectAnchor) - {InjectAnchor.DPO_CNIL} <= anchors


def test_the_si_and_the_answers_change_the_stimuli() -> None:
    base = context(
        ScenarioType.PROVIDER_OUTAGE,
        ServiceMode.HEBERGEMENT,
        EssmsCategory.EHPAD,
        level=ExerciseLevel.CONFIRME,
        fmt=ExerciseFormat.SIMULATION,
    )
    plain = {t.code for t in selected(base)}
    described = msgspec.structs.replace(
        base,
        components=(ComponentFacts(code="d", category=SiCategory.DUI, hosting=HostingMode.SAAS),),
        answers={"Q_PAIE_PERIODE": True, "Q_ANNUAIRE_CRISE": True},
    )
    saas = {t.code for t in selected(described)}
    assert "PRE-ARB-02" in saas - plain  # « éditeur injoignable » only for a SaaS DUI
    assert {"COM-ANNUAIRE-01", "COM-ANNUAIRE-03"} & (plain - saas)  # an offline directory spares the search


# The start-up checks


def document() -> Document:
    raw = read_inject_document()
    assert isinstance(raw, dict)
    return copy.deepcopy(raw)


def inject(doc: Document, code: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [item for item in doc["injects"] if item["code"] == code]
    (only,) = found
    return only


def refused(doc: Document, *patterns: str) -> None:
    with pytest.raises(KitContentError) as error:
        build_inject_library(doc, get_kit(), get_wording())
    for pattern in patterns:
        assert re.search(pattern, str(error.value)), str(error.value)


def test_the_shipped_document_builds() -> None:
    assert isinstance(build_inject_library(document(), get_kit(), get_wording()), InjectLibrary)


Change = Callable[[Document], None]


def _set(code: str, field: str, value: Any) -> Change:
    return lambda doc: inject(doc, code).__setitem__(field, value)


def _duplicate(doc: Document) -> None:
    doc["injects"].append(copy.deepcopy(inject(doc, "RAN-PERT-01")))


def _drop_t0(doc: Document) -> None:
    """Every variant of the ransomware's T0."""
    doc["injects"] = [
        item
        for item in doc["injects"]
        if not (item.get("anchor") == "T0" and "RANSOMWARE" in item["scenario_types"])
    ]


def _cycle(doc: Document) -> None:
    inject(doc, "PHI-QUAL-01")["requires"] = ["PHI-QUAL-02"]


def _unknown_field(doc: Document) -> None:
    inject(doc, "NET-T0-01")["colour"] = "bleu"


@pytest.mark.parametrize(
    ("change", "patterns"),
    [
        (_duplicate, [r"injects\.toml: RAN-PERT-01: code is defined twice"]),
        (
            _set("COM-CRRC-01", "competency_items", ["AS_CERT_CRRC", "GC_CAFE"]),
            [r"COM-CRRC-01: competency_items: unknown competency item GC_CAFE"],
        ),
        (_set("COM-CRRC-01", "competency_items", []), [r"COM-CRRC-01: competency_items is empty"]),
        (
            _set("COM-CRRC-01", "competency_items", ["AS_CERT_CRRC", "AS_CERT_CRRC"]),
            [r"COM-CRRC-01: competency_items: AS_CERT_CRRC is listed twice"],
        ),
        (
            _set("COM-CRRC-01", "formats", ["TABLE_TOP", "TABLE_TOP"]),
            [r"COM-CRRC-01: formats: TABLE_TOP is listed twice"],
        ),
        (
            _set("COM-SIEGE-01", "stimulus", "Le siège appelle {directeur_general}."),
            [r"COM-SIEGE-01: stimulus: unknown placeholder \{directeur_general\}"],
        ),
        (
            _set("COM-SIEGE-01", "stimulus", "Le siège appelle { etablissement."),
            [r"COM-SIEGE-01: stimulus: unbalanced brace"],
        ),
        (
            _set("COM-PERSO-01", "stimulus", "Les équipes de {dui} s'inquiètent."),
            [r"COM-PERSO-01: stimulus: \{dui\} needs a rule that requires a DUI component"],
        ),
        (
            _set("COM-PERSO-01", "expected_reactions", ["Prévenir {contact_ars}"]),
            [r"COM-PERSO-01: expected_reactions\[0\] takes no placeholder"],
        ),
        (_set("COM-PERSO-01", "expected_reactions", []), [r"COM-PERSO-01: expected_reactions is empty"]),
        (_set("COM-PERSO-01", "title", "  "), [r"COM-PERSO-01: title is empty or has surrounding spaces"]),
        (_set("COM-PERSO-01", "stimulus", ""), [r"COM-PERSO-01: stimulus is empty"]),
        (
            _set("COM-DPO-02", "requires", ["COM-DPO-99"]),
            [r"COM-DPO-02: requires: unknown inject COM-DPO-99"],
        ),
        (
            _set("COM-DPO-02", "requires", ["COM-DPO-02"]),
            [r"COM-DPO-02: requires: an inject cannot require itself"],
        ),
        (
            _set("COM-DPO-02", "requires", ["RAN-SF-02"]),
            [r"COM-DPO-02: requires: RAN-SF-02 is never played in"],
        ),
        (_cycle, [r"PHI-QUAL-01: requires: cycle PHI-QUAL-01 → PHI-QUAL-02 → PHI-QUAL-01"]),
        (
            _set("COM-CRRC-01", "offset_minutes", 200),
            [r"COM-CRRC-01: offset_minutes 200 is outside \[-120, 180\]"],
        ),
        (
            _set("COM-CRRC-01", "offset_minutes", -5),
            [r"COM-CRRC-01: offset_minutes: only DEBEX comes before T0"],
        ),
        (_set("COM-FINEX-01", "offset_minutes", 100), [r"COM-FINEX-01: offset_minutes: FINEX is at the end"]),
        (
            _set("COM-CRRC-01", "offset_minutes", 150),
            [r"COM-CRRC-01: offset_minutes: only RETEX_CHAUD comes after FINEX"],
        ),
        (_set("COM-CRRC-01", "priority", 0), [r"COM-CRRC-01: priority 0 is outside 1 to 5"]),
        (
            _set("RAN-RECO-01", "min_level", "DEBUTANT"),
            [r"RAN-RECO-01: min_level: the reconstruction is not played"],
        ),
        (_set("NET-T0-01", "code", "net t0"), [r"net t0: code must match"]),
        (_drop_t0, [r"scenario RANSOMWARE: no inject without a rule is anchor T0"]),
        (
            _set("COM-ARS-01", "requires", ["COM-DEBEX-01"]),
            [r"COM-ARS-01: anchor: an anchor is played in every exercise"],
        ),
        (
            _set("COM-RETEX-01", "competency_items", ["GC_ROLES"]),
            [r"COM-RETEX-01: competency_items: nothing is rated on the hot RETEX"],
        ),
        (
            _set("NET-T0-01", "stimulus", "{contact_ars} appelle."),
            [r"NET-T0-01: stimulus: a \{contact_…\} placeholder stands alone in parentheses"],
        ),
        (
            _set("COM-ARS-01", "phase", "CONTINUITE"),
            [r"COM-ARS-01: anchor ALERTE_ARS belongs to phase ESCALADE"],
        ),
        (
            _set("PRE-ARB-01", "formats", ["TABLE_TOP"]),
            [r"scenario PROVIDER_OUTAGE: no ARBITRAGE inject plays in every exercise"],
        ),
        (
            _set("COM-MSS-01", "rule", {"si_present": "MINITEL"}),
            [r"COM-MSS-01: rule\.si_present: unknown SiCategory 'MINITEL'"],
        ),
        (
            _set("COM-ASSUR-01", "rule", {"answer": {"question": "Q_ASSURANCE_VIE", "equals": True}}),
            [r"COM-ASSUR-01: rule: unknown question Q_ASSURANCE_VIE"],
        ),
        (
            _set("COM-PCA-01", "rule", {"answer": {"question": "Q_PCA", "in": ["PEUT_ETRE"]}}),
            [r"COM-PCA-01: rule: 'PEUT_ETRE' is not an option of Q_PCA"],
        ),
        (
            _set(
                "PRE-ARB-02",
                "rule",
                {"si_attribute": {"category": "DUI", "attribute": "cloud", "equals": True}},
            ),
            [r"PRE-ARB-02: rule: unknown SI attribute cloud"],
        ),
        (
            _set("COM-MSS-01", "rule", {"si_present": "MSSANTE", "level_at_least": "CONFIRME"}),
            [r"COM-MSS-01: rule: a rule is a table with exactly one operator"],
        ),
        (_unknown_field, [r"injects\.toml: NET-T0-01: Object contains unknown field `colour`"]),
        (_set("NET-T0-01", "channel", "PIGEON"), [r"injects\.toml: NET-T0-01: .*PIGEON"]),
    ],
)
def test_a_broken_library_stops_the_service_naming_the_inject_and_the_field(
    change: Change, patterns: list[str]
) -> None:
    doc = document()
    change(doc)
    refused(doc, *patterns)


@pytest.mark.parametrize(
    ("change", "pattern"),
    [
        (lambda doc: doc["density_caps"].pop("CONFIRME"), r"density_caps: CONFIRME is missing"),
        (
            lambda doc: doc["density_caps"].__setitem__("DEBUTANT", 0),
            r"density_caps: DEBUTANT must be positive",
        ),
        (
            lambda doc: doc["density_window_limits"].pop("CONFIRME"),
            r"density_window_limits: CONFIRME is missing",
        ),
        (
            lambda doc: doc.__setitem__("quiet_minutes_before_finex", -1),
            r"quiet_minutes_before_finex and max_perturbations must be zero or more",
        ),
        (
            lambda doc: doc["fallback_recipients"].__setitem__("DPO", ["QUALITE"]),
            r"fallback_recipients: DPO needs",
        ),
        (
            lambda doc: doc["fallback_recipients"].__setitem__("DIRECTION", ["QUALITE"]),
            r"fallback_recipients: DIRECTION is the last resort",
        ),
        (lambda doc: doc.__setitem__("version", " "), r"version is empty"),
    ],
)
def test_broken_settings_are_refused(change: Change, pattern: str) -> None:
    doc = document()
    change(doc)
    refused(doc, r"injects\.toml: " + pattern)


def test_every_problem_is_listed_at_once() -> None:
    doc = document()
    inject(doc, "COM-CRRC-01")["priority"] = 9
    inject(doc, "COM-PLAINTE-01")["competency_items"] = ["XX_INCONNU"]
    refused(
        doc,
        r"COM-CRRC-01: priority 9",
        r"COM-PLAINTE-01: competency_items: unknown competency item XX_INCONNU",
    )
