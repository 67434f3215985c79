"""The public API's OpenAPI 3.1 document, assembled from the paths each package registers.

A package describes its endpoints where it defines them::

    from market.openapi import register_paths
    register_paths(app, {"/api/v1/lots/{code}": {...}}, {"Lot": {...}})

and ``GET /api/v1/openapi.json`` serves everything registered.
"""

from typing import Any

from flask import Blueprint, Flask, current_app, jsonify
from flask.typing import ResponseReturnValue

bp = Blueprint("openapi", __name__)

TITLE = "Chợ Quê public API"
VERSION = "1.0.0"

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "integer", "examples": [400]},
                "message": {"type": "string"},
                "fields": {
                    "type": "object",
                    "description": "A message per parameter that was not valid.",
                    "additionalProperties": {"type": "string"},
                },
            },
        }
    },
}


def _registry(app: Flask) -> dict[str, dict[str, Any]]:
    return app.extensions.setdefault("openapi", {"paths": {}, "schemas": {"Error": ERROR_SCHEMA}})


def register_paths(
    app: Flask, paths: dict[str, Any], schemas: dict[str, Any] | None = None
) -> None:
    """Add path items and component schemas; a path or schema named twice is a bug."""
    registry = _registry(app)
    for kind, items in (("paths", paths), ("schemas", schemas or {})):
        clash = set(items) & set(registry[kind])
        if clash:
            raise ValueError(f"OpenAPI {kind} registered twice: {sorted(clash)}")
        registry[kind].update(items)


def document(app: Flask) -> dict[str, Any]:
    """The assembled OpenAPI document."""
    registry = _registry(app)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": TITLE,
            "version": VERSION,
            "description": (
                "Read-only access to the public catalog of Chợ Quê, a marketplace for "
                "Tuyên Quang's cooperatives and OCOP products. Prices are whole đồng (VND)."
            ),
        },
        "servers": [{"url": "/"}],
        "paths": dict(sorted(registry["paths"].items())),
        "components": {"schemas": dict(sorted(registry["schemas"].items()))},
    }


@bp.get("/api/v1/openapi.json")
def openapi_json() -> ResponseReturnValue:
    """Serve the OpenAPI document."""
    return jsonify(document(current_app))


def register(app: Flask) -> None:
    """Serve the document; packages add their paths with ``register_paths``."""
    _registry(app)
    app.register_blueprint(bp)
