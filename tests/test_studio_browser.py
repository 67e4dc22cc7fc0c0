"""The studio in a real browser (Debian's Chromium through Playwright): what an editor does, end to end.

Live pages and drafts here; the whole month's loop is at the end of this file."""

from __future__ import annotations

import re
import time

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
    page.click("form.item button[type=submit]")
    page.wait_for_url("**saved=1")
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
    again.click("form.item button[type=submit]")
    again.wait_for_url("**saved=1")
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
