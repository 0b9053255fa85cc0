"""French phone numbers and e-mail addresses, checked and stored in one canonical form."""

from __future__ import annotations

import phonenumbers
from email_validator import EmailNotValidError, validate_email

# Overseas first: dialled nationally, 0596… (Martinique) or 0269… (Mayotte) also parse as
# metropolitan 05/02 numbers, so the overseas reading must win when it is valid.
_FRENCH_REGIONS = ("GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF", "NC", "PF", "WF", "FR")


def normalise_phone(raw: str) -> str | None:
    """The E.164 form of a French number (``+33…``, ``+590…``), or None when it is not one."""
    for region in _FRENCH_REGIONS:
        try:
            number = phonenumbers.parse(raw, region)
        except phonenumbers.NumberParseException:
            return None
        if (
            phonenumbers.is_valid_number(number)
            and phonenumbers.region_code_for_number(number) in _FRENCH_REGIONS
        ):
            return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return None


def normalise_email(raw: str) -> str | None:
    """The normalised address (domain lower-cased, IDN encoded), or None when it is invalid."""
    try:
        return validate_email(raw, check_deliverability=False).normalized
    except EmailNotValidError:
        return None
