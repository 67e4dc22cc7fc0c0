"""The studio's archive over HTTP, on real series and archives: 发布 (refused with errors, the confirmation
listing what is frozen, v1 then v2, a plan changed meanwhile, another publish running), the archive's pages
and downloads, 检索 and 供稿统计 with their files — and the bad cases: no CSRF token, markup in what was
published, names out of the archive, an archive that is missing or damaged."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.conftest import ITEM, ITEM_PATH, make_client
from tests.test_studio_http import XSS, text
from zhuanbao import services
from zhuanbao.archive import publish as publish_module
from zhuanbao.archive.layout import CATALOGUE, CURRENT
from zhuanbao.fsio import locked
from zhuanbao.studio.guard import Session

WARNED = "---\nsection: 区县动态\ntitle: 东岭区新建就业帮扶车间\nsource: 东岭区人社局\n---\n2024-03-05，东岭区新建就业帮扶车间5个，吸纳就业120人。\n"  # fmt: skip
ERRED = "---\nsection: 部门动态\ntitle: 市人社局开展招聘会\nsource: 市人社局\n---\n3月8日,市人社局举办招聘会。\n"


@pytest.fixture(autouse=True)
def no_pdf(monkeypatch):
    """Publishing as on a PC without LibreOffice (a PDF costs seconds); the test that wants one says so."""
    import zhuanbao.export

    monkeypatch.setattr(zhuanbao.export, "find_soffice", lambda: None)


def words(response) -> str:
    """What a reader sees: the page's text without its tags, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text))


def archive_of(root: Path) -> Path:
    return root.parent / "archive"  # series.yaml names none: archive/ beside the series, as publish decides


def confirm(client, issue: str = "2024-03") -> dict:
    """The confirmation page's form, as the browser would post it."""
    page = client.get(f"/issue/{issue}/publish")
    assert page.status_code == 200
    value = lambda name: re.search(rf'name="{name}" value="([^"]*)"', page.text).group(1)
    return {"csrf": value("csrf"), "fingerprint": value("fingerprint"), "revise": value("revise")}


def with_token(form: dict, csrf: str | None) -> dict:
    """The form with another CSRF token (None: without one), as a stale page or another site would post it."""
    return {key: value for key, value in form.items() if key != "csrf"} | ({} if csrf is None else {"csrf": csrf})


def publish(client, issue: str = "2024-03"):
    return client.post(f"/issue/{issue}/publish", data=confirm(client, issue))


# --- 发布 -----------------------------------------------------------------------------------------------------


def test_publishing_is_refused_while_check_finds_errors_and_nothing_is_archived(studio):
    client, _, root = studio({"2024-03/items/02-zhaopin.md": ERRED})
    issue_page = text(client.get("/issue/2024-03"))
    button = issue_page.split('id="publish-open"')[0].rsplit("<", 1)[1] + issue_page.split('id="publish-open"')[1][:40]
    assert "button" in button and "disabled" in button and "1 处错误，改正后才能发布" in issue_page
    page = client.get("/issue/2024-03/publish")
    shown = text(page)
    assert page.status_code == 200 and "本期还有 1 处错误" in shown
    assert re.search(r'第 6 行</span>\s*<a class="file" href="/issue/2024-03/item/02-zhaopin.md">2024-03/items/02-zhaopin.md</a>',
                     shown)  # file and line, linked to the item (fmt: skip)
    assert "[halfwidth-punct]" in shown and re.search(r'<button type="submit" id="publish-confirm" disabled', page.text)
    form = confirm(client)
    refused = client.post("/issue/2024-03/publish", data=form)  # the server refuses too, whatever the page allowed
    assert refused.status_code == 400 and "没有发布" in refused.text and "归档没有任何改动" in refused.text
    assert "第 6 行" in text(refused) and "02-zhaopin.md</a>" in refused.text and "Traceback" not in refused.text
    assert not archive_of(root).exists()


def test_publishing_with_warnings_archives_the_issue_which_verify_passes(studio):
    client, _, root = studio({"2024-03/items/02-jiuye.md": WARNED})
    plan = text(client.get("/issue/2024-03/publish"))
    assert "1 个警告（不妨碍发布" in plan and "[date-format]" in plan and "确认发布第1版" in plan
    done = publish(client)
    page = text(done)
    folder = archive_of(root) / "series" / "2024-03" / "v1"
    assert done.status_code == 200 and "已发布第1版" in page and str(folder) in page
    assert (folder / "工作专报2024年第3期.docx").is_file() and (folder.parent / CURRENT).read_text().strip() == "v1"
    assert 'href="/archive/series/2024-03/v1/%E5%B7%A5%E4%BD%9C%E4%B8%93%E6%8A%A52024%E5%B9%B4%E7%AC%AC3%E6%9C%9F.docx"' in done.text
    report = services.verify(archive_of(root))
    assert report.problems == [] and report.checked > 5
    assert "已发布 v1" in text(client.get("/"))


def test_the_confirmation_lists_what_publish_freezes(studio):
    table = "项目,目标,完成\n就业,100,80\n"
    issue = ("number: 3\ndate: 2024-03-15\ntotal: 20\ntables:\n  - id: jobs\n    file: tables/就业.csv\n"
             "    title: 就业目标完成情况\n    section: 工作简讯\n    target: 目标\n    actual: 完成\n")  # fmt: skip
    client, _, root = studio({"2024-03/items/02-jiuye.md": WARNED, "2024-03/tables/就业.csv": table,
                              "2024-03/issue.yaml": issue})  # fmt: skip
    assert 'id="publish-open" href="/issue/2024-03/publish"' in client.get("/issue/2024-03").text
    page = text(client.get("/issue/2024-03/publish"))
    assert "这一期还没有发布过。本次将作为 第1版 存入归档" in words(client.get("/issue/2024-03/publish"))
    assert str(archive_of(root) / "series" / "2024-03" / "v1") in page and "工作专报2024年第3期.docx" in page
    assert "未安装 LibreOffice，不生成 PDF" in page
    rows = re.findall(r"<tr> (?:<th scope=\"rowgroup\" rowspan=\"\d\">(.*?)</th> )?<td>(.*?)</td> <td>(.*?)</td> "
                      r"<td class=\"file\">(.*?)</td>", page)  # fmt: skip
    assert rows == [("区县动态", "东岭区新建就业帮扶车间", "东岭区人社局", "02-jiuye.md"),
                    ("工作简讯", "测试区完成老旧小区改造", "测试区住建局", "01-gaizao.md")]  # fmt: skip
    assert '<li>就业目标完成情况：<span class="file">tables/就业.csv</span></li>' in page
    for source in ("issue.yaml", "items/01-gaizao.md", "items/02-jiuye.md", "tables/就业.csv", "../series.yaml"):
        assert f"<li>{source}</li>" in page
    assert "默认模板，共" in page and "<li>bulletin.xml.j2</li>" in page
    publish(client)
    archived = archive_of(root) / "series" / "2024-03" / "v1" / "sources"
    assert (archived / "2024-03" / "tables" / "就业.csv").is_file() and (archived / "templates" / "bulletin.xml.j2").is_file()


def test_publishing_again_makes_version_2_and_keeps_version_1(studio):
    client, _, root = studio()
    assert publish(client).status_code == 200
    (root / ITEM_PATH).write_text(ITEM.replace("12个", "13个"), "utf-8")
    page = words(client.get("/issue/2024-03/publish"))
    assert "这一期已发布第1版（现行）。再次发布将作为 第2版 ，成为现行版本" in page and "确认发布第2版" in page
    assert "已发布第1版；再次发布将作为第2版" in text(client.get("/issue/2024-03"))
    done = publish(client)
    assert done.status_code == 200 and "已发布第2版" in done.text
    home = archive_of(root) / "series" / "2024-03"
    assert sorted(p.name for p in home.iterdir() if p.is_dir()) == ["v1", "v2"]
    assert (home / CURRENT).read_text().strip() == "v2" and services.verify(archive_of(root)).problems == []
    hits = services.search("改造13个", archive_of(root)).hits
    assert len(hits) == 1 and hits[0].path == "series/2024-03/v2"


def test_what_changed_after_the_confirmation_is_not_published(studio):
    client, _, root = studio()
    form = confirm(client)
    (root / ITEM_PATH).write_text(ITEM.replace("12个", "15个"), "utf-8")  # a colleague saves meanwhile
    refused = client.post("/issue/2024-03/publish", data=form)
    assert refused.status_code == 409 and "在确认之后有了改动" in refused.text and "请重新核对" in refused.text
    assert not (archive_of(root) / "series" / "2024-03").exists()
    services.publish(root / "2024-03", pdf=False)  # and then publishes it from the command line
    again = client.post("/issue/2024-03/publish", data=confirm(client) | {"fingerprint": form["fingerprint"]})
    assert again.status_code == 409 and "将作为 第2版" in words(again)  # what a publish now would be
    assert sorted(p.name for p in (archive_of(root) / "series" / "2024-03").iterdir() if p.is_dir()) == ["v1"]


def test_the_same_confirmation_posted_twice_publishes_once(studio):
    client, _, root = studio()
    form = confirm(client)
    assert client.post("/issue/2024-03/publish", data=form).status_code == 200
    twice = client.post("/issue/2024-03/publish", data=form)  # a second click, or the browser's resend
    assert twice.status_code == 409 and "没有发布" in twice.text
    assert sorted(p.name for p in (archive_of(root) / "series" / "2024-03").iterdir() if p.is_dir()) == ["v1"]


def test_another_publish_running_is_said_in_chinese_and_nothing_is_written(studio, monkeypatch):
    client, _, root = studio()
    monkeypatch.setattr(publish_module, "locked", lambda folder, wait, hint: locked(folder, 0.0, hint))
    form = confirm(client)
    series_home = archive_of(root) / "series"
    with locked(series_home):  # a publish from the command line holds the series
        busy = client.post("/issue/2024-03/publish", data=form)
    assert busy.status_code == 409 and "正在由另一个 publish 发布" in busy.text and "Traceback" not in busy.text
    assert not (series_home / "2024-03").exists()


@pytest.mark.parametrize("csrf", [None, "", "0" * 64, Session(port=8765).csrf])
def test_publishing_needs_this_sessions_csrf_token(studio, csrf):
    client, _, root = studio()
    response = client.post("/issue/2024-03/publish", data=with_token(confirm(client), csrf))
    assert response.status_code == 403 and "校验码" in response.text
    assert not archive_of(root).exists()


def test_an_issue_that_cannot_be_built_cannot_be_published(studio):
    client, _, root = studio({"2024-03/items/02-x.md": "---\nsection: 工作动向\ntitle: 栏目写错\n---\n正文。\n"})
    page = client.get("/issue/2024-03/publish")
    assert page.status_code == 200 and "工作动向" in page.text and "[build]" in page.text
    assert re.search(r'id="publish-confirm" disabled', page.text)
    assert client.post("/issue/2024-03/publish", data=confirm(client)).status_code == 400
    assert not archive_of(root).exists()


def test_the_archive_named_in_series_yaml_is_the_one_published_into_and_read(studio, tmp_path):
    client, _, root = studio()
    (root / "series.yaml").write_text((root / "series.yaml").read_text("utf-8") + "archive: ../归档库\n", "utf-8")
    publish(client)
    assert (tmp_path / "归档库" / "series" / "2024-03" / "v1").is_dir() and not archive_of(root).exists()
    page = text(client.get("/archive"))
    assert str(tmp_path / "归档库") in page and "series.yaml 中 archive: 指定" in page and "第1版" in page


def test_a_real_publish_makes_the_pdf_too_and_both_download(studio, libreoffice, monkeypatch):
    monkeypatch.undo()  # LibreOffice is there: publish makes the PDF as the command line does
    client, _, _ = studio()
    assert "以及同名的 PDF" in text(client.get("/issue/2024-03/publish"))
    done = publish(client)
    links = re.findall(r'<a href="(/archive/series/2024-03/v1/[^"]+)">', done.text)
    assert [unquote(link).rsplit(".", 1)[1] for link in links] == ["docx", "pdf"]
    pdf = client.get(links[1])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and pdf.headers["content-type"] == "application/pdf"


# --- the archive's pages ------------------------------------------------------------------------------------


def test_the_archive_page_lists_each_issue_with_its_versions_newest_first(studio):
    client, _, root = studio({"2024-04/issue.yaml": "number: 4\ndate: 2024-04-15\ntotal: 21\n",
                              "2024-04/items/01.md": WARNED})  # fmt: skip
    publish(client)
    (root / ITEM_PATH).write_text(ITEM.replace("12个", "13个"), "utf-8")
    publish(client)
    publish(client, "2024-04")
    page = text(client.get("/archive"))
    assert page.index("工作专报2024年第4期") < page.index("工作专报2024年第3期")
    third = page.split('<span class="name">工作专报2024年第3期')[1]
    assert re.search(r"第2版</a><span class=\"state\">现行</span> <span class=\"note\">\d{4}年\d+月\d+日 \d\d:\d\d 发布", third)
    assert third.index("第2版") < third.index("第1版") and "在编辑器中打开本期" in third
    assert 'href="/archive/series/2024-03/v1"' in page and 'href="/archive/series/2024-03/v2"' in page
    assert 'id="series-archive" href="/archive"' in client.get("/").text and 'id="nav-archive"' in page


def test_a_version_page_lists_its_items_and_serves_its_document(studio):
    client, _, root = studio({"2024-03/items/02-jiuye.md": WARNED})
    publish(client)
    page = client.get("/archive/series/2024-03/v1")
    shown = text(page)
    assert page.status_code == 200 and "第1版（现行）" in shown and "2024年第3期（总第20期），2024年3月15日印发" in shown
    assert shown.index("【区县动态】") < shown.index("东岭区新建就业帮扶车间") < shown.index("【工作简讯】")
    assert "供稿：东岭区人社局" in shown and "吸纳就业120人" in shown and 'id="item1"' in page.text
    assert "sources/2024-03/items/02-jiuye.md" in shown
    link = re.search(r'<a class="download" href="([^"]+)">工作专报2024年第3期.docx</a>', page.text).group(1)
    document = client.get(link)
    archived = archive_of(root) / "series" / "2024-03" / "v1" / "工作专报2024年第3期.docx"
    assert document.status_code == 200 and document.content == archived.read_bytes()
    assert "word/document.xml" in zipfile.ZipFile(io.BytesIO(document.content)).namelist()
    disposition = document.headers["content-disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''" in disposition
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "工作专报2024年第3期.docx"


def test_an_archive_not_made_yet_says_nothing_was_published(studio):
    client, _, root = studio()
    for path, says in (("/archive", "没有发布过任何一期"), ("/archive/search?q=改造", "没有发布过任何一期"),
                       ("/archive/stats", "没有发布过任何一期"), ("/archive/search", "要找的词")):  # fmt: skip
        response = client.get(path)
        assert response.status_code == 200 and says in response.text, path
    assert client.get("/archive/stats.xlsx").status_code == 400
    assert not archive_of(root).exists()  # reading made nothing


def test_a_damaged_archive_is_said_in_chinese_not_a_500(studio):
    client, _, root = studio({"2024-03/items/02-jiuye.md": WARNED})
    publish(client)
    archive = archive_of(root)
    (archive / CATALOGUE).write_bytes(b"this is not a database" * 100)
    found = client.get("/archive/search?q=就业")
    assert found.status_code == 200 and "东岭区新建就业帮扶车间" in found.text  # the catalogue rebuilt from the files
    (archive / CATALOGUE).unlink()
    (archive / CATALOGUE).mkdir()  # cannot even be rebuilt
    for path in ("/archive/search?q=就业", "/archive/stats", "/archive/stats.xlsx"):
        response = client.get(path)
        assert response.status_code == 400 and "检索目录" in response.text and "Traceback" not in response.text, path
    assert client.get("/archive").status_code == 200  # the list is read from the files, not the catalogue
    manifest = archive / "series" / "2024-03" / "v1" / "manifest.json"
    manifest.chmod(0o644)
    manifest.write_text("{not json", "utf-8")
    listed = client.get("/archive")
    assert listed.status_code == 200 and "有 1 个版本无法读取" in listed.text and "manifest.json" in listed.text
    assert client.get("/archive/series/2024-03/v1").status_code == 400


def test_an_archive_that_is_a_file_is_said_in_chinese(studio):
    client, _, root = studio()
    archive_of(root).write_text("not a folder", "utf-8")
    for path in ("/archive", "/archive/stats", "/archive/search?q=改造"):
        response = client.get(path)
        assert response.status_code < 500 and "Traceback" not in response.text, path
    assert "归档位置不是文件夹" in client.get("/archive").text
    publishing = client.post("/issue/2024-03/publish", data=confirm(client))
    assert publishing.status_code == 400 and "归档" in publishing.text


@pytest.mark.parametrize("path", [
    "/archive/%2e%2e/2024-03/v1", "/archive/series/%2e%2e/v1", "/archive/series/2024-03/..%2F..%2F..",
    "/archive/..%2Fseries/2024-03/v1", "/archive/series/2024-03/v01", "/archive/series/2024-03/current",
    "/archive/series/2024-03/v1/manifest.json", "/archive/series/2024-03/v1/..%2F..%2F..%2Fseries%2Fseries.yaml",
    "/archive/series/2024-03/v1/sources%2F2024-03%2Fissue.yaml", "/archive/series/2024-03/v1/items.json",
    "/archive/series/2024-03/v9", "/archive/C:%5Cx/2024-03/v1", "/issue/%2e%2e/publish", "/issue/..%2F..%2Fetc/publish",
    "/archive/stats.exe",
])  # fmt: skip
def test_names_out_of_the_archive_are_not_found(studio, path):
    client, _, _ = studio()
    publish(client)
    response = client.get(path)
    assert response.status_code == 404 and "找不到" in response.text
    assert "测试区" not in response.text


def test_a_link_in_the_archive_is_not_followed(studio, tmp_path):
    client, _, root = studio()
    publish(client)
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(archive_of(root) / "series" / "2024-03" / "v1", elsewhere)
    (archive_of(root) / "series" / "2024-03" / "v2").symlink_to(elsewhere)
    assert client.get("/archive/series/2024-03/v2").status_code == 404


# --- 检索 -----------------------------------------------------------------------------------------------------


def test_search_finds_a_two_character_term_and_leads_to_the_issue(studio):
    client, _, root = studio({"2024-03/items/02-jiuye.md": WARNED})
    publish(client)
    response = client.get("/archive/search", params={"q": "就业"})
    page = text(response)
    assert response.status_code == 200 and "找到 1 条" in page
    assert '<a class="title" href="/issue/2024-03">东岭区新建就业帮扶车间</a>' in page
    assert "工作专报2024年第3期 · 区县动态 · 东岭区人社局 · 2024年3月15日" in page
    assert "吸纳<mark>就业</mark>120人" in page and 'href="/archive/series/2024-03/v1#item1"' in page
    assert 'value="就业"' in client.get("/archive/search?q=就业").text.split("<main")[0]  # the header's box keeps it
    shutil.rmtree(root / "2024-03")  # the issue folder gone from the series: the archived version is where it leads
    assert '<a class="title" href="/archive/series/2024-03/v1#item1">' in client.get("/archive/search?q=就业").text


def test_a_search_hit_in_an_indicator_table_names_the_table_and_row(studio):
    towns = "乡镇,年度目标,累计完成\r\n城关镇,12000,9800\r\n白石乡,8000,5100\r\n".encode("gbk")  # as Excel saves it
    tables = ("tables:\n  - {id: towns, file: tables/乡镇固投.csv, title: 各乡镇固投完成情况, section: 工作简讯,"
              " target: 年度目标, actual: 累计完成}\n")  # fmt: skip
    client, _, root = studio({"2024-03/issue.yaml": "number: 3\ndate: 2024-03-15\ntotal: 20\n" + tables,
                              "2024-03/tables/乡镇固投.csv": towns})  # fmt: skip
    assert publish(client).status_code in (200, 303)
    page = text(client.get("/archive/search", params={"q": "城关镇"}))
    assert "找到 1 条" in page and '<a class="title" href="/issue/2024-03">表：各乡镇固投完成情况 · 城关镇</a>' in page
    assert "<mark>城关镇</mark>：年度目标 12000，累计完成 9800" in page
    shutil.rmtree(root / "2024-03")  # the issue folder gone: the hit leads to the table on the archived version's page
    assert '<a class="title" href="/archive/series/2024-03/v1#table1">表：' in client.get("/archive/search?q=城关镇").text
    version = text(client.get("/archive/series/2024-03/v1"))
    shown = version.split('id="table1"', 1)[1]
    assert '<p class="note">【工作简讯】</p>' in shown and '<p class="table-title">各乡镇固投完成情况</p>' in shown
    assert '<td class="left">城关镇</td><td class="right">12000</td><td class="right">9800</td>' in shown


def test_search_filters_are_the_commands_options(studio):
    client, _, _ = studio({"2024-03/items/02-jiuye.md": WARNED})
    publish(client)
    assert "找到 1 条" in text(client.get("/archive/search", params={"q": "改造", "source": "住建局"}))
    none = text(client.get("/archive/search", params={"q": "改造", "source": "人社局", "year": "2024"}))
    assert "没有找到同时含有“改造”的稿件" in none and "放宽条件" in none
    assert "找到 1 条" in text(client.get("/archive/search", params={"q": "改造", "year": "２０２４", "series": "series"}))
    wrong = client.get("/archive/search", params={"q": "改造", "year": "去年"})
    assert wrong.status_code == 400 and 'id="error-year"' in wrong.text and "四位数字" in wrong.text
    empty = client.get("/archive/search", params={"q": "  "})
    assert empty.status_code == 400 and 'id="error-q"' in empty.text and "请输入要找的词" in empty.text
    unknown = client.get("/archive/search", params={"q": "改造", "series": "别的刊物"})
    assert unknown.status_code == 400 and "归档中没有刊物“别的刊物”" in unknown.text


def test_markup_in_what_was_published_is_shown_as_text(studio):
    item = (f"---\nsection: 工作简讯\ntitle: '{XSS}就业'\nsource: '<img src=x onerror=alert(2)>'\n---\n"
            f"<b>就业</b>见<script>alert(3)</script>。\n")  # fmt: skip
    client, _, _ = studio({"2024-03/items/02-x.md": item})
    publish(client)
    pages = [client.get(path).text for path in ("/archive/search?q=就业", "/archive/series/2024-03/v1", "/archive",
                                                "/archive/stats", "/issue/2024-03/publish")]  # fmt: skip
    for page in pages:
        body = page.split("<main")[1]
        assert "<script>alert" not in body and "<img src=x" not in body and "<b>" not in body
    assert "&lt;b&gt;<mark>就业</mark>&lt;/b&gt;" in pages[0]  # escaped, then marked: never marked inside markup
    assert "&lt;img src=x onerror=alert(2)&gt;" in pages[3]
    search = client.get("/archive/search", params={"q": '"><script>alert(4)</script>'})
    assert "<script>alert(4)" not in search.text and "&lt;script&gt;alert(4)" in search.text


def test_the_search_box_is_on_every_page(studio):
    client, _, _ = studio()
    for path in ("/", "/issue/2024-03", "/issue/2024-03/item/01-gaizao.md", "/archive"):
        assert 'action="/archive/search"' in client.get(path).text and 'id="top-q"' in client.get(path).text


# --- 供稿统计 -------------------------------------------------------------------------------------------------


def stats_series(studio):
    client, _, root = studio({
        "2024-03/items/02-jiuye.md": WARNED,
        "2024-03/items/03-gaizao.md": ITEM.replace("老旧小区改造", "背街小巷整治"),
        "2024-04/issue.yaml": "number: 4\ndate: 2024-04-15\ntotal: 21\n",
        "2024-04/items/01.md": ITEM.replace("测试区完成", "测试区启动"),
    })  # fmt: skip
    publish(client)
    publish(client, "2024-04")
    return client, root


def test_the_stats_page_counts_items_per_unit_section_and_month(studio):
    client, _ = stats_series(studio)
    page = text(client.get("/archive/stats"))
    assert '<option value="2024" selected>2024年</option>' in page  # this series' latest year by default
    units = page.split("<caption>按供稿单位</caption>")[1].split("</table>")[0]
    assert re.findall(r"<td>(.*?)</td>\s*<td class=\"count\">(\d+)</td>", units) == [("测试区住建局", "3"), ("东岭区人社局", "1")]
    assert '<th scope="row">合计</th><td class="count">4</td>' in units
    months = page.split("<caption>按月份</caption>")[1].split("</table>")[0]
    assert re.findall(r"<td>(.*?)</td>\s*<td class=\"count\">(\d+)</td>", months) == [("2024年3月", "3"), ("2024年4月", "1")]
    assert "2023年没有已发布的稿件" in text(client.get("/archive/stats?year=2023&series=series"))
    wrong = client.get("/archive/stats?year=3000")
    assert wrong.status_code == 400 and 'id="error-year"' in wrong.text


def test_the_stats_page_shows_each_year_s_scores_with_the_records(studio):
    import datetime as dt

    client, root = stats_series(studio)
    (root / "series.yaml").write_text((root / "series.yaml").read_text("utf-8") + "contribution_weights: {领导批示: 4}\n",
                                      "utf-8")  # fmt: skip  # after publishing: the archived series.yaml counts
    services.record(root / "2024-03", "02-jiuye", "批示", "市长", "2024-03-20", today=dt.date(2024, 12, 1))
    page = text(client.get("/archive/stats"))
    scores = page.split('id="scores-2024"')[1].split("</table>")[0]
    assert "<caption>2024年度计分" in scores
    cells = re.findall(r"<tr><td>(.*?)</td>(.*?)</tr>", scores)
    assert [(unit, re.findall(r'"count">([\d.]+)<', rest)) for unit, rest in cells] == [
        ("东岭区人社局", ["1", "1", "0", "0", "1", "5", "6"]), ("测试区住建局", ["3", "3", "0", "0", "0", "0", "3"])]
    assert re.findall(r'"count">([\d.]+)<', scores.split("<tfoot>")[1]) == ["4", "4", "0", "0", "1", "5", "9"]


# --- 采用与批示 (issue 18, item 7) ---------------------------------------------------------------------------


def record_form(client, page: str, **values) -> dict:
    csrf = re.search(r'name="csrf" value="([^"]*)"', client.get(page).text).group(1)
    return {"csrf": csrf, "item": "01-gaizao.md", "level": "领导批示", "by": "区长", "date": "2024-03-20", **values}


def test_a_record_is_added_on_the_version_in_force_and_listed(studio):
    client, _, root = studio()
    publish(client)
    page = client.get("/archive/series/2024-03/v1")
    assert 'id="record-form"' in page.text and 'id="record-none"' in page.text
    assert 'action="/archive/series/2024-03/record"' in page.text
    posted = client.post("/archive/series/2024-03/record", data=record_form(client, "/archive/series/2024-03/v1",
                         by="省政府办公厅《政务信息》第45期", level="被上级刊物采用", note="全文采用"),
                         follow_redirects=False)  # fmt: skip
    assert posted.status_code == 303 and posted.headers["location"] == "/archive/series/2024-03/v1?recorded=1#records"
    shown = text(client.get(posted.headers["location"]))
    assert 'id="record-done"' in shown
    row = shown.split('id="record-list"')[1].split("</tbody>")[0]
    assert re.findall(r"<td>(.*?)</td>", row) == [
        '测试区完成老旧小区改造 <span class="file">01-gaizao.md</span>', "测试区住建局", "被上级刊物采用",
        "省政府办公厅《政务信息》第45期", "2024年3月20日", "全文采用"]  # fmt: skip
    records = (archive_of(root) / "series" / "2024-03" / "采用记录.yaml").read_text("utf-8")
    assert "level: 被上级刊物采用" in records and "by: 省政府办公厅《政务信息》第45期" in records
    assert services.stats(archive_of(root), 2024).scores[0].rows[0].counts == (1, 1, 0)
    publish(client)  # a revision: the records stay with the issue, the form moves to v2
    assert 'id="record-form"' not in client.get("/archive/series/2024-03/v1").text
    assert 'id="record-list"' in client.get("/archive/series/2024-03/v2").text


def test_a_record_that_cannot_count_is_refused_with_the_form_as_typed(studio):
    client, _, root = studio()
    publish(client)
    refused = client.post("/archive/series/2024-03/record",
                          data=record_form(client, "/archive/series/2024-03/v1", date="2024-03-01", by="区长<b>"))
    assert refused.status_code == 400 and 'id="record-refused"' in refused.text
    assert "日期 2024-03-01 早于工作专报2024年第3期的印发日期 2024-03-15" in refused.text
    assert 'value="区长&lt;b&gt;"' in refused.text and 'value="2024-03-01"' in refused.text  # kept, escaped
    assert not (archive_of(root) / "series" / "2024-03" / "采用记录.yaml").exists()
    form = record_form(client, "/archive/series/2024-03/v1")
    assert client.post("/archive/series/2024-09/record", data=form).status_code == 404  # never published
    assert client.post("/archive/..%2F..%2Fetc/2024-03/record", data=form).status_code == 404


@pytest.mark.parametrize("csrf", [None, "", "0" * 64, Session(port=8765).csrf])
def test_recording_needs_this_sessions_csrf_token(studio, csrf):
    client, _, root = studio()
    publish(client)
    form = with_token(record_form(client, "/archive/series/2024-03/v1"), csrf)
    response = client.post("/archive/series/2024-03/record", data=form)
    assert response.status_code == 403 and "校验码" in response.text
    assert not (archive_of(root) / "series" / "2024-03" / "采用记录.yaml").exists()


def test_the_stats_download_as_xlsx_holds_the_counts(studio):
    from openpyxl import load_workbook

    client, _ = stats_series(studio)
    page = client.get("/archive/stats").text
    link = re.search(r'id="stats-xlsx" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    response = client.get(link)
    assert response.status_code == 200 and "spreadsheetml" in response.headers["content-type"]
    disposition = response.headers["content-disposition"]
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "供稿统计（2024年，工作专报）.xlsx"
    assert 'filename="stats-2024.xlsx"' in disposition
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["2024年"]  # the assessment table of the year shown
    rows = [row[:4] for row in book["2024年"].iter_rows(min_row=5, max_row=7, values_only=True)]
    assert rows == [(1, "测试区住建局", 3, 3), (2, "东岭区人社局", 1, 1), ("合计", None, 4, 4)]


def test_the_stats_download_as_csv_opens_in_excel(studio):
    client, _ = stats_series(studio)
    response = client.get("/archive/stats.csv?year=2024&series=series")
    assert response.status_code == 200 and response.content.startswith(b"\xef\xbb\xbf")  # Excel reads the BOM as UTF-8
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == '"分类","项目","稿件数"' and '"供稿单位","测试区住建局",3' in lines
    assert unquote(response.headers["content-disposition"].split("''")[1]) == "供稿统计（2024年，工作专报）.csv"
    every = client.get("/archive/stats.csv?year=&series=")
    assert unquote(every.headers["content-disposition"].split("''")[1]) == "供稿统计（全部年份）.csv"


def test_a_unit_written_as_a_formula_stays_text_in_the_download(studio):
    from openpyxl import load_workbook

    client, _, root = studio()
    (root / ITEM_PATH).write_text(ITEM.replace("source: 测试区住建局", "source: '=HYPERLINK(\"http://x\")'"), "utf-8")
    publish(client)
    book = load_workbook(io.BytesIO(client.get("/archive/stats.xlsx?year=2024").content))
    cell = book["2024年"]["B5"]
    assert cell.value == '=HYPERLINK("http://x")' and cell.data_type == "s"


def test_a_second_studio_session_cannot_download_without_its_cookie(studio):
    client, _, root = studio()
    publish(client)
    stranger, _ = make_client(root)
    for path in ("/archive", "/archive/stats.xlsx?year=2024", "/archive/series/2024-03/v1"):
        assert stranger.get(path).status_code == 403


def test_the_result_is_a_page_of_its_own_so_a_reload_publishes_nothing_again(studio, tmp_path):
    client, _, root = studio()
    posted = client.post("/issue/2024-03/publish", data=confirm(client, "2024-03"), follow_redirects=False)
    assert posted.status_code == 303 and posted.headers["location"] == "/issue/2024-03/published"
    shown = client.get("/issue/2024-03/published")
    assert shown.status_code == 200 and "第1版" in shown.text
    reloaded = client.get("/issue/2024-03/published", follow_redirects=False)  # F5 on the result
    assert reloaded.status_code == 303 and reloaded.headers["location"] == "/archive"
    versions = sorted(p.name for p in (root.parent / "archive").rglob("v*") if p.is_dir())
    assert versions == ["v1"]
