"""Checks of the identifiers an ESSMS declares: FINESS, SIREN and SIRET (pure, no I/O)."""

from __future__ import annotations

import enum
import re
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from service.lib.geography import Departement


class IdentifierError(enum.StrEnum):
    FORMAT = "format"
    CHECKSUM = "checksum"
    DEPARTEMENT_MISMATCH = "departement_mismatch"
    SIREN_MISMATCH = "siren_mismatch"


FRENCH_MESSAGES: Mapping[IdentifierError, str] = MappingProxyType(
    {
        IdentifierError.FORMAT: (
            "Format invalide : le numéro n'a pas la bonne longueur ou contient des caractères non autorisés."
        ),
        IdentifierError.CHECKSUM: (
            "Ce numéro est incorrect : sa clé de contrôle ne correspond pas. "
            "Vérifiez qu'aucun chiffre n'a été mal recopié ou inversé."
        ),
        IdentifierError.DEPARTEMENT_MISMATCH: (
            "Ce numéro FINESS ne correspond pas au département indiqué : vérifiez l'un ou l'autre."
        ),
        IdentifierError.SIREN_MISMATCH: (
            "Ce SIRET ne commence pas par le SIREN indiqué : "
            "ses 9 premiers chiffres doivent être ceux du SIREN."
        ),
    }
)

# [0-9] rather than \d, which also matches non-ASCII digits such as "٣".
_FINESS = re.compile(r"(?:[0-9]{2}|2[AB])[0-9]{7}")
_CORSICAN_PREFIXES = ("2A", "2B")
_SIREN_LENGTH = 9
_SIRET_LENGTH = 14
# La Poste has more establishments under its single SIREN than Luhn-valid NICs exist, so its
# SIRETs carry another key: the sum of their digits is a multiple of 5. Only the head office
# keeps a Luhn key.
_LA_POSTE_SIREN = "356000000"
_LA_POSTE_HEAD_OFFICE = "35600000000048"


def _is_ascii_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _luhn_sum(digits: str) -> int:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total


def luhn_is_valid(digits: str) -> bool:
    """Luhn (mod 10) key check; False for an empty string or any non-ASCII-digit character."""
    return _is_ascii_digits(digits) and _luhn_sum(digits) % 10 == 0


def luhn_check_digit(partial: str) -> str:
    """The digit to append to ``partial`` (ASCII digits) to make it Luhn-valid."""
    if not _is_ascii_digits(partial):
        raise ValueError(f"expected ASCII digits, got {partial!r}")
    return str(-_luhn_sum(partial + "0") % 10)


def check_finess(number: str, *, departement: Departement | None = None) -> IdentifierError | None:
    """Check a FINESS number, and that it belongs to ``departement`` when one is given.

    Expects the number as typed without spaces: 2 characters of département ("75", "2A",
    "97" for overseas), then 7 digits, the last being the key.
    """
    if not _FINESS.fullmatch(number):
        return IdentifierError.FORMAT
    # No official rule publishes the key of Corsican numbers. The 18 real ones we checked all pass
    # Luhn once A and B read as 1 and 2, but rejecting a real number would block a registration.
    if not number.startswith(_CORSICAN_PREFIXES) and not luhn_is_valid(number):
        return IdentifierError.CHECKSUM
    if departement is not None and not number.startswith(departement.finess_prefix):
        return IdentifierError.DEPARTEMENT_MISMATCH
    return None


def check_siren(number: str) -> IdentifierError | None:
    if len(number) != _SIREN_LENGTH or not _is_ascii_digits(number):
        return IdentifierError.FORMAT
    if not luhn_is_valid(number):
        return IdentifierError.CHECKSUM
    return None


def _siret_key_is_valid(number: str) -> bool:
    if number.startswith(_LA_POSTE_SIREN) and number != _LA_POSTE_HEAD_OFFICE:
        return sum(int(char) for char in number) % 5 == 0
    return luhn_is_valid(number)


def check_siret(number: str, *, siren: str | None = None) -> IdentifierError | None:
    """Check a SIRET, and that it extends ``siren`` when one is given."""
    if len(number) != _SIRET_LENGTH or not _is_ascii_digits(number):
        return IdentifierError.FORMAT
    if not _siret_key_is_valid(number):
        return IdentifierError.CHECKSUM
    if siren is not None and number[:_SIREN_LENGTH] != siren:
        return IdentifierError.SIREN_MISMATCH
    return None
