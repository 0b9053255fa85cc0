"""The OpenAPI 3.1 contract: configuration, the fixes Litestar 2 needs, and the exporter.

Litestar 2 does not document ``forbid_unknown_fields`` (``additionalProperties: false``); the
fix is applied to the app's own schema object so ``/schema/openapi.json``, the committed file
and schemathesis all see one document.
"""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

import swagger_ui
from litestar import Litestar, Router
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import Components, Tag
from litestar.static_files import create_static_files_router

from service.lib.schema import RequestStruct

SCHEMA_PATH = "/schema"
SWAGGER_ASSETS_PATH = "/schema/assets"

TAGS = [
    Tag(name="organisations", description="Établissements et services médico-sociaux (ESSMS)."),
    Tag(
        name="contacts",
        description="Annuaire de crise d'un établissement (contacts internes et externes).",
    ),
    Tag(name="system", description="Sondes de santé du service."),
]

DESCRIPTION = """\
API du **kit d'exercice de crise cyber V2** de l'ANS pour les établissements et services
médico-sociaux (EHPAD, IME, MAS, SESSAD, SSIAD, ESAT…).

Conventions :
- erreurs au format `application/problem+json` (RFC 9457) : `title` et `detail` en français,
  `code` stable en anglais, `errors[]` pour les champs invalides ;
- listes paginées par `limit` (1 à 100) et `offset`, triées par `sort` et `order` ;
- chaque ressource modifiable porte un `ETag` ; envoyez-le dans `If-Match` pour éviter
  d'écraser la modification d'un collègue (réponse 412 sinon) ;
- identifiants UUIDv7, dates UTC au format RFC 3339.
"""


def _swagger_assets_directory() -> Path:
    return Path(swagger_ui.__file__).parent / "static"


def openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="kit-crise",
        version=version("kit-crise"),
        description=DESCRIPTION,
        tags=TAGS,
        path=SCHEMA_PATH,
        use_handler_docstrings=True,
        components=Components(),
        render_plugins=[
            # Assets come from the installed package: establishments' networks reach no CDN.
            SwaggerRenderPlugin(
                path=["/", "/swagger"],
                js_url=f"{SWAGGER_ASSETS_PATH}/swagger-ui-bundle.js",
                css_url=f"{SWAGGER_ASSETS_PATH}/swagger-ui.css",
                standalone_preset_js_url=f"{SWAGGER_ASSETS_PATH}/swagger-ui-standalone-preset.js",
                favicon=f"<link rel='icon' type='image/png' href='{SWAGGER_ASSETS_PATH}/favicon-32x32.png'>",
            )
        ],
    )


def swagger_assets_router() -> Router:
    return create_static_files_router(
        path=SWAGGER_ASSETS_PATH,
        directories=[_swagger_assets_directory()],
        include_in_schema=False,
        name="swagger-assets",
    )


def _request_struct_names() -> set[str]:
    pending, names = list(RequestStruct.__subclasses__()), set()
    while pending:
        struct = pending.pop()
        names.add(struct.__name__)
        pending += struct.__subclasses__()
    return names


def apply_contract_fixes(app: Litestar) -> None:
    """Make the generated schema say what the app enforces."""
    schemas = app.openapi_schema.components.schemas or {}
    for name in _request_struct_names() & set(schemas):
        schemas[name].additional_properties = False


def render_openapi_document(app: Litestar) -> str:
    """The document as committed: 2-space indent, UTF-8 French text, final newline."""
    return json.dumps(app.openapi_schema.to_schema(), indent=2, ensure_ascii=False) + "\n"
