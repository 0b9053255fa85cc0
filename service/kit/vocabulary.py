"""How the stimuli name the people and bodies of each kind of establishment (``data/vocabulary.toml``).

A stimulus is written once with words such as ``{usagers}``, ``{encadrant}`` or ``{gouvernance}``;
:meth:`Vocabulary.words` gives their French for one establishment, from its answers, its category,
its mode of care and the fallbacks, in that order. The file is checked at start-up: every word
has a fallback, every code exists, every answer it reads is an option of its question.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import msgspec

from service.kit.codes import EssmsCategory, ServiceMode
from service.kit.content import Kit, KitContentError, decode_error, get_kit, read_data_file

FILE = "vocabulary.toml"

# Every word a stimulus may use, with what it stands for (shown with the library's placeholders).
WORDS: Mapping[str, str] = {
    "usagers": "Les personnes accompagnées, au pluriel (résidents, jeunes accueillis, patients…)",
    "un_usager": "Une personne accompagnée, avec son article (une résidente, un jeune accueilli…)",
    "proches": "Leurs proches (familles, parents, proches aidants, tuteurs…)",
    "encadrant": "Le responsable de l'équipe (la cadre de santé, le chef de service éducatif…)",
    "professionnel": "Un professionnel de terrain (une aide-soignante, une éducatrice…)",
    "professionnels": "Les professionnels de terrain, au pluriel",
    "professionnel_nuit": "Le professionnel présent la nuit (l'aide-soignante de nuit…)",
    "medecin": "Le médecin appelé en premier (le médecin coordonnateur en EHPAD, le médecin traitant…)",
    "unites": "Chaque unité, groupe, secteur ou atelier",
    "poste": "Le lieu où sont les listes et les dossiers (le poste de soins, l'infirmerie…)",
    "gouvernance": "Qui gouverne l'organisme gestionnaire (le président de l'association…)",
    "autorites": "L'autorité qui a autorisé l'établissement (l'ARS et le conseil départemental…)",
    "financeur": "Qui finance l'accompagnement (la CPAM, le conseil départemental…)",
}


ARTICLES = frozenset({"le", "la", "l'", "les"})


class Vocabulary(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    # First word of an establishment's name → the article said before the name.
    name_articles: dict[str, str]
    fallbacks: dict[str, str]
    # Region code → the name of its CRRC, where it is not « CRRC <région> ».
    crrc_by_region: dict[str, str] = {}
    modes: dict[ServiceMode, dict[str, str]] = {}
    categories: dict[EssmsCategory, dict[str, str]] = {}
    # Question code → option code → words.
    answers: dict[str, dict[str, dict[str, str]]] = {}

    def words(self, category: EssmsCategory, mode: ServiceMode, answers: Mapping[str, Any]) -> dict[str, str]:
        """Every word, as this establishment says it."""
        words = dict(self.fallbacks)
        words |= self.modes.get(mode, {})
        words |= self.categories.get(category, {})
        for question, by_option in self.answers.items():
            answer = answers.get(question)
            if isinstance(answer, str):
                words |= by_option.get(answer, {})
        return words

    def crrc(self, region_code: str | None, region_name: str | None) -> str:
        if region_code is not None and region_code in self.crrc_by_region:
            return self.crrc_by_region[region_code]
        return f"CRRC {region_name}" if region_name else "CRRC de la région"

    def name_with_article(self, name: str) -> str:
        """« l'IME Les Genêts », « le SSIAD du Pays de Morlaix »; « Les Tilleuls » as it is."""
        head, _, rest = name.partition(" ")
        article = self.name_articles.get(head)
        if article is None:
            return name
        if not head.isupper():
            # A common noun, not an acronym: « la résidence autonomie Les Lilas ».
            name = f"{head[0].lower()}{head[1:]} {rest}".rstrip()
        return f"{article}{name}" if article.endswith("'") else f"{article} {name}"


def vocabulary_problems(vocabulary: Vocabulary, kit: Kit) -> list[str]:
    """Words that are unknown, empty or without fallback; answers that do not exist."""
    problems = [f"{FILE}: fallbacks: {word} is missing" for word in WORDS if word not in vocabulary.fallbacks]
    problems += [
        f"{FILE}: name_articles.{head}: {article!r} is not le, la, l' or les"
        for head, article in vocabulary.name_articles.items()
        if article not in ARTICLES
    ]
    tables: dict[str, dict[str, str]] = {"fallbacks": vocabulary.fallbacks}
    tables |= {f"modes.{mode}": words for mode, words in vocabulary.modes.items()}
    tables |= {f"categories.{category}": words for category, words in vocabulary.categories.items()}
    for question, by_option in vocabulary.answers.items():
        kit_question = kit.questions.get(question)
        if kit_question is None:
            problems.append(f"{FILE}: answers.{question}: unknown question")
            continue
        options = {option.code for option in kit.options(kit_question)}
        for option, words in by_option.items():
            if option not in options:
                problems.append(f"{FILE}: answers.{question}.{option}: not an option of {question}")
            tables[f"answers.{question}.{option}"] = words
    for where, words in tables.items():
        for word, text in words.items():
            if word not in WORDS:
                problems.append(f"{FILE}: {where}: unknown word {word}")
            elif not text.strip() or text != text.strip():
                problems.append(f"{FILE}: {where}.{word} is empty or has surrounding spaces")
    return problems


def build_vocabulary(document: object, kit: Kit) -> Vocabulary:
    try:
        vocabulary = msgspec.convert(document, type=Vocabulary)
    except msgspec.ValidationError as exc:
        raise KitContentError(decode_error(FILE, document, exc)) from exc
    problems = vocabulary_problems(vocabulary, kit)
    if problems:
        raise KitContentError("The vocabulary is invalid: " + "; ".join(problems))
    return vocabulary


@functools.cache
def get_vocabulary() -> Vocabulary:
    return build_vocabulary(read_data_file(FILE), get_kit())
