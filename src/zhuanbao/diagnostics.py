"""Located messages: the one type for every error, warning and finding a user sees.

A build error, a ``check`` finding and a ``verify`` problem are all a
:class:`Diagnostic`: a message at a :class:`Location` (file, line, column and,
in a YAML file, the key path such as ``tables[0].as_of``, which a form in the
studio needs to put the message next to its field), with a severity, the
rule that found it and a hint. Errors an editor can cause are raised as a
:class:`UserError` carrying one diagnostic or many; internal bugs are left as
ordinary exceptions, which deserve a traceback.

Diagnostics and errors are immutable (named tuples: a sixth of a frozen
dataclass's cost at every start-up): whoever finds a problem knows where it
is and says so when raising it, and nobody edits an error on its way up.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal, NamedTuple

Key = tuple  # a key path in a YAML document: ("tables", 0, "as_of")

SEVERITY_WORD = {"error": "错误", "warning": "警告"}


class Location(NamedTuple):
    """Where a message points: a file, a line and column in it (1-based), and a key path."""

    path: Path | None = None
    line: int | None = None
    column: int | None = None
    key: Key = ()

    def __str__(self) -> str:
        """``file:line:col`` as editors (VS Code, vim) understand it."""
        if self.path is None:
            return ""
        parts = [str(self.path)]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    @property
    def key_text(self) -> str:
        """The key path as a form names its field: ``tables[0].as_of``."""
        text = ""
        for part in self.key:
            text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
        return text


class Diagnostic(NamedTuple):
    """One located message for the user, in Chinese."""

    message: str
    location: Location = Location()
    severity: Literal["error", "warning"] = "error"
    #: the check rule that found it (``halfwidth-punct``), or None for a build error
    rule: str | None = None
    hint: str | None = None
    #: the word printed for an error: 错误, 模板错误, 输出错误 (a warning always prints 警告)
    kind: str = "错误"
    #: ``check --fix`` corrected it in the file
    fixed: bool = False

    @property
    def path(self) -> Path | None:
        return self.location.path

    @property
    def line(self) -> int | None:
        return self.location.line

    @property
    def column(self) -> int | None:
        return self.location.column

    def __str__(self) -> str:
        where = str(self.location)
        word = SEVERITY_WORD["warning"] if self.severity == "warning" else self.kind
        text = f"{where}: {word}: {self.message}" if where else f"{word}: {self.message}"
        if self.fixed:
            text += "（已修正）"
        if self.rule:
            text += f" [{self.rule}]"
        if self.hint:
            text += f"\n  提示：{self.hint}"
        return text

    def at(self, **changes) -> Diagnostic:
        """A copy with other fields (``rule="build"``, ``severity="warning"``): diagnostics are values."""
        return self._replace(**changes)


def _order(diagnostic: Diagnostic) -> tuple:
    return (str(diagnostic.path or ""), diagnostic.line or 0, diagnostic.column or 0)


class UserError(Exception):
    """A problem in the user's input: one diagnostic, or several found in one run.

    Editors fix five mistakes faster when they see all five at once, so loaders
    collect errors and raise them together (:func:`raise_all`), in file order.
    """

    kind = "错误"

    def __init__(
        self,
        message: str,
        path: Path | str | None = None,
        line: int | None = None,
        column: int | None = None,
        *,
        hint: str | None = None,
        key: Key = (),
    ) -> None:
        location = Location(Path(path) if path is not None else None, line, column, tuple(key))
        self.diagnostics: tuple[Diagnostic, ...] = (Diagnostic(message, location, hint=hint, kind=self.kind),)
        super().__init__(message)

    @classmethod
    def of(cls, diagnostics: Iterable[Diagnostic]) -> UserError:
        """One error carrying ``diagnostics`` (sorted into file order)."""
        error = cls.__new__(cls)
        error.diagnostics = tuple(sorted(diagnostics, key=_order))
        Exception.__init__(error, error.message)
        return error

    @property
    def first(self) -> Diagnostic:
        return self.diagnostics[0]

    # The fields of a single error; an error of several has no one place.
    @property
    def message(self) -> str:
        return self.first.message if len(self.diagnostics) == 1 else f"共 {len(self.diagnostics)} 处错误"

    @property
    def path(self) -> Path | None:
        return self.first.path if len(self.diagnostics) == 1 else None

    @property
    def line(self) -> int | None:
        return self.first.line if len(self.diagnostics) == 1 else None

    @property
    def column(self) -> int | None:
        return self.first.column if len(self.diagnostics) == 1 else None

    @property
    def hint(self) -> str | None:
        return self.first.hint if len(self.diagnostics) == 1 else None

    def __str__(self) -> str:
        lines = [str(d) for d in self.diagnostics]
        if len(self.diagnostics) > 1:
            lines.append(f"共 {len(self.diagnostics)} 处错误，未生成任何文件。")
        return "\n".join(lines)

    def __reduce__(self):  # a worker process's error crosses back to the parent intact
        return (_rebuild, (type(self), self.diagnostics))


def _rebuild(cls: type[UserError], diagnostics: tuple[Diagnostic, ...]) -> UserError:
    return cls.of(diagnostics)


class ContentError(UserError):
    """Series, issue or item files that are malformed or break the content contract."""


class ConflictError(ContentError):
    """Files changed on disk since the page or command that asked for a change read them (another editor,
    the command line, Notepad): nothing was written, so nobody's work is overwritten or misplaced."""


class DataError(UserError):
    """Table data (CSV, Excel) that cannot be read or computed."""


class TemplateError(UserError):
    """A template or style sheet that cannot be loaded or rendered."""

    kind = "模板错误"


class OutputError(UserError):
    """The output cannot be written (permissions, full disk, existing file)."""

    kind = "输出错误"


class BusyError(OutputError):
    """Another run holds the lock of the folder this one would write."""


class HeldOpenError(OutputError):
    """A document to be replaced is open in Word or WPS (Windows refuses to
    replace it): the editor's everyday case, told as such; ``watch`` retries."""


class LayoutError(UserError):
    """Content that cannot be laid out as GB/T 9704 asks (a 版记 taller than a page)."""


class ToolMissingError(UserError):
    """An external program (LibreOffice, pdftoppm) is not installed."""


def raise_all(errors: Sequence[UserError]) -> None:
    """Raise the collected errors, if any, as one exception (the common class
    of them all, so ``except DataError`` still catches several data errors)."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        kinds = {type(e) for e in errors}
        cls = kinds.pop() if len(kinds) == 1 else UserError
        raise cls.of(d for e in errors for d in e.diagnostics)


def suggest(name: str, choices: Iterable[str]) -> str | None:
    """"是否想写“title”？" for a misspelt name, or None when nothing is close.

    One rule for every "did you mean": Latin names (keys, columns, rules)
    must share half their letters (quotes → straight-quotes); Chinese names
    (sections, headings) are two to six characters, where one character in
    common is already a lot.
    """
    import difflib

    choices = [c for c in choices if isinstance(c, str)]
    cutoff = 0.5 if name.isascii() else 0.3
    guess = difflib.get_close_matches(name, choices, n=1, cutoff=cutoff)
    return f"是否想写“{guess[0]}”？" if guess else None


def os_reason(exc: OSError) -> str:
    """The reason an OS call failed, in Chinese where it is a common one."""
    import errno

    reasons = {
        errno.EACCES: "没有访问权限",
        errno.EPERM: "没有访问权限",
        errno.ENOSPC: "磁盘空间不足",
        errno.EROFS: "文件系统是只读的",
        errno.EEXIST: "同名文件已存在",
        errno.ENOTDIR: "路径中有一段是文件而不是文件夹",
        errno.EISDIR: "同名的文件夹已存在",
        errno.ENOENT: "文件夹不存在",
        errno.ENAMETOOLONG: "文件名太长",
        errno.ELOOP: "符号链接指向了自己（链接成环）",
        errno.EIO: "读写出错（磁盘或网络共享有故障？）",
        errno.EBUSY: "文件正被占用",
        getattr(errno, "ETXTBSY", -1): "文件正被占用",
        getattr(errno, "EDQUOT", -1): "磁盘配额已用完",  # not on Windows
        errno.EMFILE: "同时打开的文件太多",
        errno.EXDEV: "不能跨磁盘移动",
        errno.EINVAL: "文件名或路径无效",
    }
    if getattr(exc, "winerror", None) in (32, 33):
        return "文件正被其他程序（Word、WPS 等）打开"
    if exc.errno in reasons:
        return reasons[exc.errno]
    return f"系统错误（{exc.strerror or exc}）"  # the system's own words, framed in Chinese
