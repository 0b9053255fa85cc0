"""What counts as a number in stored answers and attributes, decoded from JSON or TOML."""

from __future__ import annotations

from typing import TypeGuard


def is_integer(value: object) -> TypeGuard[int]:
    """A whole number, and not a boolean (which Python counts as an ``int``)."""
    return isinstance(value, int) and not isinstance(value, bool)
