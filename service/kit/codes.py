"""Stable codes of the kit's lists. Their French labels live in ``data/catalogue.toml``."""

from __future__ import annotations

from enum import StrEnum


class EssmsCategory(StrEnum):
    """Catégorie d'établissement ou service médico-social (libellé français : category_label)."""

    EHPAD = "EHPAD"
    CENTRE_JOUR_PA = "CENTRE_JOUR_PA"
    IME = "IME"
    ITEP = "ITEP"
    EEAP = "EEAP"
    CMPP = "CMPP"
    IEM = "IEM"
    SESSAD = "SESSAD"
    MAS = "MAS"
    EAM = "EAM"
    EANM = "EANM"
    ESAT = "ESAT"
    SSIAD = "SSIAD"
    SAAS = "SAAS"
    SAA = "SAA"
    SAMSAH = "SAMSAH"
    SAVS = "SAVS"
    RESIDENCE_AUTONOMIE = "RESIDENCE_AUTONOMIE"
    CAMSP = "CAMSP"
    INSTITUT_DEFICIENTS_VISUELS = "INSTITUT_DEFICIENTS_VISUELS"
    INSTITUT_DEFICIENTS_AUDITIFS = "INSTITUT_DEFICIENTS_AUDITIFS"
    INSTITUT_SOURDS_AVEUGLES = "INSTITUT_SOURDS_AVEUGLES"
    ESRP = "ESRP"
    LHSS = "LHSS"
    LAM = "LAM"
    ACT = "ACT"
    CSAPA = "CSAPA"
    CAARUD = "CAARUD"
    OTHER = "OTHER"


class CategoryTrait(StrEnum):
    """Ce qu'une catégorie d'ESSMS est ou fait, lu par les règles du chronogramme (public accueilli,
    soins, obligations) : un stimulus ne parle que de ce que l'établissement a."""

    PERSONNES_AGEES = "PERSONNES_AGEES"
    ENFANTS = "ENFANTS"
    ADULTES_HANDICAPES = "ADULTES_HANDICAPES"
    PUBLIC_PRECAIRE = "PUBLIC_PRECAIRE"
    SOINS = "SOINS"
    MEDICAMENTS = "MEDICAMENTS"
    MEDECIN_COORDONNATEUR = "MEDECIN_COORDONNATEUR"
    PLAN_BLEU = "PLAN_BLEU"
    FINANCEMENT_CD = "FINANCEMENT_CD"


class ServiceMode(StrEnum):
    """Mode de prise en charge : hébergement, accueil de jour, domicile, travail protégé ou
    consultations ambulatoires."""

    HEBERGEMENT = "HEBERGEMENT"
    ACCUEIL_JOUR = "ACCUEIL_JOUR"
    DOMICILE = "DOMICILE"
    TRAVAIL = "TRAVAIL"
    AMBULATOIRE = "AMBULATOIRE"


class ContactRole(StrEnum):
    """Rôle d'un contact de l'annuaire de crise (acteurs internes et externes)."""

    DIRECTION = "DIRECTION"
    ASTREINTE = "ASTREINTE"
    CADRE_SANTE = "CADRE_SANTE"
    MEDECIN_COORDONNATEUR = "MEDECIN_COORDONNATEUR"
    REFERENT_SI = "REFERENT_SI"
    PRESTATAIRE_INFORMATIQUE = "PRESTATAIRE_INFORMATIQUE"
    DPO = "DPO"
    COMMUNICATION = "COMMUNICATION"
    RH = "RH"
    QUALITE = "QUALITE"
    ARS = "ARS"
    CERT_SANTE = "CERT_SANTE"
    CRRC = "CRRC"
    GRADES = "GRADES"
    CNIL = "CNIL"
    FORCES_ORDRE = "FORCES_ORDRE"
    ASSUREUR = "ASSUREUR"
    EDITEUR = "EDITEUR"
    HEBERGEUR = "HEBERGEUR"
    OPERATEUR_TELECOM = "OPERATEUR_TELECOM"
    ES_PARTENAIRE = "ES_PARTENAIRE"


class ContactScope(StrEnum):
    """Appartenance d'un contact : interne à l'établissement ou acteur externe."""

    INTERNE = "INTERNE"
    EXTERNE = "EXTERNE"


class Availability(StrEnum):
    """Disponibilité d'un contact : 24 h/24 ou selon des plages horaires."""

    H24 = "H24"
    HORAIRES = "HORAIRES"


class AccountRole(StrEnum):
    """Rôle d'un compte ou d'une clé d'API : ce qu'il peut faire (libellé : role_label)."""

    ADMIN = "ADMIN"
    REGIONAL = "REGIONAL"
    ESTABLISHMENT = "ESTABLISHMENT"
    OBSERVATORY = "OBSERVATORY"


class AuditAction(StrEnum):
    """Ce qu'un événement du journal d'audit enregistre (libellé : action_label)."""

    CREATE = "CREATE"
    UPDATE = "UPDATE"
    DELETE = "DELETE"
    REVOKE = "REVOKE"
    LOGIN = "LOGIN"
    LOGIN_FAILED = "LOGIN_FAILED"
    LOGOUT = "LOGOUT"


class ResourceType(StrEnum):
    """Type de ressource concernée par un événement d'audit (libellé : resource_type_label)."""

    ORGANISATION = "ORGANISATION"
    CONTACT = "CONTACT"
    USER = "USER"
    API_KEY = "API_KEY"
    ADMIN_SESSION = "ADMIN_SESSION"
    EXERCISE = "EXERCISE"
    ACTION = "ACTION"
    CHRONOGRAM = "CHRONOGRAM"
    CHRONOGRAM_ENTRY = "CHRONOGRAM_ENTRY"
    EVALUATION = "EVALUATION"
    OBSERVATION = "OBSERVATION"


class ExerciseStatus(StrEnum):
    """Étape du cycle de vie d'un exercice, du brouillon à la clôture (ordre de déclaration)."""

    DRAFT = "DRAFT"
    READY = "READY"
    GENERATED = "GENERATED"
    PLAYED = "PLAYED"
    EVALUATED = "EVALUATED"
    CLOSED = "CLOSED"


class ParticipantRole(StrEnum):
    """Fonction des joueurs d'un exercice (membres de la cellule de crise de l'établissement)."""

    DIRECTION = "DIRECTION"
    DIRECTION_SIEGE = "DIRECTION_SIEGE"
    MEDECIN_COORDONNATEUR = "MEDECIN_COORDONNATEUR"
    ENCADREMENT = "ENCADREMENT"
    SOIGNANT_EDUCATIF = "SOIGNANT_EDUCATIF"
    ADMINISTRATIF_ACCUEIL = "ADMINISTRATIF_ACCUEIL"
    RH_PAIE = "RH_PAIE"
    QUALITE = "QUALITE"
    REFERENT_SI = "REFERENT_SI"
    PRESTATAIRE_INFORMATIQUE = "PRESTATAIRE_INFORMATIQUE"
    COMMUNICATION = "COMMUNICATION"
    DPO = "DPO"
    AUTRE = "AUTRE"


class ScenarioType(StrEnum):
    """Type de scénario de l'exercice : l'attaque ou la panne qui déclenche la crise."""

    PHISHING_ACCOUNT_COMPROMISE = "PHISHING_ACCOUNT_COMPROMISE"
    RANSOMWARE = "RANSOMWARE"
    MAILBOX_COMPROMISE = "MAILBOX_COMPROMISE"
    DATA_LEAK = "DATA_LEAK"
    PROVIDER_OUTAGE = "PROVIDER_OUTAGE"
    INTERNET_LOSS = "INTERNET_LOSS"
    EDGE_DEVICE_COMPROMISE = "EDGE_DEVICE_COMPROMISE"


class ExerciseLevel(StrEnum):
    """Niveau de l'exercice, du moins au plus exigeant (ordre de déclaration)."""

    DEBUTANT = "DEBUTANT"
    INTERMEDIAIRE = "INTERMEDIAIRE"
    CONFIRME = "CONFIRME"


class ExerciseFormat(StrEnum):
    """Format de l'exercice : sensibilisation, exercice sur table ou exercice simulé."""

    SENSIBILISATION = "SENSIBILISATION"
    TABLE_TOP = "TABLE_TOP"
    SIMULATION = "SIMULATION"


class QuestionSection(StrEnum):
    """Rubrique du questionnaire métier (ESSMS)."""

    ETABLISSEMENT = "ETABLISSEMENT"
    ORGANISATION_CRISE = "ORGANISATION_CRISE"
    CONTINUITE_ACTIVITE = "CONTINUITE_ACTIVITE"
    ALERTE_SIGNALEMENT = "ALERTE_SIGNALEMENT"
    SECURITE_SI = "SECURITE_SI"
    HISTORIQUE = "HISTORIQUE"


class AnswerType(StrEnum):
    """Type de réponse attendu par une question du questionnaire métier."""

    BOOL = "BOOL"
    SINGLE_CHOICE = "SINGLE_CHOICE"
    MULTIPLE_CHOICE = "MULTIPLE_CHOICE"
    INTEGER = "INTEGER"
    TEXT = "TEXT"


class SiCategory(StrEnum):
    """Catégorie de composant du système d'information (onglet « Description du SI »)."""

    DUI = "DUI"
    LOGICIEL_SOINS = "LOGICIEL_SOINS"
    CIRCUIT_MEDICAMENT = "CIRCUIT_MEDICAMENT"
    PLANNING = "PLANNING"
    MESSAGERIE = "MESSAGERIE"
    MSSANTE = "MSSANTE"
    TELEPHONIE = "TELEPHONIE"
    PAIE_RH = "PAIE_RH"
    FACTURATION = "FACTURATION"
    COMPTA_FINANCE = "COMPTA_FINANCE"
    ACTIVE_DIRECTORY = "ACTIVE_DIRECTORY"
    SAUVEGARDES = "SAUVEGARDES"
    INTERNET = "INTERNET"
    ACCES_DISTANTS = "ACCES_DISTANTS"
    POSTES_TRAVAIL = "POSTES_TRAVAIL"
    RESEAU = "RESEAU"
    HEBERGEUR = "HEBERGEUR"
    RESTAURATION = "RESTAURATION"
    TRANSPORT = "TRANSPORT"
    GMAO_TECHNIQUE = "GMAO_TECHNIQUE"
    GESTION_DOC = "GESTION_DOC"
    TELEMEDECINE = "TELEMEDECINE"


class HostingMode(StrEnum):
    """Mode d'hébergement d'un composant du système d'information."""

    ON_PREMISE = "ON_PREMISE"
    HEBERGEUR_HDS = "HEBERGEUR_HDS"
    SAAS = "SAAS"
    MUTUALISE = "MUTUALISE"
    UNKNOWN = "UNKNOWN"


class SiAttributeType(StrEnum):
    """Type de valeur d'un attribut de composant du système d'information."""

    TEXT = "TEXT"
    BOOL = "BOOL"
    INTEGER = "INTEGER"
    HOSTING_MODE = "HOSTING_MODE"
    CRITICALITY = "CRITICALITY"
    COMPONENT_REFERENCES = "COMPONENT_REFERENCES"


class Rating(StrEnum):
    """Échelle d'évaluation d'un item de compétence ; N/A est exclu de tout score."""

    NA = "NA"
    NON_REALISE = "NON_REALISE"
    PEU_SATISFAISANT = "PEU_SATISFAISANT"
    SATISFAISANT = "SATISFAISANT"
    TRES_SATISFAISANT = "TRES_SATISFAISANT"


class Phase(StrEnum):
    """Phase d'un stimulus du chronogramme, de la DEBEX au RETEX à chaud (ordre de déclaration)."""

    DEBEX = "DEBEX"
    SIGNAL_FAIBLE = "SIGNAL_FAIBLE"
    QUALIFICATION = "QUALIFICATION"
    ARBITRAGE = "ARBITRAGE"
    ESCALADE = "ESCALADE"
    CONTINUITE = "CONTINUITE"
    RECONSTRUCTION = "RECONSTRUCTION"
    COMMUNICATION = "COMMUNICATION"
    FINEX = "FINEX"
    RETEX_CHAUD = "RETEX_CHAUD"


class Channel(StrEnum):
    """Canal par lequel les animateurs transmettent un stimulus aux joueurs."""

    TELEPHONE = "TELEPHONE"
    MAIL = "MAIL"
    SMS = "SMS"
    MSSANTE = "MSSANTE"
    ORAL = "ORAL"
    DOCUMENT = "DOCUMENT"
    RESEAU_SOCIAL = "RESEAU_SOCIAL"
    MEDIA = "MEDIA"


class InjectSender(StrEnum):
    """Émetteur d'un stimulus : le rôle que joue l'équipe d'animation."""

    ANIMATION = "ANIMATION"
    ARS = "ARS"
    CERT_SANTE = "CERT_SANTE"
    CRRC = "CRRC"
    CNIL = "CNIL"
    FORCES_ORDRE = "FORCES_ORDRE"
    ASSUREUR = "ASSUREUR"
    EDITEUR = "EDITEUR"
    HEBERGEUR = "HEBERGEUR"
    PRESTATAIRE_INFORMATIQUE = "PRESTATAIRE_INFORMATIQUE"
    OPERATEUR_TELECOM = "OPERATEUR_TELECOM"
    FAMILLE = "FAMILLE"
    USAGER = "USAGER"
    PROFESSIONNEL = "PROFESSIONNEL"
    AGENT_ENTRETIEN = "AGENT_ENTRETIEN"
    PHARMACIE = "PHARMACIE"
    ES_PARTENAIRE = "ES_PARTENAIRE"
    MEDECIN_TRAITANT = "MEDECIN_TRAITANT"
    FOURNISSEUR = "FOURNISSEUR"
    JOURNALISTE = "JOURNALISTE"
    ORGANISME_GESTIONNAIRE = "ORGANISME_GESTIONNAIRE"
    COLLECTIVITE = "COLLECTIVITE"
    DPO = "DPO"
    CLIENT_ESAT = "CLIENT_ESAT"
    ESSMS_VOISIN = "ESSMS_VOISIN"
    LABORATOIRE = "LABORATOIRE"
    ATTAQUANT = "ATTAQUANT"
    ESCROC = "ESCROC"
    CONSEIL_DEPARTEMENTAL = "CONSEIL_DEPARTEMENTAL"
    CPAM = "CPAM"
    CVS = "CVS"
    EDUCATION_NATIONALE = "EDUCATION_NATIONALE"
    ASE = "ASE"
    MDPH = "MDPH"
    TUTEUR = "TUTEUR"
    INFIRMIER_LIBERAL = "INFIRMIER_LIBERAL"
    HAD = "HAD"
    SERVICE_AIDE_DOMICILE = "SERVICE_AIDE_DOMICILE"
    TRANSPORTEUR = "TRANSPORTEUR"


class FacilitatorRole(StrEnum):
    """L'animateur qui joue un stimulus pendant l'exercice (colonne « Animateur »)."""

    ANIMATEUR_PRINCIPAL = "ANIMATEUR_PRINCIPAL"
    ANIMATEUR_AUTORITES = "ANIMATEUR_AUTORITES"
    ANIMATEUR_TECHNIQUE = "ANIMATEUR_TECHNIQUE"
    ANIMATEUR_PROCHES_MEDIAS = "ANIMATEUR_PROCHES_MEDIAS"
    ANIMATEUR_TERRAIN = "ANIMATEUR_TERRAIN"


class InjectAnchor(StrEnum):
    """Jalon obligatoire d'un chronogramme, toujours présent quel que soit le paramétrage."""

    BRIEFING = "BRIEFING"
    T0 = "T0"
    QUALIFICATION = "QUALIFICATION"
    ALERTE_ARS = "ALERTE_ARS"
    ALERTE_CERT_SANTE = "ALERTE_CERT_SANTE"
    DPO_CNIL = "DPO_CNIL"
    FINEX = "FINEX"
    RETEX_CHAUD = "RETEX_CHAUD"


class ActionHorizon(StrEnum):
    """Horizon d'une action du plan RETEX, en jours après l'exercice (ordre de déclaration)."""

    H0_30 = "H0_30"
    H30_90 = "H30_90"
    H90_120 = "H90_120"
    H120_300 = "H120_300"


class ActionStatus(StrEnum):
    """Avancement d'une action du plan RETEX."""

    A_FAIRE = "A_FAIRE"
    EN_COURS = "EN_COURS"
    FAIT = "FAIT"
    ABANDONNE = "ABANDONNE"


class ChronogramEntryStatus(StrEnum):
    """Où en est une ligne du chronogramme : prévue, jouée, décalée ou écartée par les animateurs."""

    PLANNED = "PLANNED"
    SENT = "SENT"
    SHIFTED = "SHIFTED"
    SKIPPED = "SKIPPED"


class ChronogramEntryOrigin(StrEnum):
    """D'où vient une ligne du chronogramme : la régénération ne remplace que les lignes générées."""

    GENERATED = "GENERATED"
    EDITED = "EDITED"
    CUSTOM = "CUSTOM"
