"""The S3 store's translation of S3's answers, and its use of the bucket prefix."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from framecast.storage import S3FileStore
from framecast.storage.base import PartInfo


@pytest.fixture
def stubbed() -> Iterator[tuple[S3FileStore, Stubber]]:
    client = boto3.client("s3", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing")
    with Stubber(client) as stubber:
        yield S3FileStore("bucket", prefix="/p/", client=client), stubber
        stubber.assert_no_pending_responses()


def test_keys_live_under_the_prefix(s3_store: S3FileStore, s3_endpoint: str) -> None:
    s3_store.put("a/b.txt", b"hi")
    listing = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1").list_objects_v2(
        Bucket=s3_store.bucket
    )
    assert [item["Key"] for item in listing["Contents"]] == ["tenant/files/a/b.txt"]


def test_content_type_is_stored(s3_store: S3FileStore) -> None:
    s3_store.put("clip.mp4", b"\x00" * 10, "video/mp4")
    head = s3_store.client.head_object(Bucket=s3_store.bucket, Key="tenant/files/clip.mp4")
    assert head["ContentType"] == "video/mp4"


def test_head_404_is_file_not_found(stubbed: tuple[S3FileStore, Stubber]) -> None:
    store, stubber = stubbed
    stubber.add_client_error("head_object", service_error_code="404", http_status_code=404)
    with pytest.raises(FileNotFoundError):
        store.size("k")


def test_no_such_upload_is_value_error(stubbed: tuple[S3FileStore, Stubber]) -> None:
    store, stubber = stubbed
    stubber.add_client_error("upload_part", service_error_code="NoSuchUpload", http_status_code=404)
    with pytest.raises(ValueError, match="NoSuchUpload"):
        store.put_part("k", "token", 1, b"x")


def test_other_errors_are_not_disguised(stubbed: tuple[S3FileStore, Stubber]) -> None:
    store, stubber = stubbed
    stubber.add_client_error("get_object", service_error_code="AccessDenied", http_status_code=403)
    with pytest.raises(ClientError):
        store.read("k")


def test_abort_of_an_unknown_upload_is_quiet(stubbed: tuple[S3FileStore, Stubber]) -> None:
    store, stubber = stubbed
    stubber.add_client_error("abort_multipart_upload", service_error_code="NoSuchUpload", http_status_code=404)
    store.abort_multipart("k", "token")


def test_etags_are_bare_outside_and_quoted_for_s3(stubbed: tuple[S3FileStore, Stubber]) -> None:
    store, stubber = stubbed
    stubber.add_response(
        "upload_part",
        {"ETag": '"abc"'},
        {"Bucket": "bucket", "Key": "p/k", "UploadId": "u", "PartNumber": 2, "Body": b"x"},
    )
    stubber.add_response(
        "complete_multipart_upload",
        {},
        {
            "Bucket": "bucket",
            "Key": "p/k",
            "UploadId": "u",
            "MultipartUpload": {"Parts": [{"PartNumber": 1, "ETag": '"def"'}, {"PartNumber": 2, "ETag": '"abc"'}]},
        },
    )
    stubber.add_response("head_object", {"ContentLength": 7}, {"Bucket": "bucket", "Key": "p/k"})
    etag = store.put_part("k", "u", 2, b"x")
    assert etag == "abc"
    assert store.complete_multipart("k", "u", [PartInfo(2, etag), PartInfo(1, '"def"')]) == 7


def test_missing_boto3_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)
    with pytest.raises(ImportError, match=r"framecast\[s3\]"):
        S3FileStore("bucket")
