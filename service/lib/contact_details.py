"""French phone numbers and e-mail addresses, checked and stored in one canonical form."""

from __future__ import annotations

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email

# Overseas départements share the national 0 prefix; dialled nationally, their numbers are
# told apart by their first four digits (ARCEP numbering plan). Anything else is metropolitan,
# including 08xx service numbers (insurers', vendors' and hosts' hotlines).
_OVERSEAS_PREFIXES = {
    "0590": "GP", "0690": "GP", "0691": "GP",
    "0594": "GF", "0694": "GF",
    "0596": "MQ", "0696": "MQ", "0697": "MQ",
    "0262": "RE", "0263": "RE", "0692": "RE", "0693": "RE",
    "0269": "YT", "0639": "YT",
}  # fmt: skip
# Territories outside the national plan (+508, +687, +689, +681…) count when dialled
# internationally.
_FRENCH_REGIONS = frozenset({"FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF", "NC", "PF", "WF"})
_SEPARATORS = re.compile(r"[\s.\-/()]")


def normalise_phone(raw: str) -> str | None:
    """The E.164 form of a French number (``+33…``, ``+590…``), or None when it is not one."""
    region = _OVERSEAS_PREFIXES.get(_SEPARATORS.sub("", raw)[:4], "FR")
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    if phonenumbers.region_code_for_number(number) not in _FRENCH_REGIONS:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_email(raw: str) -> str | None:
    """The normalised address (domain lower-cased, IDN encoded), or None when it is invalid."""
    try:
        return validate_email(raw, check_deliverability=False).normalized
    except EmailNotValidError:
        return None
