"""French text helpers: folding for search and sorting (what a French user types should find
what was stored), and quoting."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive form, words separated by single spaces:
    « L’Oustal — Saint-Joseph » and « l'oustal saint joseph » fold alike.

    Done in Python and stored, so SQLite (whose LOWER() knows only ASCII) and PostgreSQL
    search and sort the same way.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    kept = (char if char.isalnum() else " " for char in decomposed if not unicodedata.combining(char))
    return " ".join("".join(kept).casefold().split())


def words(text: str) -> list[str]:
    """The folded words of a search: each must appear for a row to match."""
    return fold(text).split()


def quoted(text: str) -> str:
    """``text`` in French guillemets, with the no-break spaces inside them: « texte »."""
    return f"«\u00a0{text}\u00a0»"
