"""What a pure rule answers when an input breaks it: a :class:`Problem`, never an HTTP error.

The engines and rules return problems; the services decide what they mean for the request
(422, 409, 403) and turn them into :class:`~service.errors.ServiceError` with their field errors.
"""

from __future__ import annotations

import msgspec


class Problem(msgspec.Struct, frozen=True, kw_only=True):
    """A rule of the field that an input breaks: the input (a JSON path or a parameter), a stable
    English ``code`` and the French explanation."""

    field: str
    code: str
    message: str
