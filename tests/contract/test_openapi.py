"""The committed contract is what the code serves, and it keeps the conventions clients rely on."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from litestar import Litestar
from litestar.testing import AsyncTestClient

from service.cli import main
from service.openapi import render_openapi_document

COMMITTED = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"
METHODS = {"get", "post", "put", "patch", "delete"}
ENGLISH_DEFAULT_DESCRIPTIONS = {
    "Request fulfilled, document follows",
    "Document created, URL follows",
    "Request fulfilled, nothing follows",
    "Bad request syntax or unsupported method",
}


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return json.loads(COMMITTED.read_text(encoding="utf-8"))


def test_committed_spec_matches_the_code(app: Litestar) -> None:
    generated = render_openapi_document(app)
    assert generated == COMMITTED.read_text(encoding="utf-8"), (
        "openapi/openapi.json is stale: run `make openapi`"
    )


def test_cli_export_writes_the_committed_document() -> None:
    result = CliRunner().invoke(main, ["openapi", "export", "-"])
    assert result.exit_code == 0, result.output
    assert result.stdout == COMMITTED.read_text(encoding="utf-8")


@pytest.mark.anyio
async def test_served_spec_is_the_committed_one(
    client: AsyncTestClient[Litestar], document: dict[str, Any]
) -> None:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    assert response.json() == document


def test_document_is_openapi_3_1_with_french_text(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1")
    raw = COMMITTED.read_text(encoding="utf-8")
    assert "établissement" in raw  # French kept readable, not \\u-escaped
    assert raw.endswith("}\n")
    assert not raw.endswith("\n\n")


def test_operation_ids_are_explicit_unique_lower_camel(document: dict[str, Any]) -> None:
    ids = [operation["operationId"] for _, _, operation in _operations(document)]
    assert len(ids) == len(set(ids))
    for operation_id in ids:
        assert re.fullmatch(r"[a-z][a-zA-Z]+", operation_id), operation_id


def test_every_operation_has_one_tag_a_summary_and_a_description(document: dict[str, Any]) -> None:
    declared_tags = {tag["name"] for tag in document["tags"]}
    for method, path, operation in _operations(document):
        assert len(operation["tags"]) == 1, (method, path)
        assert operation["tags"][0] in declared_tags, (method, path)
        assert operation.get("summary"), (method, path)
        assert operation.get("description"), (method, path)


def test_responses_are_described_in_french(document: dict[str, Any]) -> None:
    for method, path, operation in _operations(document):
        for status, response in operation["responses"].items():
            assert response["description"] not in ENGLISH_DEFAULT_DESCRIPTIONS, (method, path, status)


def test_every_error_response_is_problem_json(document: dict[str, Any]) -> None:
    for method, path, operation in _operations(document):
        for status, response in operation["responses"].items():
            if int(status) >= 400:
                assert list(response["content"]) == ["application/problem+json"], (method, path, status)
                schema = response["content"]["application/problem+json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ProblemDetails"}


def test_every_component_and_property_is_described_and_snake_case(document: dict[str, Any]) -> None:
    for name, schema in document["components"]["schemas"].items():
        assert schema.get("description"), name
        for prop, definition in schema.get("properties", {}).items():
            assert re.fullmatch(r"[a-z][a-z0-9_]*", prop), (name, prop)
            assert definition.get("description"), (name, prop)


def test_request_bodies_refuse_unknown_fields(document: dict[str, Any]) -> None:
    schemas = document["components"]["schemas"]
    for name in ("OrganisationCreate", "OrganisationUpdate", "ContactCreate", "ContactUpdate"):
        assert schemas[name]["additionalProperties"] is False


@pytest.mark.anyio
async def test_swagger_ui_uses_no_cdn(client: AsyncTestClient[Litestar]) -> None:
    page = await client.get("/schema")
    assert page.status_code == 200
    urls = re.findall(r"""(?:src|href)=['"]([^'"]+)['"]""", page.text)
    assert urls, "the page should load its assets"
    assert all(url.startswith("/") for url in urls), urls
    for url in urls:
        asset = await client.get(url)
        assert asset.status_code == 200, url
