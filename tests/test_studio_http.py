"""The studio over HTTP (Starlette's TestClient), on real series folders: every route, and the bad cases —
no or a wrong token, a wrong Host, a cross-site Origin, no CSRF token, a path out of the series, an oversized
body, markup in titles and bodies, a stale save, an unknown issue or item, a failure inside a route."""

from __future__ import annotations

import ast
import html
import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BASE, ITEM, ITEM_PATH, PORT, make_client
from zhuanbao import services
from zhuanbao.diagnostics import ContentError
from zhuanbao.studio.guard import MAX_BODY, Session
from zhuanbao.studio.paths import NotFound, inside
from zhuanbao.studio.server import open_studio, series_folder


def text(response) -> str:
    return re.sub(r"\s+", " ", response.text)


# --- the session: token, cookie, Host, Origin, CSRF ---------------------------------------------------------


def test_the_token_sets_a_cookie_and_leaves_the_address(series):
    client, session = make_client(series(), follow_redirects=False)
    first = client.get(f"/issue/2024-03?token={session.token}&x=1")
    assert first.status_code == 303 and first.headers["location"] == "/issue/2024-03?x=1"  # no token in history
    cookie = first.headers["set-cookie"]
    assert f"zhuanbao_studio_{PORT}=" in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert client.get("/issue/2024-03").status_code == 200  # the cookie is enough from now on


@pytest.mark.parametrize("path", ["/", "/issue/2024-03", "/issue/2024-03/item/01-gaizao.md", "/nowhere"])
def test_without_the_token_nothing_is_shown(series, path):
    client, _ = make_client(series())
    response = client.get(path)
    assert response.status_code == 403 and "启动编辑器时显示的地址" in response.text
    assert "测试区" not in response.text


def test_a_wrong_token_is_refused_and_sets_no_cookie(series):
    client, _ = make_client(series(), follow_redirects=False)
    response = client.get("/?token=guessed")
    assert response.status_code == 403 and "令牌不对" in response.text and "set-cookie" not in response.headers
    assert client.get("/").status_code == 403


def test_the_cookie_of_another_studio_run_is_refused(studio):
    client, _, root = studio()
    other, _ = make_client(root)  # a new run of the studio: new token, new cookie
    other.cookies = client.cookies
    assert other.get("/").status_code == 403


@pytest.mark.parametrize("host", ["evil.example", f"evil.example:{PORT}", "127.0.0.1:9999", f"127.0.0.2:{PORT}"])
def test_a_wrong_host_is_refused(studio, host):
    client, session, _ = studio()
    response = client.get("/", headers={"host": host})
    assert response.status_code == 403 and "主机名" in response.text  # DNS rebinding: a name bound to 127.0.0.1


def test_localhost_is_the_studio_too(studio):
    client, _, _ = studio()
    assert client.get("/", headers={"host": f"localhost:{PORT}"}).status_code == 200


@pytest.mark.parametrize("origin", ["http://evil.example", f"http://localhost.evil.example:{PORT}", "null",
                                    f"http://127.0.0.1:{PORT + 1}"])  # fmt: skip
def test_a_cross_site_post_is_refused_and_changes_nothing(studio, origin):
    client, session, root = studio()
    response = client.post("/new-issue", data={"csrf": session.csrf}, headers={"origin": origin})
    assert response.status_code == 403 and "其他网站" in response.text
    assert sorted(p.name for p in root.iterdir() if p.is_dir()) == ["2024-03"]


def test_a_cross_site_fetch_is_refused(studio):
    client, _, _ = studio()
    assert client.get("/", headers={"sec-fetch-site": "cross-site"}).status_code == 403


@pytest.mark.parametrize("csrf", [None, "", "0" * 64, Session(port=PORT).csrf])
def test_every_change_needs_this_sessions_csrf_token(studio, csrf):
    client, _, root = studio()
    data = {} if csrf is None else {"csrf": csrf}
    before = (root / ITEM_PATH).read_bytes()
    new = client.post("/new-issue", data=data, headers={"origin": BASE})
    assert new.status_code == 403 and "校验码" in new.text
    form = {**data, "section": "工作简讯", "title": "改了", "source": "", "body": "改了。", "sha256": "x"}
    saved = client.post("/issue/2024-03/item/01-gaizao.md", data=form)
    assert saved.status_code == 403
    assert (root / ITEM_PATH).read_bytes() == before and sorted(p.name for p in root.iterdir() if p.is_dir()) == ["2024-03"]


def routes_of(app) -> list:
    """Every route the studio serves: its own, and those of the series it serves now (app.Current)."""
    found = []
    for route in app.routes:
        inner = getattr(route, "app", None)
        if getattr(inner, "router", None) is not None and hasattr(inner, "open"):
            found += inner.router.routes
        else:
            found.append(route)
    return found


def test_every_post_route_is_one_that_checks_csrf(studio):
    client, _, _ = studio()
    posts = sorted(r.path for r in routes_of(client.app) if "POST" in (getattr(r, "methods", None) or ()))
    assert posts == sorted([
        "/issue/{issue}/item/{name}", "/new-issue",
        # tests/test_studio_check.py
        "/issue/{issue}/item/{name}/check", "/issue/{issue}/item/{name}/fix",
        # tests/test_studio_tables.py
        "/issue/{issue}/settings", "/issue/{issue}/table/{id}/edit", "/issue/{issue}/table/{id}/remove",
        "/issue/{issue}/tables/new", "/issue/{issue}/tables/upload",
        # tests/test_studio_items.py::test_every_items_post_refuses_a_missing_or_wrong_csrf_token
        "/issue/{issue}/new", "/issue/{issue}/move", "/issue/{issue}/delete", "/issue/{issue}/bin/restore",
        "/issue/{issue}/upload",
        # tests/test_studio_archive.py
        "/issue/{issue}/publish", "/archive/{series}/{issue}/record",
        # tests/test_studio_apply.py
        "/issue/{issue}/apply", "/issue/{issue}/apply/write",
    ])  # a new POST route needs its CSRF test


# --- sizes and paths ----------------------------------------------------------------------------------------


def test_an_oversized_body_is_refused_by_its_length(studio):
    client, session, root = studio()
    body = b"x" * (MAX_BODY + 1)
    response = client.post("/new-issue", content=body, headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413 and "20 MB" in response.text


def test_an_oversized_body_without_a_length_is_cut_off(studio):
    client, session, root = studio()
    before = (root / ITEM_PATH).read_bytes()

    def chunks():  # chunked: no Content-Length to refuse up front
        yield f"csrf={session.csrf}&body=".encode()
        for _ in range(21):
            yield b"x" * (1024 * 1024)

    response = client.post("/issue/2024-03/item/01-gaizao.md", content=chunks(),
                           headers={"content-type": "application/x-www-form-urlencoded"})  # fmt: skip
    assert response.status_code == 413 and "20 MB" in response.text
    assert (root / ITEM_PATH).read_bytes() == before


@pytest.mark.parametrize("path", [
    "/issue/%2e%2e", "/issue/.%2e", "/issue/..%2F..%2Fetc", "/issue/..%5C..%5CWindows",
    "/issue/2024-03/item/..%2F..%2Fseries.yaml", "/issue/2024-03/item/..%5C..%5Cseries.yaml",
    "/issue/2024-03/item/%2Fetc%2Fpasswd", "/issue/2024-03/item/C:%5Csecret.md", "/issue/2024-03/item/%2e%2e",
    "/issue/2024-03/item/issue.yaml", "/issue/items", "/issue/2024-03/item/",
])  # fmt: skip
def test_paths_out_of_the_series_are_not_found(studio, path):
    # (a bare ../ never arrives: browsers and httpx resolve it before sending; its encoded forms do arrive)
    client, _, _ = studio()
    response = client.get(path)
    assert response.status_code == 404 and "找不到" in response.text
    assert "青石市" not in response.text  # nothing of series.yaml


def test_a_link_out_of_the_series_is_neither_read_nor_written(studio, tmp_path):
    client, session, root = studio()
    secret = tmp_path / "机密.md"
    secret.write_text("---\nsection: 工作简讯\n---\n机密内容。\n", "utf-8")
    (root / "2024-03" / "items" / "02-link.md").symlink_to(secret)
    assert client.get("/issue/2024-03/item/02-link.md").status_code == 404
    form = {"csrf": session.csrf, "section": "工作简讯", "title": "", "source": "", "body": "覆盖。", "sha256": "x"}
    assert client.post("/issue/2024-03/item/02-link.md", data=form).status_code == 404
    assert "机密内容" not in client.get("/issue/2024-03").text and "机密内容" in secret.read_text("utf-8")


def test_inside_refuses_every_kind_of_way_out(tmp_path):
    (tmp_path / "a").mkdir()
    assert inside(tmp_path, "a") == tmp_path / "a"
    for names in [("..",), ("/etc",), ("a/../..",), ("a\\..",), ("C:",), ("C:x",), ("",), (" a",), ("a.",), ("\x00",)]:
        with pytest.raises(NotFound):
            inside(tmp_path, *names)


# --- the series page ----------------------------------------------------------------------------------------


def test_the_series_page_lists_the_issues_newest_first_with_their_state(studio):
    client, session, root = studio({
        "2024-04/issue.yaml": "number: 4\ndate: 2024-04-15\ntotal: 21\n",
        "2024-04/items/_示例01.md": "---\nsection: 工作简讯\n---\n示例。\n",
        "2024-05/issue.yaml": "number: 5\ndate: 2024-05-15\n",
        "2024-05/items/01.md": ITEM,
        "2024-05/items/02.md": ITEM.replace("测试区完成", "测试区启动"),
    })  # fmt: skip
    services.build(services.BuildRequest(root / "2024-05", root.parent / "output"))
    services.publish(root / "2024-03", pdf=False)  # into archive/ beside the series, as series.yaml says nothing
    page = text(client.get("/"))
    rows = re.findall(r"<tr> <td><a href=\"/issue/([\d-]+)\">(.*?)</a></td> <td>(.*?)</td> <td>(.*?)</td> "
                      r"<td>(.*?)</td> <td><span class=\"state\">(.*?)</span>", page)  # fmt: skip
    assert rows == [
        ("2024-05", "2024年第5期", "—", "2024年5月15日", "2 篇", "已生成"),
        ("2024-04", "2024年第4期", "总第21期", "2024年4月15日", "0 篇", "草稿"),
        ("2024-03", "2024年第3期", "总第20期", "2024年3月15日", "1 篇", "已发布 v1"),
    ]


def test_new_issue_makes_the_next_issue_and_opens_it(studio):
    client, session, root = studio(follow_redirects=False)
    response = client.post("/new-issue", data={"csrf": session.csrf}, headers={"origin": BASE})
    assert response.status_code == 303
    folder = root / response.headers["location"].split("/issue/")[1].split("?")[0]
    assert (folder / "issue.yaml").is_file()
    page = client.get(response.headers["location"])
    assert page.status_code == 200 and "已新建这一期" in page.text and "草稿和示例" in page.text


def test_new_issue_says_in_chinese_why_it_cannot(studio):
    today = dt.date.today()
    client, session, root = studio({f"{today.year}-999/issue.yaml": f"number: 999\ndate: {today.isoformat()}\n"})
    response = client.post("/new-issue", data={"csrf": session.csrf})
    assert response.status_code == 400 and "期号最多为 999" in response.text and "不能再新建" in response.text
    assert len([p for p in root.iterdir() if p.is_dir()]) == 2


def test_a_broken_series_yaml_still_opens_and_says_where(studio):
    client, _, root = studio()
    (root / "series.yaml").write_text("title: [工作专报\n", "utf-8")
    response = client.get("/")
    assert response.status_code == 200 and "需要处理的问题" in response.text and "series.yaml" in response.text


# --- the issue page and its findings ------------------------------------------------------------------------


def test_the_issue_page_shows_the_sections_in_order_with_their_cards(studio):
    client, _, _ = studio({"2024-03/items/02-a.md": "---\nsection: 重要新闻\ntitle: 市长调研\nsource: 市政府办\n---\n正文。\n"})
    page = text(client.get("/issue/2024-03"))
    order = [page.index(f"【{name}】") for name in ("重要新闻", "部门动态", "区县动态", "工作简讯")]
    assert order == sorted(order)
    assert page.index("市长调研") < page.index("【部门动态】") < page.index("测试区完成老旧小区改造")
    assert "供稿：测试区住建局" in page and 'href="/issue/2024-03/item/02-a.md"' in page


def test_check_findings_stand_next_to_their_item_with_line_and_rule(studio):
    client, _, _ = studio({"2024-03/items/02-b.md": "---\nsection: 工作简讯\ntitle: 第二篇\n---\n今年,全区完成改造。\n"})
    page = text(client.get("/issue/2024-03"))
    card = page.split('href="/issue/2024-03/item/02-b.md"')[1].split("</li> </ul>")[0]
    assert "第 5 行" in card and "[halfwidth-punct]" in card and "错误" in card
    first = page.split('href="/issue/2024-03/item/01-gaizao.md"')[1].split("</li>")[0]
    assert "halfwidth-punct" not in first  # each finding beside its own item only


def test_build_errors_stand_next_to_the_item_and_its_field(studio):
    client, _, _ = studio({"2024-03/items/02-c.md": "---\nsection: 工作动向\ntitle: 栏目写错\n---\n正文。\n"})
    page = text(client.get("/issue/2024-03"))
    unknown = page.split("栏目不明的稿件")[1]
    assert "栏目写错" in unknown and "[build]" in unknown and "工作动向" in unknown
    form = text(client.get("/issue/2024-03/item/02-c.md"))
    section_field = form.split('name="section"')[1].split('name="title"')[0]
    assert "工作动向" in section_field and "[build]" in section_field  # beside the field it is about


# --- editing an item ----------------------------------------------------------------------------------------


def form_of(client, path="/issue/2024-03/item/01-gaizao.md") -> dict:
    page = client.get(path).text
    value = lambda name: re.search(rf'name="{name}" value="([^"]*)"', page).group(1)  # noqa: E731
    return {"csrf": value("csrf"), "sha256": value("sha256"), "title": value("title"), "source": value("source"),
            "section": re.search(r'<option value="([^"]*)" selected', page).group(1),
            "body": re.search(r"<textarea name=\"body\"[^>]*>(.*?)</textarea>", page, re.S).group(1),
            **{f"base_{key}": html.unescape(value(f"base_{key}")) for key in ("section", "title", "source")},
            "base_body": html.unescape(re.search(r'<textarea name="base_body"[^>]*>(.*?)</textarea>', page, re.S).group(1))}  # fmt: skip


def test_the_item_form_shows_the_items_fields_and_the_series_sections(studio):
    client, _, _ = studio()
    page = client.get("/issue/2024-03/item/01-gaizao.md").text
    assert [m for m in re.findall(r'<option value="([^"]*)"', page)] == ["重要新闻", "部门动态", "区县动态", "工作简讯"]
    form = form_of(client)
    assert (form["section"], form["title"], form["source"]) == ("工作简讯", "测试区完成老旧小区改造", "测试区住建局")
    assert form["body"] == "3月10日，测试区完成老旧小区改造12个，惠及居民1860户。"


def test_saving_rewrites_only_the_forms_keys_and_the_body(studio):
    client, _, root = studio(follow_redirects=False)
    form = form_of(client) | {"title": "测试区老旧小区改造完成", "section": "区县动态", "body": "第一段。\r\n\r\n第二段。\r\n"}
    response = client.post("/issue/2024-03/item/01-gaizao.md", data=form)
    assert response.status_code == 303 and response.headers["location"].endswith("?saved=1")
    assert (root / ITEM_PATH).read_text("utf-8") == (
        "---\n# 市里的稿件\nsection: 区县动态\ntitle: 测试区老旧小区改造完成\nsource: 测试区住建局  # 核实过\norder: 2\n"
        "---\n第一段。\n\n第二段。\n"
    )  # the comment lines, the unchanged source with its comment, and order kept
    assert "已保存" in client.get(response.headers["location"]).text


def test_an_emptied_field_is_removed_and_a_value_yaml_would_misread_is_quoted(studio):
    client, _, root = studio()
    form = form_of(client) | {"source": "", "title": "yes: 123"}
    client.post("/issue/2024-03/item/01-gaizao.md", data=form)
    saved = (root / ITEM_PATH).read_text("utf-8")
    assert "source" not in saved and "title: 'yes: 123'" in saved
    assert form_of(client)["title"] == "yes: 123"


def test_saving_keeps_the_files_encoding_and_line_ends(studio):
    client, _, root = studio({ITEM_PATH: ITEM.replace("\n", "\r\n").encode("gbk")})
    client.post("/issue/2024-03/item/01-gaizao.md", data=form_of(client) | {"title": "改过的标题"})
    data = (root / ITEM_PATH).read_bytes()
    assert "改过的标题".encode("gbk") in data and b"\r\n" in data and data.count(b"\n") == data.count(b"\r\n")


def test_a_stale_save_is_refused_shows_both_versions_and_writes_nothing(studio):
    client, session, root = studio()
    form = form_of(client) | {"title": "我的标题"}
    theirs = ITEM.replace("测试区完成老旧小区改造", "别人改的标题")
    (root / ITEM_PATH).write_text(theirs, "utf-8")  # another editor, the CLI, or Notepad saved meanwhile
    response = client.post("/issue/2024-03/item/01-gaizao.md", data=form)
    assert response.status_code == 409 and "没有保存" in response.text
    assert "别人改的标题" in response.text and "我的标题" in response.text
    assert (root / ITEM_PATH).read_text("utf-8") == theirs
    # the editor chooses their own version: the conflict page's form carries the digest of what is on disk now
    choice = {name: re.search(rf'name="{name}" value="([^"]*)"', response.text).group(1) for name in ("csrf", "sha256")}
    again = client.post("/issue/2024-03/item/01-gaizao.md", data=form | choice)
    assert again.status_code == 200 and "我的标题" in (root / ITEM_PATH).read_text("utf-8")


def test_a_section_the_series_lacks_or_an_empty_body_is_not_saved(studio):
    client, _, root = studio()
    before = (root / ITEM_PATH).read_bytes()
    for change, message in [({"section": "不存在"}, "不在本刊的栏目中"), ({"body": "  \r\n"}, "稿件正文是空的")]:
        response = client.post("/issue/2024-03/item/01-gaizao.md", data=form_of(client) | change)
        assert response.status_code == 400 and message in response.text
    assert (root / ITEM_PATH).read_bytes() == before


# --- escaping, unknown pages, failures ----------------------------------------------------------------------

XSS = "<script>alert(1)</script>"


def test_markup_in_titles_and_bodies_is_shown_as_text(studio):
    item = f"---\nsection: 工作简讯\ntitle: '{XSS}'\nsource: '\"><img src=x onerror=alert(2)>'\n---\n<img src=x onerror=alert(3)>{XSS}\n"
    client, _, _ = studio({"2024-03/items/02-x.md": item})
    for path in ("/issue/2024-03", "/issue/2024-03/item/02-x.md"):
        page = client.get(path).text
        assert "<script>alert" not in page and "<img src=x" not in page and '"><img' not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "default-src 'self'" in client.get("/").headers["content-security-policy"]


def test_markup_typed_into_the_form_is_saved_as_typed_and_shown_as_text(studio):
    client, _, root = studio()
    client.post("/issue/2024-03/item/01-gaizao.md", data=form_of(client) | {"title": XSS})
    assert XSS in (root / ITEM_PATH).read_text("utf-8")
    assert XSS not in client.get("/issue/2024-03").text


@pytest.mark.parametrize("path", ["/issue/2099-01", "/issue/2024-03/item/99-none.md", "/nowhere", "/static/none.css"])
def test_unknown_pages_are_404_in_chinese(studio, path):
    client, _, _ = studio()
    response = client.get(path)
    assert response.status_code == 404 and "找不到" in response.text


def test_a_failure_inside_a_route_shows_a_chinese_page_and_no_traceback(studio, monkeypatch, caplog):
    client, _, _ = studio(raise_server_exceptions=False)

    def broken(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(services, "check", broken)
    response = client.get("/issue/2024-03")
    assert response.status_code == 500 and "编辑器内部出错" in response.text
    assert "Traceback" not in response.text and "secret internal detail" not in response.text
    assert "/issue/2024-03" in caplog.text  # the server's log says where


def test_the_package_serves_its_own_css_and_js(studio):
    client, _, _ = studio()
    for name, kind in (("studio.css", "text/css"), ("studio.js", "javascript")):
        response = client.get(f"/static/{name}")
        assert response.status_code == 200 and kind in response.headers["content-type"]
    assert not re.search(r"https?://", client.get("/").text.split("<main>")[0])  # no CDN: intranets are offline


# --- starting the studio ------------------------------------------------------------------------------------


def test_open_studio_binds_a_free_port_on_loopback_and_prints_the_token_address(series):
    opened = open_studio(series())
    try:
        host, port = opened.sock.getsockname()[:2]
        assert host == "127.0.0.1" and port > 0 and not opened.notes
        assert opened.address == f"http://127.0.0.1:{port}/?token={opened.session.token}"
        with pytest.raises(ContentError, match=f"端口 {port} 已被占用"):
            open_studio(series(), port=port)
    finally:
        opened.sock.close()


def test_another_host_than_loopback_is_warned_about(series):
    opened = open_studio(series(), host="0.0.0.0")
    try:
        assert opened.notes and "警告" in opened.notes[0] and "其他电脑" in opened.notes[0]
        assert opened.address.startswith("http://127.0.0.1:")
    finally:
        opened.sock.close()


def test_the_series_folder_is_found_from_an_issue_folder_or_left_to_the_home_page(series, tmp_path):
    root = series()
    assert series_folder(root / "2024-03") == root.resolve()
    assert series_folder(tmp_path) is None  # no series here: the home page offers to choose or create one
    with pytest.raises(ContentError, match="找不到这个文件夹"):
        series_folder(tmp_path / "没有这个")


def test_a_folder_that_does_not_exist_ends_the_command_with_2_and_a_chinese_message(tmp_path):
    result = subprocess.run([sys.executable, "-m", "zhuanbao", "studio", str(tmp_path / "没有这个"), "--no-browser"],
                            capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 2 and "找不到这个文件夹" in result.stderr and "Traceback" not in result.stderr


def test_build_and_check_do_not_import_the_web_stack():
    code = ("import sys, zhuanbao.cli; print(sorted(m for m in ('starlette', 'uvicorn', 'multipart', 'pandas', 'sqlalchemy', "
            "'xlrd', 'olefile', 'PIL', 'openpyxl') if m in sys.modules))")  # pandas, SQLAlchemy: only for a table read
    # from a database or grouped; xlrd, olefile, Pillow, openpyxl: only for the files that need them
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_studio_changes_files_only_through_the_use_cases():
    """A face, not a second core: no module of the studio imports the CLI or writes a file itself."""
    package = Path(__file__).resolve().parents[1] / "src" / "zhuanbao" / "studio"
    for path in package.rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        imported = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not any("cli" in m.split(".") for m in imported), path.name
        writes = [ast.unparse(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)
                  and ast.unparse(n.func).split(".")[-1] in ("write_text", "write_bytes", "write_atomic", "unlink")]  # fmt: skip
        assert writes == [], (path.name, writes)


def test_the_issue_page_names_the_issue_as_the_bulletin_does(studio):
    client, _, _ = studio()
    assert "<h1>2024年第3期（总第20期）</h1>" in client.get("/issue/2024-03").text


def test_another_local_sites_page_may_link_here_but_not_load_or_fetch(studio):
    # a page served on another port of 127.0.0.1 is the "same site": an <img> or fetch() of ours is refused
    client, _, _ = studio()
    for mode in ("no-cors", "cors"):
        refused = client.get("/issue/2024-03/download/docx", headers={"sec-fetch-site": "same-site", "sec-fetch-mode": mode})
        assert refused.status_code == 403 and "本机的其他网页" in refused.text
    followed = client.get("/", headers={"sec-fetch-site": "same-site", "sec-fetch-mode": "navigate"})
    assert followed.status_code == 200  # a link followed by the editor: the page opens (changes still need CSRF)


def conflict_form(page: str) -> dict:
    """What the conflict page's "mine" form posts (its hidden and shown fields)."""
    mine = page.split("你的版本", 1)[1]
    form = {m.group(1): html.unescape(m.group(2)) for m in re.finditer(r'name="(\w+)" value="([^"]*)"', mine)}
    form |= {m.group(1): html.unescape(m.group(2)) for m in re.finditer(r'<textarea name="(\w+)"[^>]*>(.*?)</textarea>', mine, re.S)}
    return form


def test_settling_a_conflict_with_my_changes_keeps_a_colleagues_other_changes(studio):
    client, _, root = studio()
    form = form_of(client)
    form["body"] = form["body"] + "\n\n我补充的一段。"  # I change the body only
    theirs = ITEM.replace("title: 测试区完成老旧小区改造", "title: 同事改的标题")  # a colleague changed the title meanwhile
    (root / ITEM_PATH).write_text(theirs, "utf-8")
    conflict = client.post("/issue/2024-03/item/01-gaizao.md", data=form)
    assert conflict.status_code == 409
    table = text(conflict).split('id="whose"', 1)[1].split("</table>", 1)[0]
    cells = [re.findall(r"<td>(.*?)</td>", row) for row in table.split("<tr>")]
    rows = {row[0].strip(): [c.strip() for c in row[1:]] for row in cells if row}
    assert rows == {"标题": ["—", "是", "保留别人的"], "正文": ["是", "—", "用你的"]}
    again = client.post("/issue/2024-03/item/01-gaizao.md", data=conflict_form(conflict.text), follow_redirects=False)
    assert again.status_code == 303
    saved = (root / ITEM_PATH).read_text("utf-8")
    assert "title: 同事改的标题" in saved and "我补充的一段。" in saved  # both kept
    assert "source: 测试区住建局  # 核实过" in saved  # untouched keys as they were, comment and all


def test_no_page_gives_two_elements_the_same_id(studio):
    """A label points at its field by id and a keyboard or screen-reader user relies on it; the publish form once
    had its file field and the plan's document line both called publish-document."""
    from collections import Counter

    client, _, _ = studio({"2024-03/tables/进度.csv": "区县,目标,完成\n东岭区,10,8\n"})
    pages = ["/", "/issue/2024-03", "/issue/2024-03/publish", "/issue/2024-03/item/01-gaizao.md",
             "/issue/2024-03/settings", "/issue/2024-03/tables/new?file=tables/%E8%BF%9B%E5%BA%A6.csv",
             "/issue/2024-03/new", "/archive", "/archive/stats"]  # fmt: skip
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        repeated = [i for i, n in Counter(re.findall(r'\sid="([^"]+)"', response.text)).items() if n > 1]
        assert repeated == [], (url, repeated)
