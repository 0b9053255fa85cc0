"""The one check of an error response every test uses: French problem+json, stable code."""

from __future__ import annotations

from typing import Any

import httpx

FRENCH_TITLES = {
    400: "Requête invalide",
    401: "Authentification requise",
    403: "Accès refusé",
    404: "Ressource introuvable",
    409: "Conflit avec l'état actuel",
    412: "Version périmée",
    413: "Requête trop volumineuse",
    415: "Format non pris en charge",
    422: "Données invalides",
    429: "Trop de requêtes",
    503: "Service indisponible",
}


def assert_problem(
    response: httpx.Response, status: int, code: str, *, field: str | None = None
) -> dict[str, Any]:
    """A French problem+json with this status and code (and an error naming ``field``)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert (body["status"], body["code"], body["type"]) == (status, code, f"urn:kit-crise:problem:{code}")
    assert body["title"] == FRENCH_TITLES[status]
    assert body["detail"]
    assert body["instance"] == response.request.url.path
    for error in body["errors"]:
        assert error["field"]
        assert error["code"]
        assert error["message"]
        # msgspec's English sentences ("Expected `int`, got `str`") never reach the user.
        assert not error["message"].startswith(("Expected", "Object", "Invalid"))
    if field is not None:
        assert field in [error["field"] for error in body["errors"]], body["errors"]
    return body
