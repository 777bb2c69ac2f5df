"""Documents the error responses that every route taking a body can give, whoever wrote it.

Routes declare their own 422; these come from below the routes: the body limit (413, from
`app.limits`) and the 400 of a client that left before its body arrived.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

_ERROR_LIST: dict[str, Any] = {
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "loc", "msg"],
                "properties": {
                    "type": {"type": "string"},
                    "loc": {"type": "array", "items": {"type": "string"}},
                    "msg": {"type": "string"},
                },
            },
        },
    },
}
_ERROR_TEXT: dict[str, Any] = {
    "type": "object",
    "required": ["detail"],
    "properties": {"detail": {"type": "string"}},
}

BODY_ERRORS: dict[str, dict[str, Any]] = {
    "400": {
        "description": "The body could not be read (the client left before it arrived).",
        "content": {"application/json": {"schema": _ERROR_TEXT}},
    },
    "413": {
        "description": "The body is larger than the server's limit (`MAX_BODY_BYTES`).",
        "content": {"application/json": {"schema": _ERROR_LIST}},
    },
}


def _numbers_or_full(schema: dict[str, Any]) -> None:
    """`POST /summary?texts=false` answers the ModelSummary with its text fields left out, so
    its documented 200 is either object (FastAPI documents only the full one)."""
    content = schema["paths"]["/summary"]["post"]["responses"]["200"]["content"]
    full = content["application/json"]["schema"]
    content["application/json"]["schema"] = {
        "anyOf": [
            full,
            {
                "type": "object",
                "title": "ModelSummary without texts (texts=false)",
                "description": "The ModelSummary with every text field left out: formulas, other "
                "tools' explanations, memory rules, latency texts and readable sizes.",
            },
        ]
    }


def declare_body_errors(app: FastAPI) -> None:
    """Adds `BODY_ERRORS` to every operation with a request body in `app.openapi()`."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = build()
            for path_item in schema.get("paths", {}).values():
                for operation in path_item.values():
                    if isinstance(operation, dict) and "requestBody" in operation:
                        responses = operation.setdefault("responses", {})
                        for status, response in BODY_ERRORS.items():
                            responses.setdefault(status, response)
            _numbers_or_full(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    # FastAPI's documented way to extend the schema is to replace this method.
    app.openapi = openapi  # type: ignore[method-assign]
