"""Validation at submit: the endpoint's schema, then cheap checks of every file URL and the webhook.

Anything that can be told without fetching is refused here with fal's 422 shape, so a bad request
never waits in the queue. Fetching (and the DNS-based address check) happens in the worker.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import json
import math
from typing import Any
from urllib.parse import unquote_to_bytes, urlparse

from pydantic import BaseModel, ValidationError

from framecast.catalog.endpoints import Endpoint
from framecast.catalog.files import file_fields
from framecast.config import Settings
from framecast.errors import ErrorDetail, InputError
from framecast.media import field_loc
from framecast.media.addresses import AddressPolicy


def _jsonable(value: Any) -> Any:
    try:
        json.dumps(value)
        return value
    except (TypeError, ValueError):
        return str(value)


def validation_error(exc: ValidationError) -> InputError:
    details = []
    for err in exc.errors(include_url=False):
        ctx = {k: _jsonable(v) for k, v in (err.get("ctx") or {}).items()}
        details.append(ErrorDetail(("body", *err["loc"]), err["msg"], err["type"], ctx or None,
                                   _jsonable(err.get("input"))))
    return InputError(errors=tuple(details))


def parse_body(raw: bytes) -> dict[str, Any]:
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError.at(("body",), f"the body is not valid JSON: {exc}", "json_invalid") from None
    if not isinstance(data, dict):
        raise InputError.at(("body",), "the body must be a JSON object", "model_attributes_type")
    return data


def validate_input(endpoint: Endpoint, data: dict[str, Any], settings: Settings) -> BaseModel:
    try:
        model = endpoint.input_model.model_validate(data)
    except ValidationError as exc:
        raise validation_error(exc) from None
    problems = [p for field, url, _kind in file_fields(model) if (p := check_file_url(field, url, settings))]
    if problems:
        raise InputError(errors=tuple(problems), status=max(413 if p.type == "file_too_large" else 422
                                                             for p in problems))
    return model


def address_refusal(host: str, allow_private: bool, allow_loopback: bool) -> str | None:
    """Refuse what needs no DNS lookup: IP literals and localhost names (the worker checks the rest)."""
    host = host.strip("[]").lower()
    policy = AddressPolicy(allow_private=allow_private, allow_loopback=allow_loopback)
    if host == "localhost" or host.endswith(".localhost"):
        return policy.refusal(ipaddress.ip_address("127.0.0.1"))
    try:
        return policy.refusal(ipaddress.ip_address(host))
    except ValueError:
        return None


def check_file_url(field: str, url: str, settings: Settings) -> ErrorDetail | None:
    url = url.strip()
    if url.startswith("data:"):
        return _check_data_uri(field, url, settings.max_input_file_bytes)
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        return ErrorDetail(field_loc(field), f"{field}: expected an http(s) URL or a data: URI", "invalid_url",
                           input=url[:200])
    refusal = address_refusal(parsed.hostname, settings.allow_private_urls, settings.allow_loopback_urls)
    if refusal:
        return ErrorDetail(field_loc(field), f"{field}: {refusal}", "file_download_error", input=url[:200])
    return None


def _check_data_uri(field: str, url: str, max_bytes: int) -> ErrorDetail | None:
    header, sep, payload = url[5:].partition(",")
    if not sep:
        return ErrorDetail(field_loc(field), f"{field}: malformed data URI (no comma)", "invalid_data_uri")
    estimated = math.floor(len(payload) * 3 / 4) if header.endswith(";base64") else len(payload)
    if estimated > max_bytes:
        return ErrorDetail(field_loc(field), f"{field}: file is larger than the {max_bytes} byte limit",
                           "file_too_large", {"max_bytes": max_bytes})
    try:
        if header.endswith(";base64"):
            base64.b64decode(payload, validate=False)
        else:
            unquote_to_bytes(payload)
    except (binascii.Error, ValueError):
        return ErrorDetail(field_loc(field), f"{field}: the data URI is not valid base64", "invalid_data_uri")
    return None


def check_webhook_url(url: str, settings: Settings) -> None:
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise InputError.at(("query", "fal_webhook"), "fal_webhook must be an http(s) URL", "invalid_url")
    refusal = address_refusal(parsed.hostname, settings.allow_private_urls, settings.allow_loopback_urls)
    if refusal:
        raise InputError.at(("query", "fal_webhook"), f"fal_webhook: {refusal}", "invalid_url")
