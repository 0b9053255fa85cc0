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
    OTHER = "OTHER"


class ServiceMode(StrEnum):
    """Mode de prise en charge : hébergement, accueil de jour, domicile ou travail protégé."""

    HEBERGEMENT = "HEBERGEMENT"
    ACCUEIL_JOUR = "ACCUEIL_JOUR"
    DOMICILE = "DOMICILE"
    TRAVAIL = "TRAVAIL"


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
