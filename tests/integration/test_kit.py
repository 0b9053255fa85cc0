"""The kit's reference content through the API: what a CRRC tool or an establishment's form
reads before preparing an exercise, with French labels everywhere."""

from __future__ import annotations

import re
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

from service.kit.codes import AccountRole
from tests.conftest import KeyIssuer, bearer
from tests.factories import organisation_payload
from tests.problems import assert_problem

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]
KIT = "/api/v1/kit"


def fr(text: str) -> str:
    """``text`` with French typography: a no-break space before « : ; ? ! » and inside guillemets."""
    return re.sub(r" ([:;?!»])", "\u00a0\\1", text).replace("« ", "«\u00a0")


LISTS = ("/questions", "/si-categories", "/scenarios", "/competencies", "/injects")


async def read(client: Client, path: str, **params: str) -> dict[str, Any]:
    response = await client.get(KIT + path, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    return body


def by_code(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    found = {item["code"]: item for item in items}
    assert len(found) == len(items), "codes are unique"
    return found


async def test_the_kit_says_its_version_counts_and_where_to_read_its_lists(client: Client) -> None:
    kit = await read(client, "")
    assert kit["kit_version"] == "V2"
    assert kit["revision"]
    assert kit["links"] == {
        "questions": f"{KIT}/questions",
        "si_categories": f"{KIT}/si-categories",
        "scenarios": f"{KIT}/scenarios",
        "competencies": f"{KIT}/competencies",
        "injects": f"{KIT}/injects",
    }
    counts = kit["counts"]
    assert counts["questions"] >= 25
    assert 0 < counts["required_questions"] <= counts["questions"]
    assert counts["question_sections"] == 6
    assert (counts["si_categories"], counts["scenarios"], counts["competency_families"]) == (22, 7, 5)
    assert 20 <= counts["competency_items"] <= 30


async def test_the_counts_match_the_lists(client: Client) -> None:
    kit = await read(client, "")
    questions = await read(client, "/questions")
    categories = await read(client, "/si-categories")
    scenarios = await read(client, "/scenarios")
    competencies = await read(client, "/competencies")
    injects = await read(client, "/injects")
    counts = kit["counts"]
    assert counts["questions"] == len(questions["items"])
    assert counts["required_questions"] == sum(item["required"] for item in questions["items"])
    assert counts["question_sections"] == len(questions["sections"])
    assert counts["si_categories"] == len(categories["items"])
    assert counts["scenarios"] == len(scenarios["items"])
    assert counts["competency_families"] == len(competencies["items"])
    assert counts["competency_items"] == sum(len(family["items"]) for family in competencies["items"])
    assert counts["injects"] == len(injects["items"]) >= 95


async def test_levels_and_formats_say_what_they_change(client: Client) -> None:
    kit = await read(client, "")
    assert [(level["code"], level["label"], level["rank"]) for level in kit["levels"]] == [
        ("DEBUTANT", "Débutant", 1),
        ("INTERMEDIAIRE", "Intermédiaire", 2),
        ("CONFIRME", "Confirmé", 3),
    ]
    formats = by_code(kit["formats"])
    assert list(formats) == ["SENSIBILISATION", "TABLE_TOP", "SIMULATION"]
    assert formats["TABLE_TOP"]["label"] == "Exercice sur table"
    assert formats["SIMULATION"]["label"] == "Exercice simulé"
    # About three hours in all; the short format is 45 minutes (DOMAIN, decision 7).
    assert formats["SENSIBILISATION"]["total_minutes"] == 45
    for fmt in formats.values():
        assert (
            fmt["total_minutes"] == fmt["briefing_minutes"] + fmt["play_minutes"] + fmt["debriefing_minutes"]
        )
    assert formats["TABLE_TOP"]["total_minutes"] == 180
    for item in [*kit["levels"], *kit["formats"]]:
        assert len(item["description"]) > 100, item


async def test_a_single_choice_question_lists_its_options_in_french(client: Client) -> None:
    questions = by_code((await read(client, "/questions"))["items"])
    pca = questions["Q_PCA"]
    assert pca["label"].startswith("Existe-t-il un plan de continuité d'activité (PCA)")
    assert pca["section"] == "ORGANISATION_CRISE"
    assert pca["section_label"] == "Plans et organisation de crise"
    assert (pca["answer_type"], pca["answer_type_label"]) == ("SINGLE_CHOICE", "Choix unique")
    assert pca["options"] == [
        {"code": "NON", "label": "Non", "modes": [], "traits": []},
        {"code": "EN_COURS", "label": "En cours d'élaboration", "modes": [], "traits": []},
        {"code": "OUI", "label": "Oui, formalisé", "modes": [], "traits": []},
    ]
    assert (pca["modes"], pca["traits"]) == ([], [])
    assert pca["required"] is True
    assert pca["used_by_rules"] is True
    assert pca["help"]


async def test_the_questionnaire_covers_the_workbook_subjects(client: Client) -> None:
    questions = by_code((await read(client, "/questions"))["items"])
    plan_bleu = questions["Q_PLAN_BLEU"]
    assert plan_bleu["label"] == "Le Plan Bleu est-il formalisé et à jour\u00a0?"
    assert (plan_bleu["answer_type"], plan_bleu["options"], plan_bleu["asked_if"]) == ("BOOL", [], None)
    activities = {option["code"]: option["label"] for option in questions["Q_ACTIVITES_CRITIQUES"]["options"]}
    assert activities["CIRCUIT_MEDICAMENT"] == "Circuit du médicament"
    assert {
        "SOINS",
        "REPAS",
        "TRANSPORT",
        "PLANNING_INTERVENTIONS",
        "ADMISSIONS",
        "FACTURATION",
        "PAIE",
    } <= set(activities)
    sites = questions["Q_SITES_MULTIPLES"]
    assert (sites["answer_type"], sites["minimum"], sites["unit"]) == ("INTEGER", 1, "sites")
    assert sites["maximum"] >= 100
    # The provider's contract hours are asked only when IT is outsourced.
    assert questions["Q_PRESTATAIRE_HORAIRES"]["asked_if"] == {
        "question": "Q_PRESTATAIRE_INFO",
        "answer": True,
    }
    free_text = [item for item in questions.values() if item["answer_type"] == "TEXT"]
    assert free_text
    assert all(item["max_length"] for item in free_text)
    for code in (
        "Q_DPO",
        "Q_ES_PARTENAIRE",
        "Q_PAIE_PERIODE",
        "Q_SAUVEGARDES_HORS_LIGNE",
        "Q_MFA_MESSAGERIE",
    ):
        assert questions[code]["label"].endswith("\u00a0?"), code


async def test_questions_can_be_filtered_by_section(client: Client) -> None:
    everything = await read(client, "/questions")
    alert = await read(client, "/questions", section="ALERTE_SIGNALEMENT")
    assert alert["items"]
    assert {item["section"] for item in alert["items"]} == {"ALERTE_SIGNALEMENT"}
    assert alert["items"] == [item for item in everything["items"] if item["section"] == "ALERTE_SIGNALEMENT"]
    assert alert["sections"] == [
        {
            "code": "ALERTE_SIGNALEMENT",
            "label": "Alerte, signalement et données personnelles",
            "questions": len(alert["items"]),
        }
    ]
    assert sum(section["questions"] for section in everything["sections"]) == len(everything["items"])


async def test_without_a_category_every_question_says_whom_it_is_for(client: Client) -> None:
    everything = await read(client, "/questions")
    assert everything["establishment"] is None
    questions = by_code(everything["items"])
    assert "Q_UNITE_PROTEGEE" in questions
    assert "Q_PARTENAIRES_DOMICILE" in questions
    protected = questions["Q_UNITE_PROTEGEE"]
    assert protected["modes"] == [{"code": "HEBERGEMENT", "label": "Hébergement"}]
    assert protected["traits"] == [
        {"code": "PERSONNES_AGEES", "label": "Accompagne des personnes âgées"},
        {"code": "ADULTES_HANDICAPES", "label": "Accompagne des adultes en situation de handicap"},
    ]
    activities = by_code(questions["Q_ACTIVITES_CRITIQUES"]["options"])
    assert activities["CIRCUIT_MEDICAMENT"]["traits"] == [
        {"code": "MEDICAMENTS", "label": "Prépare ou distribue des médicaments"}
    ]
    assert activities["ACCOMPAGNEMENT"]["modes"] == activities["ACCOMPAGNEMENT"]["traits"] == []


async def test_a_category_gets_only_the_questions_and_options_it_is_asked(client: Client) -> None:
    ssiad = await read(client, "/questions", category="SSIAD")
    assert ssiad["establishment"] == {
        "category": "SSIAD",
        "category_label": "Service de soins infirmiers à domicile (SSIAD)",
        "service_mode": "DOMICILE",
        "service_mode_label": "Intervention à domicile",
    }
    questions = by_code(ssiad["items"])
    # A home-care service has no protected unit, no pharmacy circuit, but home partners.
    assert "Q_UNITE_PROTEGEE" not in questions
    assert "Q_PHARMACIE" not in questions
    assert "Q_PARTENAIRES_DOMICILE" in questions
    activities = [option["code"] for option in questions["Q_ACTIVITES_CRITIQUES"]["options"]]
    assert "SOINS" in activities
    assert "CIRCUIT_MEDICAMENT" not in activities
    assert "TRANSPORT" not in activities
    assert sum(section["questions"] for section in ssiad["sections"]) == len(ssiad["items"])

    esat = by_code((await read(client, "/questions", category="ESAT"))["items"])
    esat_activities = [option["code"] for option in esat["Q_ACTIVITES_CRITIQUES"]["options"]]
    assert "CIRCUIT_MEDICAMENT" not in esat_activities
    assert "SOINS" not in esat_activities
    assert "REPAS" in esat_activities

    ehpad = by_code((await read(client, "/questions", category="EHPAD"))["items"])
    assert "Q_UNITE_PROTEGEE" in ehpad
    assert "Q_UNITE_ENSEIGNEMENT" not in ehpad


async def test_a_stated_mode_of_care_replaces_the_category_s(client: Client) -> None:
    # An EHPAD that declares itself a day service is not asked about a protected unit.
    day = by_code((await read(client, "/questions", category="EHPAD", service_mode="ACCUEIL_JOUR"))["items"])
    assert "Q_UNITE_PROTEGEE" not in day
    other = await read(client, "/questions", category="OTHER", service_mode="DOMICILE")
    assert other["establishment"]["service_mode"] == "DOMICILE"
    assert "Q_PARTENAIRES_DOMICILE" in by_code(other["items"])


@pytest.mark.parametrize(
    ("params", "field", "code"),
    [
        ({"service_mode": "DOMICILE"}, "category", "category_required"),
        ({"category": "OTHER"}, "service_mode", "service_mode_required"),
    ],
)
async def test_a_mode_needs_a_category_and_other_needs_a_mode(
    client: Client, params: dict[str, str], field: str, code: str
) -> None:
    response = await client.get(f"{KIT}/questions", params=params)
    problem = assert_problem(response, 422, "validation_failed", field=field)
    assert [error["code"] for error in problem["errors"]] == [code]


async def test_an_unknown_category_or_mode_is_refused(client: Client) -> None:
    for params, field in [
        ({"category": "HOPITAL"}, "category"),
        ({"category": "EHPAD", "service_mode": "X"}, "service_mode"),
    ]:
        assert_problem(
            await client.get(f"{KIT}/questions", params=params), 400, "invalid_request", field=field
        )


async def test_an_unknown_section_is_refused(client: Client) -> None:
    response = await client.get(f"{KIT}/questions", params={"section": "FINANCES"})
    assert_problem(response, 400, "invalid_request", field="section")


async def test_an_undeclared_query_parameter_is_refused(client: Client) -> None:
    response = await client.get(f"{KIT}/scenarios", params={"type": "RANSOMWARE"})
    assert_problem(response, 400, "invalid_request")


async def test_si_categories_come_with_hosting_modes_criticality_and_attributes(client: Client) -> None:
    body = await read(client, "/si-categories")
    categories = by_code(body["items"])
    assert len(categories) == 22
    assert categories["DUI"]["label"] == "Dossier usager informatisé (DUI)"
    assert categories["MSSANTE"]["label"] == "Messagerie sécurisée de santé (MSSanté)"
    assert all(category["description"] for category in categories.values())
    hosting = {mode["code"]: mode["label"] for mode in body["hosting_modes"]}
    assert hosting["ON_PREMISE"] == "Sur site"
    assert set(hosting) == {"ON_PREMISE", "HEBERGEUR_HDS", "SAAS", "MUTUALISE", "UNKNOWN"}
    assert [(level["value"], level["label"]) for level in body["criticality_levels"]] == [
        (1, "Faible"),
        (2, "Modérée"),
        (3, "Forte"),
        (4, "Vitale"),
    ]
    attributes = by_code(body["attributes"])
    assert list(attributes) == [
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
    ]
    criticality = attributes["criticality"]
    assert (criticality["value_type"], criticality["minimum"], criticality["maximum"]) == (
        "CRITICALITY",
        1,
        4,
    )
    assert criticality["value_type_label"] == "Criticité (1 à 4)"
    assert (attributes["rto_hours"]["value_type"], attributes["rto_hours"]["unit"]) == ("INTEGER", "heures")
    assert attributes["health_data"]["label"] == "Données de santé"
    assert attributes["depends_on"]["value_type"] == "COMPONENT_REFERENCES"


async def test_scenarios_have_a_french_title_and_synopsis(client: Client) -> None:
    scenarios = by_code((await read(client, "/scenarios"))["items"])
    assert list(scenarios) == [
        "PHISHING_ACCOUNT_COMPROMISE",
        "RANSOMWARE",
        "MAILBOX_COMPROMISE",
        "DATA_LEAK",
        "PROVIDER_OUTAGE",
        "INTERNET_LOSS",
        "EDGE_DEVICE_COMPROMISE",
    ]
    ransomware = scenarios["RANSOMWARE"]
    assert ransomware["title"] == "Rançongiciel"
    assert "rançon" in ransomware["synopsis"]
    assert {"code": "SAUVEGARDES", "label": "Sauvegardes"} in ransomware["impacted_categories"]
    for scenario in scenarios.values():
        assert len(scenario["synopsis"]) > 300, scenario["code"]
        assert scenario["first_signal"]
        assert scenario["impacted_categories"]
        assert scenario["references"]


async def test_competencies_follow_the_workbook_grid_and_rating_scale(client: Client) -> None:
    body = await read(client, "/competencies")
    families = by_code(body["items"])
    assert list(families) == [
        "CONTINUITE_ACTIVITE",
        "RECONSTRUCTION_IT",
        "GOUVERNANCE_CRISE",
        "ALERTE_SIGNALEMENT",
        "COMMUNICATION",
    ]
    for family in families.values():
        assert 4 <= len(family["items"]) <= 6, family["code"]
    continuity = families["CONTINUITE_ACTIVITE"]
    assert continuity["label"] == "Continuité de l'activité (ESMS)"
    assert {"code": "CA_PLAN_BLEU", "label": "Déclencher le Plan Bleu"} in continuity["items"]
    assert (
        by_code(families["GOUVERNANCE_CRISE"]["items"])["GC_MAIN_COURANTE"]["label"]
        == "Tenir la main courante"
    )
    assert body["acquired_score"] == 2
    assert body["rating_scale"] == [
        {"code": "NA", "label": "N/A", "score": None, "acquired": False},
        {"code": "NON_REALISE", "label": "Non réalisé", "score": 0, "acquired": False},
        {"code": "PEU_SATISFAISANT", "label": "Peu satisfaisant", "score": 1, "acquired": False},
        {"code": "SATISFAISANT", "label": "Satisfaisant", "score": 2, "acquired": True},
        {"code": "TRES_SATISFAISANT", "label": "Très satisfaisant", "score": 3, "acquired": True},
    ]


async def test_the_inject_library_speaks_french(client: Client) -> None:
    body = await read(client, "/injects")
    assert body["version"]
    assert body["reference_minutes"] == 120
    injects = by_code(body["items"])
    outage = injects["PRE-ARB-02"]
    assert outage["title"] == "L'éditeur est injoignable"
    assert outage["scenario_types"] == [
        {"code": "PROVIDER_OUTAGE", "label": "Défaillance d'un prestataire critique"}
    ]
    assert (outage["phase"], outage["phase_label"]) == ("ARBITRAGE", "Arbitrage et décision du mode dégradé")
    assert (outage["sender_label"], outage["recipient_label"], outage["channel_label"]) == (
        "Éditeur de logiciel",
        "Référent système d'information",
        "Téléphone",
    )
    assert "{editeur_dui}" in outage["stimulus"]
    # A stimulus about a component plays only where the scenario breaks it.
    assert outage["rule"] == "DUI touché par le scénario et DUI hébergé en SaaS"
    assert outage["rule_reads"] == ["param:scenario_type", "si:DUI", "si_attr:DUI.hosting"]
    assert {"code": "GC_ANNUAIRE", "label": "Disposer d'un annuaire de crise à jour hors SI"} in outage[
        "competency_items"
    ]
    assert outage["min_level_label"] == "Débutant"
    assert outage["formats"] == [
        {"code": "TABLE_TOP", "label": "Exercice sur table"},
        {"code": "SIMULATION", "label": "Exercice simulé"},
    ]
    assert (outage["anchor"], outage["anchor_label"], outage["perturbation"]) == (None, None, False)


async def test_anchors_and_rules_read_as_a_crisis_manager_expects(client: Client) -> None:
    injects = by_code((await read(client, "/injects"))["items"])
    ars = injects["COM-ARS-01"]
    assert (ars["anchor"], ars["anchor_label"], ars["rule"], ars["rule_reads"]) == (
        "ALERTE_ARS",
        "Signalement à l'ARS",
        None,
        [],
    )
    assert "portail" in " ".join(ars["expected_reactions"])
    assert injects["COM-MSS-01"]["rule"] == (
        "messagerie MSSanté touchée par le scénario et (prépare ou distribue des médicaments "
        "ou dispense des soins infirmiers)"
    )
    assert injects["COM-PAIE-01"]["rule"] == fr(
        "logiciel de paie et RH touché par le scénario et échéance de paie proche : oui"
    )
    # The Plan Bleu is played where the category must have one, by what the answers say of it.
    for code, answer in (("HEB-PLANBLEU-01", "oui"), ("HEB-PLANBLEU-02", "non")):
        plan = injects[code]
        assert fr(f"Plan Bleu formalisé : {answer}") in plan["rule"], code
        assert "answer:Q_PLAN_BLEU" in plan["rule_reads"], code
    assert injects["COM-DPO-02"]["requires"] == ["COM-DPO-01"]
    assert injects["COM-PERT-01"]["perturbation"] is True


async def test_the_library_lists_the_placeholders_a_stimulus_may_use(client: Client) -> None:
    placeholders = {
        item["name"]: item["description"] for item in (await read(client, "/injects"))["placeholders"]
    }
    assert {"etablissement", "usagers", "nb_usagers", "dui", "editeur_dui", "contact_ars"} <= set(
        placeholders
    )
    assert all(placeholders.values())


async def test_injects_can_be_filtered_by_scenario_and_phase(client: Client) -> None:
    everything = (await read(client, "/injects"))["items"]
    leak = (await read(client, "/injects", scenario_type="DATA_LEAK"))["items"]
    assert leak == [item for item in everything if "DATA_LEAK" in [s["code"] for s in item["scenario_types"]]]
    assert "FUI-T0-01" in by_code(leak)
    assert "RAN-T0-01" not in by_code(leak)
    escalation = (await read(client, "/injects", scenario_type="DATA_LEAK", phase="ESCALADE"))["items"]
    assert escalation == [item for item in leak if item["phase"] == "ESCALADE"]
    assert {"COM-ARS-01", "COM-CERT-01", "COM-DPO-01", "FUI-ESC-01"} <= set(by_code(escalation))


@pytest.mark.parametrize(("field", "value"), [("scenario_type", "ALIEN_INVASION"), ("phase", "APERO")])
async def test_an_unknown_inject_filter_is_refused(client: Client, field: str, value: str) -> None:
    response = await client.get(f"{KIT}/injects", params={field: value})
    assert_problem(response, 400, "invalid_request", field=field)


@pytest.mark.parametrize("path", ["", *LISTS])
async def test_an_observatory_key_may_not_read_the_kit(
    anonymous_client: Client, issue_key: KeyIssuer, path: str
) -> None:
    """Observatory accounts see statistics only."""
    key = await issue_key(AccountRole.OBSERVATORY)
    response = await anonymous_client.get(KIT + path, headers=bearer(key))
    assert_problem(response, 403, "role_forbidden")


@pytest.mark.parametrize("path", ["", *LISTS])
async def test_the_kit_needs_an_api_key(anonymous_client: Client, path: str) -> None:
    response = await anonymous_client.get(KIT + path)
    assert_problem(response, 401, "missing_credentials")


async def test_regional_and_establishment_keys_read_the_same_kit(
    anonymous_client: Client, admin_key: str, issue_key: KeyIssuer
) -> None:
    """The content is national: every organisation member reads the very same lists."""
    created = await anonymous_client.post(
        "/api/v1/organisations", json=organisation_payload(), headers=bearer(admin_key)
    )
    assert created.status_code == 201, created.text
    keys = [
        await issue_key(AccountRole.REGIONAL, region_code="11"),
        await issue_key(AccountRole.ESTABLISHMENT, organisation_ids=[created.json()["id"]]),
    ]
    for path in ["", *LISTS]:
        expected = await anonymous_client.get(KIT + path, headers=bearer(admin_key))
        assert expected.status_code == 200, expected.text
        for key in keys:
            response = await anonymous_client.get(KIT + path, headers=bearer(key))
            assert response.status_code == 200, response.text
            assert response.json() == expected.json()
