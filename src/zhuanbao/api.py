"""zhuanbao for a Python script: an office that already computes its figures in Python hands the tables
over as pandas DataFrames (or rows) and gets the bulletin, as ``zhuanbao build`` makes it.

    from zhuanbao.api import UserError, build_issue, exit_code

    try:
        result = build_issue("content/2025-10", "output", tables={"jobs": frame})
    except UserError as exc:
        print(*exc.diagnostics, sep="\\n", file=sys.stderr)   # 文件:行:列: 错误: 说明
        sys.exit(exit_code(exc))                             # 2, or 75 when another build holds the folder

issue.yaml still declares each table (its title, section, target and actual columns, rank, as_of …): the
editors keep what prints, the script supplies the figures. Data handed over for a table replaces the file
or query its entry names; ``where``/``group_by``/``sum``/``count`` apply to it as to a file's records.
This module is a face, like ``cli/``: it calls the use cases and adds nothing of its own. docs/python.md
has the whole guide and docs/examples/monthly_build.py a script a cron job runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cli.present import exit_code
from .diagnostics import BusyError, Diagnostic, UserError

if TYPE_CHECKING:
    from .build import BuildResult
    from .workspace import Workspace

__all__ = ["BusyError", "Diagnostic", "UserError", "build_issue", "exit_code"]


def build_issue(issue: str | Path, output: str | Path = "output", tables: Mapping[str, Any] | None = None, *,
                templates: str | Path | None = None, changed: bool = False, pdf: bool = False, wait: float = 0.0,
                workspace: Workspace | None = None) -> BuildResult:  # fmt: skip
    """Build the issue folder ``issue`` into ``output`` with ``tables`` (table id in issue.yaml → a pandas
    DataFrame, a list of rows whose first is the header, or a list of dicts) instead of their files or
    queries. Returns what was written (``result.built``, ``result.as_json()``); raises
    :class:`UserError` (every problem at its file and line, in Chinese) and writes nothing when the
    input is wrong, :class:`BusyError` when another build is writing ``output``.

    ``changed``: write only when something changed since the last build (the data handed over included);
    ``pdf``: a PDF beside the .docx (LibreOffice); ``wait``: seconds to wait for another build's lock."""
    from . import services

    request = services.BuildRequest(Path(issue), Path(output), Path(templates) if templates else None, changed,
                                    None, wait, pdf)  # fmt: skip
    return services.build(request, workspace=workspace, tables=tables)
