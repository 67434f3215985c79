"""The OpenAPI description of the search API (paths and schemas for ``market.openapi``)."""

from catalog import listing
from catalog.models import Certification
from catalog.search.params import MAX_PAGE, MAX_PER_PAGE, MAX_QUERY_LENGTH, SORTS
from market import places

ERROR = {"$ref": "#/components/schemas/Error"}
BAD_REQUEST = {
    "description": "A parameter is not valid; `error.fields` names each one with a message.",
    "content": {"application/json": {"schema": ERROR}},
}
TOO_MANY = {
    "description": "Too many requests; wait a moment.",
    "content": {"application/json": {"schema": ERROR}},
}


def _query(name: str, description: str, schema: dict) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": schema,
    }


SEARCH_PARAMETERS = [
    _query(
        "q",
        "Words to look for, with or without diacritics; typos are tolerated.",
        {"type": "string", "maxLength": MAX_QUERY_LENGTH, "examples": ["cam sanh ham yen"]},
    ),
    _query(
        "group",
        "An OCOP product group or sub-group slug (its products and those beneath it).",
        {"type": "string", "examples": ["i-thuc-pham"]},
    ),
    _query(
        "area",
        "An area of origin: a former district of Tuyên Quang or Hà Giang, by slug.",
        {"type": "string", "enum": [a.slug for a in places.areas()]},
    ),
    _query(
        "commune",
        "An official commune or ward code of Tuyên Quang (2025 units).",
        {"type": "string", "examples": ["02302"]},
    ),
    _query(
        "min_stars", "Current OCOP stars at least.", {"type": "integer", "minimum": 3, "maximum": 5}
    ),
    _query(
        "cert",
        "A certification held.",
        {"type": "string", "enum": [c.value for c in Certification]},
    ),
    _query(
        "price_min",
        "Lowest price in đồng, inclusive.",
        {"type": "integer", "minimum": 0, "maximum": listing.MAX_PRICE},
    ),
    _query(
        "price_max",
        "Highest price in đồng, inclusive.",
        {"type": "integer", "minimum": 0, "maximum": listing.MAX_PRICE},
    ),
    _query(
        "in_stock",
        "1 for products in stock only.",
        {"type": "string", "enum": ["0", "1", "true", "false", "on"]},
    ),
    _query(
        "sort",
        "Order of the items; `relevance` (the default with words) or, without words, "
        "`newest` (the default).",
        {"type": "string", "enum": list(SORTS)},
    ),
    _query(
        "page", "Page number.", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1}
    ),
    _query(
        "per_page",
        "Items per page.",
        {"type": "integer", "minimum": 1, "maximum": MAX_PER_PAGE, "default": 24},
    ),
]

FACET_OPTION = {
    "type": "object",
    "required": ["value", "label", "count"],
    "properties": {
        "value": {
            "description": "The value to pass back in the facet's parameter "
            "(for price, the index of the bucket: see price_min/price_max).",
            "type": ["string", "integer"],
        },
        "label": {"type": "string"},
        "count": {"type": "integer", "minimum": 0},
    },
}

SCHEMAS = {
    "ProductItem": {
        "type": "object",
        "required": [
            "id",
            "slug",
            "name",
            "price",
            "currency",
            "unit",
            "in_stock",
            "producer",
            "area",
            "commune",
            "stars",
            "thumbnail_url",
            "url",
        ],
        "properties": {
            "id": {"type": "integer"},
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "price": {"type": "integer", "description": "Whole đồng per unit."},
            "currency": {"type": "string", "const": "VND"},
            "unit": {"type": "string"},
            "in_stock": {"type": "boolean"},
            "producer": {
                "type": "object",
                "required": ["name", "slug", "url"],
                "properties": {
                    "name": {"type": "string"},
                    "slug": {"type": "string"},
                    "url": {"type": "string", "format": "uri"},
                },
            },
            "area": {
                "type": "object",
                "required": ["slug", "name"],
                "properties": {
                    "slug": {"type": ["string", "null"]},
                    "name": {"type": "string"},
                },
            },
            "commune": {
                "type": "object",
                "required": ["code", "name"],
                "properties": {"code": {"type": ["string", "null"]}, "name": {"type": "string"}},
            },
            "stars": {
                "type": ["integer", "null"],
                "minimum": 3,
                "maximum": 5,
                "description": "Current (unexpired) OCOP stars, or null.",
            },
            "thumbnail_url": {"type": ["string", "null"], "format": "uri"},
            "url": {"type": "string", "format": "uri"},
        },
    },
    "FacetOption": FACET_OPTION,
    "ProductSearch": {
        "type": "object",
        "required": [
            "query",
            "sort",
            "page",
            "per_page",
            "total",
            "items",
            "facets",
            "did_you_mean",
        ],
        "properties": {
            "query": {"type": "string"},
            "sort": {"type": "string", "enum": list(SORTS)},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "total": {"type": "integer", "description": "How many products match in all."},
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/ProductItem"}},
            "facets": {
                "type": "object",
                "description": "Counts per facet; each facet ignores its own filter.",
                "additionalProperties": {
                    "type": "array",
                    "items": {"$ref": "#/components/schemas/FacetOption"},
                },
            },
            "did_you_mean": {
                "type": ["string", "null"],
                "description": "A query likely to find more (typos fixed or fewer words).",
            },
        },
    },
    "Suggestions": {
        "type": "object",
        "required": ["query", "suggestions", "search_url"],
        "properties": {
            "query": {"type": "string"},
            "search_url": {"type": "string"},
            "suggestions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "name", "highlight", "producer", "url"],
                    "properties": {
                        "id": {"type": "integer"},
                        "name": {"type": "string"},
                        "producer": {"type": "string"},
                        "url": {"type": "string"},
                        "highlight": {
                            "type": "array",
                            "description": "The name in runs; `match` marks matched words.",
                            "items": {
                                "type": "object",
                                "required": ["text", "match"],
                                "properties": {
                                    "text": {"type": "string"},
                                    "match": {"type": "boolean"},
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}

PATHS = {
    "/api/v1/products": {
        "get": {
            "operationId": "searchProducts",
            "summary": "Search the public catalog",
            "description": "Active products of verified producers, ranked for the words in "
            "`q` (Vietnamese with or without diacritics, typos tolerated), filtered, sorted and "
            "paginated, with facet counts and a did-you-mean suggestion.",
            "tags": ["catalog"],
            "parameters": SEARCH_PARAMETERS,
            "responses": {
                "200": {
                    "description": "A page of results.",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/ProductSearch"}
                        }
                    },
                },
                "400": BAD_REQUEST,
                "429": TOO_MANY,
            },
        }
    },
    "/api/v1/suggest": {
        "get": {
            "operationId": "suggestProducts",
            "summary": "Suggestions as you type",
            "description": "Up to 8 products whose words start with what was typed so far.",
            "tags": ["catalog"],
            "parameters": [
                {
                    "name": "q",
                    "in": "query",
                    "required": True,
                    "description": "What the shopper has typed so far.",
                    "schema": {
                        "type": "string",
                        "minLength": 1,
                        "maxLength": MAX_QUERY_LENGTH,
                        "examples": ["mien d"],
                    },
                }
            ],
            "responses": {
                "200": {
                    "description": "Suggestions, best first.",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Suggestions"}}
                    },
                },
                "400": BAD_REQUEST,
                "429": TOO_MANY,
            },
        }
    },
}
