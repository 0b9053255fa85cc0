"""Admin sign-in and sign-out, and the page a signed-in person lands on.

Cookie-authenticated forms: Litestar's CSRF middleware guards every POST under ``/admin``
(double-submit token: a cookie plus the hidden ``_csrf_token`` field).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from litestar import Controller, Request, Response, Router, get, post
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template
from litestar.static_files import create_static_files_router
from sqlalchemy.ext.asyncio import AsyncSession

from service.db.transactions import separate_transaction
from service.domain.accounts.sessions import (
    SESSION_COOKIE,
    OpenSession,
    authenticate_person,
    close_session,
    find_session,
    needs_touch,
    open_session,
    touch_session,
)
from service.domain.audit.services import record_event, record_failed_sign_in
from service.kit.catalogue import get_catalogue
from service.kit.codes import AccountRole, AuditAction, ResourceType
from service.logging import current_request_id
from service.security.csrf import admin_csrf
from service.security.principal import Caller, principal_of
from service.security.rate_limits import sign_in_rate_limit
from service.settings import Settings

ADMIN_PATH = "/admin"
TEMPLATES_DIRECTORY = Path(__file__).parent / "templates"
STATIC_DIRECTORY = Path(__file__).parent / "static"
SIGN_IN_FAILED = "Adresse électronique ou mot de passe incorrect, ou compte désactivé."


@dataclass
class SignInForm:
    email: str = ""
    password: str = ""


def _client_address(request: Request[Any, Any, Any]) -> str | None:
    return request.client.host if request.client else None


async def current_person(request: Request[Any, Any, Any], settings: Settings) -> OpenSession | None:
    """The signed-in person, read in a transaction of its own (GET pages open no write)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    async with separate_transaction(request.app, write=False) as db:
        signed_in = await find_session(db, token, settings.security)
    if signed_in is not None and needs_touch(signed_in.session):
        async with separate_transaction(request.app, write=True) as db:
            await touch_session(db, signed_in.session.id)
    return signed_in


def _session_cookie(request: Request[Any, Any, Any], settings: Settings, token: str, max_age: int) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE,
        value=token,
        path=ADMIN_PATH,
        max_age=max_age,
        httponly=True,
        samesite="lax",
        secure=settings.security.secure_cookies or request.url.scheme == "https",
    )


def _sign_in_page(error: str | None = None, email: str = "", status_code: int = 200) -> Template:
    return Template(
        template_name="login.html", context={"error": error, "email": email}, status_code=status_code
    )


class AdminController(Controller):
    """Handlers use transactions of their own (``separate_transaction``), never the request's:
    SQLite allows one writer, and the request's session would hold it."""

    path = "/"
    include_in_schema = False

    @get("/", name="admin-home")
    async def home(
        self, request: Request[Any, Any, Any], settings: NamedDependency[Settings]
    ) -> Response[Any]:
        signed_in = await current_person(request, settings)
        if signed_in is None:
            return Redirect(path=request.app.route_reverse("admin-sign-in"))
        user = signed_in.user
        return Template(
            template_name="home.html",
            context={"user": user, "role_label": get_catalogue().label(AccountRole(user.role))},
        )

    @get("/login", name="admin-sign-in")
    async def sign_in_form(
        self, request: Request[Any, Any, Any], settings: NamedDependency[Settings]
    ) -> Response[Any]:
        if await current_person(request, settings) is not None:
            return Redirect(path=request.app.route_reverse("admin-home"))
        return _sign_in_page()

    @post("/login", status_code=303)
    async def sign_in(
        self,
        request: Request[Any, Any, Any],
        settings: NamedDependency[Settings],
        data: Annotated[SignInForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
    ) -> Response[Any]:
        # One transaction of its own, committed whatever the outcome: a failed attempt is
        # recorded although the answer is an error.
        async with separate_transaction(request.app, write=True) as db:
            user = await authenticate_person(db, data.email, data.password)
            if user is None:
                record_failed_sign_in(
                    db,
                    email=data.email,
                    request_id=current_request_id(),
                    client_address=_client_address(request),
                )
            else:
                if planted := request.cookies.get(SESSION_COOKIE):
                    await close_session(db, planted)
                session, token = await open_session(db, user, settings.security, _client_address(request))
                _record(request, db, OpenSession(session=session, user=user), AuditAction.LOGIN)
        if user is None:
            return _sign_in_page(SIGN_IN_FAILED, email=data.email[:254], status_code=401)
        max_age = settings.security.session_absolute_hours * 3600
        return Redirect(
            path=request.app.route_reverse("admin-home"),
            status_code=303,
            cookies=[_session_cookie(request, settings, token, max_age)],
        )

    @post("/logout", status_code=303)
    async def sign_out(
        self, request: Request[Any, Any, Any], settings: NamedDependency[Settings]
    ) -> Response[Any]:
        signed_in = await current_person(request, settings)
        token = request.cookies.get(SESSION_COOKIE)
        if signed_in is not None and token:
            async with separate_transaction(request.app, write=True) as db:
                await close_session(db, token)
                _record(request, db, signed_in, AuditAction.LOGOUT)
        return Redirect(
            path=request.app.route_reverse("admin-sign-in"),
            status_code=303,
            cookies=[_session_cookie(request, settings, "", 0)],
        )


def _record(
    request: Request[Any, Any, Any], db: AsyncSession, signed_in: OpenSession, action: AuditAction
) -> None:
    record_event(
        db,
        Caller(principal_of(signed_in.user), current_request_id(), _client_address(request)),
        action=action,
        resource_type=ResourceType.ADMIN_SESSION,
        resource_id=signed_in.session.id,
        region_code=signed_in.user.region_code,
    )


def admin_router(settings: Settings) -> Router:
    limiter = sign_in_rate_limit(settings.security)
    return Router(
        path=ADMIN_PATH,
        route_handlers=[
            AdminController,
            create_static_files_router(
                path="/static", directories=[STATIC_DIRECTORY], include_in_schema=False
            ),
        ],
        # CSRF first, as when it was the app's: a forged form is refused before it counts.
        middleware=[admin_csrf(settings.security), *([limiter.middleware] if limiter else [])],
        include_in_schema=False,
    )
