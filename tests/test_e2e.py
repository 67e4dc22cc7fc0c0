"""End to end: build the example series and judge the pages as LibreOffice lays them out.

These are the checks an office would make holding the printout: all the text
is there, a full page has 22 lines of 28 characters, the folios alternate
sides, the masthead sits in the top third, the distribution block ends on the
last line of the last page.
"""

from __future__ import annotations

import re
import unicodedata

import pytest

from zhuanbao.build import build
from zhuanbao.markdown import to_blocks
from zhuanbao.render import item_data, render_body

from .conftest import EXAMPLE

MM = 72 / 25.4
PAGE_H = 297 * MM
TEXT_TOP = 37 * MM
TEXT_BOTTOM = PAGE_H - 35 * MM
TEXT_LEFT = 28 * MM
TEXT_RIGHT = (210 - 26) * MM
FOLIO = re.compile(r"^— ?\d+ ?—$")


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def ems(text: str) -> float:
    return sum(1.0 if unicodedata.east_asian_width(c) in "WF" else 0.5 for c in squash(text))


@pytest.fixture(scope="module")
def example(tmp_path_factory):
    out = tmp_path_factory.mktemp("example")
    return build(EXAMPLE, out)


@pytest.fixture(scope="module")
def pdfs(example, convert):
    return {b.edition.issue_dir.name: (b, convert(b.path)) for b in example}


def body_lines(page):
    return [ln for ln in page if ln.y_min >= TEXT_TOP - 8 and ln.y_max <= TEXT_BOTTOM + 4 and not FOLIO.match(ln.text)]


def test_example_series_builds_one_document_per_issue(example):
    assert len(example) >= 3
    for built in example:
        assert built.path.name == f"工作专报{built.edition.year}年第{built.edition.issue.number}期.docx"
        assert built.path.stat().st_size > 5000


def test_every_item_appears_in_full_in_the_pdf(pdfs):
    for built, pdf in pdfs.values():
        text = squash("".join(ln.text for page in pdf.pages for ln in page if not FOLIO.match(ln.text)))
        for item in built.edition.items:
            if item.meta.title:
                assert squash(item.meta.title) in text, item.path
            if item.meta.source:
                assert f"[{item.meta.source}供稿]" in text, item.path
            for block in to_blocks(render_body(item, item_data(built.edition)), item.body_line):
                assert squash(block.text) in text, f"{item.path}:{block.line}"


def test_sections_appear_in_series_order_and_empty_ones_are_left_out(pdfs):
    for built, pdf in pdfs.values():
        text = squash(pdf.text())
        used = [s for s in built.edition.series.sections if any(i.meta.section == s for i in built.edition.items)]
        positions = [text.index(f"【{s}】") for s in used]
        assert positions == sorted(positions)
        for unused in set(built.edition.series.sections) - set(used):
            assert f"【{unused}】" not in text


def test_masthead_sits_in_the_top_third_of_page_one(pdfs):
    for built, pdf in pdfs.values():
        first = pdf.pages[0]
        title = next(ln for ln in first if squash(ln.text) == squash(built.edition.series.title))
        assert title.y_max < PAGE_H / 3
        issue_line = f"{built.edition.year}年第{built.edition.issue.number}期"
        assert any(squash(ln.text).startswith(issue_line) for ln in first[:6])
        date = built.edition.issue.date
        assert any(squash(ln.text).endswith(f"{date.year}年{date.month}月{date.day}日") for ln in first[:8])


def longest(pdfs):
    return max(pdfs.values(), key=lambda pair: len(pair[1].pages))


PITCH = 28.95


def middle_pages(pdfs):
    """Pages that body text runs through: not the first (masthead), not the one
    where the body ends (it ends where it ends), not the distribution block's."""
    for built, pdf in pdfs.values():
        last_source = f"[{built.edition.items[-1].meta.source}供稿]"
        end = next(n for n in range(len(pdf.pages), 0, -1) if last_source in squash(pdf.text(n)))
        for number in range(2, end):
            yield built, number, body_lines(pdf.pages[number - 1])


def test_body_lines_sit_on_the_22_line_grid(pdfs):
    pages = list(middle_pages(pdfs))
    assert len(pages) >= 3
    full = 0
    for built, number, lines in pages:
        body = [ln for ln in lines if ln.y_max - ln.y_min < 24]  # headline titles sit between grid lines
        for line in body:
            slot = (line.y_max - TEXT_TOP) / PITCH
            assert abs(slot - round(slot)) < 0.1, (built.path.name, number, line.text)
            assert 1 <= round(slot) <= 22
        full += any(round((ln.y_max - TEXT_TOP) / PITCH) == 22 for ln in body)
    assert full >= len(pages) // 2, "most pages the body runs through are filled to the 22nd line"


def test_a_full_body_page_has_22_lines_of_28_characters(pdfs):
    plain = [(b, n, lines) for b, n, lines in middle_pages(pdfs) if len(lines) == 22]
    assert plain, "the example series should have a page of 22 lines of body text"
    for built, number, lines in plain:
        # no closing mark hangs in the margin, here or in Word (see docx/parts.py)
        widths = [ems(ln.text) for ln in lines]
        assert max(widths) <= 28, (built.path.name, number, widths)



def test_full_lines_of_chinese_text_hold_28_characters(pdfs):
    """Lines of Chinese text that run from margin to margin (not a paragraph's
    first or last line): 28 characters each. One fewer only where kinsoku
    moved a character down with a closing mark; never more."""
    full = []
    for _, pdf in pdfs.values():
        for page in pdf.pages:
            for line in body_lines(page):
                text = squash(line.text)
                at_margins = abs(line.x_min - TEXT_LEFT) < 2 and abs(line.x_max - TEXT_RIGHT) < 3
                wide = all(unicodedata.east_asian_width(c) in "WF" for c in text)  # no “” or digits
                if at_margins and wide and len(text) > 20:
                    full.append(len(text))
    assert len(full) >= 12
    assert max(full) <= 28
    assert full.count(28) >= 0.8 * len(full), sorted(full)


def test_text_block_matches_the_margins(pdfs):
    built, pdf = longest(pdfs)
    page = body_lines(pdf.pages[1])
    assert abs(min(ln.x_min for ln in page) - TEXT_LEFT) < 3
    assert abs(max(ln.x_max for ln in page) - TEXT_RIGHT) < 4
    assert abs(page[0].y_min - TEXT_TOP) < 12
    assert abs(page[-1].y_max - TEXT_BOTTOM) < 12


def test_folios_alternate_sides_below_the_text_block(pdfs):
    built, pdf = longest(pdfs)
    middle = (TEXT_LEFT + TEXT_RIGHT) / 2
    for number, page in enumerate(pdf.pages, start=1):
        folio = [ln for ln in page if FOLIO.match(ln.text)]
        assert len(folio) == 1, (number, [ln.text for ln in page[-3:]])
        line = folio[0]
        assert squash(line.text) == f"—{number}—"
        if number % 2:
            assert line.x_min > middle and abs(line.x_max - (TEXT_RIGHT - 14)) < 4
        else:
            assert line.x_max < middle and abs(line.x_min - (TEXT_LEFT + 14)) < 4
        # the dash line about 7 mm below the text block (the dash sits mid-height in its line)
        assert abs((line.y_min + line.y_max) / 2 - TEXT_BOTTOM - 7 * MM) < 1.5 * MM, line


def test_distribution_block_ends_on_the_last_line_of_the_last_page(pdfs):
    for built, pdf in pdfs.values():
        last = pdf.pages[-1]
        text = squash("".join(ln.text for ln in last))
        for label, names in built.edition.distribution:
            assert f"{label}：{names[0]}" in text
        copies = built.edition.setting("copies")
        bottom = next(ln for ln in last if f"（共印{copies}份）" in squash(ln.text))
        assert abs(bottom.y_max - TEXT_BOTTOM) < 10, bottom
        assert not any(ln.y_min > bottom.y_max + 1 and not FOLIO.match(ln.text) for ln in last)


def test_annex_starts_its_own_page_with_table_and_chart(pdfs):
    built, pdf = pdfs["2025-09"]
    annex = next(n for n, page in enumerate(pdf.pages, 1) if page and squash(page[0].text) == "附件1")
    text = squash(pdf.text(annex))
    assert "各区县（市）就业帮扶车间建设进度" in text
    assert "望川市" in text and "128.6%" in text and "排名" in text
    import subprocess

    images = subprocess.run(
        ["pdfimages", "-list", "-f", str(annex), "-l", str(annex), str(pdf.path)], capture_output=True, text=True
    ).stdout.splitlines()[2:]
    images = [line for line in images if line.split()[2] == "image"]
    assert len(images) == 1, "the completion-rate chart is on the annex page"
    # the GB18030 CSV table sits in its section with status words, not colour alone
    assert "2025年重点民生实事目标完成情况" in squash(pdf.text()) and "滞后" in squash(pdf.text())


def rendered(pdf_path, page: int, dpi: int, gray: bool = False) -> tuple[int, int, bytes]:
    """A page drawn by pdftoppm: width, height and its pixels (RGB, or one byte each when ``gray``)."""
    import subprocess

    command = ["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), str(pdf_path)]
    data = subprocess.run(command[:1] + ["-gray"] * gray + command[1:], capture_output=True, check=True).stdout
    _, rest = data.split(b"\n", 1)
    size, rest = rest.split(b"\n", 1)
    width, height = map(int, size.split())
    return width, height, rest.split(b"\n", 1)[1]


def red_pixels(pdf_path, page: int = 1, dpi: int = 30) -> list[list[int]]:
    """For each pixel row of a rendered page, the columns of its pure-red pixels."""
    width, height, pixels = rendered(pdf_path, page, dpi)
    rows = []
    for y in range(height):
        line = pixels[y * width * 3 : (y + 1) * width * 3]
        rows.append([x // 3 for x in range(0, len(line), 3) if line[x] > 200 and line[x + 1] < 80 and line[x + 2] < 80])
    return rows


def red_rows(pdf_path, page: int = 1, dpi: int = 30) -> list[int]:
    """Rows (in points from the top) of a rendered page that hold pure-red pixels."""
    return [round(y * 72 / dpi) for y, columns in enumerate(red_pixels(pdf_path, page, dpi)) if columns]


def lowest_ink(pdf_path, page: int, dpi: int = 30) -> float:
    """The lowest point (from the top) of anything printed in the text block of a page: text, rules, pictures."""
    width, _, pixels = rendered(pdf_path, page, dpi, gray=True)
    left, right = round(TEXT_LEFT * dpi / 72), round(TEXT_RIGHT * dpi / 72)
    inked = [y for y in range(round(TEXT_BOTTOM * dpi / 72)) if min(pixels[y * width + left : y * width + right]) < 160]
    return (max(inked) + 1) * 72 / dpi


def test_masthead_and_rule_are_red_and_nothing_else_is(pdfs):
    built, pdf = pdfs["2025-07"]
    rows = red_rows(pdf.path)
    assert rows, "the masthead prints in red"
    issuer_line = next(ln for ln in pdf.pages[0] if squash(ln.text).startswith(squash(built.edition.setting("issuer"))))
    assert max(rows) < issuer_line.y_max + 15, "red stops at the rule under the issuer line"
    assert any(issuer_line.y_max < y < issuer_line.y_max + 15 for y in rows), "the red rule under the issuer line"
    assert not red_rows(pdf.path, page=2), "body pages are black"
    built, pdf = pdfs["2025-09"]  # the annex with its chart
    annex = next(n for n in range(1, len(pdf.pages) + 1) if "附件1" in squash(pdf.text(n)))
    assert not red_rows(pdf.path, page=annex), "charts are not red"


def red_columns(pdf_path, top: float, bottom: float, dpi: int = 144) -> tuple[float, float]:
    """The leftmost and rightmost pure-red pixels (in points) between ``top`` and ``bottom`` on page 1."""
    rows = red_pixels(pdf_path, 1, dpi)[round(top * dpi / 72) : round(bottom * dpi / 72)]
    columns = [x for row in rows for x in row]
    return min(columns) * 72 / dpi, max(columns) * 72 / dpi


def test_the_masthead_name_is_centred_on_the_text_block(pdfs):
    """Its glyphs, not its advance: the 12 pt letter spacing is not added after
    the last glyph (docx/body.py split_last_glyph; Word would otherwise set the
    name about 2 mm left of centre, tests/test_docx.py)."""
    for built, pdf in pdfs.values():
        title = next(ln for ln in pdf.pages[0] if squash(ln.text) == squash(built.edition.series.title))
        left, right = red_columns(pdf.path, title.y_min + 3, title.y_max - 3)
        assert abs((left + right) / 2 - (TEXT_LEFT + TEXT_RIGHT) / 2) < 0.5 * MM, (left, right)


def test_the_masthead_and_titles_print_in_the_heaviest_song_face(pdfs):
    """方正小标宋简体 has no free equal; fonts.conf maps it to Noto Serif CJK SC
    Black (fonts-noto-cjk-extra, scripts/setup-system.sh), not to a regular or
    bold 宋 that prints the masthead thin."""
    import subprocess

    built, pdf = pdfs["2025-07"]
    fonts = subprocess.run(["pdffonts", "-f", "1", "-l", "1", str(pdf.path)], capture_output=True, text=True,
                           check=True).stdout  # fmt: skip
    assert re.search(r"NotoSerifCJK\w*-Black", fonts), fonts


def test_the_masthead_name_is_36_to_48_points(pdfs):
    built, pdf = pdfs["2025-07"]
    title = next(ln for ln in pdf.pages[0] if squash(ln.text) == squash(built.edition.series.title))
    # a line box is about 1.3 em for these faces
    assert 36 * 1.2 < title.y_max - title.y_min < 48 * 1.4


def test_a_closing_mark_at_the_margin_takes_a_character_down_and_is_printed(series, tmp_path, convert):
    """Body paragraphs whose first line is full (26 characters after the
    two-character indent) and whose 27th character is a closing mark. Neither
    Word nor LibreOffice may hang the mark in the margin (tests/test_docx.py
    reads the document as each does): the mark takes the character before it to
    the next line, so the first line holds 25 characters, nothing passes the
    right margin, and every mark is printed — LibreOffice did not draw a mark it
    hung in our justified, condensed lines."""
    words = "全市新建改建城市社区嵌入式服务设施和老年助餐点并同步配齐服务人员"
    paragraphs = [words[i : i + 26] + mark + "其余按计划推进。" for i, mark in enumerate("，。、；")]
    body = "本月进展如下。\n\n" + "\n\n".join(paragraphs)
    root = series({"2024-03/items/01-gaizao.md": f"---\nsection: 工作简讯\nsource: 望川市住建局\n---\n{body}\n"})
    [built] = build(root, tmp_path / "out")
    page = convert(built.path).pages[0]
    lines = [squash(ln.text) for ln in page]
    for paragraph in paragraphs:
        assert paragraph[:25] in lines, (paragraph, lines)
        first = lines.index(paragraph[:25])
        assert lines[first + 1].startswith(paragraph[25:27]), (paragraph, lines[first : first + 2])
        assert squash(paragraph) in "".join(lines)
    assert max(ln.x_max for ln in body_lines(page)) <= TEXT_RIGHT + 1, "no mark hangs in the margin"


def test_a_wide_table_keeps_every_figure_on_one_line(series, tmp_path, convert):
    """Eight columns of data plus 完成率, 状态 and 排名 do not fit 156 mm at 小四:
    names and headings may wrap, figures may not ("104." over "2%" misreads),
    so the text is set smaller (down to the style's shrink_to) and columns
    narrowed to what their figures need."""
    csv = ("区县（市）,计量单位,年度目标,1-9月完成,上年同期,同比增减,投资额（万元）,责任单位\n"
           "东岭区,个,10000,9996,8800,-3.5,12345.67,区人社局\n"
           "溪口区,个,12000,12500,9900,12.25,8800.5,区人社局\n"
           "石门坳县,个,8000,7000,7100,−1.4,23456.78,县人社局\n")  # fmt: skip
    issue = ("number: 3\ndate: 2024-10-15\ntables:\n  - id: w\n    file: w.csv\n    title: 就业目标完成情况\n"
             "    section: 工作简讯\n    target: 年度目标\n    actual: 1-9月完成\n    rank: true\n    as_of: 2024-09-30\n")  # fmt: skip
    root = series({"2024-03/issue.yaml": issue, "2024-03/w.csv": csv})
    [built] = build(root, tmp_path / "out")
    cells = {squash(line.text) for page in convert(built.path).pages for line in page}
    for figure in ("12345.67", "23456.78", "104.2%", "99.9%", "87.5%", "-1.40", "12.25", "已完成", "区人社局", "29496"):
        assert any(figure in cell for cell in cells), (figure, sorted(cells))


def test_a_long_issuer_keeps_the_date_on_its_line(series, tmp_path, convert):
    issuer = "云溪市打好重点民生保障仗工作领导小组办公室"  # 20 characters: with the date, wider than the line at 三号
    root = series()
    yaml = root / "series.yaml"
    yaml.write_text(re.sub(r"issuer: .*", f"issuer: {issuer}", yaml.read_text("utf-8")), "utf-8")
    [built] = build(root, tmp_path / "out")
    page = convert(built.path).pages[0]
    line = next(ln for ln in page if issuer[:6] in squash(ln.text))
    same_line = sorted((ln for ln in page if abs(ln.y_min - line.y_min) < 3), key=lambda ln: ln.x_min)
    assert squash("".join(ln.text for ln in same_line)) == issuer + "2024年3月15日", [ln.text for ln in page]
    assert max(ln.x_max for ln in same_line) <= TEXT_RIGHT + 2


BLOCK_LABELS = ("报：", "送：", "发：", "电话：", "签发：")


def block_lines(page):
    """The lines of the 版记 on a page, first line of each row (continuation lines start otherwise)."""
    return [ln for ln in page if squash(ln.text).startswith(BLOCK_LABELS)]


def test_the_distribution_block_starts_no_page_of_its_own_when_the_page_before_has_room(pdfs):
    """GB/T 9704 puts the 版记 on the last page of the text: its rules must not push an 8-line block
    that fits 8 free lines onto a page of its own (2025-08 missed by 4 pt)."""
    for name, (built, pdf) in pdfs.items():
        last = pdf.pages[-1]
        top = min(ln.y_min for ln in block_lines(last))
        if any(ln.y_max < top - 1 for ln in body_lines(last)):
            continue  # it shares the last page with the body
        free = TEXT_BOTTOM - lowest_ink(pdf.path, len(pdf.pages) - 1)  # text, tables and charts alike
        assert free < TEXT_BOTTOM - top, (name, free, TEXT_BOTTOM - top)


def rewrite_document(docx, target, change) -> None:
    """A copy of ``docx`` with word/document.xml passed through ``change``."""
    import zipfile

    with zipfile.ZipFile(docx) as source:
        parts = {item.filename: source.read(item) for item in source.infolist()}
    xml = parts["word/document.xml"].decode()
    changed = change(xml)
    assert changed != xml
    with zipfile.ZipFile(target, "w") as out:
        for name, data in parts.items():
            out.writestr(name, changed.encode() if name == "word/document.xml" else data)


def test_the_last_line_stays_on_the_bottom_when_a_reader_measures_the_block_taller(example, convert, tmp_path):
    """Word and WPS measure the block with their own fonts: a row that wraps once more there than in
    our count must grow the block upwards, its last line still the last line of the page. Played here
    by giving the 报 row one line more than the writer counted."""
    built = next(b for b in example if b.edition.issue_dir.name == "2025-08")
    taller = tmp_path / "taller.docx"
    rewrite_document(built.path, taller, lambda xml: re.sub(
        r"(<w:t xml:space=\"preserve\">报：</w:t>.*?)</w:p>", r'\1<w:r><w:br/><w:t>多出的一行</w:t></w:r></w:p>', xml,
        flags=re.S))  # fmt: skip
    last = convert(taller).pages[-1]
    signoff = next(ln for ln in last if squash(ln.text).startswith("签发"))
    assert abs(signoff.y_max - TEXT_BOTTOM) < 6, signoff
    assert any(squash(ln.text) == "多出的一行" for ln in last)
    top = min(ln.y_min for ln in block_lines(last))
    inside = squash("".join(ln.text for ln in last if top - 1 < ln.y_max and ln.y_min < signoff.y_max + 1))
    assert inside.startswith("报：") and inside.endswith(f"（共印{built.edition.setting('copies')}份）"), inside
    assert "多出的一行送：" in inside  # the block grew by the line, over no line of the body


def test_pandoc_keeps_the_distribution_block_after_the_body(example, pandoc):
    """Offices put bulletins on their web sites through pandoc, which drops text boxes."""
    import subprocess

    for built in example:
        text = squash(subprocess.run([pandoc, "-f", "docx", "-t", "plain", "--wrap=none", str(built.path)],
                                     capture_output=True, text=True, check=True).stdout)  # fmt: skip
        for label, names in built.edition.distribution:
            assert f"{label}：{'，'.join(names)}。" in text, label
        assert text.endswith(f"（共印{built.edition.setting('copies')}份）"), text[-60:]  # after the body


def test_mammoth_keeps_the_distribution_block_after_the_body(example):
    """mammoth (.docx → HTML for a web page) reads the block as paragraphs after the body."""
    import mammoth

    for built in example:
        with built.path.open("rb") as handle:
            html = mammoth.convert_to_html(handle).value
        text = squash(re.sub(r"<[^>]+>", "", html))
        for label, names in built.edition.distribution:
            assert f"{label}：{'，'.join(names)}。" in text, label
        assert text.endswith(f"（共印{built.edition.setting('copies')}份）"), text[-60:]


def test_abiword_prints_the_distribution_block_below_the_body_not_over_it(example, abiword, tmp_path):
    """AbiWord drew the text box over the top of the last page (hiding 5–12 lines); a frame it does not
    know stays in the flow after the body: all of it, on the last page, over no body line."""
    import difflib
    import os
    import subprocess

    from zhuanbao.export import FONTS_CONF

    from .conftest import read_pdf

    for built in example:
        target = tmp_path / f"{built.edition.issue_dir.name}.pdf"
        subprocess.run([abiword, "--to=pdf", "-o", str(target), str(built.path)], capture_output=True, timeout=120,
                       env=dict(os.environ, FONTCONFIG_FILE=str(FONTS_CONF)), check=True)  # fmt: skip
        pdf = read_pdf(target)
        # the pages' lines top to bottom, folios left out: the block must be their end, whole and unmixed
        printed = squash("".join(ln.text for page in pdf.pages for ln in page if not FOLIO.match(squash(ln.text))))
        wanted = "".join(f"{label}：{'，'.join(names)}。" for label, names in built.edition.distribution)
        wanted += squash("".join(f"{k}：{v}" for k, v in built.edition.setting("contact").items()))
        # AbiWord's PDF names a few characters by their radicals (⻓ for 长): a near match, not an equal one
        tail, wanted = (unicodedata.normalize("NFKC", text) for text in (printed, wanted))
        start = tail.rfind(wanted[:2])
        likeness = difflib.SequenceMatcher(None, tail[start : start + len(wanted)], wanted).ratio()
        assert likeness > 0.9, (built.edition.issue_dir.name, tail[-300:])
        assert tail.endswith(unicodedata.normalize("NFKC", f"（共印{built.edition.setting('copies')}份）")), tail[-80:]


def test_no_split_credit_short_line_at_a_page_top_or_heading_at_a_page_end(pdfs):
    """What an office looks for before printing (tests/test_e2e_pagination.py puts each case at a page end)."""
    for built, pdf in pdfs.values():
        pages = [[ln for ln in page if not FOLIO.match(ln.text)] for page in pdf.pages]
        lines = [squash(ln.text) for page in pages for ln in page]
        for item in built.edition.items:
            if item.meta.source:
                assert any(f"[{item.meta.source}供稿]" in line for line in lines), (built.path.name, item.path)
        headings = {line for line in lines if line.startswith("【") or re.fullmatch(r"附件\d+", line)}
        headings |= {item.meta.title for item in built.edition.items if item.meta.title}
        for number, page in enumerate(pages, start=1):
            first = page[0] if page else None
            if number > 1 and first and abs(first.x_min - TEXT_LEFT) < 2:  # a paragraph's line, not a table's
                text = squash(first.text)
                assert len(text) > 4 or re.fullmatch(r"附件\d+", text), (built.path.name, number, text)
            if number < len(pages) and page:
                assert squash(page[-1].text) not in headings, (built.path.name, number, page[-1].text)
