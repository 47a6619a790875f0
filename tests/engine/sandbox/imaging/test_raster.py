import numpy as np

from framecast.engine.sandbox.imaging.raster import composite_u8, draw_u8
from framecast.engine.sandbox.scene import Layer


def _layers() -> list[Layer]:
    rgba = np.zeros((6, 8, 4), np.float32)
    rgba[..., 3] = 0.5
    rgba[..., 0] = 0.5  # premultiplied: half-opaque pure red
    return [Layer(rgba, 10.0, 7.0, 0.0), Layer(rgba, 30.5, 12.0, 1.0)]


def test_composite_leaves_its_base_alone_and_draw_paints_the_frame_it_is_given() -> None:
    base = np.full((20, 40, 3), 100, np.uint8)
    kept = base.copy()
    composed = composite_u8(base, _layers())
    assert np.array_equal(base, kept)
    assert not np.array_equal(composed, kept)

    frame = base.copy()
    drawn = draw_u8(frame, _layers())
    assert drawn is frame
    assert np.array_equal(drawn, composed)
    # Under a layer: half of the red over half of the grey; outside every layer: untouched.
    assert tuple(drawn[7, 10]) == (178, 50, 50)
    assert tuple(drawn[0, 0]) == (100, 100, 100)


def test_draw_clamps_layers_brighter_than_white_instead_of_wrapping() -> None:
    hot = np.zeros((4, 4, 4), np.float32)
    hot[..., :3] = 1.6  # an effect's glow may overshoot white
    hot[..., 3] = 1.0
    frame = draw_u8(np.full((8, 8, 3), 200, np.uint8), [Layer(hot, 4.0, 4.0)])
    assert (frame[2:6, 2:6] == 255).all()
    assert (frame[0, 0] == 200).all()
