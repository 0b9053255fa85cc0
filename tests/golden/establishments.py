"""Seven contrasting establishments whose chronograms are committed and compared byte for byte.

- an EHPAD of 80 places whose DUI is a SaaS and which uses MSSanté (phishing, intermediate);
- a multi-site IME with an on-premise DUI and an outsourced IT provider (ransomware, confirmed,
  simulation);
- a SSIAD whose nurses plan their rounds on a mobile app (provider outage, the 45-minute format);
- a SESSAD without internat whose educators work from a shared agenda (mailbox compromise);
- a two-site ESAT whose workshops and payroll depend on a VPN and a firewall (edge device,
  confirmed, simulation);
- a MAS with a night nurse, a Plan Bleu and IP telephony (Internet loss);
- a résidence autonomie run by a CCAS, with few plans yet (data leak, beginners).

Each chronogram is stored as JSON (``tests/golden/chronogramme-<name>.json``, what the engine
returns) and as a French Markdown table for a domain expert (``docs/examples/chronogramme-<name>.md``).
After a deliberate change of the library or the engine, regenerate both, then read the diff:

    .venv/bin/python -m tests.golden.establishments
"""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import msgspec

from service.domain.chronogram.engine import (
    ContactFacts,
    ExerciseParameters,
    GeneratedChronogram,
    GenerationInputs,
    OrganisationProfile,
    generate,
)
from service.kit.catalogue import get_catalogue
from service.kit.codes import (
    ContactRole,
    EssmsCategory,
    ExerciseFormat,
    ExerciseLevel,
    HostingMode,
    ParticipantRole,
    ScenarioType,
    ServiceMode,
    SiCategory,
)
from service.kit.context import load_kit_context
from service.kit.rules import ComponentFacts

ROOT = Path(__file__).resolve().parents[2]
GOLDEN_DIR = ROOT / "tests" / "golden"
DOCS_DIR = ROOT / "docs" / "examples"

R = ParticipantRole
C = SiCategory


def component(
    code: str, category: SiCategory, name: str, editor: str | None, **facts: object
) -> ComponentFacts:
    return msgspec.convert(
        {"code": code, "category": category, "name": name, "editor": editor, **facts}, ComponentFacts
    )


def contact(role: ContactRole, name: str) -> ContactFacts:
    return ContactFacts(role=role, name=name)


# What every establishment answers alike; each case states its own differences.
COMMON_ANSWERS: dict[str, bool | int | str | list[str]] = {
    "Q_CELLULE_CRISE": True,
    "Q_ASTREINTE": True,
    "Q_LISTES_PAPIER": True,
    "Q_SIGNALEMENT_CONNU": False,
    "Q_DPO": True,
    "Q_REFERENT_SI": True,
    "Q_SAUVEGARDES_TESTEES": False,
    "Q_EXERCICE_PRECEDENT": False,
}

EHPAD = GenerationInputs(
    organisation=OrganisationProfile(
        name="EHPAD Les Tilleuls",
        short_name="Les Tilleuls",
        category=EssmsCategory.EHPAD,
        service_mode=ServiceMode.HEBERGEMENT,
        capacity_places=80,
        sites_count=1,
        region_code="11",
        region_name="Île-de-France",
    ),
    parameters=ExerciseParameters(
        exercise_date=date(2026, 3, 12),
        start_time=time(9, 30),
        duration_minutes=180,
        briefing_minutes=15,
        level=ExerciseLevel.INTERMEDIAIRE,
        format=ExerciseFormat.TABLE_TOP,
        scenario_type=ScenarioType.PHISHING_ACCOUNT_COMPROMISE,
        participant_roles=(
            R.DIRECTION,
            R.MEDECIN_COORDONNATEUR,
            R.ENCADREMENT,
            R.SOIGNANT_EDUCATIF,
            R.ADMINISTRATIF_ACCUEIL,
            R.REFERENT_SI,
        ),
        include_perturbations=True,
    ),
    answers=COMMON_ANSWERS
    | {
        "Q_NB_USAGERS": 80,
        "Q_STATUT": "PUBLIC_AUTONOME",
        "Q_SOINS_NUIT": "ASTREINTE",
        "Q_UNITE_PROTEGEE": True,
        "Q_MEDECINS_TRAITANTS": True,
        "Q_PROTECTION_JURIDIQUE": True,
        "Q_PORTE_PAROLE": False,
        "Q_NB_PROFESSIONNELS": 62,
        "Q_SITES_MULTIPLES": 1,
        "Q_PRESENCE_NUIT": True,
        "Q_PHARMACIE": "OFFICINE",
        "Q_RESTAURATION": "CUISINE_SUR_PLACE",
        "Q_PLAN_BLEU": True,
        "Q_PLAN_BLEU_CYBER": False,
        "Q_PCA": "EN_COURS",
        "Q_ANNUAIRE_CRISE": False,
        "Q_ACTIVITES_CRITIQUES": ["SOINS", "CIRCUIT_MEDICAMENT", "REPAS"],
        "Q_PROC_DEGRADEES": ["SOINS", "REPAS"],
        "Q_FORMATION_MODE_DEGRADE": False,
        "Q_PAIE_PERIODE": True,
        "Q_ES_PARTENAIRE": True,
        "Q_ACTEURS_ALERTE": ["ARS"],
        "Q_PRESTATAIRE_INFO": True,
        "Q_PRESTATAIRE_HORAIRES": "HEURES_OUVREES",
        "Q_SAUVEGARDES_HORS_LIGNE": False,
        "Q_MFA_MESSAGERIE": False,
    },
    components=(
        component(
            "DUI",
            C.DUI,
            "Atalante Soins",
            "Atalante Santé",
            hosting=HostingMode.SAAS,
            criticality=4,
            users_count=55,
            personal_data=True,
            health_data=True,
            degraded_procedure=False,
            rto_hours=4,
            depends_on=("INTERNET",),
        ),
        component(
            "MSSANTE",
            C.MSSANTE,
            "MSSanté de l'établissement",
            "SESAN",
            hosting=HostingMode.HEBERGEUR_HDS,
            criticality=3,
            personal_data=True,
            health_data=True,
            degraded_procedure=False,
        ),
        component(
            "MESSAGERIE",
            C.MESSAGERIE,
            "Messagerie Outlook",
            "Microsoft",
            hosting=HostingMode.SAAS,
            criticality=3,
            users_count=40,
            personal_data=True,
            health_data=False,
            degraded_procedure=False,
        ),
        component(
            "CIRCUIT_MEDICAMENT",
            C.CIRCUIT_MEDICAMENT,
            "Pilulier connecté",
            None,
            hosting=HostingMode.SAAS,
            criticality=4,
            personal_data=True,
            health_data=True,
            degraded_procedure=True,
        ),
        component(
            "PAIE",
            C.PAIE_RH,
            "Paie Horizon",
            "Horizon RH",
            hosting=HostingMode.SAAS,
            criticality=2,
            personal_data=True,
            health_data=False,
            degraded_procedure=False,
        ),
        component(
            "INTERNET",
            C.INTERNET,
            "Fibre professionnelle",
            "Orange",
            hosting=HostingMode.UNKNOWN,
            criticality=4,
            personal_data=False,
            health_data=False,
            degraded_procedure=False,
        ),
    ),
    contacts=(
        contact(ContactRole.DIRECTION, "Claire Martin"),
        contact(ContactRole.CADRE_SANTE, "Sophie Lambert"),
        contact(ContactRole.MEDECIN_COORDONNATEUR, "Dr Paul Girard"),
        contact(ContactRole.PRESTATAIRE_INFORMATIQUE, "Infogérance Val-de-Seine"),
        contact(ContactRole.ARS, "Isabelle Moreau"),
        contact(ContactRole.CERT_SANTE, "CERT Santé (ANS)"),
        contact(ContactRole.DPO, "Julien Roux"),
    ),
)

IME = GenerationInputs(
    organisation=OrganisationProfile(
        name="Institut médico-éducatif Les Genêts",
        short_name="IME Les Genêts",
        category=EssmsCategory.IME,
        service_mode=ServiceMode.HEBERGEMENT,
        capacity_places=64,
        sites_count=3,
        region_code="32",
        region_name="Hauts-de-France",
    ),
    parameters=ExerciseParameters(
        exercise_date=date(2026, 10, 6),
        start_time=time(14, 0),
        duration_minutes=180,
        briefing_minutes=15,
        level=ExerciseLevel.CONFIRME,
        format=ExerciseFormat.SIMULATION,
        scenario_type=ScenarioType.RANSOMWARE,
        participant_roles=(
            R.DIRECTION,
            R.DIRECTION_SIEGE,
            R.ENCADREMENT,
            R.SOIGNANT_EDUCATIF,
            R.ADMINISTRATIF_ACCUEIL,
            R.RH_PAIE,
            R.PRESTATAIRE_INFORMATIQUE,
            R.COMMUNICATION,
        ),
        include_perturbations=True,
    ),
    answers=COMMON_ANSWERS
    | {
        "Q_NB_USAGERS": 64,
        "Q_STATUT": "ASSOCIATIF",
        "Q_UNITE_ENSEIGNEMENT": True,
        "Q_PORTE_PAROLE": True,
        "Q_NB_PROFESSIONNELS": 85,
        "Q_SITES_MULTIPLES": 3,
        "Q_PRESENCE_NUIT": True,
        "Q_PHARMACIE": "OFFICINE",
        "Q_RESTAURATION": "CUISINE_CENTRALE",
        "Q_PLAN_BLEU": True,
        "Q_PLAN_BLEU_CYBER": True,
        "Q_PCA": "OUI",
        "Q_ANNUAIRE_CRISE": True,
        "Q_ACTIVITES_CRITIQUES": ["ACCOMPAGNEMENT", "TRANSPORT", "REPAS", "CIRCUIT_MEDICAMENT"],
        "Q_PROC_DEGRADEES": ["ACCOMPAGNEMENT", "TRANSPORT"],
        "Q_FORMATION_MODE_DEGRADE": True,
        "Q_PAIE_PERIODE": False,
        "Q_ES_PARTENAIRE": False,
        "Q_ACTEURS_ALERTE": ["PORTAIL_SIGNALEMENT", "ARS", "CERT_SANTE", "CRRC"],
        "Q_PRESTATAIRE_INFO": True,
        "Q_PRESTATAIRE_HORAIRES": "HEURES_ETENDUES",
        "Q_SAUVEGARDES_HORS_LIGNE": True,
        "Q_MFA_MESSAGERIE": True,
    },
    components=(
        component(
            "AD",
            C.ACTIVE_DIRECTORY,
            "Annuaire Active Directory",
            "Microsoft",
            hosting=HostingMode.ON_PREMISE,
            criticality=4,
            personal_data=True,
            health_data=False,
            degraded_procedure=False,
        ),
        component(
            "DUI",
            C.DUI,
            "Ogirys Éduc",
            "Ogirys",
            hosting=HostingMode.ON_PREMISE,
            criticality=4,
            users_count=70,
            personal_data=True,
            health_data=True,
            degraded_procedure=True,
            rto_hours=24,
            depends_on=("AD", "SERVEUR"),
        ),
        component(
            "SERVEUR",
            C.HEBERGEUR,
            "Serveurs du siège",
            "Prestataire Alpha Informatique",
            hosting=HostingMode.ON_PREMISE,
            criticality=4,
            personal_data=True,
            health_data=True,
            degraded_procedure=False,
        ),
        component(
            "SAUVEGARDES",
            C.SAUVEGARDES,
            "Sauvegardes Veeam",
            "Prestataire Alpha Informatique",
            hosting=HostingMode.ON_PREMISE,
            criticality=4,
            personal_data=True,
            health_data=True,
            degraded_procedure=False,
        ),
        component(
            "PAIE",
            C.PAIE_RH,
            "Paie et RH",
            "Cegid",
            hosting=HostingMode.ON_PREMISE,
            criticality=3,
            personal_data=True,
            health_data=False,
            degraded_procedure=False,
            depends_on=("AD",),
        ),
        component(
            "FACTURATION",
            C.FACTURATION,
            "Facturation des prix de journée",
            "Ogirys",
            hosting=HostingMode.ON_PREMISE,
            criticality=2,
            personal_data=True,
            health_data=False,
            degraded_procedure=True,
            depends_on=("AD",),
        ),
        component(
            "POSTES",
            C.POSTES_TRAVAIL,
            "Postes des trois sites",
            None,
            hosting=HostingMode.ON_PREMISE,
            criticality=3,
            users_count=60,
            personal_data=True,
            health_data=False,
            degraded_procedure=False,
        ),
        component(
            "TRANSPORT",
            C.TRANSPORT,
            "Tournées des taxis et minibus",
            "Transports Lemoine",
            hosting=HostingMode.SAAS,
            criticality=3,
            personal_data=True,
            health_data=False,
            degraded_procedure=True,
        ),
    ),
    contacts=(
        contact(ContactRole.DIRECTION, "Nadia Benali"),
        contact(ContactRole.ASTREINTE, "Astreinte de direction de l'association"),
        contact(ContactRole.PRESTATAIRE_INFORMATIQUE, "Alpha Informatique"),
        contact(ContactRole.EDITEUR, "Support Ogirys"),
        contact(ContactRole.ARS, "Thomas Duval"),
        contact(ContactRole.CERT_SANTE, "CERT Santé (ANS)"),
        contact(ContactRole.CRRC, "CRRC Hauts-de-France"),
        contact(ContactRole.DPO, "Marc Lefèvre"),
        contact(ContactRole.ASSUREUR, "Mutuelle Assurances Associatives"),
        contact(ContactRole.COMMUNICATION, "Service communication de l'association"),
    ),
)

SSIAD = GenerationInputs(
    organisation=OrganisationProfile(
        name="Service de soins infirmiers à domicile du Pays de Morlaix",
        short_name="SSIAD du Pays de Morlaix",
        category=EssmsCategory.SSIAD,
        service_mode=ServiceMode.DOMICILE,
        capacity_places=45,
        sites_count=1,
        region_code="53",
        region_name="Bretagne",
    ),
    parameters=ExerciseParameters(
        exercise_date=date(2026, 6, 18),
        start_time=time(13, 30),
        duration_minutes=45,
        briefing_minutes=5,
        level=ExerciseLevel.DEBUTANT,
        format=ExerciseFormat.SENSIBILISATION,
        scenario_type=ScenarioType.PROVIDER_OUTAGE,
        participant_roles=(R.DIRECTION, R.ENCADREMENT, R.SOIGNANT_EDUCATIF, R.ADMINISTRATIF_ACCUEIL),
        include_perturbations=False,
    ),
    answers=COMMON_ANSWERS
    | {
        "Q_NB_USAGERS": 45,
        "Q_STATUT": "ASSOCIATIF",
        "Q_PARTENAIRES_DOMICILE": ["IDEL", "SAAD"],
        "Q_MEDECINS_TRAITANTS": True,
        "Q_NB_PROFESSIONNELS": 24,
        "Q_SITES_MULTIPLES": 1,
        "Q_PRESENCE_NUIT": False,
        # No Q_PHARMACIE: a SSIAD neither prepares nor distributes medicines (catalogue traits).
        "Q_RESTAURATION": "SANS_OBJET",
        "Q_PLAN_BLEU": False,
        "Q_PCA": "NON",
        "Q_ANNUAIRE_CRISE": False,
        "Q_ACTIVITES_CRITIQUES": ["SOINS", "PLANNING_INTERVENTIONS"],
        "Q_PROC_DEGRADEES": [],
        "Q_FORMATION_MODE_DEGRADE": False,
        "Q_PAIE_PERIODE": False,
        "Q_ES_PARTENAIRE": True,
        "Q_ACTEURS_ALERTE": ["ARS"],
        "Q_PRESTATAIRE_INFO": False,
        "Q_REFERENT_SI": False,
        "Q_SAUVEGARDES_HORS_LIGNE": False,
        "Q_MFA_MESSAGERIE": False,
    },
    components=(
        component(
            "TOURNEES",
            C.PLANNING,
            "Tournées Mobiles",
            "Domicilio",
            hosting=HostingMode.SAAS,
            criticality=4,
            users_count=20,
            personal_data=True,
            health_data=True,
            degraded_procedure=False,
            rto_hours=2,
        ),
        component(
            "SOINS",
            C.LOGICIEL_SOINS,
            "Dossier de soins à domicile",
            "Domicilio",
            hosting=HostingMode.SAAS,
            criticality=4,
            users_count=22,
            personal_data=True,
            health_data=True,
            degraded_procedure=False,
        ),
        component(
            "TELEPHONIE",
            C.TELEPHONIE,
            "Smartphones des infirmières",
            None,
            hosting=HostingMode.UNKNOWN,
            criticality=3,
            users_count=20,
            personal_data=False,
            health_data=False,
            degraded_procedure=False,
        ),
        component(
            "MSSANTE",
            C.MSSANTE,
            "Messagerie sécurisée de santé",
            None,
            hosting=HostingMode.HEBERGEUR_HDS,
            criticality=2,
            personal_data=True,
            health_data=True,
            degraded_procedure=False,
        ),
    ),
    contacts=(
        contact(ContactRole.DIRECTION, "Anne Le Bihan"),
        contact(ContactRole.CADRE_SANTE, "Gaëlle Morvan"),
        contact(ContactRole.ARS, "Yann Le Goff"),
    ),
)

# The answers of a small establishment that has written few plans yet.
FIRST_STEPS: dict[str, bool | int | str | list[str]] = {
    "Q_PLAN_BLEU": False,
    "Q_PCA": "NON",
    "Q_ANNUAIRE_CRISE": False,
    "Q_PROC_DEGRADEES": [],
    "Q_FORMATION_MODE_DEGRADE": False,
    "Q_PAIE_PERIODE": False,
    "Q_ES_PARTENAIRE": False,
    "Q_ACTEURS_ALERTE": [],
    "Q_PRESTATAIRE_INFO": True,
    "Q_PRESTATAIRE_HORAIRES": "HEURES_OUVREES",
    "Q_SAUVEGARDES_HORS_LIGNE": False,
    "Q_MFA_MESSAGERIE": False,
}


def office_si(*extra: ComponentFacts) -> tuple[ComponentFacts, ...]:
    """Messaging, accounts, workstations and backups, as nearly every establishment has them."""
    return (
        component(
            "MAIL",
            C.MESSAGERIE,
            "Messagerie Microsoft 365",
            "Microsoft",
            hosting=HostingMode.SAAS,
            criticality=3,
            personal_data=True,
            health_data=False,
            degraded_procedure=False,
        ),
        component(
            "AD",
            C.ACTIVE_DIRECTORY,
            "Annuaire des comptes",
            None,
            hosting=HostingMode.ON_PREMISE,
            criticality=4,
            personal_data=True,
            health_data=False,
            degraded_procedure=False,
        ),
        component(
            "POSTES",
            C.POSTES_TRAVAIL,
            "Postes de travail",
            None,
            hosting=HostingMode.ON_PREMISE,
            criticality=3,
            personal_data=False,
            health_data=False,
            degraded_procedure=False,
        ),
        component(
            "SAUV",
            C.SAUVEGARDES,
            "Sauvegardes sur NAS",
            None,
            hosting=HostingMode.ON_PREMISE,
            criticality=4,
            personal_data=True,
            health_data=True,
            degraded_procedure=False,
        ),
        *extra,
    )


SESSAD = GenerationInputs(
    organisation=OrganisationProfile(
        name="Service d'éducation spéciale et de soins à domicile Les Petits Pas",
        short_name="SESSAD Les Petits Pas",
        category=EssmsCategory.SESSAD,
        service_mode=ServiceMode.DOMICILE,
        capacity_places=35,
        sites_count=1,
        region_code="84",
        region_name="Auvergne-Rhône-Alpes",
    ),
    parameters=ExerciseParameters(
        exercise_date=date(2026, 11, 17),
        start_time=time(9, 0),
        duration_minutes=180,
        briefing_minutes=15,
        level=ExerciseLevel.INTERMEDIAIRE,
        format=ExerciseFormat.TABLE_TOP,
        scenario_type=ScenarioType.MAILBOX_COMPROMISE,
        participant_roles=(R.DIRECTION, R.ENCADREMENT, R.SOIGNANT_EDUCATIF, R.ADMINISTRATIF_ACCUEIL),
        include_perturbations=True,
    ),
    answers=COMMON_ANSWERS
    | FIRST_STEPS
    | {
        "Q_NB_USAGERS": 35,
        "Q_NB_PROFESSIONNELS": 14,
        "Q_SITES_MULTIPLES": 1,
        "Q_PRESENCE_NUIT": False,
        "Q_STATUT": "ASSOCIATIF",
        "Q_RESTAURATION": "SANS_OBJET",
        "Q_ACTIVITES_CRITIQUES": ["ACCOMPAGNEMENT", "PLANNING_INTERVENTIONS"],
        "Q_UNITE_ENSEIGNEMENT": False,
        "Q_DPO": True,
    },
    components=office_si(
        component(
            "DUI",
            C.DUI,
            "Dossier de l'enfant",
            "Médiateam",
            hosting=HostingMode.SAAS,
            criticality=3,
            personal_data=True,
            health_data=True,
            degraded_procedure=False,
        ),
        component(
            "PLANNING",
            C.PLANNING,
            "Agenda des séances",
            "Médiateam",
            hosting=HostingMode.SAAS,
            criticality=3,
            personal_data=True,
            health_data=False,
            degraded_procedure=False,
        ),
        component(
            "COMPTA",
            C.COMPTA_FINANCE,
            "Comptabilité de l'association",
            "Sage",
            hosting=HostingMode.MUTUALISE,
            criticality=2,
            personal_data=False,
            health_data=False,
            degraded_procedure=False,
        ),
    ),
    contacts=(
        contact(ContactRole.DIRECTION, "Nadia Benali"),
        contact(ContactRole.ARS, "Luc Perrin"),
        contact(ContactRole.DPO, "Cabinet Protect'Asso"),
    ),
)

ESAT = GenerationInputs(
    organisation=OrganisationProfile(
        name="ESAT Les Ateliers du Lac",
        category=EssmsCategory.ESAT,
        service_mode=ServiceMode.TRAVAIL,
        capacity_places=90,
        sites_count=2,
        region_code="76",
        region_name="Occitanie",
    ),
    parameters=ExerciseParameters(
        exercise_date=date(2026, 9, 22),
        start_time=time(8, 30),
        duration_minutes=180,
        briefing_minutes=15,
        level=ExerciseLevel.CONFIRME,
        format=ExerciseFormat.SIMULATION,
        scenario_type=ScenarioType.EDGE_DEVICE_COMPROMISE,
        participant_roles=(
            R.DIRECTION,
            R.ENCADREMENT,
            R.ADMINISTRATIF_ACCUEIL,
            R.RH_PAIE,
            R.REFERENT_SI,
            R.PRESTATAIRE_INFORMATIQUE,
        ),
        include_perturbations=True,
    ),
    answers=COMMON_ANSWERS
    | {
        "Q_NB_USAGERS": 90,
        "Q_NB_PROFESSIONNELS": 22,
        "Q_SITES_MULTIPLES": 2,
        "Q_PRESENCE_NUIT": False,
        "Q_STATUT": "ASSOCIATIF",
        "Q_RESTAURATION": "CUISINE_SUR_PLACE",
        "Q_PLAN_BLEU": False,
        "Q_PCA": "OUI",
        "Q_ANNUAIRE_CRISE": True,
        "Q_ACTIVITES_CRITIQUES": ["REPAS", "TRANSPORT", "FACTURATION", "PAIE"],
        "Q_PROC_DEGRADEES": ["REPAS", "TRANSPORT"],
        "Q_FORMATION_MODE_DEGRADE": True,
        "Q_PAIE_PERIODE": True,
        "Q_ES_PARTENAIRE": False,
        "Q_ACTEURS_ALERTE": ["PORTAIL_SIGNALEMENT", "ARS", "CERT_SANTE", "CRRC"],
        "Q_ASSURANCE_CYBER": True,
        "Q_PRESTATAIRE_INFO": True,
        "Q_PRESTATAIRE_HORAIRES": "HEURES_ETENDUES",
        "Q_SAUVEGARDES_HORS_LIGNE": True,
        "Q_MFA_MESSAGERIE": True,
        "Q_PROTECTION_JURIDIQUE": True,
        "Q_PORTE_PAROLE": True,
    },
    components=office_si(
        component(
            "VPN",
            C.ACCES_DISTANTS,
            "VPN des moniteurs et du siège",
            "Fortinet",
            hosting=HostingMode.ON_PREMISE,
            criticality=3,
            personal_data=False,
            health_data=False,
            degraded_procedure=False,
        ),
        component(
            "FW",
            C.INTERNET,
            "Pare-feu et box fibre",
            "Fortinet",
            hosting=HostingMode.ON_PREMISE,
            criticality=4,
            personal_data=False,
            health_data=False,
            degraded_procedure=False,
        ),
        component(
            "PAIE",
            C.PAIE_RH,
            "Paie des travailleurs et des salariés",
            "Cegid",
            hosting=HostingMode.SAAS,
            criticality=4,
            personal_data=True,
            health_data=False,
            degraded_procedure=False,
        ),
        component(
            "FACT",
            C.FACTURATION,
            "Gestion commerciale des ateliers",
            "EBP",
            hosting=HostingMode.ON_PREMISE,
            criticality=3,
            personal_data=True,
            health_data=False,
            degraded_procedure=True,
        ),
        component(
            "DUI",
            C.DUI,
            "Dossier des travailleurs",
            "Arcanes",
            hosting=HostingMode.HEBERGEUR_HDS,
            criticality=3,
            personal_data=True,
            health_data=True,
            degraded_procedure=False,
        ),
    ),
    contacts=(
        contact(ContactRole.DIRECTION, "Pierre Castan"),
        contact(ContactRole.REFERENT_SI, "Julie Fabre"),
        contact(ContactRole.PRESTATAIRE_INFORMATIQUE, "Occitanie Réseaux"),
        contact(ContactRole.ARS, "Hélène Roux"),
        contact(ContactRole.CRRC, "Marc Durand"),
        contact(ContactRole.ASSUREUR, "Mutuelle des associations"),
    ),
)

MAS = GenerationInputs(
    organisation=OrganisationProfile(
        name="Maison d'accueil spécialisée du Littoral",
        short_name="MAS du Littoral",
        category=EssmsCategory.MAS,
        service_mode=ServiceMode.HEBERGEMENT,
        capacity_places=48,
        sites_count=1,
        region_code="52",
        region_name="Pays de la Loire",
    ),
    parameters=ExerciseParameters(
        exercise_date=date(2026, 5, 5),
        start_time=time(14, 0),
        duration_minutes=180,
        briefing_minutes=15,
        level=ExerciseLevel.INTERMEDIAIRE,
        format=ExerciseFormat.TABLE_TOP,
        scenario_type=ScenarioType.INTERNET_LOSS,
        participant_roles=(
            R.DIRECTION,
            R.MEDECIN_COORDONNATEUR,
            R.ENCADREMENT,
            R.SOIGNANT_EDUCATIF,
            R.ADMINISTRATIF_ACCUEIL,
            R.QUALITE,
        ),
        include_perturbations=False,
    ),
    answers=COMMON_ANSWERS
    | {
        "Q_NB_USAGERS": 48,
        "Q_NB_PROFESSIONNELS": 75,
        "Q_SITES_MULTIPLES": 1,
        "Q_PRESENCE_NUIT": True,
        "Q_SOINS_NUIT": "PRESENTE",
        "Q_STATUT": "FONDATION",
        "Q_PHARMACIE": "OFFICINE",
        "Q_RESTAURATION": "PRESTATAIRE",
        "Q_PLAN_BLEU": True,
        "Q_PLAN_BLEU_CYBER": True,
        "Q_PCA": "EN_COURS",
        "Q_ANNUAIRE_CRISE": True,
        "Q_ACTIVITES_CRITIQUES": ["SOINS", "CIRCUIT_MEDICAMENT", "REPAS"],
        "Q_PROC_DEGRADEES": ["SOINS"],
        "Q_FORMATION_MODE_DEGRADE": True,
        "Q_PAIE_PERIODE": False,
        "Q_ES_PARTENAIRE": True,
        "Q_ACTEURS_ALERTE": ["PORTAIL_SIGNALEMENT", "ARS"],
        "Q_PRESTATAIRE_INFO": True,
        "Q_PRESTATAIRE_HORAIRES": "H24",
        "Q_SAUVEGARDES_HORS_LIGNE": True,
        "Q_MFA_MESSAGERIE": True,
        "Q_UNITE_PROTEGEE": False,
        "Q_MEDECINS_TRAITANTS": False,
        "Q_PROTECTION_JURIDIQUE": True,
    },
    components=office_si(
        component(
            "DUI",
            C.DUI,
            "Dossier résident",
            "Netsoins",
            hosting=HostingMode.SAAS,
            criticality=4,
            personal_data=True,
            health_data=True,
            degraded_procedure=True,
        ),
        component(
            "MED",
            C.CIRCUIT_MEDICAMENT,
            "Préparation des doses",
            "Pharmacie Océane",
            hosting=HostingMode.SAAS,
            criticality=4,
            personal_data=True,
            health_data=True,
            degraded_procedure=True,
        ),
        component(
            "BOX",
            C.INTERNET,
            "Accès fibre de l'opérateur",
            "Orange",
            hosting=HostingMode.ON_PREMISE,
            criticality=4,
            personal_data=False,
            health_data=False,
            degraded_procedure=False,
        ),
        component(
            "TEL",
            C.TELEPHONIE,
            "Téléphonie IP et appel malade",
            "Orange",
            hosting=HostingMode.MUTUALISE,
            criticality=4,
            personal_data=False,
            health_data=False,
            degraded_procedure=False,
        ),
        component(
            "MSS",
            C.MSSANTE,
            "MSSanté de la MAS",
            None,
            hosting=HostingMode.HEBERGEUR_HDS,
            criticality=2,
            personal_data=True,
            health_data=True,
            degraded_procedure=False,
        ),
    ),
    contacts=(
        contact(ContactRole.DIRECTION, "Élise Guérin"),
        contact(ContactRole.CADRE_SANTE, "Karim Haddad"),
        contact(ContactRole.OPERATEUR_TELECOM, "Orange Entreprises"),
        contact(ContactRole.ARS, "Sylvie Morin"),
        contact(ContactRole.DPO, "Julie Carré"),
    ),
)

RESIDENCE = GenerationInputs(
    organisation=OrganisationProfile(
        name="Résidence autonomie Les Lilas",
        category=EssmsCategory.RESIDENCE_AUTONOMIE,
        service_mode=ServiceMode.HEBERGEMENT,
        capacity_places=60,
        sites_count=1,
        region_code="28",
        region_name="Normandie",
    ),
    parameters=ExerciseParameters(
        exercise_date=date(2026, 4, 14),
        start_time=time(10, 0),
        duration_minutes=180,
        briefing_minutes=15,
        level=ExerciseLevel.DEBUTANT,
        format=ExerciseFormat.TABLE_TOP,
        scenario_type=ScenarioType.DATA_LEAK,
        participant_roles=(R.DIRECTION, R.ENCADREMENT, R.ADMINISTRATIF_ACCUEIL),
        include_perturbations=False,
    ),
    answers=COMMON_ANSWERS
    | FIRST_STEPS
    | {
        "Q_NB_USAGERS": 60,
        "Q_NB_PROFESSIONNELS": 9,
        "Q_SITES_MULTIPLES": 1,
        "Q_PRESENCE_NUIT": True,
        "Q_STATUT": "PUBLIC_TERRITORIAL",
        "Q_RESTAURATION": "CUISINE_SUR_PLACE",
        "Q_ACTIVITES_CRITIQUES": ["REPAS", "ACCOMPAGNEMENT"],
        "Q_PROTECTION_JURIDIQUE": False,
    },
    components=office_si(
        component(
            "GESTION",
            C.FACTURATION,
            "Gestion des résidents et facturation",
            "Arche MC2",
            hosting=HostingMode.SAAS,
            criticality=3,
            personal_data=True,
            health_data=False,
            degraded_procedure=False,
        ),
    ),
    contacts=(
        contact(ContactRole.DIRECTION, "Martine Lefranc"),
        contact(ContactRole.DPO, "Service mutualisé du CCAS"),
    ),
)

ESTABLISHMENTS: dict[str, GenerationInputs] = {
    "ehpad": EHPAD,
    "ime": IME,
    "ssiad": SSIAD,
    "sessad": SESSAD,
    "esat": ESAT,
    "mas": MAS,
    "residence-autonomie": RESIDENCE,
}


def chronogram_of(inputs: GenerationInputs) -> GeneratedChronogram:
    return generate(inputs, load_kit_context())


def golden_json(chronogram: GeneratedChronogram) -> bytes:
    return msgspec.json.format(msgspec.json.encode(chronogram), indent=2) + b"\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", "<br>")


def _sites(count: int) -> str:
    return "1 site" if count == 1 else f"{count} sites"


def _offset(minutes: int) -> str:
    if minutes == 0:
        return "T0"
    return f"T+{minutes}" if minutes > 0 else f"T−{-minutes}"


def golden_markdown(name: str, inputs: GenerationInputs, chronogram: GeneratedChronogram) -> str:
    """The chronogram as a French crisis manager reads it: one line per stimulus."""
    labels = get_catalogue()
    organisation, parameters = inputs.organisation, inputs.parameters
    window = chronogram.timing
    lines = [
        f"# Chronogramme d'exemple : {organisation.name}",
        "",
        "Généré par `service.domain.chronogram.engine.generate` à partir des données de "
        f"`tests/golden/establishments.py` (`{name}`) ; comparé octet par octet par "
        "`tests/unit/test_chronogram_goldens.py`. Pour le régénérer : "
        "`.venv/bin/python -m tests.golden.establishments`.",
        "",
        f"- Établissement : {labels.label(organisation.category)}, {labels.label(organisation.service_mode)}"
        f", {organisation.capacity_places} places, {_sites(organisation.sites_count)}",
        f"- Scénario : {labels.label(parameters.scenario_type)} ; niveau {labels.label(parameters.level)} ; "
        f"format {labels.label(parameters.format)}",
        f"- Séance du {parameters.exercise_date:%d/%m/%Y} à {parameters.start_time:%H:%M} : "
        f"{window.briefing_minutes} min de mise en situation, {window.play_minutes} min de jeu, "
        f"{window.debriefing_minutes} min de débriefing",
        "- Joueurs : " + ", ".join(labels.label(role) for role in parameters.participant_roles),
        "- SI : " + ", ".join(f"{item.name} ({labels.label(item.category)})" for item in inputs.components),
        f"- Bibliothèque {chronogram.library_version}, moteur {chronogram.generator_version}, "
        f"empreinte des entrées `{chronogram.inputs_sha256[:16]}…`",
        "",
        "| N° | Heure | T+ | Phase | Émetteur → destinataire | Animateur | Canal | Stimulus "
        "| Réaction attendue | Pourquoi | Joué / décalé / écarté | Observations |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for entry in chronogram.entries:
        who = f"{labels.label(entry.sender)} → {labels.label(entry.recipient)}"
        if entry.routing_note:
            who += f" ({entry.routing_note})"
        stimulus = f"**{entry.title}**<br>{entry.stimulus}"
        if entry.play_if:
            stimulus += f"<br>_Quand le jouer\u00a0: {entry.play_if}_"
        if entry.unresolved_placeholders:
            stimulus += "<br>_À compléter : " + ", ".join(entry.unresolved_placeholders) + "_"
        cells = [
            str(entry.seq),
            entry.clock_time or "",
            _offset(entry.offset_minutes),
            labels.label(entry.phase),
            who,
            labels.label(entry.facilitator),
            labels.label(entry.channel),
            stimulus,
            "<br>".join(f"• {reaction}" for reaction in entry.expected_reactions),
            f"{entry.reason} (`{entry.inject_code}`)",
            "",
            "",
        ]
        lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    if chronogram.left_out:
        lines += ["", "## Stimuli non retenus", ""]
        lines += [f"- `{item.inject_code}` : {item.reason}" for item in chronogram.left_out]
    return "\n".join(lines) + "\n"


def paths(name: str) -> tuple[Path, Path]:
    return GOLDEN_DIR / f"chronogramme-{name}.json", DOCS_DIR / f"chronogramme-{name}.md"


def regenerate() -> None:
    DOCS_DIR.mkdir(parents=True, exist_ok=True)
    for name, inputs in ESTABLISHMENTS.items():
        chronogram = chronogram_of(inputs)
        json_path, markdown_path = paths(name)
        json_path.write_bytes(golden_json(chronogram))
        markdown_path.write_text(golden_markdown(name, inputs, chronogram), encoding="utf-8")
        written = f"{json_path.relative_to(ROOT)}, {markdown_path.relative_to(ROOT)}"
        print(f"{written}: {len(chronogram.entries)} lignes")


if __name__ == "__main__":
    regenerate()
