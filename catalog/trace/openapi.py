"""OpenAPI 3.1 description of the lot API, merged into ``/api/v1/openapi.json`` by the registry."""

_CODE = {
    "name": "code",
    "in": "path",
    "required": True,
    "description": "The lot code printed on the label (GS1 AI 10, at most 20 characters).",
    "schema": {"type": "string", "maxLength": 20},
}
_NOT_FOUND = {
    "description": "No lot has this code, or its producer is not verified yet.",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}

PATHS: dict = {
    "/api/v1/lots/{code}": {
        "get": {
            "operationId": "getLot",
            "tags": ["Traceability"],
            "summary": "A lot's origin, standing and chain of events",
            "description": "Times are ISO 8601 in Vietnam time (+07:00). A recalled lot, or one "
            "made from a recalled lot, has `recalled: true`.",
            "parameters": [_CODE],
            "responses": {
                "200": {
                    "description": "The lot.",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Lot"}}
                    },
                },
                "404": _NOT_FOUND,
            },
        }
    },
    "/api/v1/lots/{code}/epcis": {
        "get": {
            "operationId": "getLotEpcis",
            "tags": ["Traceability"],
            "summary": "The lot's chain of events as a GS1 EPCIS 2.0 document",
            "description": "ObjectEvents and TransformationEvents of the lot and of every lot it "
            "was made from, with CBV business steps and dispositions; lots are identified by "
            "their GS1 Digital Link URI, or by their short URL when the product has no GTIN.",
            "parameters": [_CODE],
            "responses": {
                "200": {
                    "description": "An EPCISDocument (JSON-LD).",
                    "content": {
                        "application/ld+json": {
                            "schema": {"$ref": "#/components/schemas/EPCISDocument"}
                        }
                    },
                },
                "404": _NOT_FOUND,
            },
        }
    },
}

_NULLABLE_STRING = {"type": ["string", "null"]}

SCHEMAS: dict = {
    "Lot": {
        "type": "object",
        "required": ["code", "url", "product", "producer", "harvestDate", "recalled", "events"],
        "properties": {
            "code": {"type": "string"},
            "url": {"type": "string", "format": "uri", "description": "Short stable page URL."},
            "digitalLink": {**_NULLABLE_STRING, "format": "uri"},
            "product": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "gtin": {**_NULLABLE_STRING, "pattern": "^[0-9]{14}$"},
                    "unit": {"type": "string"},
                },
            },
            "producer": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "verified": {"type": "boolean"}},
            },
            "harvestDate": {"type": "string", "format": "date"},
            "producedByProcessing": {"type": "boolean"},
            "quantity": {"type": "string", "description": "Decimal, in the product's unit."},
            "growingArea": {
                "type": ["object", "null"],
                "properties": {
                    "code": {"type": "string"},
                    "status": {"enum": ["active", "suspended", "cancelled"]},
                    "valid": {"type": "boolean"},
                    "crop": {"type": "string"},
                    "certification": {"enum": ["vietgap", "globalgap", "organic", None]},
                    "latitude": {"type": ["number", "null"]},
                    "longitude": {"type": ["number", "null"]},
                },
            },
            "ocop": {
                "type": ["object", "null"],
                "properties": {
                    "stars": {"type": "integer", "minimum": 3, "maximum": 5},
                    "decision": {"type": "string"},
                    "validUntil": {"type": "string", "format": "date"},
                    "valid": {"type": "boolean"},
                },
            },
            "recalled": {"type": "boolean"},
            "recall": {
                "type": ["object", "null"],
                "properties": {
                    "reason": {"type": "string"},
                    "recalledAt": {"type": "string", "format": "date-time"},
                },
            },
            "madeFrom": {"type": "array", "items": {"type": "string"}},
            "events": {"type": "array", "items": {"$ref": "#/components/schemas/LotEvent"}},
        },
    },
    "LotEvent": {
        "type": "object",
        "properties": {
            "lot": {"type": "string", "description": "This lot or one it was made from."},
            "type": {
                "enum": ["harvest", "processing", "packing", "shipping", "receiving", "selling"]
            },
            "time": {"type": "string", "format": "date-time"},
            "place": {"type": "string"},
            "bizStep": {"type": "string", "description": "GS1 CBV business step."},
            "certificate": _NULLABLE_STRING,
        },
    },
    "EPCISDocument": {
        "type": "object",
        "description": "GS1 EPCIS 2.0 JSON-LD; see https://ref.gs1.org/standards/epcis/.",
        "required": ["@context", "type", "schemaVersion", "creationDate", "epcisBody"],
        "properties": {
            "@context": {"type": "array"},
            "type": {"const": "EPCISDocument"},
            "schemaVersion": {"const": "2.0"},
            "creationDate": {"type": "string", "format": "date-time"},
            "epcisBody": {
                "type": "object",
                "properties": {"eventList": {"type": "array", "items": {"type": "object"}}},
            },
        },
    },
    "Error": {
        "type": "object",
        "properties": {
            "error": {
                "type": "object",
                "properties": {"code": {"type": "integer"}, "message": {"type": "string"}},
            }
        },
    },
}
