"""People's passwords: Argon2id hashes that verify only the right password, and that are redone
when the service's parameters grow stronger. Argon2 is slow on purpose: few examples each."""

from __future__ import annotations

import argon2
import pytest
from argon2.low_level import Type
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from service.security.passwords import hash_password, needs_rehash, verify_password

# Each example hashes at least once (tens of milliseconds): keep the runs short and untimed.
slow = settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
passwords = st.text(min_size=1, max_size=64)
# As long as the API asks (12 characters at least): long enough not to appear in a hash by chance.
long_passwords = st.text(min_size=12, max_size=64)


@slow
@given(long_passwords)
def test_a_hash_verifies_its_password(password: str) -> None:
    hashed = hash_password(password)
    assert hashed.startswith("$argon2id$")
    assert password not in hashed
    assert verify_password(hashed, password) is True
    assert needs_rehash(hashed) is False


@slow
@given(passwords, passwords)
def test_another_password_fails(password: str, other: str) -> None:
    assume(password != other)
    assert verify_password(hash_password(password), other) is False


@settings(slow, max_examples=5)
@given(passwords)
def test_near_misses_fail(password: str) -> None:
    hashed = hash_password(password)
    for attempt in {password + " ", " " + password, password.swapcase(), password[:-1]} - {password}:
        assert verify_password(hashed, attempt) is False


def test_the_same_password_hashes_differently_each_time() -> None:
    """Salted: two accounts with the same password do not share a hash."""
    assert hash_password("cheval-agrafe-pile") != hash_password("cheval-agrafe-pile")


@slow
@given(passwords)
def test_no_hash_never_verifies(password: str) -> None:
    """An unknown e-mail address: no account, no hash, never signed in."""
    assert verify_password(None, password) is False


@pytest.mark.parametrize("password", ["kit-crise: no such account", ""])
def test_no_hash_never_verifies_even_the_stand_in_password(password: str) -> None:
    assert verify_password(None, password) is False


@pytest.mark.parametrize("stored", ["", "not-a-hash", "$argon2id$v=19$m=65536,t=3,p=4$garbage", "$2b$12$abc"])
def test_a_corrupt_hash_fails_instead_of_raising(stored: str) -> None:
    assert verify_password(stored, "cheval-agrafe-pile") is False


@slow
@given(passwords)
def test_a_weaker_hash_still_verifies_and_asks_for_a_rehash(password: str) -> None:
    weak = argon2.PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(password)
    assert verify_password(weak, password) is True
    assert verify_password(weak, password + "x") is False
    assert needs_rehash(weak) is True


def test_an_argon2i_hash_asks_for_a_rehash() -> None:
    """Another variant of Argon2 than id also counts as weaker."""
    legacy = argon2.PasswordHasher(type=Type.I).hash("cheval-agrafe-pile")
    assert verify_password(legacy, "cheval-agrafe-pile") is True
    assert needs_rehash(legacy) is True
