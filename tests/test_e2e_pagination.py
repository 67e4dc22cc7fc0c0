"""Page breaks as an office checks them before printing, through LibreOffice.

Each case is put exactly where it hurts: one-line filler paragraphs (26
characters after the 2-character indent fill a line of 28) are counted off
against the room on page 1, measured once in a probe, so that a credit, a
paragraph's short last line, a heading or a table's last rows falls at the
foot of page 1. The probes place what they measure in mid-page, where no
keep rule can move it, so they measure the same before and after a fix.
"""

from __future__ import annotations

import re

import pytest

from zhuanbao.build import build

from .conftest import ISSUE_YAML, SERIES_YAML, write_tree

#: 26 characters without punctuation (kinsoku never moves them): one full line after the indent
LINE = "民生实事项目推进有力有序群众获得感持续增强各项工作稳"
assert len(LINE) == 26
#: 28 characters: a full line without indent
FULL = LINE + "步进"
FOLIO = re.compile(r"^— ?\d+ ?—$")
RIGHT = (210 - 26) * 72 / 25.4  # the text block's right edge, in points
TEXT_TOP, TEXT_BOTTOM = 37 * 72 / 25.4, (297 - 35) * 72 / 25.4  # the text block's top and bottom, in points
CREDIT = "常德市统计局"  # [常德市统计局供稿]: 10 characters
HEADLINE_SERIES = SERIES_YAML + "headline_sections: [重要新闻, 部门动态]\n"


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def fillers(count: int) -> str:
    """``count`` paragraphs of one line each, the first one shortened for the ☆ of an untitled item."""
    return "\n\n".join([LINE[1:]] + [LINE] * (count - 1)) if count else ""


def item(section: str, body: str, *, title: str | None = None, source: str | None = None) -> str:
    front = f"section: {section}\n" + (f"title: {title}\n" if title else "") + (f"source: {source}\n" if source else "")
    return f"---\n{front}---\n{body}\n"


class Body(list):
    """The body lines of each page, squashed: no folio, no distribution block (from 报： down);
    ``pdf`` has the lines with their positions."""

    pdf = None


def pages(pdf) -> Body:
    result = Body()
    for page in pdf.pages:
        lines = [squash(ln.text) for ln in page if not FOLIO.match(ln.text)]
        block = next((i for i, text in enumerate(lines) if text.startswith("报：")), None)
        result.append(lines[:block] if block is not None else lines)
    result.pdf = pdf
    return result


@pytest.fixture(scope="module")
def issue(tmp_path_factory, convert):
    """issue(items, series=…, issue_yaml=…, files=…) → the pages of the built document, as body lines."""

    def make(items: dict[str, str], series: str = SERIES_YAML, issue_yaml: str = ISSUE_YAML,
             files: dict[str, str] | None = None) -> Body:  # fmt: skip
        root = tmp_path_factory.mktemp("series")
        tree = {"series.yaml": series, "2024-03/issue.yaml": issue_yaml}
        tree.update({f"2024-03/items/{name}": text for name, text in items.items()})
        tree.update({f"2024-03/{name}": text for name, text in (files or {}).items()})
        write_tree(root, tree)
        [built] = build(root, root / "out")
        return pages(convert(built.path))

    return make


@pytest.fixture(scope="module")
def room(issue) -> int:
    """How many one-line paragraphs of an untitled item fit on page 1 under 【重要新闻】."""
    body = issue({"01.md": item("重要新闻", fillers(30))})
    count = sum(1 for line in body[0] if LINE in line or line == "☆" + LINE[1:])
    assert 8 <= count <= 16, body[0]
    return count


def first_lines(body: list[list[str]]) -> list[str]:
    """The first line of every page after the first (page 1 starts with the masthead)."""
    return [lines[0] for lines in body[1:] if lines]


def assert_no_short_line_starts_a_page(body: list[list[str]]) -> None:
    for number, line in enumerate(first_lines(body), start=2):
        assert len(line) > 4 or re.fullmatch(r"附件\d+", line), (number, line, body[number - 2][-3:])


def assert_credits_whole(body: list[list[str]], credit: str, count: int) -> None:
    whole = f"[{credit}供稿]"
    lines = [line for lines in body for line in lines]
    assert sum(line.count(whole) for line in lines) == count, [ln for ln in lines if "[" in ln or "]" in ln]
    assert not any(line == whole for line in first_lines(body)), "a credit alone at the top of a page"


# --- 1. credits and short last lines -------------------------------------------------------------


def test_a_credit_is_never_split_across_lines(issue):
    """Items whose last line ends at every column of the 28, with digits and Latin letters mixed in
    (their widths and the space around them are where an estimate of the line would go wrong)."""
    texts = []
    for extra in range(28):
        texts.append(LINE[:extra] + "完成投资11.42亿元，占年度计划的66.1%。")
        texts.append(LINE[: (extra * 7) % 26] + "依托APP开通补贴“免申即享”功能。")
    items = {f"{n:02d}.md": item("工作简讯", text, source=CREDIT) for n, text in enumerate(texts)}
    body = issue(items)
    assert_credits_whole(body, CREDIT, len(texts))


def test_a_credit_split_at_a_page_end_moves_whole(issue, room):
    """The case reported: "稿]" alone at the top of page 2. The paragraph's third line holds 20
    characters and the first 8 of the credit, so the credit's last two would start page 2. The
    credit goes whole onto a line of its own, and the line before it goes down with it."""
    text = LINE + FULL + FULL[:20]
    body = issue({"01.md": item("重要新闻", fillers(room - 3) + "\n\n" + text, source=CREDIT)})
    assert_credits_whole(body, CREDIT, 1)
    assert_no_short_line_starts_a_page(body)
    assert body[1][:2] == [FULL[:20], f"[{CREDIT}供稿]"], body[1][:3]
    assert body[0][-1] == FULL, body[0][-3:]
    # flush right, and the line before it not stretched across the line
    text_line, credit = [ln for ln in body.pdf.pages[1] if squash(ln.text) in (FULL[:20], f"[{CREDIT}供稿]")]
    assert abs(credit.x_max - RIGHT) < 3 and text_line.x_max < RIGHT - 100, (text_line, credit)


def test_a_short_last_line_never_starts_a_page(issue, room):
    """A paragraph of three full lines and "以内；": that line would be alone at the top of page 2.
    Its line before goes down with it, and no more: page 1 is one line short, not emptied."""
    text = LINE + FULL + FULL + "以内；"
    body = issue({"01.md": item("重要新闻", fillers(room - 3) + "\n\n" + text)})
    assert_no_short_line_starts_a_page(body)
    assert body[1][:2] == [FULL, "以内；"], body[1][:3]
    assert body[0][-2:] == [LINE, FULL], body[0][-3:]


def test_pages_keep_22_lines_where_no_rule_applies(issue, room):
    """Keep rules cost a line only where they act: a plain run of full lines fills page 2 to its 22nd line."""
    body = issue({"01.md": item("重要新闻", fillers(room + 30))})
    assert len(body[1]) == 22, body[1]


# --- 2. headings and tables at a page end --------------------------------------------------------


def assert_not_last_on_a_page(body: list[list[str]], heading: str) -> None:
    for number, lines in enumerate(body[:-1], start=1):
        assert not lines or lines[-1] != heading, f"page {number} ends with {heading}"
    assert any(heading in lines for lines in body), body


def test_a_numbered_heading_is_kept_with_its_text(issue, room):
    text = fillers(room - 1) + "\n\n一、压实工作责任\n\n" + LINE + FULL
    body = issue({"01.md": item("重要新闻", text)})
    assert_not_last_on_a_page(body, "一、压实工作责任")


def test_a_section_marker_is_kept_with_its_first_item(issue, room):
    body = issue({"01.md": item("重要新闻", fillers(room - 1)),
                  "02.md": item("部门动态", LINE + FULL, title="市统计局开展专项调查")})  # fmt: skip
    assert_not_last_on_a_page(body, "【部门动态】")


def test_an_item_headline_is_kept_with_its_text(issue, room):
    body = issue({"01.md": item("重要新闻", fillers(room - 2)),
                  "02.md": item("重要新闻", LINE + FULL, title="市统计局开展专项调查")}, series=HEADLINE_SERIES)  # fmt: skip
    assert_not_last_on_a_page(body, "市统计局开展专项调查")


TABLE_ISSUE = ISSUE_YAML + """\
tables:
  - id: t
    file: t.csv
    title: 重点项目完成情况
    section: 工作简讯
    target: 年度目标
    actual: 完成
    as_of: 2024-02-29
  - id: a
    file: a.csv
    title: 各区县项目进度
    section: 附件
    target: 年度目标
    actual: 完成
"""


def table_csv(rows: int, name: str = "项目") -> str:
    return "项目,单位,年度目标,完成\n" + "".join(f"{name}{i + 1},个,{100 + i},{90 + i}\n" for i in range(rows))


def table_issue(issue, lines_before: int, rows: int) -> list[list[str]]:
    return issue({"01.md": item("工作简讯", fillers(lines_before))}, issue_yaml=TABLE_ISSUE,
                 files={"t.csv": table_csv(rows), "a.csv": table_csv(3, "区县")})  # fmt: skip


def data_rows(lines: list[str], rows: int) -> list[int]:
    """The table's rows on a page: 1 … ``rows``, and ``rows`` + 1 for the 合计 row it ends with."""
    return [n for n in range(1, rows + 1) if f"项目{n}" in lines] + ([rows + 1] if "合计" in lines else [])


def test_a_table_title_is_kept_with_its_table(issue, room):
    body = table_issue(issue, room - 2, 6)
    assert_not_last_on_a_page(body, "重点项目完成情况")


@pytest.fixture(scope="module")
def rows_on_page_1(issue) -> int:
    """How many rows of the table fit on page 1 after four lines of text (the probe: a table of 40)."""
    body = table_issue(issue, 4, 40)
    count = len(data_rows(body[0], 40))
    assert 10 <= count <= 30, body[0]
    return count


def assert_table_pages_hold_rows(body: list[list[str]], rows: int, least: int = 3) -> None:
    """Every page the table runs onto holds the repeated header and at least ``least`` rows,
    and the note is on the page of the last row (pages from 附件1 on hold the annex's own table)."""
    annex = next(n for n, lines in enumerate(body) if lines and lines[0] == "附件1")
    pages_with = [(n, data_rows(lines, rows)) for n, lines in enumerate(body[:annex]) if data_rows(lines, rows)]
    for number, found in pages_with:
        assert len(found) >= least or len(pages_with) == 1, (number + 1, found)
    last = pages_with[-1][0]
    assert any(line.startswith("注：统计截至") for line in body[last]), f"the note is not on page {last + 1}"


def test_a_tables_last_two_rows_are_not_left_alone_before_an_annex(issue, rows_on_page_1):
    """The case reported: the last 2 rows (the last one is 合计) and the note on a page of their own before 附件1."""
    rows = rows_on_page_1 + 1
    body = table_issue(issue, 4, rows)
    assert_table_pages_hold_rows(body, rows)


def test_a_tables_note_is_kept_with_its_last_row(issue, rows_on_page_1):
    """All rows (the last one is 合计) fill page 1, the note would go to page 2 alone."""
    rows = rows_on_page_1 - 1
    body = table_issue(issue, 4, rows)
    assert_table_pages_hold_rows(body, rows)


def test_the_distribution_block_fits_a_last_page_with_exactly_its_lines_free(issue, room):
    """GB/T 9704 puts the 版记 on the last page of the text; with exactly as many lines free as it takes it
    must share that page (its rules once pushed it onto a page of its own by 4 pt), and with one line
    fewer it starts the next page, whole."""
    alone = issue({"01.md": item("重要新闻", fillers(room + 22))})  # page 2 full: the block on page 3
    assert alone[2] == [] and len(alone) == 3
    block = [ln for ln in alone.pdf.pages[2] if not FOLIO.match(ln.text)]
    pitch = (TEXT_BOTTOM - TEXT_TOP) / 22
    taken = round((TEXT_BOTTOM - min(ln.y_min for ln in block)) / pitch + 0.5)  # whole lines, rules included
    assert 5 <= taken <= 12, taken
    fits = issue({"01.md": item("重要新闻", fillers(room + 22 - taken))})
    assert len(fits) == 2 and fits[1][-1] == LINE, "the block shares the last page of the body"
    assert any(ln.text.startswith("报") for ln in fits.pdf.pages[1])
    tight = issue({"01.md": item("重要新闻", fillers(room + 22 - taken + 1))})
    assert len(tight) == 3 and tight[2] == [], "one line more and it goes to a page of its own"
