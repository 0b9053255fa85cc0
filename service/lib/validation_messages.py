"""French wording for the validation messages msgspec and Litestar produce in English."""

from __future__ import annotations

import re
from collections.abc import Callable

_TYPE_NAMES = {
    "str": "un texte",
    "int": "un nombre entier",
    "float": "un nombre",
    "number": "un nombre",
    "bool": "un booléen (true/false)",
    "object": "un objet JSON",
    "array": "une liste",
    "null": "null",
    "uuid": "un identifiant UUID",
    "datetime": "une date et heure",
    "date": "une date",
    "time": "une heure",
}

_COMPARISONS = {
    ">=": "supérieur ou égal à",
    "<=": "inférieur ou égal à",
    ">": "strictement supérieur à",
    "<": "strictement inférieur à",
}


def _type_name(raw: str) -> str:
    return _TYPE_NAMES.get(raw, raw)


def _length(match: re.Match[str]) -> str:
    kind, operator, bound = match["kind"], match["op"], int(match["bound"])
    unit = "caractère" if kind == "str" else "élément"
    plural = "s" if bound > 1 else ""
    if operator == ">=":
        return f"Doit contenir au moins {bound} {unit}{plural}."
    return f"Doit contenir au plus {bound} {unit}{plural}."


_RULES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (
        re.compile(r"^Expected `(?P<kind>str|array|object)` of length (?P<op>>=|<=) (?P<bound>\d+)"),
        _length,
    ),
    (
        re.compile(r"^Expected `(?:int|float|number)` (?P<op>>=|<=|>|<) (?P<bound>-?[\d.e+]+)"),
        lambda m: f"Doit être {_COMPARISONS[m['op']]} {m['bound']}.",
    ),
    (
        re.compile(r"^Expected `str` matching regex"),
        lambda _: "Format invalide.",
    ),
    (
        re.compile(r"^Expected `(?P<expected>[^`]+)`, got `(?P<got>[^`]+)`"),
        lambda m: f"Doit être {_type_name(m['expected'].split(' | ')[0])} (reçu : {_type_name(m['got'])}).",
    ),
    (
        re.compile(r"^Invalid enum value (?P<value>.+)$"),
        lambda m: f"Valeur non autorisée : {m['value'].strip('`')}.",
    ),
    (re.compile(r"^Invalid UUID"), lambda _: "Identifiant UUID invalide."),
    (
        re.compile(r"^Invalid RFC3339 encoded (?P<kind>datetime|date|time)"),
        lambda m: {
            "datetime": "Date et heure invalides (format RFC 3339 attendu, ex. 2026-03-12T09:30:00Z).",
            "date": "Date invalide (format AAAA-MM-JJ attendu).",
            "time": "Heure invalide (format HH:MM attendu).",
        }[m["kind"]],
    ),
    (re.compile(r"^Object missing required field"), lambda _: "Champ obligatoire manquant."),
    (
        re.compile(r"^Object contains unknown field"),
        lambda _: "Champ inconnu : il n'est pas accepté ici.",
    ),
    (re.compile(r"^Missing required"), lambda _: "Paramètre obligatoire manquant."),
)

_NAMED_FIELD = re.compile(r"^Object (?:missing required|contains unknown) field `(?P<name>[^`]+)`")


def french_message(message: str) -> str:
    """Translate one msgspec/Litestar validation message; unknown shapes get a generic sentence."""
    for pattern, render in _RULES:
        match = pattern.search(message)
        if match:
            return render(match)
    return "Valeur invalide."


def field_path(key: str | None, message: str) -> str:
    """Name the offending field: msgspec reports missing/unknown fields on their parent object."""
    parent = "" if key in {None, "", "data"} else str(key)
    named = _NAMED_FIELD.search(message)
    if named is None:
        return parent or "body"
    return f"{parent}.{named['name']}" if parent else named["name"]
