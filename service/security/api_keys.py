"""API key format: ``kc_<prefix>_<secret>``.

The prefix (public, unique) finds the key's row; the secret (256 random bits) is compared with
its stored SHA-256 digest in constant time. An unknown prefix still costs a digest and a
comparison, so a wrong secret and an unknown key cannot be told apart by their timing.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

PREFIX_BYTES = 6
SECRET_BYTES = 32
# token_urlsafe alphabet; the prefix uses hex so that it never contains the separator.
TOKEN_PATTERN = re.compile(r"kc_(?P<prefix>[0-9a-f]{12})_(?P<secret>[A-Za-z0-9_-]{43})")
_UNKNOWN_KEY_DIGEST = hashlib.sha256(b"kit-crise: no such key").hexdigest()


@dataclass(frozen=True, slots=True)
class KeyParts:
    prefix: str
    secret: str

    @property
    def token(self) -> str:
        return f"kc_{self.prefix}_{self.secret}"


def generate_key() -> KeyParts:
    return KeyParts(prefix=secrets.token_hex(PREFIX_BYTES), secret=secrets.token_urlsafe(SECRET_BYTES))


def parse_key(token: str) -> KeyParts | None:
    match = TOKEN_PATTERN.fullmatch(token)
    return KeyParts(prefix=match["prefix"], secret=match["secret"]) if match else None


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(stored_digest: str | None, secret: str) -> bool:
    """Constant-time check; ``None`` (no such prefix) does the same work and fails."""
    matches = hmac.compare_digest(stored_digest or _UNKNOWN_KEY_DIGEST, secret_digest(secret))
    return matches and stored_digest is not None
