"""The effect analyzer tells the sixteen Pikaffects apart, from frames alone."""

from __future__ import annotations

import sys
from dataclasses import fields, replace
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))

from effect_fixtures import make_background, make_sprite, render_effect

from framecast.engine.sandbox.effect_analysis import EffectFeatures, classify_effect, decide, effect_features
from framecast.engine.sandbox.scene import Effect

EFFECTS = [e for e in Effect if e is not Effect.NONE]
SUBJECTS = [
    ("ball", "red", "grass", 52, 52),
    ("person", "blue", "textured", 64, 40),
    ("heart", "white", "studio", 48, 56),
]


@pytest.mark.parametrize("subject", SUBJECTS, ids=lambda s: f"{s[1]}-{s[0]}-on-{s[2]}")
def test_every_effect_is_recognised(subject: tuple[str, str, str, int, int]) -> None:
    shape, colour, bg_name, h, w = subject
    sprite = make_sprite(shape, colour, h, w, seed=3)
    bg = make_background(bg_name, 144, 256, seed=3)
    wrong = {}
    for effect in EFFECTS:
        frames, mask = render_effect(effect, sprite, bg, frames=24, seed=11, cx=120.0, ground=118.0)
        got = classify_effect(frames, mask, bg)
        if got is not effect:
            wrong[effect.value] = got.value
    assert not wrong


def test_a_subject_that_stays_put_has_no_effect() -> None:
    sprite = make_sprite("box", "green", 50, 50)
    bg = make_background("grass", 144, 256)
    frames, mask = render_effect(Effect.NONE, sprite, bg, frames=12)
    assert classify_effect(frames, mask, bg) is Effect.NONE


def test_background_can_be_given_per_frame_and_as_uint8() -> None:
    sprite = make_sprite("ball", "yellow", 50, 50)
    bg = make_background("plain", 144, 256)
    frames, mask = render_effect(Effect.INFLATE, sprite, bg, frames=16)
    per_frame = np.repeat((bg * 255).astype(np.uint8)[None], len(frames), 0)
    assert classify_effect(frames, mask, per_frame) is Effect.INFLATE


@pytest.mark.parametrize("effect", [Effect.MELT, Effect.EXPLODE, Effect.LEVITATE, Effect.TEAR, Effect.SQUISH])
def test_without_a_background_it_is_estimated_from_the_first_frame(effect: Effect) -> None:
    sprite = make_sprite("ball", "red", 50, 50)
    bg = make_background("plain", 144, 256)
    frames, mask = render_effect(effect, sprite, bg, frames=20)
    assert classify_effect(frames, mask) is effect


def test_survives_lossy_noise_like_a_decoded_mp4() -> None:
    sprite = make_sprite("star", "pink", 56, 56)
    bg = make_background("grass", 144, 256)
    rng = np.random.default_rng(0)
    for effect in (Effect.CRUMBLE, Effect.DISSOLVE, Effect.PEEL, Effect.EYE_POP):
        frames, mask = render_effect(effect, sprite, bg, frames=20)
        noisy = np.clip(frames.astype(int) + rng.integers(-6, 7, frames.shape), 0, 255).astype(np.uint8)
        assert classify_effect(noisy, mask, bg) is effect, effect


def test_features_are_relative_to_the_subject() -> None:
    bg = make_background("plain", 144, 256)
    small, mask_s = render_effect(Effect.SQUISH, make_sprite("ball", "red", 30, 30), bg, frames=16)
    big, mask_b = render_effect(Effect.SQUISH, make_sprite("ball", "red", 70, 70), bg, frames=16)
    fs, fb = effect_features(small, mask_s, bg), effect_features(big, mask_b, bg)
    assert abs(fs.height_min - fb.height_min) < 0.15
    assert fs.height_min < 0.7 and fb.height_min < 0.7


def test_an_empty_subject_mask_is_an_error() -> None:
    frames = np.zeros((4, 32, 32, 3), np.uint8)
    with pytest.raises(ValueError):
        classify_effect(frames, np.zeros((32, 32), bool))


def _walking(effect: Effect, step: float, grow: float = 0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A subject walking ``step`` pixels a frame (and growing by ``grow`` over the clip) while the
    effect plays: frames, its frame-0 mask and its track (centre x, centre y, height)."""
    from framecast.engine.sandbox.effects import apply_effect
    from framecast.engine.sandbox.imaging.raster import composite, scale_sprite, to_uint8

    sprite = make_sprite("box", "red", 40, 40)
    bg = make_background("grass", 144, 256)
    frames, track = [], []
    for i in range(24):
        t = i / 23
        body = scale_sprite(sprite, 1.0 + grow * t) if grow else sprite
        cx, cy = 60.0 + step * i, 120.0 - body.shape[0] / 2
        layers = apply_effect(effect, body, cx, cy, min(max((t - 0.2) / 0.6, 0.0), 1.0), np.random.default_rng(3))
        frames.append(to_uint8(composite(bg.copy(), layers)))
        track.append((cx, cy, float(body.shape[0])))
    mask = np.zeros(bg.shape[:2], bool)
    mask[78:122, 38:82] = True
    return np.stack(frames), mask & (np.abs(frames[0].astype(int) - to_uint8(bg)).max(-1) > 30), np.asarray(track)


@pytest.mark.parametrize("effect", [Effect.TEAR, Effect.MELT, Effect.DECAPITATE])
def test_a_walking_subject_is_followed(effect: Effect) -> None:
    frames, mask, track = _walking(effect, step=4.0)
    bg = make_background("grass", 144, 256)
    assert classify_effect(frames, mask, bg) is effect  # steady drift measured from the first frames
    assert classify_effect(frames, mask, bg, track) is effect


def test_a_known_track_takes_out_growth_that_would_look_like_inflating() -> None:
    frames, mask, track = _walking(Effect.SQUISH, step=2.0, grow=0.8)
    assert classify_effect(frames, mask, make_background("grass", 144, 256), track) is Effect.SQUISH


def _features(**changes: float) -> EffectFeatures:
    """Features of a subject that stayed as it was, with ``changes`` applied."""
    base = {f.name: 0.0 for f in fields(EffectFeatures)}
    base.update(
        area_end=1.0,
        area_max=1.0,
        area_min=1.0,
        height_end=1.0,
        height_min=1.0,
        width_end=1.0,
        width_max=1.0,
        spread_max=1.0,
        pieces_max=1.0,
        pieces_end=1.0,
    )
    base.update(changes)
    return EffectFeatures(**base)


def test_decide_still_subject_is_none() -> None:
    assert decide(_features()) is Effect.NONE


def test_a_wide_tear_of_a_subject_whose_top_sank_is_still_a_tear() -> None:
    # A bird caught with its wings up in frame 0 ends lower, but its halves are far apart.
    torn = _features(halves_gap=0.7, top_rise_end=-0.37, height_end=0.69, width_end=1.75, area_end=0.93, top_lost=1.0)
    assert decide(torn) is Effect.TEAR
    # A narrow gap with a sunk top is a head beside the body, not a tear.
    assert decide(replace(torn, halves_gap=0.1)) is Effect.DECAPITATE


def test_a_joined_neighbour_is_not_read_as_the_halves_of_a_tear() -> None:
    grown = _features(halves_gap=0.3, area_end=2.5, height_end=1.0, width_end=3.6, top_rise_end=0.1)
    assert decide(grown) is not Effect.TEAR


def test_taller_and_wider_without_layers_is_inflate_not_cake() -> None:
    swollen = _features(area_end=2.4, height_end=1.57, width_end=1.57, recolour_end=0.49, top_rise_end=0.68)
    assert decide(swollen) is Effect.INFLATE
    assert decide(replace(swollen, height_end=1.0, area_end=1.4, stripes=0.07)) is Effect.CAKE_IFY


def test_a_wide_layered_cut_of_the_same_height_is_cake() -> None:
    cut = _features(area_end=1.62, height_end=1.0, width_end=2.26, width_max=2.21, recolour_end=0.46, stripes=0.1)
    assert decide(cut) is Effect.CAKE_IFY
    assert decide(replace(cut, stripes=0.0)) is not Effect.CAKE_IFY


def test_a_small_narrower_lump_in_one_piece_is_deflated_even_if_it_reads_tall() -> None:
    # Values from a deflated fish in the world's eval: the limp skin folds up and keeps some height.
    limp = _features(area_end=0.29, height_end=0.77, width_end=0.61, pieces_end=1.0, top_rise_end=-0.42)
    assert decide(limp) is Effect.DEFLATE
    assert decide(replace(limp, area_end=0.55, pieces_end=4.0, width_end=1.9)) is Effect.CRUMBLE  # a heap of bits


def test_half_torn_with_one_half_hidden_is_still_a_tear() -> None:
    torn = _features(area_end=0.63, halves_gap=0.49, height_end=1.0, top_rise_end=-0.13, top_lost=1.0)
    assert decide(torn) is Effect.TEAR
    assert decide(replace(torn, halves_gap=0.0)) is not Effect.TEAR


def test_nearly_all_new_colour_is_a_peel_even_when_a_neighbour_adds_area() -> None:
    peeled = _features(area_end=1.65, height_end=1.24, width_end=1.08, recolour_end=0.75)
    assert decide(peeled) is Effect.PEEL
    assert decide(replace(peeled, recolour_end=0.1)) is Effect.INFLATE


def test_lifted_a_little_less_but_still_up_is_levitating() -> None:
    lifted = _features(area_end=1.18, height_end=1.18, rise_end=0.74, drop_end=-0.26, pieces_max=4.0)
    assert decide(lifted) is Effect.LEVITATE
    assert decide(replace(lifted, rise_end=0.1)) is not Effect.LEVITATE


def test_a_narrow_figure_gone_under_a_wide_cloth_is_ta_da_not_an_explosion() -> None:
    # Values from a person in the world's scenes: the cloth spreads nearly three person-widths.
    vanished = _features(area_end=0.0, area_max=4.96, height_end=0.0, width_end=0.0, width_max=2.67,
                         spread_max=2.67, pieces_max=7.0, pieces_end=0.0, cloth_max=2.86, flash_max=0.01)
    assert decide(vanished) is Effect.TA_DA
    # The same spread of debris with no cloth, or with a flash, is an explosion.
    assert decide(replace(vanished, cloth_max=0.05)) is Effect.EXPLODE
    assert decide(replace(vanished, flash_max=0.2)) is Effect.EXPLODE


def _with_a_neighbour(effect: Effect) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A red box that stays where it is while the effect plays, and a blue ball that walks in from
    the right and stops against it: frames, the box's frame-0 mask, its track and the ball's."""
    from framecast.engine.sandbox.effects import apply_effect
    from framecast.engine.sandbox.imaging.raster import composite, to_uint8
    from framecast.engine.sandbox.scene import Layer

    box, ball = make_sprite("box", "red", 40, 40), make_sprite("ball", "blue", 44, 44)
    bg = make_background("grass", 144, 256)
    frames, own, theirs = [], [], []
    for i in range(24):
        t = i / 23
        layers = apply_effect(effect, box, 80.0, 100.0, min(max((t - 0.2) / 0.6, 0.0), 1.0), np.random.default_rng(3))
        bx = 200.0 - 77.0 * min(t / 0.7, 1.0)  # ends against the box's right side
        layers.append(Layer(ball, bx, 98.0, 2.0))
        frames.append(to_uint8(composite(bg.copy(), layers)))
        own.append((80.0, 100.0, 40.0))
        theirs.append((bx, 98.0, 44.0))
    mask = np.abs(frames[0].astype(int) - to_uint8(bg)).max(-1) > 30
    mask[:, 150:] = False
    return np.stack(frames), mask, np.asarray(own), np.asarray(theirs)


@pytest.mark.parametrize("effect", [Effect.TEAR, Effect.MELT, Effect.SQUISH])
def test_a_neighbour_walking_up_to_the_subject_is_not_part_of_its_effect(effect: Effect) -> None:
    frames, mask, track, neighbour = _with_a_neighbour(effect)
    bg = make_background("grass", 144, 256)
    assert classify_effect(frames, mask, bg, track) is not effect  # the ball joins the box's foreground
    assert classify_effect(frames, mask, bg, track, [neighbour]) is effect


def test_a_neighbour_alone_makes_no_effect() -> None:
    frames, mask, track, neighbour = _with_a_neighbour(Effect.NONE)
    assert classify_effect(frames, mask, make_background("grass", 144, 256), track, [neighbour]) is Effect.NONE


def test_a_subject_that_walks_out_of_the_picture_has_not_vanished() -> None:
    frames, mask, track = _walking(Effect.NONE, step=9.0)  # from x=60 off the right edge by frame 22
    assert classify_effect(frames, mask, make_background("grass", 144, 256), track) is Effect.NONE


def _grey_box_on_grey(effect: Effect) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """A grey box on a lighter grey floor, with a near-black band across its middle: the grey is the
    floor evenly darkened, as a shadow would be. Frames, frame-0 mask, background, track."""
    background = np.full((144, 256, 3), 150 / 255, np.float32)
    sprite = np.ones((40, 40, 4), np.float32)
    sprite[..., :3] = 105 / 255
    sprite[16:30, :, :3] = 30 / 255
    frames, mask = render_effect(effect, sprite, background, cx=128.0, ground=120.0)
    track = np.tile([128.0, 100.0, 40.0], (len(frames), 1))
    return frames, mask, background, track


@pytest.mark.parametrize("effect", [Effect.DECAPITATE, Effect.TEAR])
def test_a_grey_body_that_looks_like_its_own_shadow_is_measured_whole(effect: Effect) -> None:
    # Only the dark band differs from the floor by more than a shadow would: the effect is still
    # read on the whole body, not on the band.
    frames, mask, background, track = _grey_box_on_grey(effect)
    assert classify_effect(frames, mask, background, track) is effect
    assert classify_effect(frames, mask, background) is effect


def test_pieces_nearer_a_neighbour_are_left_out_and_the_rest_kept_together() -> None:
    from framecast.engine.sandbox.effect_analysis import _own_part

    parts = [np.zeros((20, 40), bool) for _ in range(3)]
    parts[0][2:8, 2:10] = True  # the subject's top
    parts[1][12:18, 2:10] = True  # its bottom, cut off by a shade-like seam
    parts[2][5:15, 28:38] = True  # the neighbour, joined by a shadow
    own = _own_part(parts, [np.array([6.0, 10.0]), np.array([33.0, 10.0])])
    assert np.array_equal(own, parts[0] | parts[1])


def test_a_finger_reaching_in_is_a_poke_even_when_the_outline_changed() -> None:
    # Values from a bird in the world's scenes: its wings ended lower than they started, so it no
    # longer kept its height, but a finger's worth of skin came in from the side.
    poked = _features(area_end=0.88, area_max=1.44, height_end=0.7, height_min=0.63, width_end=1.0,
                      width_max=2.62, spread_max=2.62, pieces_max=2.0, skin_max=0.29, recolour_end=0.09, top_lost=1.0)
    assert decide(poked) is Effect.POKE
    assert decide(replace(poked, skin_max=0.0)) is not Effect.POKE
    # A body that is nearly all a new colour was peeled, even if skin showed beside it.
    assert decide(replace(poked, recolour_end=0.8, area_end=1.0, height_end=1.0)) is Effect.PEEL


def test_a_squish_springs_back_to_its_width_and_a_melt_stays_spread() -> None:
    # Values from the world's scenes: a cat squished and back, and a spinning fish whose melt seemed
    # to come back up (its puddle stays three times as wide).
    squished = _features(area_end=1.0, area_min=0.78, height_end=0.91, height_min=0.48, height_rebound=0.83,
                         width_end=1.08, width_max=1.33, spread_max=1.33, pieces_max=2.0, recolour_end=0.13)
    assert decide(squished) is Effect.SQUISH
    melted = _features(area_end=1.05, area_max=1.27, height_end=0.55, height_min=0.24, height_rebound=0.41,
                       width_end=1.94, width_max=3.04, spread_max=3.04, top_lost=1.0, recolour_end=0.06)
    assert decide(melted) is Effect.MELT


def test_a_subject_that_doubled_with_a_trace_of_eye_pixels_inflated() -> None:
    # Values from the world's scenes: a black bird inflating while it flies closer (its own eyes,
    # grown with it, add a trace of new eye pixels), and a bird whose eyes popped.
    inflated = _features(area_end=1.84, area_max=2.04, area_min=0.82, height_end=1.31, height_min=0.62,
                         width_end=1.11, width_max=1.13, spread_max=1.31, pieces_max=2.0, eyes=0.03)
    assert decide(inflated) is Effect.INFLATE
    popped = _features(area_end=2.77, area_max=2.77, height_end=1.53, width_end=1.03, width_max=1.06,
                       spread_max=1.06, pieces_max=2.0, eyes=0.81)
    assert decide(popped) is Effect.EYE_POP
    # A small subject's eyes popping adds little area, and a little of them is enough.
    small = _features(area_end=1.07, area_max=1.07, height_end=1.0, width_end=1.0, width_max=1.0, eyes=0.06)
    assert decide(small) is Effect.EYE_POP


SKIN_TONED = (0.91, 0.77, 0.58)  # the warm-lit studio's wall, where a finger's inside barely shows


def test_a_finger_on_a_skin_toned_backdrop_is_still_seen() -> None:
    bg = np.broadcast_to(np.array(SKIN_TONED, np.float32), (144, 256, 3)).copy()
    sprite = make_sprite("box", "blue", 44, 44)
    frames, mask = render_effect(Effect.POKE, sprite, bg, frames=24, cx=100.0)
    poked = effect_features(frames, mask, bg)
    # Only the finger's rim is foreground there (its inside differs from the wall by 0.03-0.09),
    # yet the whole finger counts: about as much skin as on a plain backdrop.
    plain = make_background("plain", 144, 256)
    frames_p, mask_p = render_effect(Effect.POKE, sprite, plain, frames=24, cx=100.0)
    on_plain = effect_features(frames_p, mask_p, plain).skin_max
    assert on_plain > 0.1 and poked.skin_max >= 0.6 * on_plain
    assert poked.finger_max >= 0.8 * poked.skin_max
    still, mask_s = render_effect(Effect.NONE, sprite, bg, frames=24, cx=100.0)
    assert effect_features(still, mask_s, bg).skin_max < 0.02


def test_skin_beside_the_subject_is_a_finger_only_in_the_band_a_poke_comes_through() -> None:
    """A skin-coloured bar that reaches in from the left at the subject's middle height, or from the
    right along its bottom, is skin but not where a finger poking this subject lies."""
    from framecast.engine.sandbox.effects import SKIN
    from framecast.engine.sandbox.imaging.raster import composite, to_uint8
    from framecast.engine.sandbox.scene import Layer

    bg = make_background("grass", 144, 256)
    sprite = make_sprite("box", "red", 40, 40)
    bar = np.concatenate([np.broadcast_to(SKIN, (8, 60, 3)), np.ones((8, 60, 1), np.float32)], -1)

    def features(x: float, y: float) -> tuple[float, float]:
        frames = []
        for i in range(24):
            reach = min(max((i - 4) / 10, 0.0), 1.0)  # the bar slides in, then stays touching the box
            layers = [Layer(sprite, 120.0, 100.0, 0.0)]
            if reach > 0:
                layers.append(Layer(bar, x + (1 - reach) * (40 if x > 120 else -40), y, 1.0))
            frames.append(to_uint8(composite(bg.copy(), layers)))
        mask = np.abs(frames[0].astype(int) - to_uint8(bg)).max(-1) > 30
        f = effect_features(np.stack(frames), mask, bg)
        return f.skin_max, f.finger_max

    skin, finger = features(120.0 + 20 + 30 - 4, 100.0)  # from the right, at mid height: a poke
    assert skin > 0.1 and finger >= 0.9 * skin
    for x, y in ((120.0 - 20 - 30 + 4, 100.0), (120.0 + 20 + 30 - 4, 116.0)):
        skin, finger = features(x, y)
        assert skin > 0.1 and finger < 0.25 * skin, (x, y)
