"""What the local store promises beyond the contract: md5 etags, atomic writes, moves."""

from __future__ import annotations

import errno
import hashlib
import io
import os
import stat
from pathlib import Path
from typing import BinaryIO, cast

import pytest

from framecast.storage import LocalFileStore
from framecast.storage.base import PartInfo


class FailingStream(io.RawIOBase):
    """Yields some bytes, then fails like a dropped upload."""

    def __init__(self) -> None:
        self.sent = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
        if self.sent >= 3 * 1024 * 1024:
            raise ConnectionResetError("client went away")
        n = min(len(buffer), 64 * 1024)
        buffer[:n] = b"z" * n
        self.sent += n
        return n


def leftovers(store: LocalFileStore) -> list[str]:
    return sorted(str(p.relative_to(store.root)) for p in (store.root / ".framecast").rglob("*") if p.is_file())


def test_root_is_created(tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path / "not" / "yet")
    store.put("x", b"1")
    assert (tmp_path / "not" / "yet" / "x").read_bytes() == b"1"


def test_failed_write_keeps_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path)
    store.put("k", b"old")
    with pytest.raises(ConnectionResetError):
        store.put("k", cast(BinaryIO, FailingStream()))
    assert store.read("k") == b"old"
    assert leftovers(store) == []


def test_stored_files_are_readable_by_others(tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path)
    store.put("k", b"data")
    assert stat.S_IMODE(os.stat(tmp_path / "k").st_mode) == 0o644


def test_put_path_moves_within_a_filesystem(tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path / "store")
    source = tmp_path / "render.mp4"
    source.write_bytes(b"frames")
    inode = source.stat().st_ino
    assert store.put_path("out/render.mp4", str(source)) == 6
    assert not source.exists()
    assert (tmp_path / "store" / "out" / "render.mp4").stat().st_ino == inode  # renamed, not copied


def test_put_path_copies_across_filesystems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = LocalFileStore(tmp_path / "store")
    source = tmp_path / "render.mp4"
    source.write_bytes(b"frames" * 1000)
    real_replace = os.replace

    def replace(src: str | Path, dst: str | Path) -> None:
        if Path(src) == source:
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    assert store.put_path("copy.mp4", str(source)) == 6000
    assert store.read("copy.mp4") == source.read_bytes()
    assert leftovers(store) == []


def test_put_path_other_errors_propagate(tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path)
    with pytest.raises(FileNotFoundError):
        store.put_path("k", str(tmp_path / "missing"))


def test_part_etag_is_md5_hex(tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path)
    token = store.begin_multipart("k")
    assert store.put_part("k", token, 1, b"hello") == hashlib.md5(b"hello").hexdigest()


def test_quoted_etags_are_accepted(tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path)
    token = store.begin_multipart("k")
    etag = store.put_part("k", token, 1, b"hello")
    assert store.complete_multipart("k", token, [PartInfo(1, f'"{etag}"')]) == 5


def test_complete_removes_the_parts(tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path)
    token = store.begin_multipart("k")
    etags = [store.put_part("k", token, n, bytes([n]) * 10) for n in (1, 2)]
    store.complete_multipart("k", token, [PartInfo(n, e) for n, e in zip((1, 2), etags, strict=True)])
    assert store.read("k") == b"\x01" * 10 + b"\x02" * 10
    assert leftovers(store) == []


def test_repeated_part_numbers_are_refused(tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path)
    token = store.begin_multipart("k")
    etag = store.put_part("k", token, 1, b"a")
    with pytest.raises(ValueError, match="repeat"):
        store.complete_multipart("k", token, [PartInfo(1, etag), PartInfo(1, etag)])


@pytest.mark.parametrize("number", [0, -1, 10_001])
def test_part_numbers_out_of_range_are_refused(tmp_path: Path, number: int) -> None:
    store = LocalFileStore(tmp_path)
    token = store.begin_multipart("k")
    with pytest.raises(ValueError):
        store.put_part("k", token, number, b"a")


def test_token_cannot_name_a_path(tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path / "store")
    (tmp_path / "store" / ".framecast" / "x").mkdir(parents=True)
    with pytest.raises(ValueError):
        store.put_part("k", "../x", 1, b"a")


def test_abort_removes_the_parts(tmp_path: Path) -> None:
    store = LocalFileStore(tmp_path)
    token = store.begin_multipart("k")
    store.put_part("k", token, 1, b"a")
    store.abort_multipart("k", token)
    assert leftovers(store) == []
