"""Values listed more than once, for the start-up checks of the kit's and the geography's files."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable
from typing import TypeVar

T = TypeVar("T", bound=Hashable)


def duplicates(values: Iterable[T]) -> list[T]:
    """Each value found more than once, said once, in the order it first appears."""
    return [value for value, count in Counter(values).items() if count > 1]
