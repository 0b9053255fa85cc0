"""The inclusion rules of the inject library: parsed from TOML, checked against the kit,
evaluated on an establishment's profile, and said in French."""

from __future__ import annotations

import re
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.kit.codes import (
    AnswerType,
    EssmsCategory,
    ExerciseFormat,
    ExerciseLevel,
    HostingMode,
    ScenarioType,
    ServiceMode,
    SiCategory,
)
from service.kit.content import KitContentError, get_kit
from service.kit.context import load_kit_context
from service.kit.rules import (
    PARAMETERS,
    All,
    AnswerIs,
    AnyOf,
    CategoryIn,
    ComponentFacts,
    LevelAtLeast,
    Not,
    ParameterIn,
    Rule,
    RuleContext,
    ServiceModeIn,
    SiAttribute,
    SiPresent,
    evaluate,
    parse_rule,
    reads,
)
from service.kit.rules.check import rule_problems
from service.kit.rules.french import describe, explain
from service.kit.rules.wording import get_wording, wording_problems

# The kit's French typography (see test_kit_content.py): no ordinary space before « : ; ? ! ».
BAD_TYPOGRAPHY = re.compile(r"[^\u00a0][:;?!»]|«[^\u00a0]")


def fr(text: str) -> str:
    """``text`` with French typography: a no-break space before « : ; ? ! » and inside guillemets."""
    return re.sub(r" ([:;?!»])", "\u00a0\\1", text).replace("« ", "«\u00a0")


KIT = load_kit_context()
WHERE = "injects.toml: TST-01-01: rule"


def context(**changes: Any) -> RuleContext:
    """An EHPAD with a SaaS DUI and MSSanté, whose Plan Bleu is not formalised."""
    base = RuleContext(
        category=EssmsCategory.EHPAD,
        service_mode=ServiceMode.HEBERGEMENT,
        level=ExerciseLevel.INTERMEDIAIRE,
        format=ExerciseFormat.TABLE_TOP,
        scenario_type=ScenarioType.PROVIDER_OUTAGE,
        include_perturbations=True,
        answers={"Q_PLAN_BLEU": False, "Q_PROC_DEGRADEES": ["REPAS", "SOINS"], "Q_SITES_MULTIPLES": 2},
        components=(
            ComponentFacts(code="dui", category=SiCategory.DUI, hosting=HostingMode.SAAS, health_data=True),
            ComponentFacts(code="mss", category=SiCategory.MSSANTE, hosting=HostingMode.MUTUALISE),
        ),
    )
    return msgspec.structs.replace(base, **changes)


def rule(raw: object) -> Rule:
    return parse_rule(raw, where=WHERE)


# Parsing


def test_the_documented_example_parses_into_the_rule_tree() -> None:
    parsed = rule(
        {
            "all": [
                {"si_present": "DUI"},
                {"si_attribute": {"category": "DUI", "attribute": "hosting", "equals": "SAAS"}},
                {"not": {"answer": {"question": "Q_PROC_DEGRADEES", "contains": "SOINS"}}},
            ]
        }
    )
    assert parsed == All(
        (
            SiPresent(SiCategory.DUI),
            SiAttribute(SiCategory.DUI, "hosting", "equals", "SAAS"),
            Not(AnswerIs("Q_PROC_DEGRADEES", "contains", "SOINS")),
        )
    )


def test_every_operator_parses() -> None:
    assert rule({"any": [{"category_in": ["EHPAD", "MAS"]}, {"service_mode_in": ["DOMICILE"]}]}) == AnyOf(
        (CategoryIn((EssmsCategory.EHPAD, EssmsCategory.MAS)), ServiceModeIn((ServiceMode.DOMICILE,)))
    )
    assert rule({"level_at_least": "CONFIRME"}) == LevelAtLeast(ExerciseLevel.CONFIRME)
    assert rule({"parameter": {"name": "format", "in": ["SIMULATION"]}}) == ParameterIn(
        "format", (ExerciseFormat.SIMULATION,)
    )
    assert rule({"parameter": {"name": "include_perturbations", "in": [True]}}) == ParameterIn(
        "include_perturbations", (True,)
    )
    assert rule({"answer": {"question": "Q_NB_USAGERS", "at_least": 50}}) == AnswerIs(
        "Q_NB_USAGERS", "at_least", 50
    )
    assert rule({"answer": {"question": "Q_PCA", "in": ["OUI", "EN_COURS"]}}) == AnswerIs(
        "Q_PCA", "in", ("OUI", "EN_COURS")
    )
    assert rule({"si_attribute": {"attribute": "health_data", "equals": True}}) == SiAttribute(
        None, "health_data", "equals", True
    )


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("DUI", r"rule: a rule is a table with exactly one operator"),
        ({"si_present": "DUI", "level_at_least": "CONFIRME"}, r"rule: a rule is a table with exactly one"),
        ({"si_absent": "DUI"}, r"rule: unknown operator 'si_absent'"),
        ({"all": []}, r"rule\.all: expected a non-empty list of rules"),
        (
            {"any": [{"si_present": "DUI"}, {"si_present": "MINITEL"}]},
            r"rule\.any\[1\]\.si_present: unknown SiCategory 'MINITEL'",
        ),
        ({"not": {"level_at_least": "EXPERT"}}, r"rule\.not\.level_at_least: unknown ExerciseLevel 'EXPERT'"),
        ({"category_in": "EHPAD"}, r"rule\.category_in: expected a non-empty list of EssmsCategory codes"),
        ({"service_mode_in": ["DOMICILE", "CROISIERE"]}, r"rule\.service_mode_in\[1\]: unknown ServiceMode"),
        (
            {"si_attribute": {"category": "DUI", "equals": "SAAS"}},
            r"rule\.si_attribute: missing key\(s\) attribute",
        ),
        (
            {"si_attribute": {"attribute": "hosting", "equals": "SAAS", "colour": "red"}},
            r"rule\.si_attribute: unknown key\(s\) colour",
        ),
        (
            {"si_attribute": {"attribute": "hosting", "contains": "SAAS"}},
            r"rule\.si_attribute\.contains: unknown comparison",
        ),
        ({"si_attribute": {"attribute": "hosting"}}, r"rule\.si_attribute: expected exactly one comparison"),
        (
            {"answer": {"question": "Q_PCA", "equals": "OUI", "in": ["NON"]}},
            r"rule\.answer: expected exactly one comparison",
        ),
        (
            {"answer": {"question": "Q_PCA", "in": "OUI"}},
            r"rule\.answer\.in: expected a non-empty list of codes",
        ),
        ({"answer": {"question": "Q_NB_USAGERS", "at_least": True}}, r"rule\.answer\.at_least: expected int"),
        ({"answer": {"question": 12, "equals": True}}, r"rule\.answer\.question: expected a code"),
        (
            {"parameter": {"name": "colour", "in": ["RED"]}},
            r"rule\.parameter\.name: unknown parameter 'colour'",
        ),
        (
            {"parameter": {"name": "level", "in": ["EXPERT"]}},
            r"rule\.parameter\.in\[0\]: unknown ExerciseLevel",
        ),
        (
            {"parameter": {"name": "include_perturbations", "in": ["yes"]}},
            r"rule\.parameter\.in\[0\]: expected true or false",
        ),
        ({"parameter": {"name": "format", "in": []}}, r"rule\.parameter\.in: expected a non-empty list"),
    ],
)
def test_a_badly_written_rule_names_the_inject_and_the_field(raw: object, message: str) -> None:
    with pytest.raises(KitContentError, match=r"^injects\.toml: TST-01-01: " + message):
        rule(raw)


# Checks against the kit


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ({"answer": {"question": "Q_COULEUR", "equals": True}}, "unknown question Q_COULEUR"),
        ({"answer": {"question": "Q_PCA", "equals": "PEUT_ETRE"}}, "'PEUT_ETRE' is not an option of Q_PCA"),
        (
            {"answer": {"question": "Q_PROC_DEGRADEES", "contains": "JARDIN"}},
            "'JARDIN' is not an option of Q_PROC_DEGRADEES",
        ),
        (
            {"answer": {"question": "Q_PLAN_BLEU", "contains": "OUI"}},
            "contains cannot test Q_PLAN_BLEU, a BOOL question",
        ),
        ({"answer": {"question": "Q_PLAN_BLEU", "equals": "OUI"}}, "Q_PLAN_BLEU is a yes/no question"),
        ({"answer": {"question": "Q_NB_USAGERS", "equals": "beaucoup"}}, "Q_NB_USAGERS takes a whole number"),
        (
            {"answer": {"question": "Q_ATTENTES", "equals": "rien"}},
            "equals cannot test Q_ATTENTES, a TEXT question",
        ),
        (
            {"answer": {"question": "Q_NB_PROFESSIONNELS", "at_least": 10}},
            "Q_NB_PROFESSIONNELS is not marked used_by_rules",
        ),
        ({"si_attribute": {"attribute": "colour", "equals": "red"}}, "unknown SI attribute colour"),
        ({"si_attribute": {"attribute": "hosting", "equals": "CLOUD"}}, "'CLOUD' is no hosting mode"),
        (
            {"si_attribute": {"attribute": "criticality", "at_least": 9}},
            "criticality 9 is no level of the kit",
        ),
        ({"si_attribute": {"attribute": "health_data", "equals": "oui"}}, "health_data is yes/no"),
        ({"si_attribute": {"attribute": "rto_hours", "in": ["4"]}}, "in cannot compare rto_hours"),
        ({"si_attribute": {"attribute": "depends_on", "equals": "dui"}}, "equals cannot compare depends_on"),
    ],
)
def test_a_rule_naming_what_the_kit_does_not_know_is_refused(raw: object, problem: str) -> None:
    nested = {"all": [{"si_present": "DUI"}, {"not": raw}]}
    assert any(problem in found for found in rule_problems(rule(nested), get_kit(), get_wording())), (
        rule_problems(rule(nested), get_kit(), get_wording())
    )


def test_a_rule_within_the_kit_has_no_problem() -> None:
    assert (
        rule_problems(
            rule({"answer": {"question": "Q_PCA", "in": ["OUI", "EN_COURS"]}}), get_kit(), get_wording()
        )
        == []
    )
    assert (
        rule_problems(
            rule({"si_attribute": {"attribute": "criticality", "at_least": 3}}), get_kit(), get_wording()
        )
        == []
    )


def test_the_wording_covers_the_kit() -> None:
    assert wording_problems(get_wording(), get_kit()) == []
    missing = msgspec.structs.replace(
        get_wording(), si_categories={k: v for k, v in get_wording().si_categories.items() if k != "DUI"}
    )
    assert "rule_wording.toml: SI category DUI has no wording" in wording_problems(missing, get_kit())


# Evaluation and French


def test_a_saas_dui_matches_and_is_explained_in_french() -> None:
    saas = rule({"si_attribute": {"category": "DUI", "attribute": "hosting", "equals": "SAAS"}})
    assert evaluate(saas, context())
    assert explain(saas, context(), KIT) == "DUI hébergé en SaaS"
    assert describe(saas, KIT) == "DUI hébergé en SaaS"
    on_premise = context(
        components=(ComponentFacts(code="d", category=SiCategory.DUI, hosting=HostingMode.ON_PREMISE),)
    )
    assert not evaluate(saas, on_premise)
    assert explain(saas, on_premise, KIT) == "DUI hébergé sur site"
    assert explain(saas, context(components=()), KIT) == "aucun DUI"


def test_feminine_nouns_agree() -> None:
    mssante = rule({"si_present": "MSSANTE"})
    assert explain(mssante, context(), KIT) == "messagerie MSSanté présente"
    assert describe(rule({"not": {"si_present": "MSSANTE"}}), KIT) == "aucune messagerie MSSanté"
    assert explain(
        rule({"si_attribute": {"category": "MSSANTE", "attribute": "hosting", "equals": "MUTUALISE"}}),
        context(),
        KIT,
    ) == ("messagerie MSSanté hébergée de façon mutualisée")


def test_a_negated_answer_states_the_actual_answer() -> None:
    no_plan = rule({"not": {"answer": {"question": "Q_PLAN_BLEU", "equals": True}}})
    assert evaluate(no_plan, context())
    assert explain(no_plan, context(), KIT) == fr("Plan Bleu formalisé : non")
    assert explain(no_plan, context(answers={}), KIT) == fr("Plan Bleu formalisé : sans réponse")
    assert describe(no_plan, KIT) == fr("Plan Bleu formalisé : non ou sans réponse")
    assert not evaluate(no_plan, context(answers={"Q_PLAN_BLEU": True}))


def test_the_service_mode_reads_as_a_sentence() -> None:
    residential = rule({"service_mode_in": ["HEBERGEMENT"]})
    assert explain(residential, context(), KIT) == "établissement avec hébergement"
    assert describe(rule({"not": residential_raw()}), KIT) == "sans hébergement"
    assert not evaluate(residential, context(service_mode=ServiceMode.DOMICILE))


def residential_raw() -> dict[str, Any]:
    return {"service_mode_in": ["HEBERGEMENT"]}


def test_only_the_branches_that_matched_explain_an_any() -> None:
    either = rule(
        {"any": [{"si_present": "PLANNING"}, {"si_present": "MSSANTE"}, {"category_in": ["EHPAD"]}]}
    )
    assert explain(either, context(), KIT) == fr(
        "messagerie MSSanté présente ; catégorie : Établissement d'hébergement pour personnes âgées "
        "dépendantes (EHPAD)"
    )


def test_answers_are_said_with_the_kit_labels() -> None:
    soins = rule({"answer": {"question": "Q_PROC_DEGRADEES", "contains": "SOINS"}})
    assert describe(soins, KIT) == fr("procédures dégradées prêtes : dont « Soins et surveillance médicale »")
    assert describe(
        rule({"not": {"answer": {"question": "Q_PROC_DEGRADEES", "contains": "SOINS"}}}), KIT
    ) == fr("procédures dégradées prêtes : sans « Soins et surveillance médicale »")
    sites = rule({"answer": {"question": "Q_SITES_MULTIPLES", "at_least": 2}})
    assert describe(sites, KIT) == fr("sites géographiques : au moins 2 sites")
    assert explain(sites, context(), KIT) == fr("sites géographiques : 2 sites")
    assert describe(rule({"answer": {"question": "Q_PCA", "in": ["OUI", "EN_COURS"]}}), KIT) == fr(
        "plan de continuité d'activité : « Oui, formalisé » ou « En cours d'élaboration »"
    )


def test_a_negated_combination_reads_by_de_morgan() -> None:
    raw = {"not": {"all": [{"si_present": "DUI"}, {"level_at_least": "INTERMEDIAIRE"}]}}
    assert describe(rule(raw), KIT) == "aucun DUI ou niveau inférieur à Intermédiaire"
    nested = {
        "all": [{"si_present": "DUI"}, {"any": [{"si_present": "MSSANTE"}, {"level_at_least": "CONFIRME"}]}]
    }
    assert describe(rule(nested), KIT) == "DUI présent et (messagerie MSSanté présente ou niveau Confirmé)"


def test_parameters_and_levels() -> None:
    simulation = rule({"parameter": {"name": "format", "in": ["SIMULATION"]}})
    assert not evaluate(simulation, context())
    assert describe(simulation, KIT) == fr("format : Exercice simulé")
    assert explain(simulation, context(), KIT) == fr("format : Exercice sur table")
    assert evaluate(rule({"level_at_least": "INTERMEDIAIRE"}), context())
    assert not evaluate(rule({"level_at_least": "CONFIRME"}), context())
    assert reads(rule({"parameter": {"name": "level", "in": ["CONFIRME"]}})) == {"level"}


def test_reads_lists_every_input_once() -> None:
    assert reads(
        rule(
            {
                "all": [
                    {"si_present": "DUI"},
                    {"si_attribute": {"category": "DUI", "attribute": "hosting", "equals": "SAAS"}},
                    {"si_attribute": {"attribute": "health_data", "equals": True}},
                    {"not": {"answer": {"question": "Q_PLAN_BLEU", "equals": True}}},
                    {"parameter": {"name": "format", "in": ["SIMULATION"]}},
                    {"any": [{"category_in": ["EHPAD"]}, {"service_mode_in": ["DOMICILE"]}]},
                    {"level_at_least": "CONFIRME"},
                ]
            }
        )
    ) == {
        "si:DUI",
        "si_attr:DUI.hosting",
        "si_attr:*.health_data",
        "answer:Q_PLAN_BLEU",
        "param:format",
        "category",
        "service_mode",
        "level",
    }


def test_a_boolean_never_equals_a_number() -> None:
    one = rule({"answer": {"question": "Q_SITES_MULTIPLES", "equals": 1}})
    assert not evaluate(one, context(answers={"Q_SITES_MULTIPLES": True}))
    assert evaluate(one, context(answers={"Q_SITES_MULTIPLES": 1}))


# Properties. Rules and contexts are drawn from the kit itself: every rule drawn is valid.

ATTRIBUTE_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "hosting": st.sampled_from(list(HostingMode)),
    "criticality": st.integers(1, 4),
    "users_count": st.integers(0, 500),
    "personal_data": st.booleans(),
    "health_data": st.booleans(),
    "degraded_procedure": st.booleans(),
    "rto_hours": st.integers(0, 72),
    "name": st.sampled_from(["NetSoins", "Titan", "Agenda"]),
    "editor": st.sampled_from(["Éditeur A", "Éditeur B"]),
}
RULE_QUESTIONS = [question for question in get_kit().questions.values() if question.used_by_rules]


def answer_value(code: str) -> st.SearchStrategy[Any]:
    question = get_kit().questions[code]
    options = [option.code for option in get_kit().options(question)]
    match question.answer_type:
        case AnswerType.BOOL:
            return st.booleans()
        case AnswerType.SINGLE_CHOICE:
            return st.sampled_from(options)
        case AnswerType.MULTIPLE_CHOICE:
            return st.lists(st.sampled_from(options), unique=True)
        case _:
            low = question.minimum or 0
            return st.integers(low, min(question.maximum or low, low + 10))


@st.composite
def answer_leaves(draw: st.DrawFn) -> Rule:
    question = draw(st.sampled_from(RULE_QUESTIONS))
    options = [option.code for option in get_kit().options(question)]
    match question.answer_type:
        case AnswerType.BOOL:
            return AnswerIs(question.code, "equals", draw(st.booleans()))
        case AnswerType.SINGLE_CHOICE:
            chosen = tuple(draw(st.lists(st.sampled_from(options), min_size=1, max_size=2, unique=True)))
            return (
                AnswerIs(question.code, "in", chosen)
                if len(chosen) > 1
                else AnswerIs(question.code, "equals", chosen[0])
            )
        case AnswerType.MULTIPLE_CHOICE:
            return AnswerIs(question.code, "contains", draw(st.sampled_from(options)))
        case _:
            return AnswerIs(
                question.code, draw(st.sampled_from(["equals", "at_least"])), draw(st.integers(0, 10))
            )


@st.composite
def attribute_leaves(draw: st.DrawFn) -> Rule:
    category = draw(st.none() | st.sampled_from(list(SiCategory)))
    attribute = draw(st.sampled_from(["hosting", "criticality", "health_data", "personal_data", "rto_hours"]))
    if attribute == "hosting":
        return SiAttribute(category, attribute, "equals", draw(st.sampled_from(list(HostingMode))))
    if attribute in {"criticality", "rto_hours"}:
        return SiAttribute(
            category, attribute, draw(st.sampled_from(["equals", "at_least"])), draw(st.integers(1, 4))
        )
    return SiAttribute(category, attribute, "equals", draw(st.booleans()))


def enum_subsets(enum: Any) -> st.SearchStrategy[tuple[Any, ...]]:
    return st.lists(st.sampled_from(list(enum)), min_size=1, max_size=3, unique=True).map(tuple)


LEAVES: st.SearchStrategy[Rule] = st.one_of(
    st.sampled_from(list(SiCategory)).map(SiPresent),
    attribute_leaves(),
    answer_leaves(),
    enum_subsets(EssmsCategory).map(CategoryIn),
    enum_subsets(ServiceMode).map(ServiceModeIn),
    st.sampled_from(list(ExerciseLevel)).map(LevelAtLeast),
    enum_subsets(ExerciseFormat).map(lambda values: ParameterIn("format", values)),
    enum_subsets(ScenarioType).map(lambda values: ParameterIn("scenario_type", values)),
    st.sampled_from([(True,), (False,)]).map(lambda values: ParameterIn("include_perturbations", values)),
)
RULES: st.SearchStrategy[Rule] = st.recursive(
    LEAVES,
    lambda children: st.one_of(
        st.lists(children, min_size=1, max_size=3).map(lambda rules: All(tuple(rules))),
        st.lists(children, min_size=1, max_size=3).map(lambda rules: AnyOf(tuple(rules))),
        children.map(Not),
    ),
    max_leaves=8,
)


@st.composite
def components(draw: st.DrawFn, category: SiCategory | None = None) -> ComponentFacts:
    chosen = category or draw(st.sampled_from(list(SiCategory)))
    values = {name: draw(st.none() | strategy) for name, strategy in ATTRIBUTE_VALUES.items()}
    return msgspec.structs.replace(
        ComponentFacts(code=f"c{draw(st.integers(0, 999))}", category=chosen), **values
    )


@st.composite
def contexts(draw: st.DrawFn) -> RuleContext:
    asked = draw(st.lists(st.sampled_from(RULE_QUESTIONS), unique_by=lambda question: question.code))
    return RuleContext(
        category=draw(st.sampled_from(list(EssmsCategory))),
        service_mode=draw(st.sampled_from(list(ServiceMode))),
        level=draw(st.sampled_from(list(ExerciseLevel))),
        format=draw(st.sampled_from(list(ExerciseFormat))),
        scenario_type=draw(st.sampled_from(list(ScenarioType))),
        include_perturbations=draw(st.booleans()),
        answers={question.code: draw(answer_value(question.code)) for question in asked},
        components=tuple(draw(st.lists(components(), max_size=5))),
    )


@given(RULES, contexts())
def test_not_not_is_the_rule_itself(rule_: Rule, context_: RuleContext) -> None:
    assert evaluate(Not(Not(rule_)), context_) == evaluate(rule_, context_)
    assert describe(Not(Not(rule_)), KIT) == describe(rule_, KIT)
    assert explain(Not(Not(rule_)), context_, KIT) == explain(rule_, context_, KIT)


@given(RULES, RULES, contexts())
def test_all_and_any_identities(first: Rule, second: Rule, context_: RuleContext) -> None:
    a, b = evaluate(first, context_), evaluate(second, context_)
    assert evaluate(All((first,)), context_) == a == evaluate(AnyOf((first,)), context_)
    assert evaluate(All((first, second)), context_) == (a and b)
    assert evaluate(AnyOf((first, second)), context_) == (a or b)
    assert evaluate(Not(All((first, second))), context_) == evaluate(
        AnyOf((Not(first), Not(second))), context_
    )
    # De Morgan holds in the French too.
    assert describe(Not(All((first, second))), KIT) == describe(AnyOf((Not(first), Not(second))), KIT)


@given(RULES, contexts())
def test_evaluate_is_pure_and_every_rule_can_be_said(rule_: Rule, context_: RuleContext) -> None:
    before = msgspec.json.encode(context_)
    results = {evaluate(rule_, context_) for _ in range(3)}
    assert len(results) == 1
    assert msgspec.json.encode(context_) == before
    assert explain(rule_, context_, KIT) == explain(rule_, context_, KIT)
    for text in (explain(rule_, context_, KIT), describe(rule_, KIT)):
        assert text.strip()
        assert "{" not in text
        assert not BAD_TYPOGRAPHY.search(text), text


def _changes(context_: RuleContext) -> st.SearchStrategy[tuple[frozenset[str], RuleContext]]:
    """A change of one input of the context, with the keys of reads() it touches."""

    def field(
        name: str, key: str, values: list[Any]
    ) -> st.SearchStrategy[tuple[frozenset[str], RuleContext]]:
        return st.sampled_from(values).map(
            lambda value: (frozenset({key}), msgspec.structs.replace(context_, **{name: value}))
        )

    def touched_by(category: SiCategory, attributes: list[str]) -> frozenset[str]:
        keys = {f"si_attr:{prefix}.{name}" for prefix in (category, "*") for name in attributes}
        return frozenset(keys)

    def answer(code: str, value: Any) -> tuple[frozenset[str], RuleContext]:
        answers = {key: item for key, item in context_.answers.items() if key != code}
        if value is not None:
            answers[code] = value
        return frozenset({f"answer:{code}"}), msgspec.structs.replace(context_, answers=answers)

    def added(component: ComponentFacts) -> tuple[frozenset[str], RuleContext]:
        keys = touched_by(component.category, list(ATTRIBUTE_VALUES)) | {f"si:{component.category}"}
        return keys, msgspec.structs.replace(context_, components=(*context_.components, component))

    strategies: list[st.SearchStrategy[tuple[frozenset[str], RuleContext]]] = [
        field("category", "category", list(EssmsCategory)),
        field("service_mode", "service_mode", list(ServiceMode)),
        field("level", "level", list(ExerciseLevel)),
        field("format", "param:format", list(ExerciseFormat)),
        field("scenario_type", "param:scenario_type", list(ScenarioType)),
        field("include_perturbations", "param:include_perturbations", [True, False]),
        st.sampled_from(RULE_QUESTIONS).flatmap(
            lambda question: (st.none() | answer_value(question.code)).map(
                lambda value: answer(question.code, value)
            )
        ),
        components().map(added),
    ]
    for index, component in enumerate(context_.components):
        others = context_.components[:index] + context_.components[index + 1 :]
        removed = (
            touched_by(component.category, list(ATTRIBUTE_VALUES)) | {f"si:{component.category}"},
            msgspec.structs.replace(context_, components=others),
        )
        strategies.append(st.just(removed))
        strategies.append(
            st.sampled_from(list(ATTRIBUTE_VALUES)).flatmap(
                lambda name, index=index, component=component: (st.none() | ATTRIBUTE_VALUES[name]).map(
                    lambda value: (
                        touched_by(component.category, [name]),
                        msgspec.structs.replace(
                            context_,
                            components=tuple(
                                msgspec.structs.replace(item, **{name: value}) if position == index else item
                                for position, item in enumerate(context_.components)
                            ),
                        ),
                    )
                )
            )
        )
    return st.one_of(strategies)


@settings(max_examples=300)
@given(RULES, contexts(), st.data())
def test_an_input_the_rule_does_not_read_never_changes_its_result(
    rule_: Rule, context_: RuleContext, data: st.DataObject
) -> None:
    touched, changed = data.draw(_changes(context_))
    if touched & reads(rule_):
        return
    assert evaluate(rule_, changed) == evaluate(rule_, context_)


def test_the_parameters_a_rule_may_test_are_those_of_the_context() -> None:
    assert set(PARAMETERS) <= set(RuleContext.__struct_fields__)
