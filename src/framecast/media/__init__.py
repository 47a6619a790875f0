"""Inputs in, video out: fetching file inputs behind an SSRF guard, decoding them, encoding MP4s."""

from __future__ import annotations

from framecast.media.addresses import AddressClass, AddressPolicy
from framecast.media.decode import MAX_IMAGE_SIDE, decode_image, decode_video, sniff_kind
from framecast.media.encode import VideoInfo, encode_mp4
from framecast.media.errors import field_loc
from framecast.media.fetch import Fetched, Fetcher, LocalResolver
from framecast.media.probe import ProbeInfo, probe_mp4

__all__ = [
    "MAX_IMAGE_SIDE",
    "AddressClass",
    "AddressPolicy",
    "Fetched",
    "Fetcher",
    "LocalResolver",
    "ProbeInfo",
    "VideoInfo",
    "decode_image",
    "decode_video",
    "encode_mp4",
    "field_loc",
    "probe_mp4",
    "sniff_kind",
]
