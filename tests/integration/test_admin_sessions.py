"""Admin sign-in, as a person at a browser sees it and as an attacker at the form cannot use it.

Each test drives the admin like a browser: an ``AsyncTestClient`` that keeps its cookies and does
not follow redirects, fetching the sign-in form (and its CSRF cookie) before posting it. People
are created through the API with the national admin key, and the audit trail is read back the
same way.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from http.cookies import Morsel, SimpleCookie
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher, profiles
from litestar import Litestar
from litestar.testing import AsyncTestClient

from service.app import create_app
from service.domain.accounts import sessions
from service.security import passwords
from service.settings import Settings
from tests.conftest import settings_for
from tests.problems import assert_problem

pytestmark = pytest.mark.anyio

Client = AsyncTestClient[Litestar]
USERS = "/api/v1/users"
AUDIT_EVENTS = "/api/v1/audit-events"
SIGN_IN = "/admin/login"
SIGN_OUT = "/admin/logout"
HOME = "/admin/"
SESSION_COOKIE = "kit_crise_session"
CSRF_COOKIE = "csrftoken"
PASSWORD = "Une phrase de passe solide"
NEW_PASSWORD = "Une autre phrase de passe"
SIGN_IN_FAILED = "Adresse électronique ou mot de passe incorrect, ou compte désactivé."
CSRF_DETAIL = "Jeton anti-falsification (CSRF) absent ou invalide : rechargez la page puis réessayez."


# A person, and a browser that signs them in.


@dataclass(frozen=True)
class Person:
    id: str
    email: str
    display_name: str


async def create_person(
    client: Client,
    *,
    email: str = "claire.martin@ars.sante.fr",
    display_name: str = "Claire Martin",
    role: str = "ADMIN",
    **scope: Any,
) -> Person:
    payload = {"email": email, "display_name": display_name, "password": PASSWORD, "role": role} | scope
    response = await client.post(USERS, json=payload)
    assert response.status_code == 201, response.text
    return Person(id=response.json()["id"], email=email, display_name=display_name)


@asynccontextmanager
async def open_browser(
    settings: Settings, base_url: str = "http://testserver.local"
) -> AsyncIterator[Client]:
    """A browser, talking to an application instance of its own over the test's database (as
    if served by another replica: sessions live in the database, not in the process)."""
    async with AsyncTestClient(app=create_app(settings), base_url=base_url) as browser:
        browser.follow_redirects = False
        yield browser


@pytest.fixture(autouse=True)
def quick_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Still Argon2id, with argon2-cffi's cheapest parameters: these tests sign in dozens of
    times, and the cost of a hash is not what they check."""
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher.from_parameters(profiles.CHEAPEST))


@pytest.fixture
async def browser(settings: Settings) -> AsyncIterator[Client]:
    async with open_browser(settings) as opened:
        yield opened


@pytest.fixture
async def person(client: Client) -> Person:
    return await create_person(client)


async def csrf_token(browser: Client) -> str:
    """What the hidden ``_csrf_token`` field carries: the token of the browser's CSRF cookie."""
    response = await browser.get(SIGN_IN)
    assert response.status_code in (200, 302), response.text
    token = browser.cookies.get(CSRF_COOKIE) or set_cookies(response)[CSRF_COOKIE].value
    assert token
    return token


async def sign_in(browser: Client, email: str, password: str = PASSWORD) -> httpx.Response:
    token = await csrf_token(browser)
    return await browser.post(SIGN_IN, data={"email": email, "password": password, "_csrf_token": token})


async def signed_in(browser: Client, person: Person) -> str:
    """Signs ``person`` in and returns their session token."""
    response = await sign_in(browser, person.email)
    assert response.status_code == 303, response.text
    return session_cookie(response).value


async def sign_out(browser: Client) -> httpx.Response:
    token = await csrf_token(browser)
    return await browser.post(SIGN_OUT, data={"_csrf_token": token})


def set_cookies(response: httpx.Response) -> dict[str, Morsel[str]]:
    cookies: dict[str, Morsel[str]] = {}
    for header in response.headers.get_list("set-cookie"):
        parsed: SimpleCookie = SimpleCookie()
        parsed.load(header)
        cookies.update(parsed)
    return cookies


def session_cookie(response: httpx.Response) -> Morsel[str]:
    cookies = set_cookies(response)
    assert SESSION_COOKIE in cookies, response.headers.get_list("set-cookie")
    return cookies[SESSION_COOKIE]


async def home_with(settings: Settings, token: str) -> httpx.Response:
    """``/admin/`` as a browser presenting only this session token (e.g. a stolen copy)."""
    async with open_browser(settings) as other:
        return await other.get(HOME, headers={"Cookie": f"{SESSION_COOKIE}={token}"})


def assert_sent_to_sign_in(response: httpx.Response) -> None:
    assert response.is_redirect, (response.status_code, response.text)
    assert response.headers["location"] == SIGN_IN


async def audit_events(client: Client, action: str) -> list[dict[str, Any]]:
    response = await client.get(AUDIT_EVENTS, params={"action": action, "resource_type": "ADMIN_SESSION"})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


# Signing in.


async def test_sign_in_form_is_french_and_sets_the_csrf_cookie(browser: Client) -> None:
    response = await browser.get(SIGN_IN)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<html lang="fr">' in response.text
    assert "Connexion à l'administration" in response.text
    assert "Mot de passe" in response.text
    token = set_cookies(response)[CSRF_COOKIE].value
    # The form carries the cookie's token in its hidden field.
    assert f'name="_csrf_token" value="{token}"' in response.text


@pytest.mark.parametrize(
    ("role", "scope", "role_label"),
    [
        ("ADMIN", {}, "Administration nationale"),
        ("REGIONAL", {"region_code": "53"}, "Acteur régional (CRRC, GRADeS, ARS)"),
    ],
)
async def test_sign_in_lands_on_a_greeting_page(
    client: Client, browser: Client, role: str, scope: dict[str, Any], role_label: str
) -> None:
    person = await create_person(client, display_name="Aurélie Dupré", role=role, **scope)
    response = await sign_in(browser, person.email)
    assert response.status_code == 303
    assert response.headers["location"].rstrip("/") == "/admin"

    home = await browser.get(HOME)
    assert home.status_code == 200
    assert "Bonjour Aurélie Dupré" in home.text
    assert person.email in home.text
    assert role_label in home.text
    # Signed in, the form sends the person home.
    again = await browser.get(SIGN_IN)
    assert again.is_redirect
    assert again.headers["location"].rstrip("/") == "/admin"


async def test_sign_in_accepts_the_address_whatever_its_case(browser: Client, person: Person) -> None:
    response = await sign_in(browser, "  " + person.email.upper() + " ")
    assert response.status_code == 303


async def test_session_cookie_is_http_only_lax_and_scoped_to_the_admin(
    browser: Client, person: Person
) -> None:
    cookie = session_cookie(await sign_in(browser, person.email))
    assert cookie.value
    assert cookie["httponly"] is True
    assert cookie["samesite"].lower() == "lax"
    assert cookie["path"] == "/admin"
    # Over plain http a Secure cookie would never come back.
    assert not cookie["secure"]
    assert int(cookie["max-age"]) == 12 * 3600


async def test_session_cookie_is_secure_over_https(settings: Settings, person: Person) -> None:
    async with open_browser(settings, base_url="https://testserver.local") as browser:
        cookie = session_cookie(await sign_in(browser, person.email))
        assert cookie["secure"] is True
        assert cookie["httponly"] is True
        home = await browser.get(HOME)
        assert home.status_code == 200


async def test_session_cookie_is_secure_when_the_settings_say_so(database_url: str, person: Person) -> None:
    """TLS ends at a proxy that hides it: KIT_CRISE_SECURE_COOKIES forces the flag."""
    async with open_browser(settings_for(database_url, secure_cookies=True)) as browser:
        form = await browser.get(SIGN_IN)
        csrf = set_cookies(form)[CSRF_COOKIE]
        assert csrf["secure"] is True
        response = await browser.post(
            SIGN_IN,
            data={"email": person.email, "password": PASSWORD, "_csrf_token": csrf.value},
            # The browser sends a Secure cookie to the proxy, over https; the proxy forwards http.
            headers={"Cookie": f"{CSRF_COOKIE}={csrf.value}"},
        )
        assert response.status_code == 303, response.text
        cookie = session_cookie(response)
        assert cookie["secure"] is True
        assert cookie["httponly"] is True


# Failed attempts: one answer for every reason, and a trace in the audit trail.


async def test_wrong_password_unknown_address_and_disabled_account_look_the_same(
    client: Client, browser: Client
) -> None:
    disabled = await create_person(client, email="ancien.agent@ars.sante.fr")
    response = await client.patch(f"{USERS}/{disabled.id}", json={"active": False})
    assert response.status_code == 200, response.text
    person = await create_person(client)

    attempts = {
        "wrong password": (person.email, "pas le bon mot de passe"),
        "unknown address": ("personne@ars.sante.fr", PASSWORD),
        "disabled account": (disabled.email, PASSWORD),
    }
    pages: dict[str, str] = {}
    for reason, (email, password) in attempts.items():
        response = await sign_in(browser, email, password)
        assert response.status_code == 401, reason
        assert response.headers["content-type"].startswith("text/html")
        assert SIGN_IN_FAILED in response.text
        assert SESSION_COOKIE not in set_cookies(response), reason
        # The typed address is kept in the form; the rest of the page is identical.
        assert f'value="{email}"' in response.text
        pages[reason] = response.text.replace(email, "EMAIL")
    assert len(set(pages.values())) == 1, "the three refusals must not be told apart"

    failed = await audit_events(client, "LOGIN_FAILED")
    assert sorted(event["actor_label"] for event in failed) == sorted(email for email, _ in attempts.values())
    assert all(event["actor_id"] is None and event["actor_type"] == "ANONYMOUS" for event in failed)
    assert all(event["action_label"] == "Échec de connexion" for event in failed)
    assert await audit_events(client, "LOGIN") == []


async def test_what_was_typed_and_stored_is_shown_escaped(client: Client, browser: Client) -> None:
    """The form echoes the typed address and the home page the person's name: as text, never
    as markup."""
    hostile = '"><script>alert(1)</script>'
    response = await sign_in(browser, hostile + "@exemple.fr", "pas le bon mot de passe")
    assert response.status_code == 401
    assert "<script>alert(1)</script>" not in response.text

    person = await create_person(client, display_name="<img src=x onerror=alert(1)>")
    await signed_in(browser, person)
    home = await browser.get(HOME)
    assert home.status_code == 200
    assert "<img src=x" not in home.text
    assert "&lt;img src=x onerror=alert(1)&gt;" in home.text


async def test_a_failed_attempt_opens_nothing(browser: Client, person: Person) -> None:
    await sign_in(browser, person.email, "pas le bon mot de passe")
    assert_sent_to_sign_in(await browser.get(HOME))


async def test_successful_sign_in_and_sign_out_are_audited(
    client: Client, browser: Client, person: Person
) -> None:
    await signed_in(browser, person)
    [login] = await audit_events(client, "LOGIN")
    assert (login["actor_id"], login["actor_type"], login["actor_role"]) == (person.id, "USER", "ADMIN")
    assert login["actor_label"] == person.email
    assert login["resource_id"]
    assert login["client_address"]
    assert await audit_events(client, "LOGIN_FAILED") == []

    response = await sign_out(browser)
    assert response.status_code == 303
    [logout] = await audit_events(client, "LOGOUT")
    assert logout["actor_id"] == person.id
    # The same session is opened and closed.
    assert logout["resource_id"] == login["resource_id"]


async def test_sign_in_records_the_last_login_time(client: Client, browser: Client, person: Person) -> None:
    assert (await client.get(f"{USERS}/{person.id}")).json()["last_login_at"] is None
    await signed_in(browser, person)
    assert (await client.get(f"{USERS}/{person.id}")).json()["last_login_at"] is not None


# Signing out.


async def test_sign_out_clears_the_cookie_and_ends_the_session(
    settings: Settings, browser: Client, person: Person
) -> None:
    token = await signed_in(browser, person)
    assert (await home_with(settings, token)).status_code == 200

    response = await sign_out(browser)
    assert response.status_code == 303
    assert response.headers["location"] == SIGN_IN
    cleared = session_cookie(response)
    assert cleared.value == ""
    assert int(cleared["max-age"]) <= 0
    assert cleared["path"] == "/admin"

    assert_sent_to_sign_in(await browser.get(HOME))
    # A copy of the token kept elsewhere is worthless too: the session is gone server-side.
    assert_sent_to_sign_in(await home_with(settings, token))


async def test_sign_out_without_a_session_just_goes_to_the_form(browser: Client) -> None:
    response = await sign_out(browser)
    assert response.status_code == 303
    assert response.headers["location"] == SIGN_IN


# Session fixation: the id a browser arrives with is never the one it leaves with.


async def test_a_planted_session_id_is_replaced_on_sign_in(browser: Client, person: Person) -> None:
    planted = "planted-by-an-attacker"
    browser.cookies.set(SESSION_COOKIE, planted, domain="testserver.local", path="/admin")
    token = await signed_in(browser, person)
    assert token != planted
    assert (await browser.get(HOME)).status_code == 200


async def test_a_planted_real_session_is_closed_by_the_new_sign_in(
    settings: Settings, client: Client, person: Person
) -> None:
    """The attacker signs in, plants their session id in the victim's browser, and waits for the
    victim to sign in on top of it: the victim gets a new id and the planted one dies."""
    attacker_person = await create_person(client, email="intrus@exemple.fr", display_name="Intrus")
    async with open_browser(settings) as attacker:
        planted = await signed_in(attacker, attacker_person)
    async with open_browser(settings) as victim:
        victim.cookies.set(SESSION_COOKIE, planted, domain="testserver.local", path="/admin")
        token = await signed_in(victim, person)
        assert token != planted
        home = await victim.get(HOME)
        assert home.status_code == 200
        assert person.display_name in home.text
    assert_sent_to_sign_in(await home_with(settings, planted))
    assert (await home_with(settings, token)).status_code == 200


async def test_signing_in_twice_gives_two_different_sessions(settings: Settings, person: Person) -> None:
    async with open_browser(settings) as first, open_browser(settings) as second:
        tokens = {await signed_in(first, person), await signed_in(second, person)}
    assert len(tokens) == 2
    for token in tokens:
        assert (await home_with(settings, token)).status_code == 200


# CSRF: every admin POST needs the token of the browser's own cookie.


async def other_browsers_token(settings: Settings) -> str:
    async with open_browser(settings) as other:
        return await csrf_token(other)


@pytest.mark.parametrize("path", [SIGN_IN, SIGN_OUT])
@pytest.mark.parametrize("case", ["no cookie, no field", "cookie, no field", "field, no cookie"])
async def test_admin_post_without_the_csrf_token_is_403(
    settings: Settings, client: Client, person: Person, path: str, case: str
) -> None:
    async with open_browser(settings) as browser:
        token = await csrf_token(browser)
        if case != "cookie, no field":
            browser.cookies.delete(CSRF_COOKIE)
        form = {"email": person.email, "password": PASSWORD}
        if case == "field, no cookie":
            form["_csrf_token"] = token
        response = await browser.post(path, data=form)
    body = assert_problem(response, 403, "csrf_failed")
    assert body["detail"] == CSRF_DETAIL
    assert SESSION_COOKIE not in set_cookies(response)
    assert await audit_events(client, "LOGIN") == []


@pytest.mark.parametrize("path", [SIGN_IN, SIGN_OUT])
@pytest.mark.parametrize("forged", ["another browser's token", "garbage", "empty"])
async def test_admin_post_with_a_wrong_csrf_token_is_403(
    settings: Settings, client: Client, person: Person, path: str, forged: str
) -> None:
    wrong = {
        "another browser's token": await other_browsers_token(settings),
        "garbage": "x" * 128,
        "empty": "",
    }
    async with open_browser(settings) as browser:
        await csrf_token(browser)
        response = await browser.post(
            path, data={"email": person.email, "password": PASSWORD, "_csrf_token": wrong[forged]}
        )
    body = assert_problem(response, 403, "csrf_failed")
    assert body["detail"] == CSRF_DETAIL
    assert await audit_events(client, "LOGIN") == []


async def test_sign_out_without_the_csrf_token_keeps_the_session(
    settings: Settings, browser: Client, person: Person
) -> None:
    """A cross-site form cannot sign a person out (nor do anything else in their name)."""
    token = await signed_in(browser, person)
    response = await browser.post(SIGN_OUT)
    assert_problem(response, 403, "csrf_failed")
    assert (await home_with(settings, token)).status_code == 200


# Expiry: the session's clock is moved forward.


class Clock:
    """Moves the clock the session code reads (``datetime.now`` in sessions.py)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.offset = timedelta()
        clock = self

        class ShiftedDatetime(datetime):
            @classmethod
            def now(cls, tz: Any = None) -> datetime:  # type: ignore[override]
                return datetime.now(tz) + clock.offset

        monkeypatch.setattr(sessions, "datetime", ShiftedDatetime)

    def advance(self, **delta: float) -> None:
        self.offset += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch)


async def test_an_idle_session_expires(browser: Client, person: Person, clock: Clock) -> None:
    await signed_in(browser, person)
    clock.advance(minutes=29)
    assert (await browser.get(HOME)).status_code == 200
    # Seen 29 minutes after sign-in, the session lives 30 idle minutes from then.
    clock.advance(minutes=29)
    assert (await browser.get(HOME)).status_code == 200
    clock.advance(minutes=31)
    assert_sent_to_sign_in(await browser.get(HOME))


async def test_idle_limit_follows_the_settings(database_url: str, person: Person, clock: Clock) -> None:
    async with open_browser(settings_for(database_url, session_idle_minutes=5)) as browser:
        await signed_in(browser, person)
        clock.advance(minutes=4)
        assert (await browser.get(HOME)).status_code == 200
        clock.advance(minutes=6)
        assert_sent_to_sign_in(await browser.get(HOME))


async def test_a_busy_session_still_ends_at_its_absolute_limit(
    database_url: str, person: Person, clock: Clock
) -> None:
    async with open_browser(settings_for(database_url, session_absolute_hours=1)) as browser:
        await signed_in(browser, person)
        for _ in range(3):  # seen every 20 minutes: never idle
            clock.advance(minutes=19)
            assert (await browser.get(HOME)).status_code == 200
        clock.advance(minutes=19)  # 76 minutes after sign-in
        assert_sent_to_sign_in(await browser.get(HOME))


async def test_after_expiry_the_form_is_shown_again_and_signing_in_works(
    browser: Client, person: Person, clock: Clock
) -> None:
    """The expired cookie no longer sends the person home: they see the form and sign in anew."""
    old = await signed_in(browser, person)
    clock.advance(minutes=45)
    response = await browser.get(SIGN_IN)
    assert response.status_code == 200
    assert "Connexion à l'administration" in response.text
    assert await signed_in(browser, person) != old
    assert (await browser.get(HOME)).status_code == 200


# Account changes close open sessions.


@pytest.mark.parametrize(
    "change",
    [{"password": NEW_PASSWORD}, {"active": False}, {"role": "REGIONAL", "region_code": "53"}],
    ids=["password changed", "deactivated", "role changed"],
)
async def test_account_changes_close_open_sessions(
    settings: Settings, client: Client, browser: Client, person: Person, change: dict[str, Any]
) -> None:
    token = await signed_in(browser, person)
    response = await client.patch(f"{USERS}/{person.id}", json=change)
    assert response.status_code == 200, response.text
    assert_sent_to_sign_in(await home_with(settings, token))
    # Closed, not merely refused while the account is disabled: reactivating does not revive it.
    response = await client.patch(f"{USERS}/{person.id}", json={"active": True})
    assert response.status_code == 200, response.text
    assert_sent_to_sign_in(await home_with(settings, token))


async def test_new_password_works_and_old_one_fails_after_a_change(
    client: Client, browser: Client, person: Person
) -> None:
    response = await client.patch(f"{USERS}/{person.id}", json={"password": NEW_PASSWORD})
    assert response.status_code == 200, response.text
    assert (await sign_in(browser, person.email, PASSWORD)).status_code == 401
    assert (await sign_in(browser, person.email, NEW_PASSWORD)).status_code == 303


async def test_renaming_a_person_keeps_their_session(
    settings: Settings, client: Client, browser: Client, person: Person
) -> None:
    token = await signed_in(browser, person)
    response = await client.patch(f"{USERS}/{person.id}", json={"display_name": "Claire Martin-Roux"})
    assert response.status_code == 200, response.text
    home = await home_with(settings, token)
    assert home.status_code == 200
    assert "Claire Martin-Roux" in home.text


async def test_deleting_a_person_ends_their_session(
    settings: Settings, client: Client, browser: Client, person: Person
) -> None:
    token = await signed_in(browser, person)
    response = await client.delete(f"{USERS}/{person.id}")
    assert response.status_code == 204, response.text
    assert_sent_to_sign_in(await home_with(settings, token))


# Brute force: ten attempts a minute per address, then 429 until the window has passed.


def move_rate_limit_clock(monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    later = time.time() + seconds
    monkeypatch.setattr("litestar.middleware.rate_limit.time", lambda: later)


async def test_eleventh_attempt_in_a_minute_is_429_then_allowed_again(
    browser: Client, person: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    for _ in range(5):  # showing the form is free
        assert (await browser.get(SIGN_IN)).status_code == 200
    for attempt in range(10):
        response = await sign_in(browser, person.email, f"essai numéro {attempt:02d}")
        assert response.status_code == 401, attempt

    # Even the right password is refused now: the attacker cannot tell when they found it.
    response = await sign_in(browser, person.email)
    body = assert_problem(response, 429, "rate_limited")
    assert body["title"] == "Trop de requêtes"
    assert 0 < int(response.headers["retry-after"]) <= 60
    assert SESSION_COOKIE not in set_cookies(response)
    assert (await browser.get(SIGN_IN)).status_code == 200

    move_rate_limit_clock(monkeypatch, 61)
    response = await sign_in(browser, person.email)
    assert response.status_code == 303, response.text


@pytest.mark.parametrize("path", ["/admin/login/", "/admin//login", "/admin/%6cogin"])
async def test_the_limit_cannot_be_sidestepped_by_spelling_the_path_differently(
    browser: Client, person: Person, path: str
) -> None:
    token = await csrf_token(browser)
    statuses = []
    for attempt in range(11):
        response = await browser.post(
            path, data={"email": person.email, "password": f"essai {attempt:02d}", "_csrf_token": token}
        )
        statuses.append(response.status_code)
    # Whatever the spelling does (a refusal or a sign-in attempt), the 11th attempt is no attempt.
    assert 401 not in statuses[10:], statuses


async def test_sign_in_limit_follows_the_settings(database_url: str, person: Person) -> None:
    async with open_browser(settings_for(database_url, login_attempts_per_minute=2)) as browser:
        for _ in range(2):
            assert (await sign_in(browser, person.email, "mauvais mot de passe")).status_code == 401
        assert_problem(await sign_in(browser, person.email), 429, "rate_limited")
