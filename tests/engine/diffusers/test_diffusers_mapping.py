"""Request -> legal model size/length -> exact output, for every family's rules."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest
import torch

from framecast.catalog.endpoints import Task
from framecast.catalog.schema import AspectRatio, Resolution
from framecast.engine.diffusers.families import all_variants
from framecast.engine.diffusers.family import Constraints
from framecast.engine.diffusers.mapping import legal_frames, nearest_size, plan, resample, resolution_area
from framecast.engine.spec import output_size
from framecast.engine.types import GenerationSpec

MakeSpec = Callable[..., GenerationSpec]
VARIANTS = {v.label: v for v in all_variants()}


def test_native_sizes_come_out_exactly() -> None:
    assert nearest_size(16 / 9, 1280 * 720, 16) == (1280, 720)
    assert nearest_size(9 / 16, 1280 * 720, 16) == (720, 1280)
    assert nearest_size(1.0, 512 * 512, 32) == (512, 512)


@pytest.mark.parametrize("label", sorted(VARIANTS))
@pytest.mark.parametrize("ratio", list(AspectRatio))
def test_every_aspect_ratio_maps_to_a_legal_size_close_in_shape_and_area(
    label: str, ratio: AspectRatio, make_spec: MakeSpec
) -> None:
    constraints = VARIANTS[label].constraints
    width, height = output_size(ratio, Resolution.P1080)
    spec = make_spec(Task.TEXT_TO_VIDEO, width=width, height=height, fps=24, num_frames=120)
    for resolution in constraints.areas:
        p = plan(spec, constraints, resolution)
        if constraints.fixed_size:
            assert (p.gen_width, p.gen_height) == constraints.fixed_size
            continue
        m = constraints.size_multiple
        assert p.gen_width % m == 0 and p.gen_height % m == 0
        assert abs(math.log((p.gen_width / p.gen_height) / (width / height))) < 0.05
        area = resolution_area(resolution, constraints)
        assert 0.8 * area <= p.gen_width * p.gen_height <= 1.02 * area


@pytest.mark.parametrize(
    ("label", "seconds", "frames", "fps"),
    [
        ("wan/t2v-14b", 5, 81, 16),
        ("wan/ti2v-5b", 5, 121, 24),
        ("ltx/ltx", 5, 121, 24),
        ("cogvideox/5b", 5, 41, 8),
        ("wan/t2v-1.3b", 1, 17, 16),
    ],
)
def test_duration_becomes_legal_frames_at_native_fps(
    label: str, seconds: int, frames: int, fps: int, make_spec: MakeSpec
) -> None:
    spec = make_spec(Task.TEXT_TO_VIDEO, width=1280, height=720, fps=24, num_frames=24 * seconds)
    p = plan(spec, VARIANTS[label].constraints)
    assert (p.gen_frames, p.gen_fps, p.stretched) == (frames, fps, False)
    assert p.gen_frames / p.gen_fps >= seconds


def test_longer_than_max_frames_is_stretched_to_keep_the_duration(make_spec: MakeSpec) -> None:
    spec = make_spec(Task.TEXT_TO_VIDEO, width=1280, height=720, fps=24, num_frames=240)  # 10 s
    p = plan(spec, VARIANTS["wan/t2v-14b"].constraints)
    assert p.gen_frames == 81 and p.stretched
    assert p.gen_frames / p.gen_fps == pytest.approx(10.0)


def test_overrides_of_fps_resolution_and_max_frames(make_spec: MakeSpec) -> None:
    spec = make_spec(Task.TEXT_TO_VIDEO, width=1280, height=720, fps=24, num_frames=120)
    p = plan(spec, VARIANTS["wan/t2v-14b"].constraints, resolution="480p", fps=24, max_frames=200)
    assert (p.gen_width, p.gen_height) == (848, 480)
    assert p.gen_frames == 121


def test_legal_frames() -> None:
    assert legal_frames(80, 4, 81) == 81
    assert legal_frames(81, 4, 81) == 81
    assert legal_frames(82, 4, 81) == 81
    assert legal_frames(1, 8, 257) == 1
    assert legal_frames(120, 8, 257) == 121


def test_bad_resolution_is_named() -> None:
    constraints = Constraints(4, 16, 16, 81, {"480p": 1}, "480p")
    with pytest.raises(Exception, match="'4k' is not one of 480p"):
        resolution_area("4k", constraints)


def numbered_frames(n: int, height: int = 8, width: int = 8) -> torch.Tensor:
    """Frame i is uniformly i/255: resampled values say which source frames were used."""
    return (torch.arange(n, dtype=torch.float32) / 255).view(n, 1, 1, 1).expand(n, 3, height, width).clone()


def collect(chunks: object) -> np.ndarray:
    return np.concatenate(list(chunks))  # type: ignore[call-overload]


def test_resample_nearest_picks_the_frame_at_each_output_time() -> None:
    out = collect(resample(numbered_frames(17), 16, 24, 24, 8, 8, "nearest"))
    assert out.shape == (24, 8, 8, 3)
    expected = np.clip(np.rint(np.arange(24) / 24 * 16), 0, 16)
    assert np.array_equal(out[:, 0, 0, 0], expected)


def test_resample_linear_blends_neighbours() -> None:
    out = collect(resample(numbered_frames(3) * 100, 1, 2, 4, 8, 8, "linear"))
    assert out[:, 0, 0, 0].tolist() == [0, 50, 100, 150]


def test_resample_covers_and_centre_crops_without_distortion() -> None:
    frame = torch.zeros(1, 3, 20, 40)
    frame[:, :, :, 10:30] = 1.0  # a white middle half on black sides
    out = collect(resample(frame, 8, 8, 1, 20, 20, "nearest"))
    assert out.shape == (1, 20, 20, 3)
    assert (out[0, :, 2:18] > 250).all()  # the crop kept the centre: white edge to edge


def test_resample_upscales_to_an_exact_odd_size() -> None:
    out = collect(resample(numbered_frames(5, 16, 16), 8, 24, 7, 33, 21, "linear"))
    assert out.shape == (7, 21, 33, 3) and out.dtype == np.uint8
