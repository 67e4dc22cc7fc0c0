"""Pictures made here for the tests of pictures: a camera-sized photo, line art, and a Word submission with both."""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=4)
def photo(width: int = 4000, height: int = 3000, exif: bytes | None = None) -> bytes:
    """A JPEG as a phone takes it: full of fine detail (noise over gradients), quality 92, a few megabytes;
    the same bytes every time (the noise is seeded)."""
    import random

    from PIL import Image, ImageChops

    gradient = Image.linear_gradient("L").resize((width, height))
    noise = Image.frombytes("L", (width, height), random.Random(width * height).randbytes(width * height))
    detail = ImageChops.add(gradient.point(lambda v: v * 3 // 4), noise.point(lambda v: v // 4))
    image = Image.merge("RGB", (gradient, detail, gradient.transpose(Image.FLIP_LEFT_RIGHT)))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92, **({"exif": exif} if exif else {}))
    return buffer.getvalue()


@lru_cache(maxsize=4)
def line_art(width: int = 300, height: int = 200, dpi: int | None = None) -> bytes:
    """A small PNG drawing: a black frame and a diagonal on white."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle([10, 10, width - 11, height - 11], outline="black", width=3)
    draw.line([10, 10, width - 11, height - 11], fill="black", width=3)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", **({"dpi": (dpi, dpi)} if dpi else {}))
    return buffer.getvalue()


def word_file(path: Path, *paragraphs: str | tuple) -> Path:
    """A .docx of ``paragraphs``: text; ("picture", bytes) or ("picture", bytes, width in mm) for a picture in a
    paragraph of its own; (style, text) for a paragraph in that Word style."""
    import docx
    from docx.shared import Mm

    document = docx.Document()
    for paragraph in paragraphs:
        if isinstance(paragraph, str):
            document.add_paragraph(paragraph)
        elif paragraph[0] == "picture":
            width = Mm(paragraph[2]) if len(paragraph) > 2 else None
            document.add_paragraph().add_run().add_picture(io.BytesIO(paragraph[1]), width=width)
        else:
            document.add_paragraph(paragraph[1], style=paragraph[0])
    document.save(path)
    return path


def submission(path: Path) -> Path:
    """A Word submission as a unit sends it: a title, text, a large photo captioned "图1 …" in the paragraph
    under it, more text, a small drawing captioned in Word's caption style (题注), and a last paragraph."""
    return word_file(path, "东岭区：就业帮扶车间现场检查", "8月20日，东岭区对新建的5个就业帮扶车间开展现场检查。",
                     ("picture", photo(), 150), "图1 检查组在石门坳镇车间", "检查组逐一查看了车间的生产和用工情况。",
                     ("picture", line_art()), ("Caption", "车间平面示意"), "下一步将继续推进车间建设。")  # fmt: skip


@lru_cache(maxsize=2)
def green_photo(width: int = 6000, height: int = 4000) -> bytes:
    """A camera's full-size JPEG (24 megapixels, quality 95, several megabytes) that is green all over and
    nothing else on a bulletin page is: where it prints can be found in a rendering of the page."""
    import random

    from PIL import Image

    noise = Image.frombytes("L", (width, height), random.Random(width + height).randbytes(width * height))
    low = noise.point(lambda v: v // 6)  # fine detail, as a photo has: it keeps the file from compressing to nothing
    green = Image.linear_gradient("L").resize((width, height)).point(lambda v: 150 + v * 105 // 255)
    buffer = io.BytesIO()
    Image.merge("RGB", (low, green, low)).save(buffer, "JPEG", quality=95)
    return buffer.getvalue()
