"""Making folders an editor then fills: ``new`` (the next issue, numbered from
the last one), ``init`` (a new office's series and its first issue) and the
copies of the shipped example series and templates a new office starts from.

Every folder is assembled under a temporary name and renamed into place, so
a failure leaves nothing half-made behind.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from pathlib import Path

from .cn import cn_date, next_number
from .diagnostics import ContentError, OutputError, os_reason
from .fsio import safe_name, usual_mode
from .load.content import (
    ISSUE_DIR_NAME,
    ISSUE_FILE,
    MAX_ISSUE_NUMBER,
    SERIES_FILE,
    issue_facts,
    issue_folder_name,
    issue_order,
    load_series,
)
from .load.validate import validate
from .load.yamlfile import load_yaml
from .model import Issue

ISSUE_TEMPLATE = """\
# 第{number}期。number 为本年期号，date 为印发日期（写作 {date}，印为 {cn_date}）。
number: {number}
date: {date}
{total}
# 需要时可覆盖 series.yaml 中的项目，例如本期多印：
# copies: 100
# 本期加送单位：
# extra_distribution:
#   送: [某某单位]
"""

ITEM_TEMPLATE = """\
---
# 示例稿件：文件名以“_”开头的稿件不会排入专报。
# 复制本文件并改名（如 01-{slug}.md），再修改下面的内容。
section: {section}
title: 标题写成一句话，概括本条主要内容
source: 供稿单位
---
正文第一段。日期写作 {cn_date}，数字用半角，标点用全角。

**某某县：**以单位名开头的段落，单位名可以加粗。
"""


def new_issue(series_dir: Path, date: dt.date | None = None, today: dt.date | None = None) -> Path:
    """Create the next issue folder with issue.yaml and an example item per section.

    The folder is assembled under a temporary name and renamed into place, so
    a failure leaves no half-made issue for the next run to number after.
    """
    if not (series_dir / SERIES_FILE).is_file():
        raise ContentError(f"这里没有 {SERIES_FILE}，不是刊物文件夹", series_dir, hint="新的刊物可用 zhuanbao init 文件夹名 建立（会逐项询问刊名、编发单位和栏目）；zhuanbao init --example 示例 可复制一个示例刊物。")
    series = load_series(series_dir)
    date = date or today or dt.date.today()
    last = _last_issue(series_dir)
    number = next_number((last[0], last[2]) if last else None, date)
    if last and date < last[2]:
        doc = last[3]
        raise doc.error(
            f"--date {date} 早于上一期（{doc.path.parent.name}）的日期 {last[2]}",
            ("date",),
            hint="新的一期应在上一期之后印发；请检查 --date，或上一期的日期是否写错。",
        )
    if number > MAX_ISSUE_NUMBER:
        raise last[3].error(
            f"本年已出到第{last[0]}期，期号最多为 {MAX_ISSUE_NUMBER}，不能再新建",
            ("number",),
            hint="如果上一期的期号写错了，请改正它的 issue.yaml；新的一年从第1期开始。",
        )
    total = last[1] + 1 if last and last[1] is not None else None
    folder = series_dir / issue_folder_name(date.year, number)
    if folder.exists():
        raise OutputError("这一期的文件夹已经存在，不会覆盖", folder)
    carried, files = _standing(last[3]) if last else ("", [])

    def fill(work: Path) -> None:
        _write_issue(work, series.sections, number, total, date, carried)
        for name in files:  # last month's tables, to be replaced by this month's
            (work / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(last[3].path.parent / name, work / name)

    return _assembled(folder, fill)


# Keys of issue.yaml that belong to one issue only: the number, date and total
# are the new issue's own, and 本期多印 or 本期加送 is a one-off.
ONE_OFF = ("number", "date", "total", "copies", "extra_distribution")
CARRIED_NOTE = "# 以下沿用上一期"


def _standing(doc) -> tuple[str, list[str]]:
    """What the next issue keeps of the last one's issue.yaml, as the editor wrote
    it (comments included): every key but the one-off ones, ``tables:`` above
    all, which would otherwise be retyped every month; and the table files it
    names inside the issue folder, to be copied and then replaced."""
    if not isinstance(doc.data, dict):
        return "", []
    from .load.text import read_text

    lines = read_text(doc.path).split("\n")  # as the loader read it: the same line numbers
    tops = sorted((doc.where((key,))[0] or 0, key) for key in doc.data if isinstance(key, str))
    kept = []
    for index, (line, key) in enumerate(tops):
        end = tops[index + 1][0] - 1 if index + 1 < len(tops) else len(lines)
        while end > line and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
            end -= 1  # the comments above the next key are the next key's
        start = line - 1
        while start > 0 and lines[start - 1].lstrip().startswith("#"):
            start -= 1
        if key not in ONE_OFF and line:
            kept.append("\n".join(t for t in lines[start:end] if not t.startswith(CARRIED_NOTE)))
    files = []
    for table in doc.data.get("tables") or []:
        name = table.get("file") if isinstance(table, dict) else None
        source = doc.path.parent / name if isinstance(name, str) else None
        if source is not None and source.is_file() and source.resolve().is_relative_to(doc.path.parent.resolve()):
            files.append(name)
    if not kept:
        return "", files
    note = f"{CARRIED_NOTE}（{doc.path.parent.name}）的设置，请按本期修改"
    if files:
        note += "；表格文件已从上一期复制过来，请换成本期的数据，并改好 as_of（统计截止日期）"
    return note + "\n" + "\n".join(kept) + "\n", files


def _write_issue(work: Path, sections: list[str], number: int, total: int | None, date: dt.date,
                 carried: str = "") -> None:  # fmt: skip
    (work / "items").mkdir()
    total_line = f"total: {total}       # 总期号" if total is not None else "# total: 1       # 总期号（可选）"
    text = ISSUE_TEMPLATE.format(number=number, date=date.isoformat(), cn_date=cn_date(date), total=total_line)
    (work / ISSUE_FILE).write_text(text + ("\n" + carried if carried else ""), "utf-8")
    for index, section in enumerate(sections, start=1):
        text = ITEM_TEMPLATE.format(section=section, slug=f"item{index}", cn_date=cn_date(date))
        (work / "items" / f"_示例{index:02d}-{safe_name(section)}.md").write_text(text, "utf-8")


def _assembled(folder: Path, fill) -> Path:
    """``folder``, made by ``fill`` under a temporary name beside it and renamed into place."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".new-", dir=folder.parent))
    try:
        usual_mode(work)
        fill(work)
        os.rename(work, folder)
    except OSError as exc:
        shutil.rmtree(work, ignore_errors=True)
        raise OutputError(f"无法新建：{os_reason(exc)}", folder) from None
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return folder


def _last_issue(series_dir: Path):
    """(number, total, date, doc) of the newest issue. An issue.yaml that cannot
    be read stops here with its own error: guessing past it would number the
    new issue (or its total) wrongly."""
    issues = sorted(
        (p for p in series_dir.iterdir() if ISSUE_DIR_NAME.match(p.name) and (p / ISSUE_FILE).is_file()), key=issue_order
    )
    facts = []
    for issue_dir in issues:
        found = issue_facts(issue_dir)
        if found is None:
            validate(Issue, load_yaml(issue_dir / ISSUE_FILE), ISSUE_FILE)  # raises the precise error
            raise ContentError("无法读出期号和日期，不能接着编号", issue_dir / ISSUE_FILE)
        facts.append(found)
    facts.sort(key=lambda f: (f[2].year, f[0]))
    return facts[-1] if facts else None


SERIES_TEMPLATE = """\
# 刊物设置：每一期都相同的内容。改动后运行 zhuanbao check 检查。
# 文字里有冒号、井号等符号时，请像下面这样加上双引号。

# 刊名，印在报头（红色大字），如 工作专报、统计简报
title: {title}
# 与刊名同列的工作名称（可选），如 打好重点民生保障仗；不需要时在行首加 # 即可
{program}
# 编发单位，印在报头期号下方左侧
issuer: {issuer}
# 栏目，按印出的先后顺序；没有稿件的栏目不印
sections: {sections}
# 哪些栏目的稿件标题单独成行居中（“标题式”，如要闻）；其余栏目的标题作首句加粗，正文接排
headline_sections: {headline}

# 报尾发送范围：报、送、发各列出单位（可选）
# distribution:
#   报: [市委、市政府领导]
#   送: [市直有关单位]
#   发: [各乡镇（街道）]

# 联系方式（可选），印在报尾
# contact: {{电话: 0000-0000000, 邮箱: name@example.cn}}
# 印数（可选），印为（共印N份）
# copies: 50
# 报头左上角的标注（可选）
# marks: [内部资料, 注意保存]
# 签发、审核、编辑的署名（可选），印在报尾
# signoff: {{签发: 某某某, 审核: 某某某, 编辑: 某某某}}
# 本刊自己的模板文件夹（可选），只需放要改动的文件；用 zhuanbao templates 文件夹名 复制出默认模板
# templates: 模板
# 归档文件夹（可选），默认为本文件夹旁的 archive/
# archive: ../归档
# 供稿统计每条稿件的分数（可选），不写即按此计
# contribution_weights: {{被采用: 1, 被上级刊物采用: 3, 领导批示: 5}}
# 检查规则（可选），如把某条规则改为警告或关闭：
# lint:
#   rules: {{date-padding: warning}}
"""


def _yaml_text(text: str) -> str:
    """A user's words as a YAML scalar that reads back as typed (a JSON string is YAML)."""
    import json

    return json.dumps(text.strip(), ensure_ascii=False)


def init_series(folder: Path, title: str, issuer: str, sections: list[str], program: str | None = None,
                number: int = 1, total: int | None = None, date: dt.date | None = None,
                today: dt.date | None = None) -> Path:  # fmt: skip
    """A new office's series: series.yaml with every key explained, and its first
    issue (numbered ``number``, ``total``: a series started mid-year goes on from
    where the office is) with an example item per section. Returns the issue folder."""
    from .load.validate import validate as check
    from .load.yamlfile import parse_yaml
    from .model import Series

    try:
        occupied = folder.exists() and (not folder.is_dir() or any(folder.iterdir()))
    except OSError as exc:  # a name too long, or one the system refuses
        raise OutputError(f"无法使用这个文件夹：{os_reason(exc)}", folder, hint="请换一个短一些的普通名称。") from None
    if occupied:
        raise OutputError("这个文件夹已经存在且不是空的，不会在这里新建刊物", folder,
                          hint="请换一个新的文件夹名，或先把里面的文件移走。")  # fmt: skip
    sections = [name.strip() for name in sections if name.strip()]
    date = date or today or dt.date.today()
    text = SERIES_TEMPLATE.format(
        title=_yaml_text(title), issuer=_yaml_text(issuer), sections="[" + ", ".join(map(_yaml_text, sections)) + "]",
        headline="[" + (_yaml_text(sections[0]) if sections else "") + "]",
        program=f"program: {_yaml_text(program)}" if program and program.strip() else "# program: 工作名称",
    )
    check(Series, parse_yaml(text, folder / SERIES_FILE), SERIES_FILE)  # a blank title or a repeated section: said now
    if not 1 <= number <= MAX_ISSUE_NUMBER:
        raise ContentError(f"第一期的本年期号应在 1 到 {MAX_ISSUE_NUMBER} 之间，现在是 {number}", key=("number",))
    if total is not None and total < number:
        raise ContentError(f"总期号（{total}）不能小于本年期号 {number}", key=("total",))

    def fill(work: Path) -> None:
        (work / SERIES_FILE).write_text(text, "utf-8")
        issue = work / issue_folder_name(date.year, number)
        issue.mkdir()
        _write_issue(issue, sections, number, total, date)

    if folder.is_dir():
        folder.rmdir()  # empty: made by the user for it; Windows cannot rename onto it
    return _assembled(folder, fill) / issue_folder_name(date.year, number)


def packaged(name: str) -> Path:
    """A folder that ships with zhuanbao: inside the installed package, or the repository's."""
    inside = Path(__file__).resolve().parent / name
    if inside.is_dir():
        return inside
    return Path(__file__).resolve().parents[2] / {"example": "content"}.get(name, name)


def copy_packaged(name: str, folder: Path) -> Path:
    """A copy of the example series or the default templates, for a new office to start from (the
    example's database made from its SQL in the copy, see :func:`make_example_database`)."""
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise OutputError("这个文件夹已经存在且不是空的，不会覆盖", folder, hint="请换一个新的文件夹名。")
    source = packaged(name)
    if folder.is_dir():
        folder.rmdir()

    def fill(work: Path) -> None:
        shutil.copytree(source, work, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__", ".*", "*.sqlite*"))
        make_example_database(work)

    return _assembled(folder, fill)


EXAMPLE_DATA = "数据"  # the example series' folder of its statistics office's database


def make_example_database(series_dir: Path) -> list[Path]:
    """The example series' SQLite databases, each made from the SQL text beside it (数据/民生统计.sql →
    数据/民生统计.sqlite) when missing or older than its SQL; returns those made.

    The example shows a table read from a database, but a binary file has no place in the repository or
    the package: its SQL is reviewed and diffed like the other content, and ``make demo``, ``make test``,
    the test suite and ``init --example`` make the file from it (the standard library's sqlite3, a few
    milliseconds). Built in a private folder, then put in place by ``fsio.write_atomic``, so a reader never
    sees half a database and a database open in another program is said as such (Windows)."""
    import sqlite3
    import tempfile

    from .fsio import write_atomic

    made = []
    for script in sorted((series_dir / EXAMPLE_DATA).glob("*.sql")):
        target = script.with_suffix(".sqlite")
        if target.is_file() and target.stat().st_mtime >= script.stat().st_mtime:
            continue
        try:
            with tempfile.TemporaryDirectory(prefix="zhuanbao-db-", ignore_cleanup_errors=True) as folder:
                work = Path(folder) / target.name
                connection = sqlite3.connect(work)
                try:
                    connection.executescript(script.read_text("utf-8"))
                    connection.commit()
                finally:
                    connection.close()
                write_atomic(target, work.read_bytes())
        except (OSError, sqlite3.Error) as exc:
            reason = os_reason(exc) if isinstance(exc, OSError) else str(exc)
            raise OutputError(f"无法由 {script.name} 生成示例数据库：{reason}", target) from None
        made.append(target)
    return made
