"""The API's own OpenAPI 3 document, kept beside the code it describes."""
from __future__ import annotations

from flask import current_app

from debrief.api import api

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {"error": {
        "type": "object",
        "required": ["code", "message"],
        "properties": {
            "code": {"type": "string"},
            "message": {"type": "string"},
            "fields": {"type": "object", "additionalProperties": {"type": "string"}},
        },
    }},
}


def _error(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def document() -> dict:
    return {
        "openapi": "3.0.3",
        "info": {"title": "Rapid Debrief API", "version": "1",
                 "description": f"Rapid Debrief for {current_app.config['FORCE_NAME']}."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "A token from `flask --app wsgi users token EMAIL`."}},
            "schemas": {
                "Error": ERROR,
                "Me": {"type": "object", "required": ["email", "name", "roles"], "properties": {
                    "email": {"type": "string", "format": "email"},
                    "name": {"type": "string"},
                    "roles": {"type": "array", "items": {"type": "string", "enum": [
                        "reviewer", "owner", "learning", "board", "analyst", "admin"]}},
                }},
            },
        },
        "paths": {
            "/me": {"get": {
                "summary": "The user the token belongs to",
                "operationId": "getMe",
                "responses": {
                    "200": {"description": "The user",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Me"}}}},
                    "401": _error("No token, or the token is unknown, revoked or its user deactivated"),
                },
            }},
        },
    }


@api.get("/openapi.json")
def openapi_document():
    return document()
