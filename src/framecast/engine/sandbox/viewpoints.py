"""Viewpoints: "a bird's-eye view of a dog" says where the camera looks from, not that a bird is there.

The generator draws every thing of the world a prompt names, and a viewpoint idiom names one: "a
bird's-eye view of a dog on the beach" drew a bird beside the dog on 10 of 10 seeds, "a fish-eye lens
shot of a dog" a fish. So, as with likenesses (:mod:`~framecast.engine.sandbox.similes`), the pipeline
leaves the idiom's noun out of what the generator reads: a word, with or without "'s", joined to
"eye" or "eyed" (by a hyphen, by nothing, or after "'s" by a space: "bird's-eye", "fish-eye",
"fisheye", "bird's eye") and followed by a word for a view ("view", "lens", "shot", "perspective",
"angle", "camera", "footage"). The view word stays: "a bird's-eye view of a dog" is read as "a view
of a dog". A drone that carries the camera is left out the same way: "a drone shot of a city street"
drew a bird on 10 of 10 seeds. No training caption has such an idiom.
"""

from __future__ import annotations

import re

__all__ = ["VIEW_WORDS", "read_viewpoints"]

_APOSTROPHES = "'\u2019"  # typed, and typeset
VIEW_WORDS = ("view", "views", "lens", "shot", "shots", "perspective", "angle", "camera", "footage")
_VIEWPOINT = re.compile(
    rf"\b([A-Za-z]+(?:[{_APOSTROPHES}]s[- ]?|-)?eyed?|drone)\s+(?={'|'.join(VIEW_WORDS)}\b)", re.IGNORECASE)


def read_viewpoints(prompt: str) -> tuple[str, list[str]]:
    """``prompt`` without its viewpoint idioms' nouns, and the idioms left out, in order."""
    found = [m.group(1) for m in _VIEWPOINT.finditer(prompt)]
    return _VIEWPOINT.sub("", prompt), found
