"""zhuanbao.load.pictures: the pictures an item shows, found where the body writes them and read with it;
a path out of the issue folder refused as a table's is, one missing kept for check to report."""

from __future__ import annotations

import os

import pytest

from zhuanbao.diagnostics import ContentError
from zhuanbao.load.content import load_edition, load_series
from zhuanbao.load.pictures import references

from .photos import line_art

HEAD = "---\nsection: 工作简讯\ntitle: 图片\n---\n"


def test_references_are_found_at_their_line_and_column_as_markdown_reads_them():
    body = ("文字。\n\n![图1 现场](images/a.jpg)\n\n前文![](images/东岭区.png)后文，\n续行 ![说明](<images/b c.jpg>)\n\n"
            "`![代码](x.jpg)` 不是图片\n\n```\n![围栏](y.jpg)\n```\n")  # fmt: skip
    assert references(body) == [("images/a.jpg", 3, 1), ("images/东岭区.png", 5, 3), ("images/b c.jpg", 6, 4)]
    assert references("images\\a.jpg 不是图片；![x](images\\a.jpg)\n") == [("images/a.jpg", 1, 19)]


def test_an_items_pictures_are_read_with_it(series):
    root = series({"2024-03/items/01-gaizao.md": HEAD + "正文。\n\n![图1](images/a.png)\n\n![](images/none.jpg)\n",
                   "2024-03/items/images/a.png": line_art(), "2024-03/images/b.png": line_art(40, 30),
                   "2024-03/items/02.md": HEAD + "![](../images/b.png)\n"})  # fmt: skip
    edition = load_edition(root, root / "2024-03", load_series(root))
    first, second = edition.items
    assert [(p.src, p.line, p.column, p.data == line_art(), p.problem) for p in first.pictures] == [
        ("images/a.png", 7, 1, True, None), ("images/none.jpg", 9, 1, False, "不存在")]
    assert second.pictures[0].data == line_art(40, 30)  # anywhere in the issue folder


@pytest.mark.parametrize(
    ("src", "fragment"),
    [
        ("../../series.yaml", "在本期文件夹之外"),
        ("../../2024-04/items/images/a.png", "在本期文件夹之外"),
        ("/etc/passwd", "在本期文件夹之外"),
        ("https://example.cn/a.jpg", "是网址"),
        ("data:image/png;base64,iVBORw0KGgo=", "是网址"),
    ],
)
def test_a_picture_out_of_the_issue_folder_is_refused_at_its_line(series, src, fragment):
    root = series({"2024-03/items/01-gaizao.md": HEAD + f"正文。\n\n![说明]({src})\n"})
    with pytest.raises(ContentError, match=fragment) as caught:
        load_edition(root, root / "2024-03", load_series(root))
    [error] = caught.value.diagnostics
    assert (error.path.name, error.line, error.column) == ("01-gaizao.md", 7, 1)


def test_a_link_out_of_the_series_is_refused_and_a_link_within_it_is_read(series, tmp_path):
    secret = tmp_path / "机密.png"
    secret.write_bytes(line_art())
    root = series({"2024-03/items/01-gaizao.md": HEAD + "![](images/out.png)\n",
                   "2024-03/items/02.md": HEAD + "![](images/in.png)\n", "shared/logo.png": line_art(50, 50)})  # fmt: skip
    (root / "2024-03/items/images").mkdir()
    os.symlink(secret, root / "2024-03/items/images/out.png")
    os.symlink(root / "shared/logo.png", root / "2024-03/items/images/in.png")
    with pytest.raises(ContentError, match="是一个链接.*指向series文件夹之外") as caught:
        load_edition(root, root / "2024-03", load_series(root))
    assert [d.path.name for d in caught.value.diagnostics] == ["01-gaizao.md"]
    (root / "2024-03/items/01-gaizao.md").write_text(HEAD + "正文。\n", "utf-8")
    edition = load_edition(root, root / "2024-03", load_series(root))
    assert edition.items[1].pictures[0].data == line_art(50, 50)
