"""The FileStore contract, run against the local directory store and the S3 store alike."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from framecast.storage import S3FileStore
from framecast.storage.base import FileStore, PartInfo

MIB = 1024 * 1024
# S3 refuses parts under 5 MiB except the last, so multipart tests use real-sized parts.
PART = 5 * MIB


def payload(size: int, seed: int = 0) -> bytes:
    return bytes((i * 31 + seed) % 251 for i in range(251)) * (size // 251) + b"x" * (size % 251)


def test_put_bytes_then_read_and_size(store: FileStore) -> None:
    data = payload(10_000)
    assert store.put("a/b/clip.mp4", data, "video/mp4") == len(data)
    assert store.read("a/b/clip.mp4") == data
    assert store.size("a/b/clip.mp4") == len(data)


def test_put_stream_copies_everything(store: FileStore) -> None:
    data = payload(3 * MIB + 17)
    assert store.put("stream.bin", io.BytesIO(data)) == len(data)
    assert store.read("stream.bin") == data


def test_put_replaces_existing_content(store: FileStore) -> None:
    store.put("k", b"first version, longer")
    store.put("k", b"second")
    assert store.read("k") == b"second"
    assert store.size("k") == 6


def test_put_empty_file(store: FileStore) -> None:
    assert store.put("empty", b"") == 0
    assert store.read("empty") == b""
    assert store.size("empty") == 0


def test_put_path(store: FileStore, tmp_path: Path) -> None:
    source = tmp_path / "out.mp4"
    data = payload(70_000, seed=3)
    source.write_bytes(data)
    assert store.put_path("results/out.mp4", str(source), "video/mp4") == len(data)
    assert store.read("results/out.mp4") == data


def test_missing_keys_raise_file_not_found(store: FileStore) -> None:
    with pytest.raises(FileNotFoundError):
        store.size("nope")
    with pytest.raises(FileNotFoundError):
        store.read("nope")
    with pytest.raises(FileNotFoundError):
        store.iter_range("nope", 0, 10)  # raised on the call, before any byte is iterated


def test_a_key_prefix_is_not_a_file(store: FileStore) -> None:
    store.put("dir/file", b"1")
    with pytest.raises(FileNotFoundError):
        store.size("dir")


@pytest.mark.parametrize(
    ("start", "end", "chunk_size"),
    [(0, 99_999, 256 * 1024), (0, 0, 10), (10, 19, 4), (12_345, 54_321, 1000), (99_990, 99_999, 3)],
)
def test_iter_range_is_inclusive_and_chunked(store: FileStore, start: int, end: int, chunk_size: int) -> None:
    data = payload(100_000, seed=7)
    store.put("r", data)
    chunks = list(store.iter_range("r", start, end, chunk_size=chunk_size))
    assert b"".join(chunks) == data[start : end + 1]
    assert all(0 < len(chunk) <= chunk_size for chunk in chunks)


def test_iter_range_end_past_the_file_is_clamped(store: FileStore) -> None:
    store.put("r", b"0123456789")
    assert b"".join(store.iter_range("r", 5, 1000)) == b"56789"


@pytest.mark.parametrize(("start", "end"), [(10, 20), (50, 60), (-1, 3), (5, 4)])
def test_iter_range_unsatisfiable(store: FileStore, start: int, end: int) -> None:
    store.put("r", b"0123456789")
    with pytest.raises(ValueError):
        store.iter_range("r", start, end)


def test_delete(store: FileStore) -> None:
    store.put("gone", b"bytes")
    store.delete("gone")
    with pytest.raises(FileNotFoundError):
        store.read("gone")
    store.delete("gone")  # absent keys are not an error
    store.delete("never/existed")


@pytest.mark.parametrize(
    "key", ["", "/etc/passwd", "../escape", "a/../../b", "a/./b", "a//b", "trailing/", "C:/x", ".framecast/tmp/x"]
)
def test_bad_keys_are_refused_everywhere(store: FileStore, key: str) -> None:
    with pytest.raises(ValueError):
        store.put(key, b"x")
    with pytest.raises(ValueError):
        store.read(key)
    with pytest.raises(ValueError):
        store.size(key)
    with pytest.raises(ValueError):
        store.delete(key)
    with pytest.raises(ValueError):
        store.begin_multipart(key)


def test_multipart_assembles_parts_in_number_order(store: FileStore) -> None:
    first, second, last = payload(PART, 1), payload(PART, 2), payload(1234, 3)
    token = store.begin_multipart("big/upload.bin", "application/zip")
    # Uploaded and listed out of order: the part numbers decide the order.
    etag3 = store.put_part("big/upload.bin", token, 3, last)
    etag1 = store.put_part("big/upload.bin", token, 1, first)
    etag2 = store.put_part("big/upload.bin", token, 2, second)
    assert '"' not in etag1 + etag2 + etag3
    parts = [PartInfo(3, etag3), PartInfo(1, etag1), PartInfo(2, etag2)]
    size = store.complete_multipart("big/upload.bin", token, parts)
    assert size == 2 * PART + 1234
    assert store.size("big/upload.bin") == size
    assert store.read("big/upload.bin") == first + second + last


def test_multipart_retried_part_replaces_the_first_try(store: FileStore) -> None:
    token = store.begin_multipart("retry.bin")
    store.put_part("retry.bin", token, 1, b"corrupted try")
    etag = store.put_part("retry.bin", token, 1, b"good part")
    store.complete_multipart("retry.bin", token, [PartInfo(1, etag)])
    assert store.read("retry.bin") == b"good part"


def test_multipart_parts_not_listed_are_left_out(store: FileStore) -> None:
    token = store.begin_multipart("subset.bin")
    etag1 = store.put_part("subset.bin", token, 1, payload(PART, 1))
    etag2 = store.put_part("subset.bin", token, 2, b"tail")
    store.put_part("subset.bin", token, 3, b"never listed")
    assert store.complete_multipart("subset.bin", token, [PartInfo(1, etag1), PartInfo(2, etag2)]) == PART + 4
    assert store.read("subset.bin").endswith(b"tail")


def test_multipart_missing_part_is_refused(store: FileStore) -> None:
    token = store.begin_multipart("m.bin")
    etag1 = store.put_part("m.bin", token, 1, payload(PART))
    with pytest.raises(ValueError):
        store.complete_multipart("m.bin", token, [PartInfo(1, etag1), PartInfo(2, etag1)])
    with pytest.raises(FileNotFoundError):
        store.read("m.bin")


def test_multipart_wrong_etag_is_refused(store: FileStore) -> None:
    token = store.begin_multipart("m.bin")
    store.put_part("m.bin", token, 1, b"part one")
    with pytest.raises(ValueError):
        store.complete_multipart("m.bin", token, [PartInfo(1, "0" * 32)])
    with pytest.raises(FileNotFoundError):
        store.read("m.bin")


def test_multipart_with_no_parts_is_refused(store: FileStore) -> None:
    token = store.begin_multipart("m.bin")
    with pytest.raises(ValueError):
        store.complete_multipart("m.bin", token, [])


def test_multipart_abort_forgets_the_upload(store: FileStore) -> None:
    token = store.begin_multipart("m.bin")
    store.put_part("m.bin", token, 1, b"part")
    store.abort_multipart("m.bin", token)
    store.abort_multipart("m.bin", token)  # twice is harmless
    with pytest.raises(FileNotFoundError):
        store.read("m.bin")


def _skip_on_moto(store: FileStore) -> None:
    if isinstance(store, S3FileStore):
        # S3 answers NoSuchUpload (tests/storage/test_s3.py checks that it becomes ValueError); moto
        # raises a KeyError and answers 500 instead.
        pytest.skip("moto answers parts of unknown uploads with HTTP 500")


def test_multipart_aborted_upload_takes_no_more_parts(store: FileStore) -> None:
    _skip_on_moto(store)
    token = store.begin_multipart("m.bin")
    etag = store.put_part("m.bin", token, 1, b"part")
    store.abort_multipart("m.bin", token)
    with pytest.raises(ValueError):
        store.put_part("m.bin", token, 2, b"late part")
    with pytest.raises(ValueError):
        store.complete_multipart("m.bin", token, [PartInfo(1, etag)])


def test_multipart_unknown_token_is_refused(store: FileStore) -> None:
    _skip_on_moto(store)
    with pytest.raises(ValueError):
        store.put_part("m.bin", "not-a-token", 1, b"x")


def test_multipart_token_belongs_to_its_key(store: FileStore) -> None:
    _skip_on_moto(store)
    token = store.begin_multipart("one.bin")
    with pytest.raises(ValueError):
        store.put_part("other.bin", token, 1, b"x")


def test_stream_put_of_a_file_object(store: FileStore, tmp_path: Path) -> None:
    source = tmp_path / "src.bin"
    source.write_bytes(os.urandom(200_000))
    with source.open("rb") as file:
        assert store.put("from-file", file) == 200_000
    assert store.read("from-file") == source.read_bytes()
