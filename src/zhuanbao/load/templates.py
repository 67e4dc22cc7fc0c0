"""Reading a template set: the Jinja templates, the style sheet and any pictures (a logo), once, into a value.

Templates come from a template folder: the user's (``templates:`` in
series.yaml or ``--templates``), with the default templates filling in any
file the user's folder does not have, so an office can override just one
file. Everything rendering needs from those folders is read here, so that
rendering itself touches no file, and what a document was made from can be
fingerprinted (``build --changed``) and archived (``publish``) byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from ..diagnostics import TemplateError, os_reason
from ..style import SheetModel, StyleSheet, resolve
from .text import MAX_TEXT_BYTES, clean, decode
from .validate import validate
from .yamlfile import parse_yaml

MAIN_TEMPLATE = "bulletin.xml.j2"
STYLE_FILE = "style.yaml"
TEMPLATE_SUFFIX = ".j2"


def default_template_dir() -> Path:
    """The shipped templates: inside the installed package, or the repository's."""
    packaged = Path(__file__).resolve().parents[1] / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "templates"


class TemplateFile(NamedTuple):
    """One file of a template set, as read."""

    name: str  # relative to its folder, with "/" (what Jinja's include and <image name> use)
    path: Path
    data: bytes | None  # None: too large or unreadable (an error only if a template uses it)
    folder: int  # the folder's place in the lookup order: 0 is the user's own when given
    problem: str | None = None  # why there is no data, in Chinese


class Templates(NamedTuple):
    """A template set: its folders in lookup order, every file in effect, and the style sheet they give.

    Names are matched without regard to case, as Windows and macOS match file
    names: a user's Bulletin.xml.j2 replaces the default bulletin.xml.j2 on
    every system alike.
    """

    dirs: tuple[Path, ...]
    files: tuple[TemplateFile, ...]  # one per name; the first folder holding a name wins, as in rendering
    sheet: StyleSheet

    def file(self, name: str) -> TemplateFile | None:
        wanted = name.casefold()
        return next((f for f in self.files if f.name.casefold() == wanted), None)

    def text(self, name: str) -> str | None:
        """A template's text, decoded as every user file is (UTF-8, GBK, UTF-16); None if there is no such file."""
        file = self.file(name)
        if file is None:
            return None
        if file.data is None:
            raise TemplateError(file.problem or "无法读取", file.path)
        return clean(decode(file.data, file.path))

    @property
    def templates(self) -> list[TemplateFile]:
        """The Jinja templates of the set (*.j2)."""
        return [f for f in self.files if f.name.endswith(TEMPLATE_SUFFIX)]

    @property
    def main(self) -> Path:
        found = self.file(MAIN_TEMPLATE)
        return found.path if found is not None else self.dirs[-1] / MAIN_TEMPLATE

    @property
    def user_dir(self) -> Path | None:
        """The user's own folder, when the set has one."""
        return self.dirs[0] if len(self.dirs) > 1 else None

    @property
    def fingerprint(self) -> str:
        """A digest of every file in effect: what a document depends on besides its content."""
        import hashlib

        digest = hashlib.sha256()
        for item in self.files:
            content = hashlib.sha256(item.data).digest() if item.data is not None else (item.problem or "").encode()
            digest.update(item.name.encode() + b"\0" + content)
        return digest.hexdigest()


def parse_style_sheet(path: Path, data: bytes) -> StyleSheet:
    """A style.yaml's bytes validated and resolved (every length in points)."""
    doc = parse_yaml(clean(decode(data, path)), path)
    return resolve(validate(SheetModel, doc, "样式表"), doc)


def load_style_sheet(path: Path) -> StyleSheet:
    """Read, validate and resolve a style.yaml."""
    return parse_style_sheet(path, _read(path))


def load_templates(
    user_dir: Path | None, style: Callable[[Path, bytes], StyleSheet] = parse_style_sheet
) -> Templates:
    """Read the template set: ``user_dir`` first when given, then the defaults.

    ``style`` turns the style sheet's bytes into a :class:`StyleSheet`; a
    long-running process passes one that remembers what it resolved before.
    """
    dirs: list[Path] = []
    if user_dir is not None:
        if not user_dir.is_dir():
            raise TemplateError("这是一个文件，不是模板文件夹" if user_dir.exists() else "模板文件夹不存在", user_dir)
        _check_template_folder(user_dir)
        dirs.append(user_dir.resolve())
    default = default_template_dir()
    if default not in dirs:
        dirs.append(default)
    files: dict[str, TemplateFile] = {}  # by name casefolded
    for index, directory in enumerate(dirs):
        for path in sorted(directory.rglob("*")):
            relative = path.relative_to(directory)
            key = relative.as_posix().casefold()
            if key in files or any(part.startswith(".") for part in relative.parts) or not path.is_file():
                continue
            try:
                _refuse_link_out(path, directory)
                files[key] = TemplateFile(relative.as_posix(), path, _read(path), index)
            except TemplateError as exc:  # a stray photo, a locked file, a link out: an error only where used
                files[key] = TemplateFile(relative.as_posix(), path, None, index, exc.message)
    style_file = files.get(STYLE_FILE)
    if style_file is None:
        raise TemplateError(f"找不到样式表 {STYLE_FILE}", dirs[0])
    if style_file.data is None:
        raise TemplateError(style_file.problem or "无法读取", style_file.path)
    ordered = tuple(files[key] for key in sorted(files))
    return Templates(tuple(dirs), ordered, style(style_file.path, style_file.data))


def _refuse_link_out(path: Path, directory: Path) -> None:
    """A template (or logo) that is a link out of its folder is not read: what a
    document is made from, and what publish archives, stays inside the folder."""
    if path.is_symlink():
        try:
            path.resolve().relative_to(directory.resolve())
        except (ValueError, OSError, RuntimeError):
            raise TemplateError("是一个链接，指向模板文件夹之外，不会读取", path) from None


def _read(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise TemplateError(f"文件过大（{size:,} 字节），模板文件夹中的文件不能超过 {MAX_TEXT_BYTES // 1024 // 1024} MB", path)
        return path.read_bytes()
    except OSError as exc:
        raise TemplateError(f"无法读取模板文件夹中的文件：{os_reason(exc)}", path) from None


def _check_template_folder(folder: Path) -> None:
    """A template folder zhuanbao would take nothing from is a mistake, not the defaults."""
    names = {p.name for p in folder.iterdir() if p.is_file()}
    if STYLE_FILE not in names:
        near = sorted(n for n in names if n.lower().startswith("style.") and n != STYLE_FILE)
        if near:
            raise TemplateError(f"样式表应命名为 {STYLE_FILE}，这里是“{near[0]}”，不会被读取", folder / near[0])
    if not names & ({STYLE_FILE} | {p.name for p in default_template_dir().iterdir()}) and not any(
        n.endswith(TEMPLATE_SUFFIX) for n in names
    ):
        raise TemplateError(
            "模板文件夹中没有 zhuanbao 认识的文件（style.yaml、*.xml.j2），会全部用默认模板", folder,
            hint="先把默认模板整个复制过来再修改：cp -r templates 我的模板",
        )  # fmt: skip
