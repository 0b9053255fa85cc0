"""Text folding for search: what a French user types should find what was stored."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Case- and accent-insensitive form: « Santé Lyon » and « SANTE lyon » fold alike.

    Done in Python and stored, so SQLite (whose LOWER() knows only ASCII) and PostgreSQL
    search the same way.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(stripped.casefold().split())
