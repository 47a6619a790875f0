"""probe_mp4 and the box scan behind its faststart flag."""

from __future__ import annotations

import struct
from fractions import Fraction
from pathlib import Path

from framecast.media.probe import probe_mp4, top_level_boxes

from .samples import video_bytes


def box(kind: bytes, payload: bytes = b"") -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def test_plain_muxer_output_is_not_faststart(tmp_path: Path) -> None:
    path = tmp_path / "plain.mp4"
    path.write_bytes(video_bytes(64, 48, 24, 12))  # PyAV's default muxing puts moov last
    probe = probe_mp4(path)
    assert not probe.faststart
    assert top_level_boxes(path).index("mdat") < top_level_boxes(path).index("moov")
    assert (probe.codec, probe.width, probe.height, probe.num_frames) == ("h264", 64, 48, 12)
    assert probe.stream_duration == Fraction(1, 2)


def test_box_sizes_64_bit_and_to_end(tmp_path: Path) -> None:
    path = tmp_path / "boxes.mp4"
    large_mdat = struct.pack(">I4sQ", 1, b"mdat", 16 + 5) + b"12345"
    path.write_bytes(box(b"ftyp", b"isom") + large_mdat + box(b"free") + struct.pack(">I4s", 0, b"moov") + b"xx")
    assert top_level_boxes(path) == ["ftyp", "mdat", "free", "moov"]


def test_corrupt_box_size_stops_the_scan(tmp_path: Path) -> None:
    path = tmp_path / "bad.mp4"
    path.write_bytes(box(b"ftyp") + struct.pack(">I4s", 4, b"moov") + b"rest")
    assert top_level_boxes(path) == ["ftyp", "moov"]
