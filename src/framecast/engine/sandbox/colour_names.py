"""Colour names the generator never read in training, glossed with the world colour they look like.

The generator knows a colour word through the frozen text encoder, whose embeddings of words no
caption used ("fuchsia", "bluish", "mahogany") often sit nearer an unrelated word than the colour
they name (``benchmarks/sandbox_text_ceiling.py``). What a colour name means is not a matter of
language, though, but of how the colour looks, and people have written that down: the xkcd colour
survey names 949 colours with their sRGB values (``weights/xkcd_colours.tsv``).

So before a prompt is encoded, a word that is a colour name in the survey but no training phrase
uses is followed by the basic name of the nearest world colour ("a fuchsia ball" is read as "a
fuchsia pink ball"). "Nearest" is decided by the training colour words themselves: each one the
survey also names is a labelled point in CIE Lab, and the unknown colour takes the label of the
closest. Training captions are never changed (every word they use is known), so the generator is
the same; only what it is shown of an unknown colour word is.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from framecast.engine.sandbox import words as w
from framecast.engine.sandbox.analyzers.subjects import lab
from framecast.engine.sandbox.gloss import Gloss, Reading, training_words
from framecast.engine.sandbox.scene import Colour
from framecast.errors import ConfigurationError

__all__ = ["SURVEY_PATH", "ColourGloss", "build_gloss", "colour_gloss", "load_survey"]

SURVEY_PATH = Path(__file__).with_name("weights") / "xkcd_colours.tsv"

_ENTRY = re.compile(r"([^\t]+)\t#([0-9a-fA-F]{6})")


def load_survey(path: Path) -> dict[str, npt.NDArray[np.float32]]:
    """name -> sRGB in [0, 1], from lines of ``name<TAB>#rrggbb``."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigurationError(f"the colour survey {path} cannot be read ({exc}); reinstall framecast") from exc
    names: dict[str, npt.NDArray[np.float32]] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        match = _ENTRY.fullmatch(line)
        if match is None:
            raise ConfigurationError(f"the colour survey {path} is damaged at line {number}: {line[:60]!r}; "
                                     "reinstall framecast")
        value = int(match.group(2), 16)
        names[match.group(1)] = np.array([(value >> 16) & 255, (value >> 8) & 255, value & 255], np.float32) / 255.0
    return names


ColourGloss = Gloss[Colour]


def build_gloss(survey: dict[str, npt.NDArray[np.float32]], known: set[str]) -> ColourGloss:
    """The gloss for the survey's names that are not in ``known``, labelled by the nearest (in Lab)
    survey colour among the training colour words."""
    points: list[npt.NDArray[np.float32]] = []
    labels: list[Colour] = []
    for colour, synonyms in w.COLOUR.items():
        for phrase in synonyms.train:
            rgb = survey.get(phrase.lower().replace("-", " "))
            if rgb is not None:
                points.append(lab(rgb))
                labels.append(colour)
    if not points:
        return Gloss({})
    reference = np.stack(points)
    meanings: dict[str, Reading[Colour]] = {}
    for name, rgb in survey.items():
        if " " in name or name in known:
            continue  # one word, and one no caption taught: "royal purple" already says purple
        nearest = int(np.argmin(((reference - lab(rgb)) ** 2).sum(-1)))
        meanings[name] = Reading(labels[nearest], labels[nearest].value)
    return Gloss(meanings)


@cache
def colour_gloss(path: Path = SURVEY_PATH) -> ColourGloss:
    """The gloss for the shipped survey and the shipped training vocabulary (built once)."""
    return build_gloss(load_survey(path), training_words())
