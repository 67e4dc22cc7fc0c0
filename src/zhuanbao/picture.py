"""The pictures of items made fit to print (Pillow, imported only when an item shows a picture).

A photo from a phone is 4000 × 3000 pixels and several megabytes; printed 156 mm wide it needs no more
than 300 dpi, about 1,850 pixels across. Every picture is therefore scaled down to the pixels its printed
size needs at the style sheet's ``pictures.dpi`` (never up), photos re-encoded as JPEG at
``pictures.jpeg_quality`` and line art and screenshots kept as PNG, so a bulletin with a dozen photos stays a
few megabytes. A JPEG is re-encoded even when it is small enough, if it carries EXIF data: that is where a
phone writes the place a photo was taken (GPS), and where it says the photo is to be turned upright, which
is done here once for every reader.

The output is a function of the input bytes and the settings alone: Pillow writes no time or random value
into a JPEG or PNG unless asked, and its encoders are deterministic, so the same photo gives the same bytes
and the same media name (a digest of those bytes) on every build — a bulletin stays byte-identical.
"""

from __future__ import annotations

import hashlib
import io
import math
from dataclasses import dataclass

from .style import PictureFormat

#: the picture formats an item may show: what Word embeds and cameras, phones and screenshots write. Other
#: formats Pillow could open (and the decoders that would parse them) are not offered hostile files.
FORMATS = ("JPEG", "PNG", "GIF", "BMP", "TIFF", "WEBP")
#: pixels a picture may have: a 50-megapixel phone photo passes; a PNG that would inflate past this (a
#: decompression bomb, or a scan at absurd resolution) is refused before it is decoded
MAX_PIXELS = 64_000_000
#: what a picture's pixels are taken to be, when it says no resolution of its own (Word assumes the same)
DEFAULT_DPI = 96
#: a PNG without transparency is a photo saved as PNG when JPEG makes it this many times smaller, from this size on
PHOTO_RATIO, PHOTO_FROM_BYTES = 2, 256 * 1024
_ORIENTATION = 0x0112  # the EXIF tag saying how a camera held the photo


class PictureError(Exception):
    """A picture that cannot be printed, and why, in Chinese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Printed:
    """A picture as the document holds it: its media name (from its bytes), bytes, and printed size in points."""

    name: str
    data: bytes
    width: float
    height: float


def prepare(data: bytes, max_width: float, settings: PictureFormat) -> Printed:
    """``data`` scaled to print within ``max_width`` points and ``settings.max_height``, at its natural size
    when that is smaller (a small picture is not blown up), proportion kept; raises :class:`PictureError`."""
    image = _open(data)
    try:
        turned = _orientation(image) in (5, 6, 7, 8)
        pixels_w, pixels_h = (image.height, image.width) if turned else image.size
        dpi = _dpi(image)
        width = min(pixels_w / dpi * 72, max_width)
        height = width * pixels_h / pixels_w
        if height > settings.max_height:
            height = settings.max_height
            width = height * pixels_w / pixels_h
        target = max(1, min(pixels_w, math.ceil(width / 72 * settings.dpi)))
        if target == pixels_w and _kept_as_is(image):
            why = problem(data)  # its bytes go in undecoded: a damaged file would print as a broken picture
            if why is not None:
                raise PictureError(why)
            return Printed(_name(data, image.format), data, width, height)
        upright = _pixels(image, target, max(1, round(target * pixels_h / pixels_w)), turned)
        out, kind = _encode(upright, image.format == "JPEG",
                            round(target / (width / 72)), settings.jpeg_quality)  # fmt: skip
    finally:
        image.close()
    return Printed(_name(out, kind), out, width, height)


def problem(data: bytes) -> str | None:
    """Why ``data`` cannot be printed (not a picture, damaged, too large), or None: decoded as the build
    decodes it, at a fraction of its size where JPEG allows, so a truncated file is found too."""
    try:
        image = _open(data)
    except PictureError as exc:
        return exc.message
    try:
        image.draft(image.mode, (max(1, image.width // 8), max(1, image.height // 8)))
        image.load()
    except Exception:  # noqa: BLE001 - Pillow's decoders raise OSError, SyntaxError, ValueError, struct.error …
        return _DAMAGED
    finally:
        image.close()
    return None


_DAMAGED = "图片文件已损坏（可能没有复制完整），无法读取"


def _open(data: bytes):
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data), formats=FORMATS)
    except UnidentifiedImageError:
        raise PictureError("不是能排入专报的图片（可用 JPEG、PNG、GIF、BMP、TIFF、WebP；苹果手机的 HEIC 照片请先另存为 JPEG）") from None
    except Exception:  # noqa: BLE001 - a header Pillow recognised and could not parse
        raise PictureError(_DAMAGED) from None
    if image.width < 1 or image.height < 1 or image.width * image.height > MAX_PIXELS:
        size = f"{image.width} × {image.height}"
        image.close()
        raise PictureError(f"图片太大（{size} 像素，超过 {MAX_PIXELS // 1_000_000:,} 百万像素）：请缩小后再用")
    return image


def _orientation(image) -> int:
    try:
        return int(image.getexif().get(_ORIENTATION, 1))
    except Exception:  # noqa: BLE001 - damaged EXIF: the photo as stored
        return 1


def _dpi(image) -> float:
    """The picture's own resolution when it states a plausible one; Word's 96 otherwise (a camera's 72 dpi
    makes its photos several metres wide, which the text width caps anyway)."""
    dpi = image.info.get("dpi")
    try:
        value = float(dpi[0]) if dpi else 0.0
    except (TypeError, ValueError, IndexError):
        value = 0.0
    return value if 72 <= value <= 1200 else DEFAULT_DPI


def _kept_as_is(image) -> bool:
    """A picture already no larger than it prints, whose bytes Word, WPS and LibreOffice all show as they are:
    a JPEG without EXIF (no GPS, no turning), or a PNG."""
    if image.format == "JPEG":
        return "exif" not in image.info and image.mode in ("RGB", "L")
    return image.format == "PNG"


def _pixels(image, width: int, height: int, turned: bool):
    """The picture decoded, turned upright, in a mode every encoder takes, scaled to ``width`` × ``height``
    (``turned``: stored on its side, to be turned a quarter)."""
    from PIL import Image, ImageOps

    try:
        if image.format == "JPEG":
            image.draft(image.mode, (height, width) if turned else (width, height))  # decoded at a fraction of its size: enough pixels, quicker
        image.load()
        upright = ImageOps.exif_transpose(image)
    except Exception:  # noqa: BLE001 - see problem()
        raise PictureError(_DAMAGED) from None
    if upright.mode not in ("L", "RGB", "RGBA", "LA"):
        clear = upright.mode in ("P", "PA") and "transparency" in upright.info or upright.mode in ("PA", "RGBa", "La")
        upright = upright.convert("RGBA" if clear or "A" in upright.mode else "RGB")
    if upright.size != (width, height):
        upright = upright.resize((width, height), Image.LANCZOS)
    return upright


def _encode(image, photo: bool, dpi: int, quality: int) -> tuple[bytes, str]:
    """JPEG for a photo (and for a PNG that is one), PNG for line art and anything transparent."""
    jpeg = None
    if photo or "A" not in image.mode:
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality, optimize=True, dpi=(dpi, dpi))
        jpeg = buffer.getvalue()
        if photo:
            return jpeg, "JPEG"
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True, dpi=(dpi, dpi))
    png = buffer.getvalue()
    if jpeg is not None and len(png) >= PHOTO_FROM_BYTES and len(png) > PHOTO_RATIO * len(jpeg):
        return jpeg, "JPEG"
    return png, "PNG"


def _name(data: bytes, kind: str) -> str:
    """A media name from the bytes: the same picture has the same name (and is stored once), whatever its file."""
    return f"picture-{hashlib.sha256(data).hexdigest()[:16]}.{'jpg' if kind == 'JPEG' else 'png'}"


_SUFFIXES = ((b"\xff\xd8\xff", ".jpg"), (b"\x89PNG\r\n\x1a\n", ".png"), (b"GIF87a", ".gif"), (b"GIF89a", ".gif"),
             (b"BM", ".bmp"), (b"II*\x00", ".tif"), (b"MM\x00*", ".tif"))  # fmt: skip


def suffix_of(data: bytes) -> str | None:
    """The file name suffix of a picture in one of :data:`FORMATS`, by its first bytes; None for any other
    (EMF and WMF drawings, SVG …)."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ".webp"
    return next((suffix for magic, suffix in _SUFFIXES if data.startswith(magic)), None)


def as_shown(data: bytes, crop: tuple[float, float, float, float], turns: int) -> tuple[bytes, str] | None:
    """A submitted Word file's picture as its author saw it: cropped (left, top, right, bottom fractions)
    and turned clockwise ``turns`` quarters as Word showed it, and its file suffix; the bytes unchanged when
    there is nothing to do (or the picture cannot be decoded: ``check`` will say so); None when the
    bulletin cannot print its format."""
    suffix = suffix_of(data)
    if suffix is None:
        return None
    if not any(crop) and not turns % 4:
        return data, suffix
    from PIL import Image

    try:
        image = _open(data)
        image.load()
    except Exception:  # noqa: BLE001 - see problem()
        return data, suffix
    width, height = image.size
    box = (round(crop[0] * width), round(crop[1] * height), width - round(crop[2] * width),
           height - round(crop[3] * height))  # fmt: skip
    shown = image.crop(box) if box[2] > box[0] and box[3] > box[1] else image
    turn = {1: Image.ROTATE_270, 2: Image.ROTATE_180, 3: Image.ROTATE_90}.get(turns % 4)
    if turn is not None:
        shown = shown.transpose(turn)
    buffer = io.BytesIO()
    if image.format == "JPEG" and shown.mode in ("RGB", "L", "CMYK"):
        shown.save(buffer, "JPEG", quality=95, exif=image.info.get("exif", b""))
        return buffer.getvalue(), ".jpg"
    if shown.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
        shown = shown.convert("RGBA")
    shown.save(buffer, "PNG")
    return buffer.getvalue(), ".png"
