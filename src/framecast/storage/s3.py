"""A FileStore in an S3-compatible bucket (AWS S3, MinIO, R2, …) through boto3.

boto3 is the optional extra ``framecast[s3]`` and is imported only when a store is created.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

from framecast.storage.base import PartInfo
from framecast.storage.keys import validate_key

__all__ = ["S3FileStore"]

_MISSING = frozenset({"404", "NoSuchKey", "NotFound"})
# Errors that mean the caller's multipart request is wrong, not that S3 failed.
_BAD_MULTIPART = frozenset(
    {"InvalidPart", "InvalidPartOrder", "NoSuchUpload", "EntityTooSmall", "InvalidArgument", "MalformedXML"}
)


def _boto3() -> Any:
    try:
        import boto3
    except ImportError as exc:
        raise ImportError("S3 storage needs boto3: pip install 'framecast[s3]'") from exc
    return boto3


def _code(exc: Exception) -> str:
    response = getattr(exc, "response", None) or {}
    return str(response.get("Error", {}).get("Code", ""))


def _is_client_error(exc: Exception) -> bool:
    # Imported here: this module loads without boto3, and by now a client exists, so botocore does.
    from botocore.exceptions import ClientError

    return isinstance(exc, ClientError)


class S3FileStore:
    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str | None = None,
        client: Any = None,
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        if client is None:
            boto3 = _boto3()
            from botocore.config import Config

            # Path-style addressing is what MinIO and most self-hosted S3 servers expect.
            config = Config(s3={"addressing_style": "path"}) if endpoint_url else None
            client = boto3.client("s3", endpoint_url=endpoint_url, region_name=region, config=config)
        self.client = client

    def __repr__(self) -> str:
        return f"S3FileStore(bucket={self.bucket!r}, prefix={self.prefix!r})"

    def _key(self, key: str) -> str:
        return self.prefix + validate_key(key)

    # Whole files --------------------------------------------------------------------------------

    def put(self, key: str, data: bytes | BinaryIO, content_type: str = "application/octet-stream") -> int:
        name = self._key(key)
        if isinstance(data, bytes | bytearray | memoryview):
            self.client.put_object(Bucket=self.bucket, Key=name, Body=bytes(data), ContentType=content_type)
            return len(data)
        # upload_fileobj switches to multipart for large streams without holding them in memory.
        self.client.upload_fileobj(data, self.bucket, name, ExtraArgs={"ContentType": content_type})
        return self.size(key)

    def put_path(self, key: str, path: str, content_type: str = "application/octet-stream") -> int:
        self.client.upload_file(path, self.bucket, self._key(key), ExtraArgs={"ContentType": content_type})
        return self.size(key)

    def size(self, key: str) -> int:
        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except Exception as exc:
            raise self._translate(exc, key) from None
        return int(head["ContentLength"])

    def read(self, key: str) -> bytes:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except Exception as exc:
            raise self._translate(exc, key) from None
        body: bytes = response["Body"].read()
        return body

    def iter_range(self, key: str, start: int, end: int, chunk_size: int = 256 * 1024) -> Iterator[bytes]:
        """The GET is sent now, so a missing key or a bad range raises here rather than mid-response."""
        if start < 0 or end < start:
            raise ValueError(f"invalid byte range {start}-{end}")
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._key(key), Range=f"bytes={start}-{end}")
        except Exception as exc:
            if _is_client_error(exc) and _code(exc) == "InvalidRange":
                raise ValueError(f"byte range {start}-{end} starts past the end of {key!r}") from None
            raise self._translate(exc, key) from None
        return _stream(response["Body"], chunk_size)

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    # Multipart ----------------------------------------------------------------------------------

    def begin_multipart(self, key: str, content_type: str = "application/octet-stream") -> str:
        response = self.client.create_multipart_upload(Bucket=self.bucket, Key=self._key(key), ContentType=content_type)
        return str(response["UploadId"])

    def put_part(self, key: str, token: str, number: int, data: bytes) -> str:
        try:
            response = self.client.upload_part(
                Bucket=self.bucket, Key=self._key(key), UploadId=token, PartNumber=number, Body=data
            )
        except Exception as exc:
            raise self._translate(exc, key) from None
        # S3 quotes etags; the protocol hands them around bare, as the local store makes them.
        return str(response["ETag"]).strip('"')

    def complete_multipart(self, key: str, token: str, parts: list[PartInfo]) -> int:
        ordered = sorted(parts, key=lambda part: part.number)  # S3 refuses parts out of order
        try:
            self.client.complete_multipart_upload(
                Bucket=self.bucket,
                Key=self._key(key),
                UploadId=token,
                MultipartUpload={
                    "Parts": [{"PartNumber": p.number, "ETag": f'"{p.etag.strip(chr(34))}"'} for p in ordered]
                },
            )
        except Exception as exc:
            raise self._translate(exc, key) from None
        return self.size(key)

    def abort_multipart(self, key: str, token: str) -> None:
        try:
            self.client.abort_multipart_upload(Bucket=self.bucket, Key=self._key(key), UploadId=token)
        except Exception as exc:
            if not (_is_client_error(exc) and _code(exc) == "NoSuchUpload"):
                raise

    def _translate(self, exc: Exception, key: str) -> Exception:
        """boto3's ClientError as the exceptions the FileStore protocol promises."""
        if not _is_client_error(exc):
            return exc
        code = _code(exc)
        if code in _MISSING:
            return FileNotFoundError(key)
        if code in _BAD_MULTIPART:
            return ValueError(f"{code}: {exc}")
        return exc


def _stream(body: Any, chunk_size: int) -> Iterator[bytes]:
    try:
        yield from body.iter_chunks(chunk_size)
    finally:
        body.close()
