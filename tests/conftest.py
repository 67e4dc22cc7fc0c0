"""Shared fixtures: small series made from dicts, and LibreOffice-rendered pages.

Tests that need LibreOffice skip on a developer's machine without it, but
fail under CI (CI=true): a skipped layout test must never pass for green.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "content"


def pytest_sessionstart(session) -> None:
    """The example's database is made from its SQL (content/数据/民生统计.sql), as make demo and make test
    make it: every test that copies or builds the example finds it."""
    from zhuanbao.scaffold import make_example_database

    make_example_database(EXAMPLE)


SERIES_YAML = """\
title: 工作专报
program: 青石市打好重点民生保障仗
issuer: 青石市打好重点民生保障仗工作专班
sections: [重要新闻, 部门动态, 区县动态, 工作简讯]
distribution:
  报: [市委书记、市长, 市委副书记]
  送: [市委办、市政府办]
  发: [各区县工作专班]
contact: {电话: 0731-1234567, 邮箱: test@example.cn}
copies: 60
marks: [内部资料]
signoff: {签发: 张明, 审核: 李华, 编辑: 王芳}
"""

ISSUE_YAML = "number: 3\ndate: 2024-03-15\ntotal: 20\n"

ITEM_MD = """\
---
section: 工作简讯
title: 测试区完成老旧小区改造
source: 测试区住建局
---
3月10日，测试区完成老旧小区改造12个，惠及居民1860户。
"""


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Create files under ``root`` from {relative path: content}; returns root."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content) if content.startswith("\n") else content, encoding="utf-8")
    return root


@pytest.fixture
def series(tmp_path: Path):
    """A factory for a one-issue series; pass overrides as {path: content}."""

    def make(files: dict[str, str | bytes] | None = None, *, drop: tuple[str, ...] = ()) -> Path:
        base = {
            "series.yaml": SERIES_YAML,
            "2024-03/issue.yaml": ISSUE_YAML,
            "2024-03/items/01-gaizao.md": ITEM_MD,
        }
        base.update(files or {})
        for name in drop:
            base.pop(name, None)
        return write_tree(tmp_path / "series", base)

    return make


# --- LibreOffice ---------------------------------------------------------------


def _missing_tools() -> list[str]:
    from zhuanbao.export import find_soffice

    missing = []
    if find_soffice() is None:
        missing.append("LibreOffice (soffice)")
    for tool in ("pdftotext", "pdftoppm", "pdfinfo"):
        if shutil.which(tool) is None:
            missing.append(f"poppler-utils ({tool})")
    return missing


def saved_by_libreoffice(source: Path, convert_to: str, folder: Path, timeout: float = 180) -> Path:
    """``source`` saved by LibreOffice (headless, a profile of its own) with ``convert_to`` — pdf,
    "xls:MS Excel 97", "doc:MS Word 97" … — into ``folder``: how tests make the files only an office suite writes.
    Returns the file written; a conversion that writes nothing fails the test with what LibreOffice said."""
    import tempfile

    from zhuanbao.export import find_soffice, office_environment

    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        done = subprocess.run([find_soffice() or "soffice", f"-env:UserInstallation={Path(profile).as_uri()}",
                               "--headless", "--convert-to", convert_to, "--outdir", str(folder), str(source)],
                              env=office_environment(), capture_output=True, text=True, timeout=timeout)  # fmt: skip
    made = folder / f"{source.stem}.{convert_to.split(':')[0]}"
    assert made.is_file(), f"LibreOffice wrote no {made.name}: {done.stdout}{done.stderr}"
    return made


@pytest.fixture(scope="session")
def libreoffice() -> None:
    missing = _missing_tools()
    if missing:
        message = "缺少 " + "、".join(missing) + "：运行 sh scripts/setup-system.sh 安装"
        if os.environ.get("CI"):
            pytest.fail("CI 中不允许跳过 LibreOffice 测试：" + message)
        pytest.skip(message)


def _required_tool(name: str, package: str) -> str:
    """A command the e2e tests of other readers need: skipped on a developer's machine without it, failed in CI."""
    found = shutil.which(name)
    if found is None:
        message = f"缺少 {name}（{package}）：运行 sh scripts/setup-system.sh 安装"
        if os.environ.get("CI"):
            pytest.fail("CI 中不允许跳过：" + message)
        pytest.skip(message)
    return found


@pytest.fixture(scope="session")
def pandoc() -> str:
    """pandoc, as offices use it to put a bulletin on their web site."""
    return _required_tool("pandoc", "pandoc")


@pytest.fixture(scope="session")
def abiword(libreoffice) -> str:
    """AbiWord, a word processor of its own (not LibreOffice's layout): `abiword --to=pdf`."""
    return _required_tool("abiword", "abiword")


@pytest.fixture(scope="session")
def uno_python(libreoffice) -> tuple[str, str]:
    """LibreOffice and a Python that can drive it through UNO (the studio's resident converter); required in CI."""
    from zhuanbao.export import find_soffice
    from zhuanbao.export.resident import find_uno_python
    from zhuanbao.export.soffice import faster_hint

    soffice = find_soffice()
    python = find_uno_python(soffice)
    if python is None:
        message = "缺少能 import uno 的 Python：" + faster_hint()
        if os.environ.get("CI"):
            pytest.fail("CI 中不允许跳过常驻 LibreOffice 的测试：" + message)
        pytest.skip(message)
    return soffice, python


@dataclass
class Line:
    """One text line of a PDF page, positions in points from the top-left."""

    text: str
    x_min: float
    x_max: float
    y_min: float
    y_max: float


@dataclass
class Pdf:
    path: Path
    pages: list[list[Line]]
    width: float
    height: float

    def text(self, page: int | None = None) -> str:
        pages = self.pages if page is None else [self.pages[page - 1]]
        return "\n".join(line.text for lines in pages for line in lines)


_LINE = re.compile(r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</line>', re.S)
_WORD = re.compile(r"<word[^>]*>(.*?)</word>", re.S)
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)


def read_pdf(path: Path) -> Pdf:
    """Lines of every page with their boxes (pdftotext -bbox-layout)."""
    import html

    xml = subprocess.run(
        ["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True, check=True, text=True
    ).stdout
    pages = []
    width = height = 0.0
    for match in _PAGE.finditer(xml):
        width, height = float(match.group(1)), float(match.group(2))
        lines = []
        for line in _LINE.finditer(match.group(3)):
            words = [html.unescape(w) for w in _WORD.findall(line.group(5))]
            lines.append(Line(" ".join(words), *(float(line.group(i)) for i in (1, 3, 2, 4))))
        lines.sort(key=lambda ln: (round(ln.y_min), ln.x_min))
        pages.append(lines)
    return Pdf(path, pages, width, height)


@pytest.fixture(scope="session")
def convert(libreoffice, tmp_path_factory):
    """Convert a .docx to PDF with LibreOffice and read its lines."""
    from zhuanbao.export import to_pdf

    def run(docx: Path) -> Pdf:
        outdir = tmp_path_factory.mktemp("pdf")
        return read_pdf(to_pdf(docx, outdir))

    return run


# --- archives (shared by tests/test_archive_*.py) --------------------------------


@pytest.fixture(scope="session")
def two_series(tmp_path_factory):
    """The example series and a second series, all published into one archive.

    Shared read-only by every test that uses it: copy the archive before changing it.
    """
    from zhuanbao.services import publish

    root = tmp_path_factory.mktemp("archive")
    shutil.copytree(EXAMPLE, root / "content")
    other = root / "jianbao"
    (other / "2024-05" / "items").mkdir(parents=True)
    (other / "series.yaml").write_text(
        "title: 民政简报\nissuer: 青石市民政局\nsections: [工作动态]\n", "utf-8"
    )
    (other / "2024-05" / "issue.yaml").write_text("number: 5\ndate: 2024-05-20\n", "utf-8")
    (other / "2024-05" / "items" / "01.md").write_text(
        "---\nsection: 工作动态\ntitle: 青石市提高城乡低保标准\nsource: 青石市民政局\n---\n"
        "青石市城乡低保标准自6月起提高，敬老院床位同步扩充，特困供养水平稳步提升。\n",
        "utf-8",
    )
    archive = root / "archive"
    for issue in ("2025-07", "2025-08", "2025-09"):
        publish(root / "content" / issue, archive, pdf=False)
    publish(other / "2024-05", archive, pdf=False)
    return root, archive


@pytest.fixture
def archived(tmp_path):
    """One published issue in a fresh archive, its files writable for tampering."""
    from zhuanbao.services import publish

    shutil.copytree(EXAMPLE, tmp_path / "content")
    archive = tmp_path / "archive"
    published = publish(tmp_path / "content" / "2025-07", archive, pdf=False)
    publish(tmp_path / "content" / "2025-08", archive, pdf=False)
    for path in archive.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return archive, published.folder


# --- hostile inputs: the real command under memory and time limits ------------------------------------


@dataclass
class Bounded:
    returncode: int
    stdout: str
    stderr: str
    seconds: float


def bounded(*args: str, memory_mb: int = 512, seconds: float = 60, cwd: Path | None = None) -> Bounded:
    """Run ``python -m zhuanbao ARGS`` as a user would, with its address space capped at ``memory_mb``
    and its time at ``seconds``: a hostile input must end in a Chinese message (exit 2), not in
    MemoryError, a traceback or a hang. Fails the test when the time limit is hit."""
    import resource
    import sys
    import time

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 2**20, memory_mb * 2**20))

    start = time.monotonic()
    try:
        result = subprocess.run([sys.executable, "-m", "zhuanbao", *args], capture_output=True, text=True,
                                preexec_fn=limit, timeout=seconds, cwd=cwd)  # fmt: skip
    except subprocess.TimeoutExpired:
        pytest.fail(f"zhuanbao {' '.join(args)} ran past {seconds} s")
    return Bounded(result.returncode, result.stdout, result.stderr, time.monotonic() - start)


def refused(result: Bounded, *fragments: str) -> None:
    """A hostile input was refused as a user error: exit 2, the fragments in the message, no traceback."""
    assert result.returncode == 2, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr, result.stderr[-2000:]
    for fragment in fragments:
        assert fragment in result.stderr, (fragment, result.stderr[-2000:])


@pytest.fixture
def word_holds(monkeypatch):
    """Play Windows with Word (or WPS) holding documents open: the paths added to
    the returned set can be neither opened for writing nor replaced, failing as
    Windows fails (PermissionError, winerror 32), until they are discarded again."""
    import os

    from zhuanbao import fsio

    held: set[Path] = set()
    real_open, real_replace = os.open, os.replace

    def violation(path) -> PermissionError:
        error = PermissionError(13, "另一个程序正在使用此文件，进程无法访问。", str(path))
        error.winerror = 32
        return error

    def open_(path, flags, *args, **kwargs):
        if Path(path) in held and flags & (os.O_WRONLY | os.O_RDWR):
            raise violation(path)
        return real_open(path, flags, *args, **kwargs)

    def replace(src, dst, *args, **kwargs):
        if Path(dst) in held:
            raise violation(dst)
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(fsio, "WINDOWS", True)
    monkeypatch.setattr(os, "open", open_)
    monkeypatch.setattr(os, "replace", replace)
    return held


# --- the studio, served for real ------------------------------------------------


@contextlib.contextmanager
def served_studio(root: Path, output: Path | None = None):
    """The studio for ``root`` served by uvicorn on a free loopback port in a thread (streams and the browser
    need a real server; Starlette's TestClient does not stream). Yields (base address, session, app)."""
    import socket
    import threading

    import uvicorn

    from zhuanbao.studio.app import create_app
    from zhuanbao.studio.guard import Session

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = sock.getsockname()[1]
    session = Session(port=port)
    app = create_app(root, session, output or root.parent / "output")
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=1))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}", session, app
    finally:
        if app.state.studio.changes is not None:
            app.state.studio.changes.end_streams()
        server.should_exit = True
        thread.join(10)
        sock.close()


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.fixture(scope="session")
def chromium_browser():
    """Debian's Chromium driven by Playwright (no `playwright install`: the system browser, as CI has it)."""
    found = chromium_path()
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("CI 中不允许跳过浏览器测试：缺少 chromium（运行 sh scripts/setup-system.sh 安装）")
        pytest.skip("缺少 chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=found, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])  # fmt: skip
        yield browser
        browser.close()


@pytest.fixture
def studio_page(chromium_browser):
    """open(root) → a page logged into the studio served for ``root`` at 1366×768 (and the studio's parts)."""
    opened = []

    def open_(root: Path, output: Path | None = None, width: int = 1366, height: int = 768):
        server = served_studio(root, output)
        base, session, app = server.__enter__()
        context = chromium_browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN",
                                               accept_downloads=True)  # fmt: skip
        page = context.new_page()
        page.set_default_timeout(15000)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        opened.append((server, context))
        page.goto(f"{base}/?token={session.token}")
        return page, base, app, errors

    yield open_
    for server, context in reversed(opened):
        context.close()
        server.__exit__(None, None, None)


# --- the studio over HTTP (Starlette's TestClient) -----------------------------

PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
ITEM = "---\n# 市里的稿件\nsection: 工作简讯\ntitle: 测试区完成老旧小区改造\nsource: 测试区住建局  # 核实过\norder: 2\n---\n3月10日，测试区完成老旧小区改造12个，惠及居民1860户。\n"  # fmt: skip
ITEM_PATH = "2024-03/items/01-gaizao.md"


def make_client(root: Path, session=None, **options):
    """A TestClient over the studio for ``root`` (not logged in) and its session."""
    from starlette.testclient import TestClient

    from zhuanbao.studio.app import create_app
    from zhuanbao.studio.guard import Session

    session = session or Session(port=PORT)
    client = TestClient(create_app(root, session, root.parent / "output"), base_url=BASE, **options)
    return client, session


@pytest.fixture
def studio(series):
    """A logged-in client over a one-issue series (the token already exchanged for the cookie)."""

    def make(files=None, **options):
        root = series({ITEM_PATH: ITEM, **(files or {})})
        client, session = make_client(root, **options)
        assert client.get(f"/?token={session.token}", follow_redirects=True).status_code == 200
        return client, session, root

    return make
