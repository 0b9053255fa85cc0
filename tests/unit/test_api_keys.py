"""API key tokens `kc_<12 hex>_<43 urlsafe>`: generated, parsed back, and checked against their stored
digest — by construction for every token, not just for the handful a test happens to write."""

from __future__ import annotations

import hashlib
import string

from hypothesis import assume, given
from hypothesis import strategies as st

from service.security.api_keys import KeyParts, generate_key, parse_key, secret_digest, secret_matches

HEX = "0123456789abcdef"
URLSAFE = string.ascii_letters + string.digits + "-_"

prefixes = st.text(alphabet=HEX, min_size=12, max_size=12)
secrets = st.text(alphabet=URLSAFE, min_size=43, max_size=43)
key_parts = st.builds(KeyParts, prefix=prefixes, secret=secrets)


def test_generated_keys_have_the_documented_shape() -> None:
    keys = [generate_key() for _ in range(200)]
    for key in keys:
        assert len(key.prefix) == 12
        assert set(key.prefix) <= set(HEX)
        assert len(key.secret) == 43
        assert set(key.secret) <= set(URLSAFE)
        assert key.token == f"kc_{key.prefix}_{key.secret}"
    # 48 and 256 random bits: no two alike.
    assert len({key.prefix for key in keys}) == len({key.secret for key in keys}) == len(keys)


def test_a_generated_token_parses_back_to_its_parts() -> None:
    for _ in range(200):
        key = generate_key()
        assert parse_key(key.token) == key


@given(key_parts)
def test_any_well_formed_token_parses_back(parts: KeyParts) -> None:
    assert parse_key(parts.token) == parts


@given(
    key_parts,
    st.sampled_from(["drop-first", "drop-last", "double-last", "no-kc", "upper-kc", "dash-separator"]),
)
def test_a_token_with_its_frame_altered_never_parses(parts: KeyParts, alteration: str) -> None:
    token = parts.token
    altered = {
        "drop-first": token[1:],
        "drop-last": token[:-1],
        "double-last": token + token[-1],
        "no-kc": token[3:],
        "upper-kc": "KC" + token[2:],
        "dash-separator": f"kc_{parts.prefix}-{parts.secret}",
    }[alteration]
    assert parse_key(altered) is None


@given(key_parts, st.sampled_from(["\n", "\r\n", " ", "\t", "\x00"]), st.booleans())
def test_surrounding_whitespace_or_control_characters_never_parse(
    parts: KeyParts, extra: str, before: bool
) -> None:
    """Whatever strips a token is the caller's business: the parser takes the exact token only
    (`$` in a regular expression also matches before a final newline)."""
    assert parse_key(extra + parts.token if before else parts.token + extra) is None


@given(
    st.text(min_size=0, max_size=30).filter(lambda text: len(text) != 12 or not set(text) <= set(HEX)),
    secrets,
)
def test_a_prefix_not_of_12_lower_hex_never_parses(prefix: str, secret: str) -> None:
    assert parse_key(f"kc_{prefix}_{secret}") is None


@given(prefixes, st.text(min_size=0, max_size=60))
def test_a_secret_not_of_43_urlsafe_characters_never_parses(prefix: str, secret: str) -> None:
    assume(len(secret) != 43 or not set(secret) <= set(URLSAFE))
    assert parse_key(f"kc_{prefix}_{secret}") is None


@given(st.text(max_size=120))
def test_arbitrary_text_parses_only_when_it_is_a_token(text: str) -> None:
    parts = parse_key(text)
    if parts is not None:
        assert parts.token == text


@given(secrets)
def test_the_digest_is_the_sha256_of_the_secret(secret: str) -> None:
    assert secret_digest(secret) == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in secret_digest(secret)


@given(secrets)
def test_the_right_secret_matches_its_digest(secret: str) -> None:
    assert secret_matches(secret_digest(secret), secret) is True


@given(secrets, secrets)
def test_another_secret_never_matches(secret: str, other: str) -> None:
    assume(secret != other)
    assert secret_matches(secret_digest(secret), other) is False


@given(secrets, st.integers(min_value=0, max_value=42), st.sampled_from(URLSAFE))
def test_a_secret_one_character_off_never_matches(secret: str, position: int, character: str) -> None:
    assume(secret[position] != character)
    altered = secret[:position] + character + secret[position + 1 :]
    assert secret_matches(secret_digest(secret), altered) is False


@given(st.text(max_size=60))
def test_no_digest_means_no_match(secret: str) -> None:
    """An unknown prefix (no stored digest) never authenticates, whatever the secret — not even
    the secret whose digest stands in for the missing one."""
    assert secret_matches(None, secret) is False
    assert secret_matches(None, "kit-crise: no such key") is False
