"""本期设置 in a real browser (Chromium through Playwright): two editors save the same issue.yaml, and the
second one's "keep mine" keeps the first one's change; an issue.yaml that cannot be read is mended in its box."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import expect

ISSUE_YAML = "number: 3\ndate: 2024-03-15\ntotal: 20\nmarks: [内部资料, 注意保存]\n"


def shot(page, name: str) -> None:
    folder = os.environ.get("ZHUANBAO_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_a_colleagues_change_survives_keeping_mine_after_a_conflict(series, studio_page, chromium_browser):
    root = series({"2024-03/issue.yaml": ISSUE_YAML})
    a, base, app, errors = studio_page(root)
    context = chromium_browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    try:
        b = context.new_page()
        b.goto(f"{base}/?token={app.state.studio.session.token}")  # a second editor on the same studio
        a.goto(f"{base}/issue/2024-03/settings")
        b.goto(f"{base}/issue/2024-03/settings")
        a.fill("#f-copies", "150")
        a.click("#save-settings")
        expect(a.locator("p.done")).to_contain_text("已保存")
        b.fill("#f-total", "21")
        b.click("#save-settings")
        expect(b.locator("h1")).to_contain_text("没有保存")
        expect(b.locator('#conflict-fields tr[data-field="copies"]')).to_have_attribute("data-whose", "theirs")
        expect(b.locator('#conflict-fields tr[data-field="total"]')).to_have_attribute("data-whose", "mine")
        expect(b.locator('#conflict-fields tr[data-field="marks"]')).to_have_attribute("data-whose", "")
        shot(b, "settings-conflict")
        b.click("#keep-mine")
        expect(b.locator("p.done")).to_contain_text("已保存")
        assert (root / "2024-03" / "issue.yaml").read_text("utf-8") == (
            "number: 3\ndate: 2024-03-15\ntotal: 21\ncopies: 150\nmarks: [内部资料, 注意保存]\n")  # fmt: skip
    finally:
        context.close()
    assert errors == []


def test_an_unreadable_issue_yaml_is_mended_in_its_box(series, studio_page):
    root = series({"2024-03/issue.yaml": "number: 3\ndate: 2024-03-15\ntotal: [37\n# 总期号\n"})
    page, base, _, errors = studio_page(root)
    page.goto(f"{base}/issue/2024-03/settings")
    expect(page.locator("#issue-unreadable")).to_contain_text("第 3 行")
    shot(page, "settings-unreadable")
    page.click("#goto-text-line")
    assert page.evaluate("() => { const b = document.getElementById('f-text');"
                         " return b.value.slice(b.selectionStart, b.selectionEnd); }") == "total: [37"  # fmt: skip
    page.keyboard.type("total: 37")
    page.click("#save-text")
    expect(page.locator("#f-total")).to_have_value("37")
    assert (root / "2024-03" / "issue.yaml").read_text("utf-8") == "number: 3\ndate: 2024-03-15\ntotal: 37\n# 总期号\n"
    assert errors == []
