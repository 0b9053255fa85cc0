"""Passwords of people's accounts: Argon2id (argon2-cffi's RFC 9106 parameters)."""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@functools.cache
def _unknown_account_hash() -> str:
    return _hasher.hash("kit-crise: no such account")


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when ``password`` matches. With no hash (unknown e-mail) a dummy hash is checked
    anyway, so the answer takes as long as for a known account with a wrong password."""
    try:
        return (
            _hasher.verify(password_hash or _unknown_account_hash(), password) and password_hash is not None
        )
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """The hash was made with weaker parameters than today's: rehash at the next login."""
    return _hasher.check_needs_rehash(password_hash)
