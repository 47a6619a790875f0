"""Per-endpoint OpenAPI documents in fal's shape (``/openapi/queue/openapi.json?endpoint_id=…``)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse

from framecast.api.urls import base_url
from framecast.catalog.endpoints import ENDPOINTS, Endpoint, get_endpoint
from framecast.catalog.schema import VideoOutput

router = APIRouter(tags=["catalog"])

QUEUE_STATUS = {
    "type": "object",
    "title": "QueueStatus",
    "properties": {
        "status": {"type": "string", "enum": ["IN_QUEUE", "IN_PROGRESS", "COMPLETED"]},
        "request_id": {"type": "string", "description": "The request id."},
        "response_url": {"type": "string", "description": "The response url."},
        "status_url": {"type": "string", "description": "The status url."},
        "cancel_url": {"type": "string", "description": "The cancel url."},
        "logs": {"type": "object", "description": "The logs.", "additionalProperties": True},
        "metrics": {"type": "object", "description": "The metrics.", "additionalProperties": True},
        "queue_position": {"type": "integer", "description": "The queue position."},
        "progress": {"type": "object", "description": "framecast: step, total, stage, fraction.",
                     "additionalProperties": True},
    },
    "required": ["status", "request_id"],
}


def _fal_style(schema: dict[str, Any]) -> dict[str, Any]:
    """Add fal's x-fal-order-properties to every object schema, recursively."""
    if isinstance(schema.get("properties"), dict):
        schema["x-fal-order-properties"] = list(schema["properties"])
        for prop in schema["properties"].values():
            _fal_style(prop)
    for key in ("anyOf", "allOf", "oneOf"):
        for sub in schema.get(key, []):
            _fal_style(sub)
    if isinstance(schema.get("items"), dict):
        _fal_style(schema["items"])
    return schema


def _schemas(model: type[Any], name: str) -> dict[str, Any]:
    schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
    defs = schema.pop("$defs", {})
    out = {name: _fal_style(schema)}
    out.update({k: _fal_style(v) for k, v in defs.items()})
    return out


def endpoint_document(endpoint: Endpoint, server: str) -> dict[str, Any]:
    in_name = endpoint.input_schema_name
    out_name = "VideoOutput"
    rid = {"name": "request_id", "in": "path", "required": True, "schema": {"type": "string"},
           "description": "Request ID"}
    ok_status = {"200": {"description": "The request status.",
                         "content": {"application/json": {"schema": {"$ref": "#/components/schemas/QueueStatus"}}}}}
    prefix = f"/{endpoint.id}"
    return {
        "openapi": "3.0.4",
        "info": {
            "title": f"Queue OpenAPI for {endpoint.id}",
            "version": "1.0.0",
            "description": endpoint.description,
            "x-fal-metadata": {
                "endpointId": endpoint.id,
                "category": endpoint.category,
                "thumbnailUrl": "",
                "playgroundUrl": f"{server}/docs",
                "documentationUrl": f"{server}/docs",
            },
        },
        "components": {
            "securitySchemes": {"apiKeyAuth": {"type": "apiKey", "in": "header", "name": "Authorization",
                                               "description": "Key <key_id>:<key_secret>"}},
            "schemas": {"QueueStatus": QUEUE_STATUS, **_schemas(endpoint.input_model, in_name),
                        **_schemas(VideoOutput, out_name)},
        },
        "paths": {
            prefix: {"post": {
                "parameters": [{"name": "fal_webhook", "in": "query", "required": False,
                                "schema": {"type": "string", "format": "uri"},
                                "description": "URL that receives the result when the request completes"}],
                "requestBody": {"required": True, "content": {"application/json": {
                    "schema": {"$ref": f"#/components/schemas/{in_name}"}}}},
                "responses": {"200": {"description": "The request status.", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/QueueStatus"}}}}},
            }},
            f"{prefix}/requests/{{request_id}}/status": {"get": {
                "parameters": [rid, {"name": "logs", "in": "query", "required": False, "schema": {"type": "number"},
                                     "description": "Whether to include logs (1) or not (0)."}],
                "responses": ok_status,
            }},
            f"{prefix}/requests/{{request_id}}/cancel": {"put": {
                "parameters": [rid],
                "responses": {"200": {"description": "The request was cancelled.", "content": {"application/json": {
                    "schema": {"type": "object", "properties": {"success": {"type": "boolean"}}}}}}},
            }},
            f"{prefix}/requests/{{request_id}}": {"get": {
                "parameters": [rid],
                "responses": {"200": {"description": "Result of the request.", "content": {"application/json": {
                    "schema": {"$ref": f"#/components/schemas/{out_name}"}}}}},
            }},
        },
        "servers": [{"url": f"{server}/queue"}],
        "security": [{"apiKeyAuth": []}],
    }


@router.get("/openapi/queue/openapi.json", summary="fal-style OpenAPI document of one endpoint")
async def queue_openapi(request: Request, endpoint_id: str | None = None) -> JSONResponse:
    if endpoint_id is None:
        return JSONResponse({"endpoints": [e.id for e in ENDPOINTS]})
    endpoint = get_endpoint(endpoint_id)
    if endpoint is None:
        raise HTTPException(404, detail=f"Unknown endpoint_id {endpoint_id!r}")
    return JSONResponse(endpoint_document(endpoint, base_url(request)))
