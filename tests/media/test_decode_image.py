"""decode_image on real PNG, JPEG, WebP, GIF and BMP bytes."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from framecast.errors import InputError
from framecast.media.decode import decode_image

from .samples import gif_bytes, image_bytes, png_header_only, quadrants, video_bytes

FIELD = "images.0.image_url"


def corner_colours(pixels: np.ndarray) -> list[tuple[int, ...]]:
    """The colours at the centres of the four quadrants: TL, TR, BL, BR."""
    h, w = pixels.shape[:2]
    return [
        tuple(int(v) for v in pixels[y, x])
        for y, x in ((h // 4, w // 4), (h // 4, 3 * w // 4), (3 * h // 4, w // 4), (3 * h // 4, 3 * w // 4))
    ]


RED, GREEN, BLUE, WHITE = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255)


def close(a: tuple[int, ...], b: tuple[int, ...], tolerance: int) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b, strict=True))


@pytest.mark.parametrize(
    ("format", "params", "tolerance"),
    [
        ("PNG", {}, 0),
        ("WEBP", {"lossless": True}, 0),
        ("BMP", {}, 0),
        ("JPEG", {"quality": 95}, 8),
        ("WEBP", {"quality": 90}, 12),
        ("GIF", {}, 0),
    ],
)
def test_formats(format: str, params: dict[str, object], tolerance: int) -> None:
    decoded = decode_image(image_bytes(quadrants(), format, **params), FIELD)
    assert decoded.pixels.shape == (20, 40, 3)
    assert decoded.pixels.dtype == np.uint8
    assert (decoded.width, decoded.height, decoded.field, decoded.alpha) == (40, 20, FIELD, None)
    for got, want in zip(corner_colours(decoded.pixels), [RED, GREEN, BLUE, WHITE], strict=True):
        assert close(got, want, tolerance), (got, want)


def test_animated_gif_gives_its_first_frame() -> None:
    decoded = decode_image(gif_bytes([10, 200, 90]), FIELD)
    assert np.all(decoded.pixels == 10)


@pytest.mark.parametrize(
    ("orientation", "expected"),
    [
        (1, [RED, GREEN, BLUE, WHITE]),
        (3, [WHITE, BLUE, GREEN, RED]),  # upside down
        (6, [BLUE, RED, WHITE, GREEN]),  # shown turned 90 degrees clockwise
        (8, [GREEN, WHITE, RED, BLUE]),  # shown turned 90 degrees counterclockwise
    ],
)
def test_exif_orientation_is_applied(orientation: int, expected: list[tuple[int, int, int]]) -> None:
    exif = Image.Exif()
    exif[0x0112] = orientation
    data = image_bytes(quadrants(40, 20), "JPEG", quality=95, exif=exif.tobytes())
    decoded = decode_image(data, FIELD)
    assert decoded.pixels.shape == ((20, 40, 3) if orientation in (1, 3) else (40, 20, 3))
    for got, want in zip(corner_colours(decoded.pixels), expected, strict=True):
        assert close(got, want, 8), (got, want)


def test_alpha_is_kept_and_rgb_shows_it_over_white() -> None:
    rgba = np.zeros((2, 3, 4), np.uint8)
    rgba[0, 0] = (255, 0, 0, 255)  # opaque red
    rgba[0, 1] = (255, 0, 0, 0)  # fully transparent red
    rgba[0, 2] = (0, 0, 255, 128)  # half-transparent blue
    rgba[1] = (0, 0, 0, 255)
    decoded = decode_image(image_bytes(Image.fromarray(rgba, "RGBA"), "PNG"), FIELD)
    assert decoded.alpha is not None
    assert decoded.alpha.dtype == np.uint8
    assert decoded.alpha.tolist() == [[255, 0, 128], [255, 255, 255]]
    assert decoded.pixels[0, 0].tolist() == [255, 0, 0]
    assert decoded.pixels[0, 1].tolist() == [255, 255, 255]
    assert close(tuple(decoded.pixels[0, 2].tolist()), (127, 127, 255), 1)
    assert decoded.pixels[1, 0].tolist() == [0, 0, 0]


def test_opaque_alpha_channel_counts_as_none() -> None:
    rgba = np.full((4, 4, 4), 255, np.uint8)
    assert decode_image(image_bytes(Image.fromarray(rgba, "RGBA"), "PNG"), FIELD).alpha is None


def test_palette_transparency_becomes_alpha() -> None:
    image = Image.new("P", (4, 2), 1)
    image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    image.putpixel((0, 0), 0)
    decoded = decode_image(image_bytes(image, "PNG", transparency=0), FIELD)
    assert decoded.alpha is not None
    assert decoded.alpha[0, 0] == 0 and decoded.alpha[1, 3] == 255
    assert decoded.pixels[0, 0].tolist() == [255, 255, 255]
    assert decoded.pixels[1, 3].tolist() == [255, 0, 0]


def test_webp_with_alpha() -> None:
    rgba = np.zeros((8, 8, 4), np.uint8)
    rgba[..., 1] = 200
    rgba[:, 4:, 3] = 255
    decoded = decode_image(image_bytes(Image.fromarray(rgba, "RGBA"), "WEBP", lossless=True), FIELD)
    assert decoded.alpha is not None
    assert decoded.alpha[:, :4].max() == 0 and decoded.alpha[:, 4:].min() == 255


def test_sixteen_bit_greyscale_is_scaled_not_clipped() -> None:
    grey = np.array([[0, 32768, 65535]], np.uint16)
    decoded = decode_image(image_bytes(Image.fromarray(grey), "PNG"), FIELD)
    assert decoded.pixels[0, :, 0].tolist() == [0, 128, 255]


def test_side_limit() -> None:
    assert decode_image(image_bytes(Image.new("RGB", (8192, 1)), "PNG"), FIELD).width == 8192
    with pytest.raises(InputError) as caught:
        decode_image(image_bytes(Image.new("RGB", (1, 8193)), "PNG"), FIELD)
    assert caught.value.error_type == "image_too_large"
    assert caught.value.status_code == 422
    assert "1x8193" in caught.value.message
    assert caught.value.errors[0].loc == ("body", "images", 0, "image_url")


@pytest.mark.parametrize("size", [(9000, 9000), (100_000, 100_000)])
def test_decompression_bomb_is_refused_before_decoding(size: tuple[int, int]) -> None:
    with pytest.raises(InputError) as caught:
        decode_image(png_header_only(*size), FIELD)
    assert caught.value.error_type == "image_too_large"


def truncated_png() -> bytes:
    data = image_bytes(Image.fromarray(np.random.default_rng(0).integers(0, 255, (64, 64, 3), np.uint8)), "PNG")
    return data[: len(data) // 2]


def tiff() -> bytes:
    return image_bytes(quadrants(), "TIFF")


@pytest.mark.parametrize(
    "make",
    [
        truncated_png,
        lambda: b"",
        lambda: b"hello, not an image",
        lambda: b"\x89PNG\r\n\x1a\n" + b"\0" * 50,
        lambda: video_bytes(32, 32, 24, 3),
        tiff,  # a real image, but not a format inputs may use
    ],
    ids=["truncated-png", "empty", "text", "png-magic-only", "mp4", "tiff"],
)
def test_undecodable(make: object) -> None:
    data = make()  # type: ignore[operator]
    with pytest.raises(InputError) as caught:
        decode_image(data, FIELD)
    error = caught.value
    assert (error.error_type, error.status_code) == ("image_load_error", 422)
    assert error.errors[0].loc == ("body", "images", 0, "image_url")
    assert error.message.startswith("images.0.image_url: could not decode an image (expected PNG, JPEG, WebP, GIF")


def test_pixels_are_independent_of_pillow() -> None:
    decoded = decode_image(image_bytes(quadrants(), "PNG"), FIELD)
    decoded.pixels[0, 0] = 7  # a writable array of our own, not a view into a closed image
    assert decoded.pixels[0, 0].tolist() == [7, 7, 7]


def test_bytes_io_is_not_required() -> None:
    data = image_bytes(quadrants(), "PNG")
    assert decode_image(bytes(io.BytesIO(data).getbuffer()), FIELD).width == 40


def test_camera_mpo_jpeg_decodes_its_primary_image() -> None:
    data = image_bytes(quadrants(), "MPO", save_all=True, append_images=[Image.new("RGB", (40, 20))])
    decoded = decode_image(data, FIELD)
    assert close(corner_colours(decoded.pixels)[0], RED, 8)
