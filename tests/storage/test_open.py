"""open_file_store: which URL makes which store."""

from __future__ import annotations

from pathlib import Path

import pytest

from framecast.storage import LocalFileStore, S3FileStore, open_file_store


def test_file_url_opens_a_local_store(tmp_path: Path) -> None:
    store = open_file_store((tmp_path / "with space").as_uri())
    assert isinstance(store, LocalFileStore)
    assert store.root == (tmp_path / "with space").resolve()
    store.put("k", b"1")
    assert (tmp_path / "with space" / "k").read_bytes() == b"1"


def test_s3_url_opens_an_s3_store() -> None:
    store = open_file_store("s3://my-bucket/some/prefix/", endpoint_url="http://127.0.0.1:9", region="eu-west-1")
    assert isinstance(store, S3FileStore)
    assert (store.bucket, store.prefix) == ("my-bucket", "some/prefix/")
    assert store.client.meta.endpoint_url == "http://127.0.0.1:9"
    assert store.client.meta.region_name == "eu-west-1"


def test_s3_url_without_prefix() -> None:
    store = open_file_store("s3://my-bucket")
    assert isinstance(store, S3FileStore)
    assert store.prefix == ""


@pytest.mark.parametrize(
    "url", ["file://server/share", "file:relative/dir", "s3:///prefix", "gs://bucket", "/plain/path", "http://x/"]
)
def test_other_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match=r"file:///|s3://bucket/prefix"):
        open_file_store(url)
