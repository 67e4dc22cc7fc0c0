"""The studio in a real browser (Debian's Chromium through Playwright): what an editor does, end to end.

Live pages and drafts here; the whole month's loop is at the end of this file."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from playwright.sync_api import expect

ITEM = "2024-03/items/01-gaizao.md"


def test_a_save_elsewhere_appears_on_the_open_issue_page(series, studio_page):
    root = series()
    page, base, _, errors = studio_page(root)
    page.goto(f"{base}/issue/2024-03")
    assert page.locator(".card .title").first.inner_text() == "测试区完成老旧小区改造"
    target = root / ITEM
    target.write_text(target.read_text("utf-8").replace("title: 测试区完成老旧小区改造", "title: 测试区改造提前完成"), "utf-8")
    expect(page.locator(".card .title").first).to_have_text("测试区改造提前完成", timeout=3000)
    assert errors == []


def test_a_new_issue_made_at_the_command_line_appears_on_the_series_page(series, studio_page):
    from zhuanbao import services

    root = series()
    page, base, _, errors = studio_page(root)
    assert page.locator("table.issues tbody tr").count() == 1
    services.new_issue(root)
    expect(page.locator("table.issues tbody tr")).to_have_count(2, timeout=3000)
    assert errors == []


def test_unsaved_typing_is_not_reloaded_away_and_a_notice_says_why(series, studio_page):
    root = series()
    page, base, _, errors = studio_page(root)
    page.goto(f"{base}/issue/2024-03/item/01-gaizao.md")
    page.fill("textarea[name=body]", "编辑正在写的一段话。")
    target = root / ITEM
    target.write_text(target.read_text("utf-8").replace("12个", "13个"), "utf-8")
    page.wait_for_selector("#live-notice:not([hidden])", timeout=3000)
    assert "别处被修改" in page.inner_text("#live-notice") and "未保存" in page.inner_text("#live-notice")
    assert page.input_value("textarea[name=body]") == "编辑正在写的一段话。"
    assert errors == []


def test_an_untouched_item_page_follows_a_save_elsewhere(series, studio_page):
    root = series()
    page, base, _, errors = studio_page(root)
    page.goto(f"{base}/issue/2024-03/item/01-gaizao.md")
    target = root / ITEM
    target.write_text(target.read_text("utf-8").replace("12个", "13个"), "utf-8")
    expect(page.locator("textarea[name=body]")).to_have_value(re.compile("13个"), timeout=3000)
    assert errors == []


def test_the_studios_own_save_does_not_reload_the_page_again(series, studio_page, monkeypatch):
    monkeypatch.setattr("zhuanbao.studio.live.STEP_MS", 1000)  # the event comes after the saved page listens
    monkeypatch.setattr("zhuanbao.studio.live.DEBOUNCE_MS", 2000)
    root = series()
    page, base, _, errors = studio_page(root)
    page.goto(f"{base}/issue/2024-03/item/01-gaizao.md")
    page.fill("input[name=title]", "测试区改造完成")
    with page.expect_navigation():
        page.click("form.item button[type=submit]")
    reloads = []
    page.on("load", lambda _: reloads.append(time.monotonic()))
    page.wait_for_timeout(2500)  # the watcher's event for our own save arrives meanwhile
    assert reloads == [] and page.locator(".done").inner_text() == "已保存。"
    assert errors == []


def test_unsaved_text_survives_a_closed_tab_and_a_restart(series, studio_page):
    root = series()
    page, base, _, errors = studio_page(root)
    page.goto(f"{base}/issue/2024-03/item/01-gaizao.md")
    page.fill("textarea[name=body]", "没保存就关掉的文字。")
    page.wait_for_timeout(600)  # the draft is kept after a short pause in typing
    context = page.context
    page.close()
    again = context.new_page()  # the same browser profile, as after closing a tab
    again.goto(f"{base}/issue/2024-03/item/01-gaizao.md")
    offer = again.locator(".draft-offer")
    assert "没有保存的草稿" in offer.inner_text()
    assert "没保存就关掉" not in again.input_value("textarea[name=body]")  # offered, not forced
    offer.get_by_role("button", name="恢复草稿").click()
    assert again.input_value("textarea[name=body]") == "没保存就关掉的文字。"
    with again.expect_navigation():
        again.click("form.item button[type=submit]")
    assert "没保存就关掉的文字。" in (root / ITEM).read_text("utf-8")
    again.goto(f"{base}/issue/2024-03/item/01-gaizao.md")
    assert again.locator(".draft-offer").count() == 0  # saved: the draft is gone
    assert errors == []


def test_a_draft_can_be_thrown_away(series, studio_page):
    root = series()
    page, base, _, _ = studio_page(root)
    page.goto(f"{base}/issue/2024-03/item/01-gaizao.md")
    page.fill("input[name=title]", "不要了")
    page.wait_for_timeout(600)
    page.reload()
    page.locator(".draft-offer").get_by_role("button", name="丢弃草稿").click()
    page.reload()
    assert page.locator(".draft-offer").count() == 0
    assert page.input_value("input[name=title]") == "测试区完成老旧小区改造"


# --- the whole month, as an editor does it ------------------------------------------------------------------


def submission(path, title: str, *paragraphs: str):
    """A unit's submission as Word makes it: the title, then the text."""
    import docx

    document = docx.Document()
    document.add_paragraph(title)
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))
    return path


def preview_version(page) -> str:
    page.wait_for_selector("#preview[data-state=ready]", timeout=90000)
    return page.get_attribute("#preview", "data-version")


def test_an_editors_month_from_word_submissions_to_a_searchable_archive(tmp_path, studio_page, libreoffice,
                                                                        uno_python):  # fmt: skip
    import docx

    from zhuanbao import services

    root = services.copy_example(tmp_path / "专报").folder
    page, base, app, errors = studio_page(root)
    shots = Path(os.environ.get("ZHUANBAO_SCREENSHOTS", tmp_path / "screens"))  # to look at: set it to a folder
    shots.mkdir(parents=True, exist_ok=True)

    # the series page: the next issue
    assert page.locator("h1").inner_text().startswith("工作专报")
    with page.expect_navigation():
        page.get_by_role("button", name="新建下一期").click()
    issue_url = page.url.split("?")[0]
    issue = issue_url.rsplit("/", 1)[1]
    assert "已新建这一期" in page.inner_text("main")

    # a Word submission dropped into 区县动态 (by the file chooser), with its unit
    word = submission(tmp_path / "东岭区.docx", "东岭区新建就业帮扶车间5个",
                      "截至11月底，东岭区新建就业帮扶车间5个，吸纳脱贫劳动力230人。",
                      "各车间运转良好，带动群众就近就业增收。")  # fmt: skip
    zone = page.locator("form.dropzone[data-section=区县动态]")
    zone.locator("input[type=file]").set_input_files(str(word))
    zone.locator("input[name=source]").fill("东岭区人社局")
    with page.expect_navigation():
        zone.get_by_role("button", name="导入到【区县动态】").click()
    card = page.locator("section.section[data-section=区县动态] li.card").first
    assert card.locator(".title").inner_text() == "东岭区新建就业帮扶车间5个"
    assert "东岭区人社局" in card.inner_text()
    first_pages = preview_version(page)

    # edit its title; a slip in the text is found while typing and fixed with 一键修正
    with page.expect_navigation():
        card.locator(".title").click()
    assert page.locator("form.item textarea:visible").count() == 1  # the body box; the form's base stays hidden
    page.fill("#item-title", "东岭区新建就业帮扶车间5个吸纳230人就业")
    body = page.locator("#item-body")
    body.fill(body.input_value() + "\n\n车间月均发放工资120万元,人均增收2000元。")
    finding = page.locator(".field-findings[data-field=body] li").filter(has_text="halfwidth-punct")
    expect(finding).to_have_count(1, timeout=5000)
    assert "正文第" in finding.inner_text()
    page.screenshot(path=str(shots / "item.png"))
    page.click("#fix-button")
    expect(page.locator("#fix-changes li")).to_have_count(1)
    page.click("#fix-apply")
    assert "120万元，人均增收" in body.input_value()
    expect(finding).to_have_count(0, timeout=5000)
    with page.expect_navigation():
        page.click("form.item button[type=submit]")
    assert page.locator(".done").inner_text() == "已保存。"
    saved = next((root / issue / "items").glob("01-*.md")).read_text("utf-8")
    assert "title: 东岭区新建就业帮扶车间5个吸纳230人就业" in saved and "120万元，人均增收2000元。" in saved

    # move it to 工作简讯 with the card's controls; the printed pages follow
    page.goto(issue_url)
    card = page.locator("li.card").filter(has_text="吸纳230人就业")
    card.locator("select[name=section]").select_option("工作简讯")
    with page.expect_navigation():
        card.get_by_role("button", name="移动").click()
    expect(page.locator("section.section[data-section=工作简讯] li.card").filter(has_text="吸纳230人就业")).to_have_count(1)
    expect(page.locator("#preview")).not_to_have_attribute("data-version", first_pages, timeout=90000)
    assert preview_version(page) != first_pages
    assert int(page.inner_text("#preview-count").strip("共页 ")) >= 1
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(shots / "issue.png"))
    page.locator("#preview").screenshot(path=str(shots / "preview.png"))

    # the Word document, as build makes it
    with page.expect_download() as download:
        page.click("#download-docx")
    saved_as = tmp_path / download.value.suggested_filename
    download.value.save_as(saved_as)
    assert saved_as.name.endswith(".docx") and saved_as.name.startswith("工作专报")
    text = "\n".join(p.text for p in docx.Document(str(saved_as)).paragraphs)
    assert "东岭区新建就业帮扶车间5个吸纳230人就业" in text and "【工作简讯】" in text

    # publish, after the confirmation that lists the item
    with page.expect_navigation():
        page.click("#publish-open")
    assert "吸纳230人就业" in page.inner_text("#publish-items")
    with page.expect_navigation():
        page.click("#publish-confirm")
    assert page.locator("#published").count() == 1 and "第1版" in page.inner_text("main")

    # and find it again by a two-character term
    page.fill("#top-q", "车间")
    with page.expect_navigation():
        page.press("#top-q", "Enter")
    hit = page.locator(".hit").filter(has_text="吸纳230人就业")
    expect(hit).to_have_count(1)
    assert hit.locator("mark").first.inner_text() == "车间"
    with page.expect_navigation():
        hit.locator("a.title").click()
    assert page.url.split("?")[0].endswith(f"/issue/{issue}")
    assert errors == []


def test_a_new_item_typed_but_not_added_comes_back_and_goes_once_added(series, studio_page):
    root = series()
    page, base, _, errors = studio_page(root)
    page.goto(f"{base}/issue/2024-03/new")
    page.select_option("#new-section", "工作简讯")
    page.fill("#new-title", "测试区启动背街小巷整治")
    page.fill("#new-body", "测试区启动背街小巷整治，首批12条。")
    page.wait_for_timeout(600)
    page.goto(f"{base}/issue/2024-03/new")  # closed by mistake, opened again
    page.locator(".draft-offer").get_by_role("button", name="恢复草稿").click()
    assert page.input_value("#new-title") == "测试区启动背街小巷整治"
    with page.expect_navigation():
        page.click("#add-item-submit")
    assert "已新增稿件" in page.inner_text("main")
    page.goto(f"{base}/issue/2024-03/new")
    assert page.locator(".draft-offer").count() == 0  # added: the draft is gone
    assert errors == []


def test_many_open_tabs_share_one_stream_and_every_save_still_goes_through(series, studio_page):
    # a browser opens six connections to a host at most: a stream per tab would stall the seventh tab and saves
    root = series()
    page, base, app, errors = studio_page(root)
    page.goto(f"{base}/issue/2024-03")
    tabs = [page]
    for _ in range(7):
        tab = page.context.new_page()
        tab.goto(f"{base}/issue/2024-03")
        tabs.append(tab)
    editor = page.context.new_page()
    editor.goto(f"{base}/issue/2024-03/item/01-gaizao.md")
    editor.fill("#item-title", "测试区改造提前完成")
    with editor.expect_navigation(timeout=5000):
        editor.click("form.item button[type=submit]")
    assert editor.locator(".done").inner_text() == "已保存。"
    for tab in tabs:  # and every open issue page shows the new title
        expect(tab.locator(".card .title").first).to_have_text("测试区改造提前完成", timeout=5000)
    assert len(app.state.studio.changes.listeners) == 1
    assert errors == []


def test_a_draft_survives_a_reload_after_an_earlier_save(series, studio_page):
    # once saved, the address says so; typing on and reloading (or a crash and the tab restored) keeps the text
    root = series()
    page, base, _, errors = studio_page(root)
    page.goto(f"{base}/issue/2024-03/item/01-gaizao.md")
    page.fill("#item-title", "第一次保存的标题")
    with page.expect_navigation():
        page.click("form.item button[type=submit]")
    assert page.locator(".done").inner_text() == "已保存。" and "saved" not in page.url
    page.fill("#item-body", "保存之后接着写的一段。")
    page.wait_for_timeout(600)
    page.reload()
    page.locator(".draft-offer").get_by_role("button", name="恢复草稿").click()
    assert page.input_value("#item-body") == "保存之后接着写的一段。"
    assert errors == []


def test_giving_up_my_version_on_a_conflict_forgets_its_draft(series, studio_page):
    root = series()
    page, base, _, _ = studio_page(root)
    page.goto(f"{base}/issue/2024-03/item/01-gaizao.md")
    page.fill("#item-title", "我的标题")
    page.wait_for_timeout(600)
    target = root / ITEM
    target.write_text(target.read_text("utf-8").replace("title: 测试区完成老旧小区改造", "title: 同事的标题"), "utf-8")
    with page.expect_navigation():
        page.click("form.item button[type=submit]")
    assert "没有保存" in page.inner_text("h1")
    with page.expect_navigation():
        page.get_by_role("link", name="放弃我的修改，编辑这个版本").click()
    assert page.input_value("#item-title") == "同事的标题" and page.locator(".draft-offer").count() == 0
    page.reload()
    assert page.locator(".draft-offer").count() == 0


def test_files_chosen_for_import_are_not_reloaded_away(series, studio_page, tmp_path):
    root = series()
    page, base, _, errors = studio_page(root)
    page.goto(f"{base}/issue/2024-03")
    zone = page.locator("form.dropzone[data-section=工作简讯]")
    chosen = tmp_path / "稿件.txt"
    chosen.write_text("测试区开展安全检查\n\n测试区开展安全生产大检查。\n", "utf-8")
    zone.locator("input[type=file]").set_input_files(str(chosen))
    zone.locator("input[name=source]").fill("测试区应急局")
    target = root / ITEM  # meanwhile a colleague saves an item of this issue
    target.write_text(target.read_text("utf-8").replace("12个", "13个"), "utf-8")
    page.wait_for_selector("#live-notice:not([hidden])", timeout=3000)
    assert zone.locator("input[name=source]").input_value() == "测试区应急局"
    assert errors == []
