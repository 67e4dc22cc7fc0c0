"""The item page's live check and 一键修正 over HTTP, and every finding by the field it concerns: findings of
the unsaved form with the body box's lines, the CSRF header required, paths out of the series refused, a
huge body refused, markup in messages never markup on the page, the fix preview equal to check --fix, and
the whole-file form of an item whose front matter cannot be read."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from zhuanbao.lint import check

from .conftest import ITEM_PATH
from .test_studio_http import XSS, form_of

ITEM_URL = "/issue/2024-03/item/01-gaizao.md"
STATIC = Path(__file__).resolve().parents[1] / "src" / "zhuanbao" / "studio" / "static"


def live(client, session, data: dict, what: str = "check", url: str = ITEM_URL, **headers):
    headers = {"X-CSRF-Token": session.csrf, **headers}
    return client.post(f"{url}/{what}", json=data, headers=headers)


def fields(**changes) -> dict:
    return {"section": "工作简讯", "title": "测试区完成老旧小区改造", "source": "测试区住建局",
            "body": "3月10日，测试区完成老旧小区改造12个。"} | changes  # fmt: skip


def by_field(answer: dict) -> list[tuple]:
    return [(f["field"], f["body_line"], f["rule"], f["severity"]) for f in answer["findings"]]


# --- check as you type --------------------------------------------------------------------------------------


def test_the_unsaved_form_is_checked_and_each_finding_placed_by_its_field(studio):
    client, session, root = studio()
    before = (root / ITEM_PATH).read_bytes()
    body = "第一段。\n\n第二段,好。\n\n共{{ tables.x.done }}项。"
    response = live(client, session, fields(title="标题,有半角。", section="工作简讯", body=body))
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    answer = response.json()
    assert by_field(answer) == [
        ("title", None, "halfwidth-punct", "error"), ("title", None, "title-punct", "warning"),
        ("body", 3, "halfwidth-punct", "error"), ("body", 5, "build", "error")]  # fmt: skip
    body_finding = answer["findings"][2]
    assert body_finding["line"] == 10 and body_finding["fixable"] and "半角" in body_finding["message"]  # file line 10
    assert "不存在的数据" in answer["findings"][3]["message"] and answer["findings"][3]["hint"]
    assert (answer["errors"], answer["warnings"]) == (3, 1)
    assert (root / ITEM_PATH).read_bytes() == before  # the check writes nothing


def test_section_source_and_front_matter_findings_stand_by_their_fields(studio):
    client, session, root = studio()
    answer = live(client, session, fields(section="工作动向")).json()
    assert [(f["field"], f["rule"]) for f in answer["findings"]] == [("section", "build")]
    assert "是否想写" in answer["findings"][0]["hint"] or "工作简讯" in answer["findings"][0]["message"]
    answer = live(client, session, fields(source="东岭区住建局供稿")).json()
    assert [(f["field"], f["rule"]) for f in answer["findings"]] == [("source", "source-suffix")]
    (root / ITEM_PATH).write_text("---\nsection: 工作简讯\ntitel: 错字\n---\n正文。\n", "utf-8")
    answer = live(client, session, fields()).json()  # titel: kept by the form, shown with its file line
    assert [(f["field"], f["line"], f["rule"]) for f in answer["findings"]] == [("front", 3, "build")]
    assert "未知的键“titel”" in answer["findings"][0]["message"]


def test_a_title_another_item_has_is_said_on_the_item_being_edited(studio):
    client, session, _ = studio({"2024-03/items/02-b.md": "---\nsection: 工作简讯\ntitle: 第二篇\n---\n正文。\n"})
    answer = live(client, session, fields(title="第二篇")).json()
    assert [(f["field"], f["message"]) for f in answer["findings"]] == [("title", "标题与 02-b.md 相同")]


@pytest.mark.parametrize("token", [None, "", "0" * 64, "csrf-of-another-run"])
@pytest.mark.parametrize("what", ["check", "fix"])
def test_both_routes_need_the_csrf_token_in_the_header_and_change_nothing(studio, token, what):
    client, session, root = studio()
    before = (root / ITEM_PATH).read_bytes()
    headers = {} if token is None else {"X-CSRF-Token": token}
    response = client.post(f"{ITEM_URL}/{what}", json=fields(body="完成,好。"), headers=headers)
    assert response.status_code == 403 and "校验码" in response.json()["error"]
    as_form = client.post(f"{ITEM_URL}/{what}", data={"csrf": session.csrf, **fields()})  # the header, not a field
    assert as_form.status_code == 403
    assert (root / ITEM_PATH).read_bytes() == before and len(list((root / "2024-03/items").iterdir())) == 1


def test_a_cross_site_request_is_refused_before_the_route(studio):
    client, session, _ = studio()
    response = live(client, session, fields(), origin="http://evil.example")
    assert response.status_code == 403 and "其他网站" in response.text


@pytest.mark.parametrize("url", [
    "/issue/2024-03/item/..%2F..%2Fseries.yaml", "/issue/%2e%2e/item/01-gaizao.md", "/issue/2024-03/item/issue.yaml",
    "/issue/2024-03/item/C:%5Csecret.md", "/issue/2024-03/item/99-none.md",
])  # fmt: skip
@pytest.mark.parametrize("what", ["check", "fix"])
def test_paths_out_of_the_series_are_refused(studio, url, what):
    client, session, _ = studio()
    response = live(client, session, fields(), what, url)
    assert response.status_code == 404 and "找不到" in response.text  # (a name with a slash matches no route at all)


def test_a_link_out_of_the_series_is_not_read(studio, tmp_path):
    client, session, root = studio()
    secret = tmp_path / "机密.md"
    secret.write_text("---\nsection: 工作简讯\nsecret: 机密内容\n---\n机密内容。\n", "utf-8")
    (root / "2024-03/items/02-link.md").symlink_to(secret)
    response = live(client, session, fields(), url="/issue/2024-03/item/02-link.md")
    assert response.status_code == 404 and "机密" not in response.text


def test_a_two_megabyte_body_is_refused_and_reads_no_further(studio):
    client, session, root = studio()
    response = live(client, session, fields(body="很长，" * 350_000))  # about 2 MB of JSON
    assert response.status_code == 413 and "MB" in response.json()["error"]

    def chunks():  # no Content-Length to refuse up front: the stream is cut off past the limit
        yield b'{"body": "'
        for _ in range(3):
            yield b"x" * (1024 * 1024)
        yield b'"}'

    response = client.post(f"{ITEM_URL}/check", content=chunks(),
                           headers={"X-CSRF-Token": session.csrf, "content-type": "application/json"})  # fmt: skip
    assert response.status_code == 413


@pytest.mark.parametrize("sent", [b"[1, 2]", b"not json", b'{"title": 5, "body": ""}', b'{"body": ["x"]}'])
def test_a_request_that_is_not_a_form_object_is_refused_in_chinese(studio, sent):
    client, session, _ = studio()
    response = client.post(f"{ITEM_URL}/check", content=sent,
                           headers={"X-CSRF-Token": session.csrf, "content-type": "application/json"})  # fmt: skip
    assert response.status_code == 400 and "无法读取" in response.json()["error"]


def test_markup_in_a_findings_message_stays_text(studio):
    client, session, root = studio()
    answer = live(client, session, fields(section=XSS)).json()
    [message] = [f["message"] for f in answer["findings"] if f["field"] == "section"]
    assert XSS in message  # JSON carries the text as text; the script puts it in with textContent
    script = (STATIC / "check.js").read_text("utf-8")
    assert "textContent" in script
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function", script)
    (root / ITEM_PATH).write_text(f"---\nsection: '{XSS}'\ntitle: 't'\n---\n正文。\n", "utf-8")
    page = client.get(ITEM_URL).text
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_page_and_its_script_are_wired_by_stable_names(studio):
    client, _, _ = studio()
    page = client.get(ITEM_URL).text
    for needle in ('data-check-url="/issue/2024-03/item/01-gaizao.md/check"', 'id="check-summary"', 'id="fix-button"',
                   'id="fix-dialog"', 'id="fix-apply"', 'id="fix-cancel"', 'data-field="title"', 'data-field="body"',
                   'id="item-body"', 'data-fix-url="/issue/2024-03/item/01-gaizao.md/fix"'):  # fmt: skip
        assert needle in page, needle
    script = (STATIC / "check.js").read_text("utf-8")
    for name in ("X-CSRF-Token", "data-check-url", "data-fix-url", "check-summary", "fix-dialog", "goto-line", "400"):
        assert name in script, name


# --- the findings of the saved file at page load ------------------------------------------------------------


def test_at_page_load_every_finding_stands_by_its_field_with_the_body_boxs_line(studio):
    item = ("---\n# 注释\nsection: 工作简讯\ntitle: 东岭区,完成改造。\nsource: 东岭区住建局供稿\norder: 二\n---\n\n\n"
            "第一段。\n\n第二段,好。\n")  # fmt: skip
    client, _, _ = studio({ITEM_PATH: item})
    page = re.sub(r"\s+", " ", client.get(ITEM_URL).text)
    box = lambda field: page.split(f'data-field="{field}"')[1].split("</div>")[0]  # noqa: E731
    assert "halfwidth-punct" in box("title") and "title-punct" in box("title")
    assert "“order”" in box("front") and "文件第 6 行" in box("front")  # not in the form: said with its file line
    # the body box starts at file line 10 (two blank lines after the front matter are not shown)
    assert 'data-line="3">正文第 3 行</button>' in box("body") and "halfwidth-punct" in box("body")
    assert "已保存的文件：" in page and "个错误" in page and 'id="general-findings" hidden' in page


def test_check_findings_on_the_source_and_a_template_mistake_by_the_body_line(studio, series):
    item = "---\nsection: 工作简讯\ntitle: 标题\nsource: 单位供稿\n---\n第一段。\n\n共{{ issue.numbr }}期。\n"
    client, _, _ = studio({ITEM_PATH: item})
    page = re.sub(r"\s+", " ", client.get(ITEM_URL).text)
    box = lambda field: page.split(f'data-field="{field}"')[1].split("</div>")[0]  # noqa: E731
    assert "source-suffix" in box("source")
    assert "正文第 3 行" in box("body") and "不存在的数据" in box("body")


def test_the_items_own_findings_show_though_another_item_of_the_issue_is_broken(studio):
    client, _, _ = studio({ITEM_PATH: "---\nsection: 工作简讯\ntitle: 标题\n---\n共{{ issue.numbr }}期。\n",
                           "2024-03/items/02-broken.md": "---\nsection: 不存在\n---\n正文。\n"})  # fmt: skip
    page = re.sub(r"\s+", " ", client.get(ITEM_URL).text)
    assert "正文第 1 行" in page and "不存在的数据" in page  # check alone would stop at the other item
    assert "02-broken.md" not in page and "“不存在”" not in page  # its error is its own page's


def test_a_refused_save_says_so_and_the_script_checks_the_form_at_once(studio):
    client, _, root = studio()
    response = client.post(ITEM_URL, data=form_of(client) | {"section": "不存在"})
    assert response.status_code == 400 and "data-unsaved" in response.text and "这次没有保存" in response.text
    section = response.text.split('data-field="section"')[1].split("</div>")[0]
    assert "不在本刊的栏目中" in section


# --- 一键修正 --------------------------------------------------------------------------------------------------


def test_the_fix_preview_marks_each_change_and_gives_the_form_check_fix_would_make(studio):
    client, session, root = studio()
    before = (root / ITEM_PATH).read_bytes()
    body = "第一段没有问题。\n\n2023年05月06日,完成改造１２３户。。"
    answer = live(client, session, fields(title="东岭区,完成", body=body), "fix").json()
    assert (root / ITEM_PATH).read_bytes() == before  # nothing written by the preview
    assert [(c["field"], c["body_line"]) for c in answer["changes"]] == [("title", None), ("body", 3)]
    title, line = answer["changes"]
    assert title["before"] == [["", "东岭区"], ["del", ","], ["", "完成"]]
    assert title["after"] == [["", "东岭区"], ["ins", "，"], ["", "完成"]]
    assert "".join(t for _, t in line["before"]) == "2023年05月06日,完成改造１２３户。。"
    assert [t for m, t in line["after"] if m == "ins"] == ["，", "123"]
    assert answer["form"] == fields(title="东岭区，完成", body="第一段没有问题。\n\n2023年5月6日，完成改造123户。。")
    assert sorted(f["rule"] for f in answer["findings"]) == ["date-padding", "date-padding", "fullwidth-alnum",
                                                             "halfwidth-punct", "halfwidth-punct"]  # fmt: skip

    # applied to the form and saved as usual, the file is what check --fix makes of the form's text saved
    form = form_of(client)
    client.post(ITEM_URL, data=form | answer["form"])
    applied = (root / ITEM_PATH).read_text("utf-8")
    (root / ITEM_PATH).write_bytes(before)
    client.post(ITEM_URL, data=form_of(client) | fields(title="东岭区,完成", body=body))
    check(root / "2024-03", fix=True)
    assert applied == (root / ITEM_PATH).read_text("utf-8")


def test_a_long_line_is_shown_around_its_change(studio):
    client, session, _ = studio()
    body = "很长的一段" * 20 + ",完成" + "后面还有很多字" * 20
    [change] = live(client, session, fields(body=body), "fix").json()["changes"]
    tail = ("完成" + "后面还有很多字" * 20)[:12]
    assert change["before"] == [["", "…" + ("很长的一段" * 20)[-12:]], ["del", ","], ["", tail + "…"]]


def test_nothing_to_fix_is_an_empty_preview(studio):
    client, session, _ = studio()
    answer = live(client, session, fields(), "fix").json()
    assert answer["changes"] == [] and answer["form"] == fields()


# --- a front matter the form cannot read ----------------------------------------------------------------------

BROKEN = "---\nsection: 工作简讯\ntitle: [没有闭合\n---\n正文,好。\n"


def test_an_unreadable_front_matter_is_explained_with_its_line_and_the_file_shown_whole(studio):
    client, _, _ = studio({ITEM_PATH: BROKEN})
    page = client.get(ITEM_URL).text
    explained = re.sub(r"\s+", " ", page.split('id="whole-file"')[1].split("</section>")[0])
    assert "头信息无法读取" in explained and "第 3 行" in explained and "方括号" in explained
    assert re.search(r'<textarea name="body"[^>]*>\n---\nsection: 工作简讯\ntitle: \[没有闭合\n---\n正文,好。\n</textarea>', page)
    assert 'name="whole" value="1"' in page and 'name="title"' not in page and "data-whole" in page


def test_the_whole_file_is_checked_live_and_saved_as_typed(studio):
    client, session, root = studio({ITEM_PATH: BROKEN.replace("\n", "\r\n").encode("gbk")})
    answer = live(client, session, {"whole": True, "body": BROKEN}).json()
    assert [(f["field"], f["body_line"], f["rule"]) for f in answer["findings"]] == [("body", 3, "build")]
    mended = BROKEN.replace("[没有闭合", "已经闭合")
    answer = live(client, session, {"whole": True, "body": mended}).json()
    assert [(f["field"], f["body_line"], f["rule"]) for f in answer["findings"]] == [("body", 5, "halfwidth-punct")]
    fixed = live(client, session, {"whole": True, "body": mended}, "fix").json()
    assert fixed["form"] == {"body": mended.replace(",", "，")}
    page = client.get(ITEM_URL).text
    sha = re.search(r'name="sha256" value="([^"]*)"', page).group(1)
    csrf = re.search(r'name="csrf" value="([^"]*)"', page).group(1)
    form = {"csrf": csrf, "sha256": sha, "whole": "1", "body": mended.replace("\n", "\r\n")}
    response = client.post(ITEM_URL, data=form, follow_redirects=False)
    assert response.status_code == 303
    assert (root / ITEM_PATH).read_bytes() == mended.replace("\n", "\r\n").encode("gbk")  # its encoding and line ends
    assert form_of(client)["title"] == "已经闭合"  # the ordinary form again


def test_a_stale_whole_file_save_is_refused_and_the_choice_keeps_the_whole_file(studio):
    client, _, root = studio({ITEM_PATH: BROKEN})
    page = client.get(ITEM_URL).text
    sha = re.search(r'name="sha256" value="([^"]*)"', page).group(1)
    csrf = re.search(r'name="csrf" value="([^"]*)"', page).group(1)
    (root / ITEM_PATH).write_text(BROKEN + "别人加的。\n", "utf-8")
    mine = {"csrf": csrf, "sha256": sha, "whole": "1", "body": "---\nsection: 工作简讯\n---\n我的。\n"}
    response = client.post(ITEM_URL, data=mine)
    assert response.status_code == 409 and 'name="whole" value="1"' in response.text
    assert (root / ITEM_PATH).read_text("utf-8") == BROKEN + "别人加的。\n"


def test_a_file_no_encoding_reads_is_a_chinese_400(studio):
    client, _, _ = studio({ITEM_PATH: b"---\nsection: \xff\xfe\xfa\n---\n" + bytes(range(128, 255)) * 4})
    response = client.get(ITEM_URL)
    assert response.status_code == 400 and "无法识别文件编码" in response.text and "01-gaizao.md" in response.text


def test_the_referrer_stays_within_the_studio_so_a_browser_posts_forms_with_their_origin(studio):
    # Under "no-referrer" Chromium sends a form's POST with Origin: null, which the guard refuses (403):
    # no form of the studio could be saved from a real browser.
    client, session, _ = studio()
    for response in (client.get(ITEM_URL), live(client, session, fields())):
        assert response.headers["referrer-policy"] == "same-origin"


def test_a_broken_series_yaml_is_said_with_its_own_file_not_as_a_line_of_the_item(studio):
    client, session, root = studio()
    (root / "series.yaml").write_text("title: 工作专报\nsections: [重要新闻\n", "utf-8")
    [shown] = live(client, session, fields()).json()["findings"]
    assert (shown["field"], shown["elsewhere"], shown["body_line"]) == ("", "series.yaml", None)
    page = re.sub(r"\s+", " ", client.get(ITEM_URL).text)
    general = page.split('id="general-findings"')[1].split("</section>")[0]
    assert "series.yaml 第" in general and "hidden" not in general.split(">")[0]
