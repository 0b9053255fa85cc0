"""Valid payloads for tests, built rather than copied so each test states only what matters."""

from __future__ import annotations

import itertools
from typing import Any

from service.lib.identifiers import luhn_check_digit

_serial = itertools.count(1)


def finess(prefix: str = "75") -> str:
    """A new FINESS number starting with ``prefix`` (2 or 4 characters), Luhn-valid where the
    key applies (Corsican 2A/2B numbers carry none)."""
    body = f"{prefix}{next(_serial):0{8 - len(prefix)}d}"
    return body + (body[-1] if prefix.startswith(("2A", "2B")) else luhn_check_digit(body))


def organisation_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "name": "EHPAD Les Tilleuls",
        "finess_et": finess("75"),
        "category": "EHPAD",
        "region_code": "11",
        "departement_code": "75",
        "capacity_places": 80,
    }
    return payload | overrides


def contact_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "role": "DIRECTION",
        "name": "Claire Martin",
        "phones": ["01 23 45 67 89"],
        "email": "claire.martin@ehpad-tilleuls.fr",
    }
    return payload | overrides
