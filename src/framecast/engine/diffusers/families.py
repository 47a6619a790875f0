"""The registry of model families, keyed by the ``family`` value of a models file."""

from __future__ import annotations

from framecast.engine.diffusers.cogvideox import CogVideoXFamily
from framecast.engine.diffusers.family import Family, Variant
from framecast.engine.diffusers.ltx import LtxFamily
from framecast.engine.diffusers.wan import WanFamily

FAMILIES: dict[str, Family] = {f.name: f for f in (WanFamily(), LtxFamily(), CogVideoXFamily())}


def all_variants() -> list[Variant]:
    return [v for family in FAMILIES.values() for v in family.variants.values()]
