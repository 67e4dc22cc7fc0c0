"""Pictures in items, end to end (issue 17, item 2): a Word submission's photo imported beside the item,
printed by the build centred within the text block with its caption under it, a camera-sized photo scaled
down so the bulletin stays small, byte-identical builds, check at the picture's line, and the pictures
fingerprinted by ``build --changed`` and archived by ``publish``."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile
from pathlib import Path

import pytest

from zhuanbao import services
from zhuanbao.build import build, run

from .photos import green_photo, line_art, photo, word_file

HEAD = "---\nsection: 区县动态\ntitle: 东岭区检查就业帮扶车间\nsource: 东岭区人社局\n---\n"
ITEM = "2024-03/items/02-jiancha.md"
EMU_PER_PT = 12700
TEXT_WIDTH_PT = 156 / 25.4 * 72  # the default style sheet's text block: 210 mm − 28 mm − 26 mm


def document_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("word/document.xml").decode("utf-8")


def media(path: Path) -> dict[str, int]:
    with zipfile.ZipFile(path) as archive:
        return {i.filename: i.file_size for i in archive.infolist() if i.filename.startswith("word/media/")}


def test_a_picture_prints_in_a_centred_paragraph_within_the_text_block_with_its_caption_under_it(series, tmp_path):
    root = series({ITEM: HEAD + "检查组到了现场。\n\n![图1 检查组在车间](images/a.jpg)\n\n检查结束。\n",
                   "2024-03/items/images/a.jpg": photo()})  # fmt: skip
    [built] = build(root / "2024-03", tmp_path / "out")
    document = built.path
    xml = document_xml(document)
    paragraphs = re.findall(r"<w:p>.*?</w:p>", xml)
    [at] = [i for i, p in enumerate(paragraphs) if "<w:drawing>" in p]
    picture, caption = paragraphs[at], paragraphs[at + 1]
    assert '<w:pStyle w:val="picture"/><w:keepNext/>' in picture  # kept on the page of its caption
    assert '<w:pStyle w:val="picture-caption"/>' in caption and "图1 检查组在车间" in caption
    assert "检查组到了现场。" in paragraphs[at - 1] and "检查结束。" in paragraphs[at + 2]
    cx, cy = (int(v) for v in re.search(r'<wp:extent cx="(\d+)" cy="(\d+)"/>', picture).groups())
    assert cx == pytest.approx(TEXT_WIDTH_PT * EMU_PER_PT, rel=1e-4)  # a 4000 px photo: the whole text width
    assert cx / cy == pytest.approx(4 / 3, rel=1e-3)  # proportion kept
    with zipfile.ZipFile(document) as archive:
        styles = archive.read("word/styles.xml").decode("utf-8")
    for style in ("picture", "picture-caption"):
        defined = re.search(rf'w:styleId="{style}">.*?</w:style>', styles).group(0)
        assert '<w:jc w:val="center"/>' in defined and 'w:eastAsia="仿宋_GB2312"' in defined
        assert '<w:sz w:val="24"/>' in defined  # 小四: smaller than the body's 三号 (32 half-points)


def test_a_picture_without_a_caption_prints_alone_and_one_inside_a_paragraph_splits_it(series, tmp_path):
    root = series({ITEM: HEAD + "前面的文字，\n![](images/b.png)\n后面的文字。\n",
                   "2024-03/items/images/b.png": line_art(300, 200)})  # fmt: skip
    [built] = build(root / "2024-03", tmp_path / "out")
    xml = document_xml(built.path)
    paragraphs = re.findall(r"<w:p>.*?</w:p>", xml)
    [at] = [i for i, p in enumerate(paragraphs) if "<w:drawing>" in p]
    assert "<w:keepNext/>" not in paragraphs[at] and "picture-caption" not in xml.split("<w:sectPr")[0]
    assert "前面的文字，" in paragraphs[at - 1] and "后面的文字。" in paragraphs[at + 1]
    cx = int(re.search(r'<wp:extent cx="(\d+)"', paragraphs[at]).group(1))
    assert cx == round(300 / 96 * 72 * EMU_PER_PT)  # a small drawing is not blown up


def test_a_camera_photo_leaves_the_bulletin_small_and_two_builds_are_byte_identical(series, tmp_path):
    root = series({ITEM: HEAD + "正文。\n\n![图1 现场](images/big.jpg)\n",
                   "2024-03/items/images/big.jpg": green_photo()})  # fmt: skip
    first, second = (build(root / "2024-03", tmp_path / name)[0].path for name in ("one", "two"))
    assert first.read_bytes() == second.read_bytes()
    assert len(green_photo()) > 8 * 2**20 and first.stat().st_size < 2**20  # 10 MB photo, bulletin under 1 MB
    [(name, size)] = media(first).items()
    assert name.endswith(".jpg")
    from PIL import Image

    with zipfile.ZipFile(first) as archive, Image.open(io.BytesIO(archive.read(name))) as image:
        assert image.width == pytest.approx(156 / 25.4 * 300, abs=2)  # 300 dpi at the text width
        assert image.width / image.height == pytest.approx(1.5, abs=0.002)


def test_check_warns_about_a_missing_and_an_unreadable_picture_at_their_lines(series):
    root = series({ITEM: HEAD + "正文。\n\n![图1](images/none.jpg)\n\n文字 ![](images/broken.jpg)\n",
                   "2024-03/items/images/broken.jpg": photo(800, 600)[:3000]})  # fmt: skip
    report = services.check(root / "2024-03")
    found = [(f.path.name, f.line, f.column, f.rule, f.severity, f.message) for f in report.findings
             if f.rule == "image-in-item"]  # fmt: skip
    assert found == [
        ("02-jiancha.md", 8, 1, "image-in-item", "warning", "图片“images/none.jpg”不存在，不会印出"),
        ("02-jiancha.md", 10, 4, "image-in-item", "warning",
         "图片“images/broken.jpg”图片文件已损坏（可能没有复制完整），无法读取，不会印出"),
    ]
    assert report.errors == 0
    built = build(root / "2024-03", root / "out")  # the build goes on without them
    assert media(built[0].path) == {} and "<pic:pic>" not in document_xml(built[0].path)


def test_changing_a_picture_rebuilds_its_issue_with_changed(series, tmp_path):
    root = series({ITEM: HEAD + "正文。\n\n![图1](images/a.png)\n", "2024-03/items/images/a.png": line_art()})
    out = tmp_path / "out"
    assert len(run(root, out, changed=True).built) == 1
    assert run(root, out, changed=True).built == []
    (root / "2024-03/items/images/a.png").write_bytes(line_art(400, 200))
    [again] = run(root, out, changed=True).built
    assert any(size for size in media(again.path).values())
    with zipfile.ZipFile(again.path) as archive:
        assert line_art(400, 200) in [archive.read(n) for n in archive.namelist() if n.startswith("word/media/")]


def test_publish_archives_the_pictures_with_the_items(series, tmp_path):
    root = series({ITEM: HEAD + "正文。\n\n![图1](images/a.png)\n", "2024-03/items/images/a.png": line_art()})
    published = services.publish(root / "2024-03", tmp_path / "archive", pdf=False)
    archived = [p for p in published.folder.rglob("a.png")]
    assert [p.relative_to(published.folder).as_posix().split("/")[-3:] for p in archived] == [["items", "images", "a.png"]]
    assert archived[0].read_bytes() == line_art()


# --- end to end: a Word submission with a photo, imported, built, opened with LibreOffice -------------------------


def word_submission(path: Path) -> Path:
    """A unit's submission: a title, a paragraph, a 6000 × 4000 photo, its caption (图1 …), a closing paragraph."""
    return word_file(path, "东岭区：就业帮扶车间现场检查", "8月20日，东岭区对新建的5个就业帮扶车间开展现场检查。",
                     ("picture", green_photo(), 120), "图1 检查组在石门坳镇车间", "检查组逐一查看了车间的生产和用工情况。")


def green_box(png: Path) -> tuple[int, int, int, int] | None:
    """The box of the photo's (and only the photo's) green pixels on a rendered page."""
    from PIL import Image, ImageChops

    with Image.open(png) as page:
        r, g, b = page.convert("RGB").split()
    greener = ImageChops.subtract(g, ImageChops.lighter(r, b))  # g − max(r, b), 0 where not green
    return greener.point(lambda v: 255 if v > 60 else 0).getbbox()


def test_a_word_submissions_photo_is_imported_and_printed_centred_in_the_text_block_captioned(series, tmp_path,
                                                                                              convert):  # fmt: skip
    root = series()
    imported = services.import_submission(word_submission(tmp_path / "来稿.docx"), root / "2024-03", "区县动态",
                                          "东岭区人社局")  # fmt: skip
    [saved] = imported.pictures
    assert saved.parent == root / "2024-03/items/images" and saved.read_bytes() == green_photo()
    assert f"![图1 检查组在石门坳镇车间](images/{saved.name})" in imported.target.read_text("utf-8")
    assert [f for f in imported.findings if f.rule == "image-in-item"] == []

    [built] = build(root / "2024-03", tmp_path / "out")
    assert built.path.stat().st_size < 2**20  # the 10 MB photo does not make a 10 MB bulletin
    pdf = convert(built.path)
    [page] = [n for n, lines in enumerate(pdf.pages, 1) if any("检查组在石门坳镇车间" in ln.text for ln in lines)]
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(page), "-l", str(page), str(pdf.path),
                    str(tmp_path / "page")], check=True)  # fmt: skip
    [png] = tmp_path.glob("page*.png")
    box = green_box(png)
    assert box is not None, "the photo is not on the page of its caption"
    scale = 60 / 72  # pixels per point
    left, top, right, bottom = (v / scale for v in box)
    margin_left = 28 / 25.4 * 72
    assert left == pytest.approx(margin_left, abs=3) and right == pytest.approx(margin_left + TEXT_WIDTH_PT, abs=3)
    assert (bottom - top) == pytest.approx((right - left) * 4000 / 6000, abs=4)  # proportion kept
    [caption] = [ln for ln in pdf.pages[page - 1] if "检查组在石门坳镇车间" in ln.text]
    assert caption.text.replace(" ", "") == "图1检查组在石门坳镇车间"
    assert 0 < caption.y_min - bottom < 30  # right under the photo
    middle = margin_left + TEXT_WIDTH_PT / 2
    assert (caption.x_min + caption.x_max) / 2 == pytest.approx(middle, abs=3)  # centred like the photo
    assert (left + right) / 2 == pytest.approx(middle, abs=3)


def test_a_docx_with_a_photo_dropped_in_the_studio_saves_the_photo_too(studio, tmp_path):
    client, session, root = studio(follow_redirects=False)
    data = word_submission(tmp_path / "来稿.docx").read_bytes()
    response = client.post("/issue/2024-03/upload", data={"csrf": session.csrf, "section": "区县动态", "source": ""},
                           files=[("files", ("东岭区来稿.docx", data, "application/octet-stream"))])  # fmt: skip
    assert response.status_code == 303
    [saved] = (root / "2024-03/items/images").iterdir()
    assert saved.read_bytes() == green_photo()
    [item] = (root / "2024-03/items").glob("*东岭区*.md")
    assert f"![图1 检查组在石门坳镇车间](images/{saved.name})" in item.read_text("utf-8")
    notice = client.get("/issue/2024-03").text.split('id="notices"')[1]
    assert "稿件中的 1 张图片已存入本期 items/images 文件夹" in notice


def test_a_style_sheet_copied_before_pictures_prints_them_as_the_default_one_does(series, tmp_path):
    import re as regex

    from tests.conftest import REPO

    default = (REPO / "templates/style.yaml").read_text("utf-8")
    older = regex.sub(r"\n  picture(-caption)?:.*?(?=\n  [a-z])", "", default, flags=regex.S)
    older = regex.sub(r"\n# 稿件中的图片.*?(?=\n# 页码)", "\n", older, flags=regex.S)
    assert "picture" not in older and "pictures" not in older
    root = series({ITEM: HEAD + "正文。\n\n![图1 现场](images/a.png)\n", "2024-03/items/images/a.png": line_art(),
                   "mytemplates/style.yaml": older})  # fmt: skip
    (root / "series.yaml").write_text((root / "series.yaml").read_text("utf-8") + "templates: mytemplates\n", "utf-8")
    [built] = build(root / "2024-03", tmp_path / "out")
    with zipfile.ZipFile(built.path) as archive:
        styles = archive.read("word/styles.xml").decode("utf-8")
    for style in ("picture", "picture-caption"):
        defined = regex.search(rf'w:styleId="{style}">.*?</w:style>', styles).group(0)
        assert '<w:jc w:val="center"/>' in defined and '<w:sz w:val="24"/>' in defined
        assert 'w:firstLine="0"' in defined and "仿宋" in defined
    assert "图1 现场" in document_xml(built.path)
