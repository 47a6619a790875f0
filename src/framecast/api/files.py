"""File storage, as both fal clients use it, and serving files with Range support.

- JS and the Python fallback: ``POST /rest/storage/upload/initiate`` → a signed ``upload_url`` to
  PUT the bytes to (JS sends no key there) and the ``file_url``; ``initiate-multipart`` for large
  blobs, with ``PUT {upload_url}/{n}`` and ``POST {upload_url}/complete``.
- Python's default: ``POST /rest/storage/auth/token`` → a bearer token for ``POST /cdn/files/upload``
  (and its multipart form under the returned ``access_url``).
- ``GET /files/…``: a signed path needs no key; the owner's key works without one; another key
  gets 404.
"""

from __future__ import annotations

import dataclasses
import json
import secrets
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any, BinaryIO, cast

from anyio import to_thread
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from framecast.api.auth import Principal, optional_principal, require_principal
from framecast.api.requests import services_of
from framecast.api.urls import base_url
from framecast.errors import InputError
from framecast.services import Services
from framecast.storage.base import PartInfo
from framecast.storage.signing import parse_file_path
from framecast.store import FileRecord

router = APIRouter(tags=["storage"])

CDN_TOKEN_SECONDS = 3600
UPLOAD_PREFIX = "/files/upload/"


def _not_found() -> HTTPException:
    return HTTPException(404, detail="File not found")


def _lifecycle_ttl(request: Request, default: float) -> float:
    raw = request.headers.get("x-fal-object-lifecycle") or request.headers.get("x-fal-object-lifecycle-preference")
    if not raw:
        return default
    try:
        seconds = json.loads(raw).get("expiration_duration_seconds")
    except (ValueError, AttributeError):
        raise HTTPException(400, detail="X-Fal-Object-Lifecycle must be JSON") from None
    return float(seconds) if isinstance(seconds, int | float) and seconds > 0 else default


def _new_file(services: Services, owner: str, file_name: str, content_type: str, ttl: float,
              complete: bool = False) -> FileRecord:
    file_id = secrets.token_urlsafe(16)
    safe_name = (file_name or "upload.bin").replace("/", "_")[-200:]
    now = time.time()
    return FileRecord(
        id=file_id, owner=owner, key=f"{owner}/{file_id}/{safe_name}", file_name=safe_name,
        content_type=content_type or "application/octet-stream", size=0, created_at=now,
        expires_at=now + ttl, complete=complete,
    )


async def _spool(request: Request, limit: int) -> tempfile.SpooledTemporaryFile[bytes]:
    """The request body in a temporary file; 413 past the upload limit."""
    spool: tempfile.SpooledTemporaryFile[bytes] = tempfile.SpooledTemporaryFile(  # noqa: SIM115 - caller closes
        max_size=8 * 1024**2
    )
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            spool.close()
            raise InputError.at(("body",), f"the upload is larger than the {limit} byte limit", "file_too_large",
                                status=413, max_bytes=limit)
        spool.write(chunk)
    spool.seek(0)
    return spool


async def _store_body(services: Services, request: Request, record: FileRecord) -> int:
    spool = await _spool(request, services.settings.max_upload_bytes)
    with spool:
        size = await to_thread.run_sync(services.files.put, record.key, cast(BinaryIO, spool), record.content_type)
    await to_thread.run_sync(services.store.finish_file, record.id, size)
    return size


# -- initiate / signed PUT (JS, and Python's fallback) ---------------------------------------------

async def _initiate(request: Request, principal: Principal, multipart: bool) -> JSONResponse:
    services = services_of(request)
    try:
        body = await request.json()
    except ValueError:
        body = {}
    body = body if isinstance(body, dict) else {}
    record = _new_file(services, principal.owner, str(body.get("file_name") or "upload.bin"),
                       str(body.get("content_type") or "application/octet-stream"),
                       _lifecycle_ttl(request, services.settings.file_ttl_seconds))
    if multipart:
        token = await to_thread.run_sync(services.files.begin_multipart, record.key, record.content_type)
        record = dataclasses.replace(record, upload_token=token)
    await to_thread.run_sync(services.store.add_file, record)
    base = base_url(request)
    return JSONResponse({"upload_url": base + services.signer.upload_path(record.id),
                         "file_url": base + services.signer.path(record.id, record.file_name)})


@router.post("/rest/storage/upload/initiate")
async def initiate(request: Request) -> JSONResponse:
    principal = await require_principal(request)
    return await _initiate(request, principal, multipart=False)


@router.post("/rest/storage/upload/initiate-multipart")
async def initiate_multipart(request: Request) -> JSONResponse:
    principal = await require_principal(request)
    return await _initiate(request, principal, multipart=True)


def _upload_target(services: Services, token: str) -> FileRecord:
    file_id, _, sig = token.partition(".")
    if not services.signer.verify_upload(file_id, sig):
        raise _not_found()
    record = services.store.get_file(file_id)
    if record is None or record.complete:
        raise _not_found()
    return record


async def _signed_upload(request: Request, rest: str) -> Response:
    services = services_of(request)
    token, _, tail = rest.partition("/")
    record = await to_thread.run_sync(_upload_target, services, token)
    if request.method == "PUT" and not tail:
        await _store_body(services, request, record)
        return JSONResponse({})
    if request.method == "PUT" and tail.isdigit() and record.upload_token:
        etag = await _put_part(services, request, record, int(tail))
        return JSONResponse({"partNumber": int(tail), "etag": etag}, headers={"ETag": etag})
    if request.method == "POST" and tail == "complete" and record.upload_token:
        await _complete_parts(services, request, record)
        return JSONResponse({})
    raise _not_found()


async def _put_part(services: Services, request: Request, record: FileRecord, number: int) -> str:
    spool = await _spool(request, services.settings.max_upload_bytes)
    with spool:
        data = spool.read()
    assert record.upload_token is not None
    etag: str = await to_thread.run_sync(services.files.put_part, record.key, record.upload_token, number, data)
    return etag


async def _complete_parts(services: Services, request: Request, record: FileRecord) -> None:
    try:
        body = await request.json()
        parts = [PartInfo(int(p["partNumber"]), str(p.get("etag") or p.get("ETag") or "").strip('"'))
                 for p in body["parts"]]
    except (ValueError, KeyError, TypeError):
        raise InputError.at(("body", "parts"), "expected {\"parts\": [{\"partNumber\": n, \"etag\": …}]}",
                            "invalid_parts") from None
    assert record.upload_token is not None
    try:
        size = await to_thread.run_sync(services.files.complete_multipart, record.key, record.upload_token, parts)
    except (ValueError, FileNotFoundError) as exc:
        raise InputError.at(("body", "parts"), str(exc), "invalid_parts") from None
    await to_thread.run_sync(services.store.finish_file, record.id, size)


# -- CDN token + upload (Python's default path) -----------------------------------------------------

@router.post("/rest/storage/auth/token")
async def cdn_token(request: Request) -> JSONResponse:
    principal = await require_principal(request)
    services = services_of(request)
    expires = int(time.time()) + CDN_TOKEN_SECONDS
    return JSONResponse({
        "token": services.signer.cdn_token(principal.owner, expires),
        "token_type": "Bearer",
        "base_url": base_url(request) + "/cdn",
        # fal-client parses this with datetime.fromisoformat: it must carry an explicit offset
        "expires_at": datetime.fromtimestamp(expires, UTC).isoformat(),
    })


async def _bearer_owner(request: Request) -> str:
    services = services_of(request)
    scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
    if scheme.lower() == "bearer":
        owner = services.signer.cdn_owner(token.strip())
        if owner is not None:
            return owner
    principal = await optional_principal(request)  # a plain key works here too
    if principal is None:
        raise HTTPException(401, detail="Missing or expired upload token")
    return principal.owner


async def _cdn_file(request: Request, multipart: bool) -> FileRecord:
    """The file a CDN upload creates, named and typed by its headers, owned by the token's key."""
    services = services_of(request)
    owner = await _bearer_owner(request)
    record = _new_file(services, owner, request.headers.get("x-fal-file-name") or "upload.bin",
                       request.headers.get("content-type") or "application/octet-stream",
                       _lifecycle_ttl(request, services.settings.file_ttl_seconds))
    if multipart:
        token = await to_thread.run_sync(services.files.begin_multipart, record.key, record.content_type)
        record = dataclasses.replace(record, upload_token=token)
    await to_thread.run_sync(services.store.add_file, record)
    return record


@router.post("/cdn/files/upload")
async def cdn_upload(request: Request) -> JSONResponse:
    services = services_of(request)
    record = await _cdn_file(request, multipart=False)
    await _store_body(services, request, record)
    return JSONResponse({"access_url": base_url(request) + services.signer.path(record.id, record.file_name)})


@router.post("/cdn/files/upload/multipart")
async def cdn_upload_multipart(request: Request) -> JSONResponse:
    services = services_of(request)
    record = await _cdn_file(request, multipart=True)
    return JSONResponse({"access_url": base_url(request) + services.signer.path(record.id, record.file_name),
                         "uploadId": record.id})


async def _cdn_multipart(request: Request, record: FileRecord, tail: list[str]) -> Response:
    """``{access_url}/multipart/{uploadId}/{n}`` and ``…/complete``, with the bearer token."""
    services = services_of(request)
    if await _bearer_owner(request) != record.owner or record.complete or not record.upload_token:
        raise _not_found()
    if len(tail) == 2 and tail[1].isdigit() and request.method == "PUT":
        etag = await _put_part(services, request, record, int(tail[1]))
        return JSONResponse({"partNumber": int(tail[1]), "etag": etag}, headers={"ETag": etag})
    if len(tail) == 2 and tail[1] == "complete" and request.method == "POST":
        await _complete_parts(services, request, record)
        return JSONResponse({})
    raise _not_found()


# -- serving ---------------------------------------------------------------------------------------

def _parse_range(header: str, size: int) -> tuple[int, int] | None:
    """One ``bytes=a-b`` range as (start, end) inclusive; None when unsatisfiable."""
    unit, _, spec = header.partition("=")
    if unit.strip() != "bytes" or "," in spec:
        return None
    first, _, last = spec.strip().partition("-")
    try:
        if first == "":
            length = int(last)
            if length <= 0:
                return None
            return max(0, size - length), size - 1
        start = int(first)
        end = int(last) if last else size - 1
    except ValueError:
        return None
    if start >= size or end < start:
        return None
    return start, min(end, size - 1)


async def _readable(request: Request, record: FileRecord | None, sig: str | None) -> FileRecord:
    services = services_of(request)
    if record is None or not record.complete or (record.expires_at is not None and record.expires_at < time.time()):
        raise _not_found()
    principal = await optional_principal(request)
    if principal is not None:
        if principal.owner != record.owner:
            raise _not_found()
        return record
    if services.signer.verify(record.id, sig):
        return record
    raise HTTPException(401, detail="This file needs the owner's key or a signed URL")


def _iter(services: Services, record: FileRecord, start: int, end: int) -> Iterator[bytes]:
    yield from services.files.iter_range(record.key, start, end)


async def _serve(request: Request, record: FileRecord) -> Response:
    services = services_of(request)
    size = record.size
    headers: dict[str, Any] = {
        "Accept-Ranges": "bytes",
        "Content-Disposition": f'inline; filename="{record.file_name}"',
        "Cache-Control": "private, max-age=3600",
        "ETag": f'"{record.id}-{size}"',
    }
    start, end, status = 0, size - 1, 200
    range_header = request.headers.get("range")
    if range_header and size > 0:
        parsed = _parse_range(range_header, size)
        if parsed is None:
            return Response(status_code=416, headers={"Content-Range": f"bytes */{size}"})
        start, end = parsed
        status = 206
        headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    headers["Content-Length"] = str(max(0, end - start + 1))
    if request.method == "HEAD" or size == 0:
        return Response(status_code=status, headers=headers, media_type=record.content_type)
    return StreamingResponse(_iter(services, record, start, end), status_code=status, headers=headers,
                             media_type=record.content_type)


@router.api_route("/files/{path:path}", methods=["GET", "HEAD", "PUT", "POST"], include_in_schema=False)
async def files(path: str, request: Request) -> Response:
    full = "/files/" + path
    if full.startswith(UPLOAD_PREFIX):
        return await _signed_upload(request, full[len(UPLOAD_PREFIX):])
    parsed = parse_file_path(full)
    if parsed is None:
        raise _not_found()
    file_id, sig, rest = parsed
    services = services_of(request)
    record = await services.read(services.store.get_file, file_id)
    tail = rest.split("/")
    if len(tail) >= 3 and tail[-3] == "multipart":
        if record is None or tail[-2] != record.id:
            raise _not_found()
        return await _cdn_multipart(request, record, tail[-2:])
    if request.method not in ("GET", "HEAD"):
        raise HTTPException(405, detail="Method Not Allowed")
    return await _serve(request, await _readable(request, record, sig))
