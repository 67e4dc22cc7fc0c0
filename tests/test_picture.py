"""zhuanbao.picture: an item's picture made fit to print — scaled to the pixels its printed size needs,
recompressed, turned upright, stripped of EXIF — and the same bytes every time."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from PIL import Image

from tests.photos import line_art, photo
from zhuanbao.picture import MAX_PIXELS, PictureError, as_shown, prepare, problem
from zhuanbao.style import MM, PictureFormat

SETTINGS = PictureFormat(max_height=120 * MM, dpi=300, jpeg_quality=85)
TEXT_WIDTH = 156 * MM


def opened(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data))


def test_a_camera_photo_is_scaled_to_300_dpi_at_the_text_width_and_recompressed():
    original = photo()
    printed = prepare(original, TEXT_WIDTH, SETTINGS)
    assert printed.width == pytest.approx(TEXT_WIDTH) and printed.height == pytest.approx(TEXT_WIDTH * 3 / 4)
    with opened(printed.data) as image:
        assert image.format == "JPEG"
        assert image.width == round(156 / 25.4 * 300) + 1 or image.width == round(156 / 25.4 * 300)  # 1843 pixels
        assert abs(image.width / image.height - 4 / 3) < 0.002  # proportion kept
        assert image.info["dpi"] == pytest.approx((300, 300), abs=1)
    assert len(printed.data) < len(original) / 5  # several megabytes to a few hundred kilobytes
    assert printed.name.startswith("picture-") and printed.name.endswith(".jpg")


def test_a_small_picture_is_not_blown_up_and_kept_as_it_is():
    small = line_art(300, 200)  # no resolution of its own: 96 dpi, as Word takes it
    printed = prepare(small, TEXT_WIDTH, SETTINGS)
    assert printed.data == small
    assert printed.width == pytest.approx(300 / 96 * 72) and printed.height == pytest.approx(200 / 96 * 72)
    assert printed.name.endswith(".png")
    own = line_art(300, 200, dpi=150)  # a picture saying its resolution prints at it
    assert prepare(own, TEXT_WIDTH, SETTINGS).width == pytest.approx(300 / 150 * 72, rel=1e-3)


def test_a_tall_picture_is_held_to_the_maximum_height_in_proportion():
    tall = photo(1080, 2400)  # a phone screenshot of a chat
    printed = prepare(tall, TEXT_WIDTH, SETTINGS)
    assert printed.height == pytest.approx(120 * MM)
    assert printed.width == pytest.approx(120 * MM * 1080 / 2400)
    with opened(printed.data) as image:
        assert image.height == pytest.approx(120 / 25.4 * 300, abs=2)


def test_line_art_stays_png_and_a_photo_saved_as_png_becomes_jpeg():
    big_drawing = line_art(4000, 2000)
    printed = prepare(big_drawing, TEXT_WIDTH, SETTINGS)
    with opened(printed.data) as image:
        assert image.format == "PNG" and image.width < 4000
    with opened(photo(3000, 2000)) as image:
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
    with opened(prepare(buffer.getvalue(), TEXT_WIDTH, SETTINGS).data) as image:
        assert image.format == "JPEG"
    transparent = Image.new("RGBA", (3000, 2000), (255, 0, 0, 0))
    buffer = io.BytesIO()
    transparent.save(buffer, "PNG")
    with opened(prepare(buffer.getvalue(), TEXT_WIDTH, SETTINGS).data) as image:
        assert image.format == "PNG" and image.mode == "RGBA"


def test_a_photo_held_sideways_is_turned_upright_and_its_gps_dropped():
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was turned: show it turned a quarter clockwise
    exif[0x8825] = {1: "N", 2: (28.0, 15.0, 0.0)}  # where it was taken
    sideways = photo(800, 600, exif=exif.tobytes())
    printed = prepare(sideways, TEXT_WIDTH, SETTINGS)
    assert printed.height > printed.width  # 600 × 800 as shown
    with opened(printed.data) as image:
        assert image.height > image.width
        assert "exif" not in image.info and 0x8825 not in image.getexif()


def test_the_same_picture_gives_the_same_bytes_in_another_process():
    program = (
        "import sys, hashlib; from tests.photos import photo, line_art; from zhuanbao.picture import prepare;"
        "from zhuanbao.style import MM, PictureFormat; s = PictureFormat(120 * MM, 300, 85);"
        "print(hashlib.sha256(prepare(photo(), 156 * MM, s).data).hexdigest(),"
        " hashlib.sha256(prepare(line_art(4000, 2000), 156 * MM, s).data).hexdigest())"
    )
    runs = {subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True).stdout
            for _ in range(2)}  # fmt: skip
    assert len(runs) == 1
    here = prepare(photo(), TEXT_WIDTH, SETTINGS)
    assert here.data == prepare(photo(), TEXT_WIDTH, SETTINGS).data
    import hashlib

    assert hashlib.sha256(here.data).hexdigest() == runs.pop().split()[0]


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"not a picture at all", "不是能排入专报的图片"),
        (b"\x00\x00\x00\x18ftypheic" + b"\x00" * 64, "HEIC"),
        (photo(800, 600)[:5000], "已损坏"),  # copied only in part
        (line_art(300, 200)[:200], "已损坏"),
    ],
)
def test_what_cannot_be_printed_is_said(data, fragment):
    assert fragment in problem(data)


def test_a_picture_of_too_many_pixels_is_refused_before_it_is_decoded():
    side = int(MAX_PIXELS**0.5) + 100
    buffer = io.BytesIO()
    Image.new("1", (side, side)).save(buffer, "PNG")  # a few kilobytes that would inflate to gigabytes
    assert "图片太大" in problem(buffer.getvalue())
    assert problem(photo(800, 600)) is None


def test_a_word_pictures_crop_and_turn_are_applied_as_the_author_saw_them():
    data, suffix = as_shown(line_art(400, 200), (0.25, 0.0, 0.25, 0.0), 1)  # the middle half, turned clockwise
    with opened(data) as image:
        assert suffix == ".png" and image.size == (200, 200)
    data, suffix = as_shown(photo(800, 600), (0.0, 0.0, 0.0, 0.5), 0)
    with opened(data) as image:
        assert suffix == ".jpg" and image.size == (800, 300)
    assert as_shown(photo(800, 600), (0, 0, 0, 0), 0) == (photo(800, 600), ".jpg")  # nothing to do: as sent
    assert as_shown(b"\x01\x00\x00\x00 EMF drawing", (0, 0, 0, 0), 0) is None


def test_a_damaged_picture_small_enough_to_keep_as_it_is_is_refused_not_passed_on():
    with pytest.raises(PictureError, match="已损坏"):
        prepare(photo(800, 600)[:3000], TEXT_WIDTH, SETTINGS)
