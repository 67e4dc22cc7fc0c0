"""User errors: the one hierarchy the CLI catches, prints and turns into exit code 2.

Every error an editor can cause is raised as a ``UserError`` that knows where
it happened (file, line, column), so the message can point the editor at the
spot. Internal bugs are left as ordinary exceptions: they deserve a traceback.
"""

from __future__ import annotations

from pathlib import Path


class UserError(Exception):
    """A problem in the user's input, reported in Chinese with its location."""

    kind = "错误"

    def __init__(
        self,
        message: str,
        path: Path | str | None = None,
        line: int | None = None,
        column: int | None = None,
        *,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        self.column = column
        self.hint = hint

    def location(self) -> str:
        """``file:line:col`` as editors (VS Code, vim) understand it."""
        if self.path is None:
            return ""
        parts = [str(self.path)]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        where = self.location()
        text = f"{where}: {self.kind}: {self.message}" if where else f"{self.kind}: {self.message}"
        if self.hint:
            text += f"\n  提示：{self.hint}"
        return text


class ContentError(UserError):
    """Series, issue or item files that are malformed or break the content contract."""


class DataError(UserError):
    """Table data (CSV, Excel) that cannot be read or computed."""


class TemplateError(UserError):
    """A template or style sheet that cannot be loaded or rendered."""

    kind = "模板错误"


class OutputError(UserError):
    """The output cannot be written (permissions, full disk, existing file)."""

    kind = "输出错误"


class LayoutError(UserError):
    """Content that cannot be laid out as GB/T 9704 asks (a 版记 taller than a page).

    Found while writing the document, which knows sizes but not files: the
    build names the file the content came from."""


class ToolMissingError(UserError):
    """An external program (LibreOffice, pdftoppm) is not installed."""


class UserErrors(UserError):
    """Several problems found in one run, reported together.

    Editors fix five mistakes faster when they see all five at once, so loaders
    collect errors and raise them together instead of stopping at the first.
    """

    def __init__(self, errors: list[UserError]) -> None:
        flat: list[UserError] = []
        for error in errors:
            flat.extend(error.errors if isinstance(error, UserErrors) else [error])
        # In file order, as the editor will fix them.
        flat.sort(key=lambda e: (str(e.path or ""), e.line or 0, e.column or 0))
        self.errors = flat
        super().__init__(f"共 {len(flat)} 处错误")

    def __str__(self) -> str:
        lines = [str(e) for e in self.errors]
        if len(self.errors) > 1:
            lines.append(f"共 {len(self.errors)} 处错误，未生成任何文件。")
        return "\n".join(lines)


def raise_all(errors: list[UserError]) -> None:
    """Raise the collected errors, if any, as one exception."""
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise UserErrors(errors)


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
    }
    return reasons.get(exc.errno, exc.strerror or str(exc))
