"""The studio before a series is open: started on a folder that holds none (a new office's first run, or
a folder with several series), it lists the series below it and offers the form ``init`` asks at a
terminal. Choosing or creating one hands the browser to that series' studio (``app.Current``)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import Path

from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from .. import services
from ..diagnostics import Diagnostic, Location, UserError
from ..fsio import windows_device
from ..load.content import SERIES_FILE
from .pages import address, findings
from .paths import NotFound, inside, is_plain_name
from .state import Studio

DEFAULT_SECTIONS = "工作动态\n经验交流\n基层信息"
MAX_FOLDER_NAME = 60  # Windows paths are short (260 characters): the series, issue and item names come after
INIT_FIELDS = ("folder", "title", "program", "issuer", "sections", "number", "total", "date")


def series_below(folder: Path) -> list[dict]:
    """The series folders directly below ``folder``, with their titles as the masthead prints them."""
    from ..load.content import load_series

    found = []
    try:
        children = sorted(p for p in folder.iterdir() if p.is_dir() and (p / SERIES_FILE).is_file())
    except OSError:
        return []
    for child in children:
        try:
            title = load_series(child).title
        except UserError:
            title = ""  # opened anyway: the series page says what is wrong
        found.append({"name": child.name, "title": title})
    return found


def _number(text: str, key: str, problems: list[Diagnostic], optional: bool = False) -> int | None:
    text = unicodedata.normalize("NFKC", text).strip()  # ３ typed with a Chinese input method is 3
    if not text and optional:
        return None
    if text.isascii() and text.isdecimal():
        return int(text)
    problems.append(Diagnostic("请填写数字（半角阿拉伯数字）", Location(key=(key,))))
    return None


def init_values(form) -> tuple[dict, list[Diagnostic]]:
    """The form's answers as init_series takes them, or the problems with their fields."""
    typed = {key: str(form.get(key, "")).strip() for key in INIT_FIELDS}
    problems: list[Diagnostic] = []
    name = typed["folder"] or typed["title"]
    if not name:
        problems.append(Diagnostic("请写刊物文件夹的名称（或先写刊名）", Location(key=("folder",))))
    elif not is_plain_name(name):
        problems.append(Diagnostic("文件夹名称不能含 / \\ : 等符号，也不能以空格或句点结尾", Location(key=("folder",))))
    elif len(name) > MAX_FOLDER_NAME or windows_device(name):
        problems.append(Diagnostic(f"文件夹名称请用 {MAX_FOLDER_NAME} 个字以内的普通名称（CON、NUL、COM1 等是 Windows 保留的名称）",
                                   Location(key=("folder",))))  # fmt: skip
    if not typed["issuer"]:
        problems.append(Diagnostic("请写编发单位（印在报头期号下方左侧）", Location(key=("issuer",))))
    sections = [s for s in re.split(r"[\n,，、;；]+", typed["sections"]) if s.strip()]
    if not sections:
        problems.append(Diagnostic("至少要有一个栏目", Location(key=("sections",))))
    number = _number(typed["number"] or "1", "number", problems)
    total = _number(typed["total"], "total", problems, optional=True)
    values = {"name": name, "title": typed["title"], "issuer": typed["issuer"], "sections": sections,
              "program": typed["program"] or None, "number": 1 if number is None else number, "total": total,
              "date": typed["date"] or None}  # fmt: skip
    return values, problems


def routes(folder: Path, studio: Studio, open_series) -> list[Route]:
    """The pages at /home; ``open_series(path)`` makes that series the one the studio serves."""
    folder = folder.resolve()

    def home_page(request: Request, typed: dict | None = None, problems=(), status: int = 200):
        typed = typed or {"sections": DEFAULT_SECTIONS, "number": "1", "date": dt.date.today().isoformat()}
        typed = {key: typed.get(key, "") for key in INIT_FIELDS}
        return studio.render("home.html", status, home_page=True, folder=str(folder), found=series_below(folder), typed=typed,
                             problems=findings(problems, folder))  # fmt: skip

    async def home(request: Request):
        return home_page(request)

    async def create(request: Request):
        form = await studio.form(request)
        typed = {key: str(form.get(key, "")) for key in INIT_FIELDS}
        values, problems = init_values(form)
        if not problems:
            target = folder / values.pop("name")
            try:
                made = services.init_series(target, **values)
            except UserError as exc:
                problems = [d if d.location.key else d.at(location=d.location._replace(key=("folder",)))
                            if d.path is not None and d.path.resolve() == target.resolve() else d
                            for d in exc.diagnostics]  # fmt: skip
            else:
                open_series(made.folder)
                return RedirectResponse(address("issue", made.issue.name) + "?created=1", status_code=303)
        return home_page(request, typed, problems, status=400)

    async def example(request: Request):
        await studio.form(request)
        target = folder / "示例刊物"
        number = 2
        while target.exists():
            target, number = folder / f"示例刊物{number}", number + 1
        try:
            made = services.copy_example(target)
        except UserError as exc:
            return home_page(request, None, exc.diagnostics, status=400)
        open_series(made.folder)
        return RedirectResponse("/", status_code=303)

    async def open_(request: Request):
        form = await studio.form(request)
        try:
            target = inside(folder, str(form.get("name", "")))
        except NotFound:
            target = None
        if target is None or not (target / SERIES_FILE).is_file():
            return home_page(request, None, [Diagnostic("找不到这个刊物文件夹，它可能已被改名或移走")], status=404)
        open_series(target)
        return RedirectResponse("/", status_code=303)

    return [
        Route("/home", home),
        Route("/home/init", create, methods=["POST"]),
        Route("/home/example", example, methods=["POST"]),
        Route("/home/open", open_, methods=["POST"]),
    ]
