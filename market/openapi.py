"""The public API's OpenAPI 3.1 document, assembled from the paths each package registers.

A package describes its endpoints where it defines them, and registers them at app creation::

    from market import registry
    registry.OPENAPI_PATHS.update(app, {"/api/v1/lots/{code}": {...}})
    registry.OPENAPI_SCHEMAS.update(app, {"Lot": {...}})

and ``GET /api/v1/openapi.json`` serves everything registered (a path or schema named twice is
a bug: the registry refuses it).
"""

from typing import Any

from flask import Blueprint, Flask, current_app, jsonify
from flask.typing import ResponseReturnValue

from market import registry

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


def document(app: Flask) -> dict[str, Any]:
    """The assembled OpenAPI document."""
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
        "paths": dict(sorted(registry.OPENAPI_PATHS.all(app).items())),
        "components": {"schemas": dict(sorted(registry.OPENAPI_SCHEMAS.all(app).items()))},
    }


@bp.get("/api/v1/openapi.json")
def openapi_json() -> ResponseReturnValue:
    """Serve the OpenAPI document."""
    return jsonify(document(current_app))


def register(app: Flask) -> None:
    """Serve the document; packages add their paths and schemas through the registry."""
    registry.OPENAPI_SCHEMAS.add(app, "Error", ERROR_SCHEMA)
    app.register_blueprint(bp)
