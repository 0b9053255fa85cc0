"""Rules an organisation and a contact must satisfy beyond their JSON shape (pure functions)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from service.errors import FieldError
from service.kit.catalogue import Catalogue
from service.kit.codes import Availability, EssmsCategory, ServiceMode
from service.lib.contact_details import normalise_email, normalise_phone
from service.lib.geography import Geography
from service.lib.identifiers import FRENCH_MESSAGES, check_finess, check_siren, check_siret


def default_service_mode(category: EssmsCategory, catalogue: Catalogue) -> ServiceMode | None:
    return catalogue.essms_categories[category].service_mode


def organisation_errors(state: Mapping[str, Any], geography: Geography) -> list[FieldError]:
    """Problems of a complete organisation ``state`` (the stored row with the changes applied)."""
    errors: list[FieldError] = []
    region = geography.region(state["region_code"])
    departement = geography.departement(state["departement_code"])
    if region is None:
        errors.append(
            FieldError(
                field="region_code",
                code="unknown_region",
                message="Région inconnue (code INSEE attendu, ex. 84).",
            )
        )
    if departement is None:
        errors.append(
            FieldError(
                field="departement_code",
                code="unknown_departement",
                message="Département inconnu (code INSEE attendu, ex. 69, 2A, 974).",
            )
        )
    elif region is not None and departement.region_code != region.code:
        errors.append(
            FieldError(
                field="departement_code",
                code="departement_not_in_region",
                message=f"Le département {departement.name} n'appartient pas à la région {region.name}.",
            )
        )
    if (problem := check_finess(state["finess_et"], departement=departement)) is not None:
        errors.append(
            FieldError(field="finess_et", code=f"finess_{problem}", message=FRENCH_MESSAGES[problem])
        )
    if state.get("finess_ej") and (problem := check_finess(state["finess_ej"])) is not None:
        errors.append(
            FieldError(field="finess_ej", code=f"finess_{problem}", message=FRENCH_MESSAGES[problem])
        )
    if state.get("siren") and (problem := check_siren(state["siren"])) is not None:
        errors.append(FieldError(field="siren", code=f"siren_{problem}", message=FRENCH_MESSAGES[problem]))
    if state.get("siret") and (problem := check_siret(state["siret"], siren=state.get("siren"))) is not None:
        errors.append(FieldError(field="siret", code=f"siret_{problem}", message=FRENCH_MESSAGES[problem]))
    if state.get("service_mode") is None:
        errors.append(
            FieldError(
                field="service_mode",
                code="service_mode_required",
                message=(
                    "Précisez le mode de prise en charge : "
                    "il ne peut pas être déduit de la catégorie « Autre »."
                ),
            )
        )
    return errors


def normalise_contact_points(state: dict[str, Any]) -> list[FieldError]:
    """Rewrite phones and e-mail in canonical form in ``state``; report those that are invalid."""
    errors: list[FieldError] = []
    phones: list[str] = []
    for index, raw in enumerate(state.get("phones") or []):
        normalised = normalise_phone(raw)
        if normalised is None:
            errors.append(
                FieldError(
                    field=f"phones[{index}]",
                    code="invalid_phone",
                    message=(
                        "Numéro de téléphone français invalide (ex. 01 23 45 67 89 ou +33 1 23 45 67 89)."
                    ),
                )
            )
        elif normalised not in phones:
            phones.append(normalised)
    state["phones"] = phones
    if state.get("email"):
        email = normalise_email(state["email"])
        if email is None:
            errors.append(
                FieldError(field="email", code="invalid_email", message="Adresse électronique invalide.")
            )
        else:
            state["email"] = email
    if state.get("availability") == Availability.HORAIRES and not state.get("availability_hours"):
        errors.append(
            FieldError(
                field="availability_hours",
                code="availability_hours_required",
                message="Indiquez les plages horaires où ce contact est joignable.",
            )
        )
    return errors
