"""OpenAPI links: which answer's values feed which request (a posted animal's id to the
routes that read, edit, like or hide it), so a client generator, or a stateful fuzzer, can
follow them."""

from __future__ import annotations

from typing import Any

_ANIMAL_ID = "$response.body#/id"
_LINKS: dict[tuple[str, str, str], dict[str, dict[str, Any]]] = {
    ("/v0/animal", "post", "200"): {
        "ReadAnimal": {
            "operationId": "list_animals_v0_animal_get",
            "parameters": {"query.id": _ANIMAL_ID},
        },
        "EditAnimal": {
            "operationId": "update_animal_v0_animal_patch",
            "parameters": {"query.id": _ANIMAL_ID},
        },
        "WhoLikedAnimal": {
            "operationId": "liked_by_v0_animal_liked_by_get",
            "parameters": {"query.animal_id": _ANIMAL_ID},
        },
        "LikeAnimal": {
            "operationId": "like_v0_like_post",
            "requestBody": {"animal_id": _ANIMAL_ID},
        },
        "HideAnimal": {
            "operationId": "hide_animal_v0_animal_delete",
            "parameters": {"query.id": _ANIMAL_ID},
        },
    },
    ("/v0/like", "post", "200"): {
        "ReadLike": {
            "operationId": "list_likes_v0_like_get",
            "parameters": {"query.id": "$response.body#/id"},
        },
        "Unlike": {
            "operationId": "unlike_v0_like_delete",
            "parameters": {"query.like_id": "$response.body#/id"},
        },
    },
}


def document_links(openapi: dict[str, Any]) -> dict[str, Any]:
    """`openapi` with the links above on the answers they start from (those whose target
    operation exists); changes it in place and returns it."""
    operation_ids = {
        operation.get("operationId")
        for operations in openapi.get("paths", {}).values()
        for operation in operations.values()
        if isinstance(operation, dict)
    }
    for (path, method, status), links in _LINKS.items():
        response = openapi.get("paths", {}).get(path, {}).get(method, {}).get("responses", {})
        if status not in response:
            continue
        known = {name: link for name, link in links.items() if link["operationId"] in operation_ids}
        response[status].setdefault("links", {}).update(known)
    return openapi
