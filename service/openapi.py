"""The OpenAPI 3.1 contract: configuration, the fixes Litestar 2 needs, and the exporter.

Litestar 2 does not document ``forbid_unknown_fields`` (``additionalProperties: false``); the
fix is applied to the app's own schema object so ``/schema/openapi.json``, the committed file
and schemathesis all see one document.
"""

from __future__ import annotations

import inspect
import json
from enum import StrEnum
from importlib.metadata import version
from pathlib import Path
from typing import Any

import msgspec
import swagger_ui
from litestar import Litestar, Router
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.openapi.spec import (
    Components,
    OpenAPI,
    OpenAPIHeader,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    PathItem,
    Reference,
    Schema,
    SecurityScheme,
    Tag,
)
from litestar.static_files import create_static_files_router

from service.errors import PROBLEM_MEDIA_TYPE, RESPONSE_DESCRIPTIONS
from service.lib.schema import RequestStruct, ResponseStruct

SCHEMA_PATH = "/schema"
SWAGGER_ASSETS_PATH = "/schema/assets"
API_KEY_SCHEME = "ApiKey"

TAGS = [
    Tag(
        name="kit",
        description=(
            "Contenu de référence du kit d'exercice de crise V2 (lecture seule) : questionnaire "
            "métier, catégories de composants du SI, scénarios, référentiel de compétences, "
            "niveaux et formats d'exercice."
        ),
    ),
    Tag(name="organisations", description="Établissements et services médico-sociaux (ESSMS)."),
    Tag(
        name="contacts",
        description="Annuaire de crise d'un établissement (contacts internes et externes).",
    ),
    Tag(
        name="exercises",
        description="Exercices : paramètres et cycle de vie, questionnaire métier, description du SI.",
    ),
    Tag(
        name="chronogram",
        description=(
            "Chronogramme d'un exercice : génération explicable à partir des données de "
            "l'établissement, lignes ajoutées, modifiées, décalées ou écartées à la main."
        ),
    ),
    Tag(
        name="evaluation",
        description=(
            "Évaluation des compétences : grille par item, observations des observateurs, "
            "résultats, tableau de bord et graphiques SVG, comparaison avec l'exercice précédent."
        ),
    ),
    Tag(
        name="actions",
        description=(
            "Plan d'actions RETEX : actions décidées après l'exercice, leur échéance et leur "
            "avancement, propositions pour les compétences faibles, actions ouvertes d'un établissement."
        ),
    ),
    Tag(
        name="accounts",
        description="Comptes des personnes, clés d'API des intégrations, et l'appelant lui-même (/me).",
    ),
    Tag(name="audit", description="Journal d'audit : qui a fait quoi, quand (lecture seule)."),
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
- les créations acceptent un en-tête `Idempotency-Key` : une requête rejouée avec la même
  clé dans les 24 heures renvoie la première réponse au lieu de créer un doublon ;
- identifiants UUIDv7, dates UTC au format RFC 3339.

Authentification : chaque opération sous `/api/v1` demande une clé d'API dans l'en-tête
`Authorization: Bearer <clé>` (401 sinon). Le rôle de la clé (`ADMIN`, `REGIONAL`,
`ESTABLISHMENT`, `OBSERVATORY`) décide des opérations permises (403 sinon) et son périmètre
des objets visibles : un objet hors périmètre répond 404, comme s'il n'existait pas. Les appels
sont limités par clé (429 avec `Retry-After`).
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
        components=Components(
            security_schemes={
                API_KEY_SCHEME: SecurityScheme(
                    type="http",
                    scheme="bearer",
                    bearer_format="kc_<préfixe>_<secret>",
                    description=(
                        "Clé d'API créée par un administrateur ou un compte régional "
                        "(POST /api/v1/api-keys), envoyée dans « Authorization: Bearer <clé> »."
                    ),
                )
            }
        ),
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


def _subclasses(root: type) -> dict[str, type]:
    pending: list[type] = list(root.__subclasses__())
    found: dict[str, type] = {}
    while pending:
        cls = pending.pop()
        if cls.__module__.startswith("service."):
            found[cls.__name__] = cls
        pending += cls.__subclasses__()
    return found


def apply_contract_fixes(app: Litestar) -> None:
    """Make the generated schema say what the app enforces, and describe every component."""
    document = app.openapi_schema
    schemas = document.components.schemas or {}
    _sort_response_headers(document)
    _document_security_responses(document)
    _forbid_unknown_fields(schemas)
    _restore_constraints(schemas)
    _describe_components(schemas)


def _security_response(status: int, headers: dict[str, OpenAPIHeader | Reference]) -> OpenAPIResponse:
    return OpenAPIResponse(
        description=RESPONSE_DESCRIPTIONS[status],
        content={
            PROBLEM_MEDIA_TYPE: OpenAPIMediaType(schema=Reference(ref="#/components/schemas/ProblemDetails"))
        },
        headers=headers or None,
    )


def _document_security_responses(document: OpenAPI) -> None:
    """Every protected operation may answer 401 (no valid key), 403 (role) and 429 (rate
    limit): documented once here rather than on each handler, so none can be forgotten."""
    text = Schema(type=OpenAPIType.STRING)
    added = {
        "401": _security_response(
            401, {"WWW-Authenticate": OpenAPIHeader(schema=text, description="Défi RFC 6750 (Bearer).")}
        ),
        "403": _security_response(403, {}),
        "429": _security_response(
            429,
            {
                "Retry-After": OpenAPIHeader(
                    schema=Schema(type=OpenAPIType.INTEGER), description="Secondes à attendre."
                )
            },
        ),
    }
    for path_item in (document.paths or {}).values():
        for operation in _operations(path_item):
            if operation.security and operation.responses is not None:
                responses = operation.responses | added
                operation.responses = dict(sorted(responses.items()))


def _operations(path_item: PathItem) -> list[Operation]:
    methods = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
    return [operation for name in methods if (operation := getattr(path_item, name)) is not None]


def _sort_response_headers(document: OpenAPI) -> None:
    """Litestar collects response headers in a set: sort them for a stable committed file."""
    for path_item in (document.paths or {}).values():
        for method in ("get", "post", "put", "patch", "delete"):
            operation = getattr(path_item, method)
            for response in (operation.responses or {}).values() if operation else ():
                if not isinstance(response, Reference) and response.headers:
                    response.headers = dict(sorted(response.headers.items()))


def _forbid_unknown_fields(schemas: dict[str, Schema]) -> None:
    """Request Structs refuse unknown fields (400): say so with ``additionalProperties``."""
    for name in _subclasses(RequestStruct).keys() & schemas.keys():
        schemas[name].additional_properties = False


def _describe_components(schemas: dict[str, Schema]) -> None:
    """Litestar leaves class docstrings out; generated clients show them as help."""
    documented = _subclasses(RequestStruct) | _subclasses(ResponseStruct) | _subclasses(StrEnum)
    for name, cls in documented.items():
        if name in schemas and cls.__doc__:
            schemas[name].description = inspect.cleandoc(cls.__doc__).split("\n\n")[0]


_CONSTRAINTS = {
    "minimum": "minimum",
    "maximum": "maximum",
    "exclusiveMinimum": "exclusive_minimum",
    "exclusiveMaximum": "exclusive_maximum",
    "minLength": "min_length",
    "maxLength": "max_length",
    "minItems": "min_items",
    "maxItems": "max_items",
    "pattern": "pattern",
}


def _restore(generated: Schema, spec: dict[str, Any]) -> None:
    variants = [spec, *spec.get("anyOf", [])]
    # Litestar wraps optional and partial-update fields in oneOf: items may sit in a member.
    arrays = [schema for schema in (generated, *(generated.one_of or ())) if isinstance(schema, Schema)]
    for variant in variants:
        for key, attribute in _CONSTRAINTS.items():
            if key in variant and getattr(generated, attribute) is None:
                setattr(generated, attribute, variant[key])
        for array in arrays:
            if "items" in variant and isinstance(array.items, Schema):
                _restore(array.items, variant["items"])


def _restore_constraints(schemas: dict[str, Schema]) -> None:
    """Copy back the constraints Litestar 2 drops: bounds equal to 0 (``ge=0`` loses
    ``minimum: 0``) and every constraint on list items.

    msgspec's own JSON Schema of each Struct is the reference.
    """
    structs = [*_subclasses(RequestStruct).values(), *_subclasses(ResponseStruct).values()]
    _, components = msgspec.json.schema_components(structs)
    for name, component in components.items():
        target = schemas.get(name)
        if target is None or not target.properties:
            continue
        for prop, spec in component.get("properties", {}).items():
            generated = target.properties.get(prop)
            if not isinstance(generated, Schema):
                continue
            _restore(generated, spec)


def render_openapi_document(app: Litestar) -> str:
    """The document as committed: 2-space indent, UTF-8 French text, final newline."""
    return json.dumps(app.openapi_schema.to_schema(), indent=2, ensure_ascii=False) + "\n"
