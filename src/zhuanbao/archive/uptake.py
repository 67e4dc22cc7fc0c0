"""What became of a published item: 被上级刊物采用 and 领导批示, recorded after publication.

An item is 被采用 by being published; weeks later a superior's publication
may adopt it, or a leader may write an instruction on it, and the office's
yearly assessment scores those higher (供稿统计, :mod:`.stats`). The records
live in one YAML file in the issue's folder of the archive, beside its
versions (``archive/<series>/<issue>/采用记录.yaml``), and not in the items'
front matter, because:

* a published version is what was sent, frozen with checksums; an adoption
  changes nothing that was sent, so it must not make a new version
  (``publish --revise`` would say the bulletin was corrected, rebuild it from
  sources that may have moved on since, and for an issue archived as sent
  would need the sent document again);
* the records outlive revisions: they name the item by its file, and count
  for the item as the version in force prints it (its unit, its title);
* the file is small, readable and editable by hand (a typo in a leader's
  name is fixed in Notepad), and ``zhuanbao record`` adds to it under the
  series' lock, so a record is never lost to a publish or another record.

It is not frozen, so no checksum can cover it; ``verify`` checks instead that
it reads, that every record names an item of the version in force, is dated
no earlier than the issue and is not a duplicate — what 供稿统计 relies on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import ConflictError, ContentError, Diagnostic, OutputError, UserError, os_reason, suggest
from ..located import YamlDoc
from ..model import LEVELS, RECORDED_LEVELS, Uptake, UptakeFile
from .layout import MANIFEST, UPTAKE, current_name, is_real_folder, issue_identity, normal_key, read_json, subfolders

HEADER = (
    "# 采用记录：本期稿件发布之后被上级刊物采用、得到领导批示，记在这里（供稿统计按此计分）。\n"
    "# 用 zhuanbao record 添加，也可以直接编辑；每条写 item（稿件文件名）、level（被上级刊物采用 或 领导批示）、\n"
    "# by（采用的刊物及期号，或批示的领导）、date（采用或批示的日期），可加 note（备注）。\n"
)
BUSY_HINT = "同一刊物正在发布或添加采用记录；等它完成后再运行。"


@dataclass(frozen=True)
class Recorded:
    """A record added: where, what, and the item it is of as the version in force prints it."""

    path: Path
    record: Uptake
    issue: str  # 工作专报2025年第8期
    item: dict  # file, title, source (text each)
    count: int  # records of this item in the file now


def home_of(archive: Path, series_key: str, year: int, number: int) -> Path | None:
    """The archive's folder of one issue: in the series' folder (its name however normalised), the issue
    folder whose version in force is of ``year`` and ``number``; None when it was never published."""
    if not archive.is_dir():
        return None
    wanted = normal_key(series_key)
    for series in subfolders(archive):
        if normal_key(series.name) != wanted:
            continue
        for home in subfolders(series):
            folder = _current_folder(home)
            if folder is None:
                continue
            try:
                if issue_identity(read_json(folder / MANIFEST)) == (year, number):
                    return home
            except (OSError, ValueError):
                continue  # a damaged manifest: verify reports it
    return None


def _current_folder(home: Path) -> Path | None:
    name = current_name(home)
    folder = home / name if name else None
    return folder if folder is not None and is_real_folder(folder) and (folder / MANIFEST).is_file() else None


def read(home: Path) -> tuple[list[Uptake], YamlDoc | None]:
    """The issue's records (none when it has no file), validated; a ContentError at the line otherwise."""
    from ..load.yamlfile import load_yaml

    path = home / UPTAKE
    if path.is_symlink():
        raise ContentError("采用记录是一个链接，归档中不应有链接，没有读取它", path)
    if not path.exists():
        return [], None
    if not path.is_file():
        raise ContentError("采用记录应是一个文件，这里却是文件夹或特殊文件", path)
    doc = load_yaml(path)
    return _records_of(doc), doc


def _records_of(doc: YamlDoc) -> list[Uptake]:
    from ..load.validate import validate

    if doc.data is None:  # emptied (or only the header left): no records
        return []
    if isinstance(doc.data, dict) and "records" in doc.data and doc.data["records"] is None:
        doc.data["records"] = []  # every record deleted by hand, "records:" left
    return list(validate(UptakeFile, doc, UPTAKE).records)


def current_items(archive: Path, home: Path) -> tuple[dict, list[dict]]:
    """(the checked manifest, the items) of the issue's version in force, as the catalogue reads them."""
    from .catalogue import checked_manifest, read_version

    folder = _current_folder(home)
    if folder is None:
        raise ContentError("这一期没有现行版本（current 缺失或指向不存在的版本），无法核对采用记录", home,
                           hint="运行 zhuanbao verify 查看归档的问题。")  # fmt: skip
    _, items = read_version(archive, folder)
    return checked_manifest(folder), items


def problems(records: list[Uptake], doc: YamlDoc | None, items: list[dict], issued: dt.date) -> list[Diagnostic]:
    """Records that cannot count, each at its line: an item the version in force does not print, a date
    before the issue's, a record written twice."""
    return sift(records, doc, items, issued)[1]


def sift(records: list[Uptake], doc: YamlDoc | None, items: list[dict],
         issued: dt.date) -> tuple[list[Uptake], list[Diagnostic]]:  # fmt: skip
    """(the records that count, the problems of the others): one rule for verify and for 供稿统计."""
    files = {item["file"] for item in items}
    counted: list[Uptake] = []
    found: list[Diagnostic] = []
    seen: dict[tuple, int] = {}
    for index, record in enumerate(records):
        key = ("records", index)
        number = f"第{index + 1}条记录"
        before = len(found)

        def say(message: str, part: str, hint: str | None = None) -> None:
            found.extend(doc.error(message, (*key, part), hint).diagnostics if doc else [Diagnostic(message)])

        if record.item not in files:
            guess = suggest(record.item, sorted(files))
            say(f"{number}的稿件“{record.item}”不在这一期的现行版本中", "item",
                guess or f"这一期的稿件：{'、'.join(sorted(files)) or '（没有稿件）'}")  # fmt: skip
        if record.date < issued:
            say(f"{number}的日期 {record.date} 早于这一期的印发日期 {issued}", "date")
        same = (record.item, record.level, record.by, record.date)
        if same in seen:
            say(f"{number}与第{seen[same] + 1}条重复（同一稿件、级别、{_by(record.level)}和日期）", "item")
        else:
            seen[same] = index
        if len(found) == before:
            counted.append(record)
    return counted, found


def _by(level: str) -> str:
    return "采用的刊物" if level == "被上级刊物采用" else "批示的领导"


def pick_level(text: str) -> str:
    """A level as typed: its full name, or a part of one name only (批示 → 领导批示)."""
    text = text.strip()
    if text in RECORDED_LEVELS:
        return text
    if text == LEVELS[0]:
        raise ContentError("“被采用”不用记录：已发布的稿件每篇都计一次被采用",
                           hint=f"发布之后要记的是 {'、'.join(RECORDED_LEVELS)}。")  # fmt: skip
    matching = [level for level in LEVELS if text and text in level]  # 采用 is in 被采用 too: not a choice
    if len(matching) == 1 and matching[0] in RECORDED_LEVELS:
        return matching[0]
    guess = suggest(text, RECORDED_LEVELS)
    raise ContentError(f"级别“{text}”不对，只能是 {'、'.join(RECORDED_LEVELS)}", hint=guess)


def pick_item(items: list[dict], wanted: str, issue: str) -> dict:
    """The item ``wanted`` names: its file name (with or without .md), its number in the issue (3 for
    the third), or a part of its title found in one item only."""
    wanted = wanted.strip()
    listing = "；".join(f"{n}. {item['file']} {item['title'] or '（无标题）'}" for n, item in enumerate(items, start=1))
    hint = f"{issue}的稿件：{listing}" if items else None
    folded = wanted.casefold()
    for item in items:
        name = item["file"].casefold()
        if folded in (name, name.rsplit(".", 1)[0]):
            return item
    if wanted.isascii() and wanted.isdigit():
        number = int(wanted)
        if 1 <= number <= len(items):
            return items[number - 1]
        raise ContentError(f"{issue}只有 {len(items)} 篇稿件，没有第 {number} 篇", hint=hint)
    found = [item for item in items if wanted and wanted in item["title"]]
    if len(found) == 1:
        return found[0]
    if found:
        raise ContentError(f"{issue}有 {len(found)} 篇稿件的标题含“{wanted}”，请写文件名或序号",
                           hint="；".join(f"{item['file']} {item['title']}" for item in found))  # fmt: skip
    raise ContentError(f"{issue}的现行版本中没有稿件“{wanted}”（可写文件名、序号或标题中的词）", hint=hint)


def add(archive: Path, home: Path, item: str, level: str, by: str, date: dt.date, note: str | None = None,
        today: dt.date | None = None) -> Recorded:  # fmt: skip
    """Add one record to the 采用记录.yaml of the archived issue in ``home`` (made when it is the first),
    under the series' lock; refused, with nothing written, when the item is not in its version in force, the
    date is before the issue or after today, the record is there already, or the file as it is does not
    read or holds a record that cannot count (said at their lines: fix them first)."""
    from ..fsio import locked

    level = pick_level(level)
    by = by.strip()
    if not by:
        raise ContentError(f"请写明{_by(level)}（--by）")
    note = note.strip() if note and note.strip() else None
    with locked(home.parent, wait=30, hint=BUSY_HINT):
        manifest, items = current_items(archive, home)
        name = manifest["name"]
        chosen = pick_item(items, item, name)
        issued = dt.date.fromisoformat(manifest["date"])
        if date < issued:
            raise ContentError(f"日期 {date} 早于{name}的印发日期 {issued}")
        if date > (today or dt.date.today()):
            raise ContentError(f"日期 {date} 晚于今天，请写采用或批示的日期")
        record = Uptake(item=chosen["file"], level=level, by=by, date=date, note=note)
        records, doc = read(home)
        wrong = problems(records, doc, items, issued)
        if wrong:
            raise ContentError.of(wrong)
        if any((r.item, r.level, r.by, r.date) == (record.item, level, by, date) for r in records):
            raise ContentError(f"这条记录已经有了：{chosen['file']} {level}（{by}，{date}）", home / UPTAKE)
        _write(home / UPTAKE, records, record)
    count = sum(r.item == record.item for r in records) + 1
    return Recorded(home / UPTAKE, record, name, chosen, count)


@dataclass(frozen=True)
class Records:
    """An archived issue's records as a page lists them: each with the item it names (None when the version
    in force has no such item), and the problems of those that cannot count."""

    records: list[tuple[Uptake, dict | None]]
    problems: list[Diagnostic]
    items: list[dict]  # the version in force's items, to choose from


def listed(archive: Path, home: Path) -> Records:
    """What the studio's version page shows of the issue's records; a file that does not read is a problem."""
    try:
        manifest, items = current_items(archive, home)
    except UserError as exc:
        return Records([], list(exc.diagnostics), [])
    try:
        records, doc = read(home)
    except UserError as exc:
        return Records([], list(exc.diagnostics), items)
    by_file = {item["file"]: item for item in items}
    wrong = problems(records, doc, items, dt.date.fromisoformat(manifest["date"]))
    return Records([(r, by_file.get(r.item)) for r in records], wrong, items)


def _write(path: Path, records: list[Uptake], record: Uptake) -> None:
    """The record appended to the file as the editor left it (comments, order, spacing kept), or the file
    written anew when appending would not read back as exactly the records and the new one. ``records`` were
    read under the lock, but Notepad takes no lock: a file saved since then is refused, never rewritten from
    what was read before (that would drop the editor's change)."""
    from ..fsio import FileChanged, replace_if_unchanged, write_atomic
    from ..load.text import decode

    raw = path.read_bytes() if path.exists() else None
    old = decode(raw, path) if raw is not None else ""
    if old.strip() and not _reads_as(old, path, records):
        raise _changed(path)
    entry = _entry(record)
    if not old.strip():
        text = HEADER + "records:\n" + entry
    else:
        text = (old if old.endswith("\n") else old + "\n") + ("" if "records:" in old else "records:\n") + entry
    if not _reads_as(text, path, [*records, record]):
        text = HEADER + "records:\n" + "".join(_entry(r) for r in [*records, record])
    try:
        if raw is None:
            write_atomic(path, text.encode("utf-8"))
        else:
            replace_if_unchanged(path, text.encode("utf-8"), raw)
    except FileChanged:
        raise _changed(path) from None
    except OSError as exc:
        raise OutputError(f"无法写入采用记录：{os_reason(exc)}", path) from None


def _changed(path: Path) -> ConflictError:
    return ConflictError("采用记录刚被别人（或记事本）改过并保存，本次没有记录", path,
                         hint="请重新运行：会在改过的文件上添加这条记录。")  # fmt: skip


def _entry(record: Uptake) -> str:
    import yaml

    data = {"item": record.item, "level": record.level, "by": record.by, "date": record.date}
    if record.note:
        data["note"] = record.note
    dumped = yaml.safe_dump([data], allow_unicode=True, sort_keys=False, default_flow_style=False, width=10**6)
    return "".join("  " + line for line in dumped.splitlines(keepends=True))


def _reads_as(text: str, path: Path, expected: list[Uptake]) -> bool:
    from ..load.yamlfile import parse_yaml

    try:
        return _records_of(parse_yaml(text, path)) == expected
    except UserError:
        return False


def check(archive: Path, home: Path) -> list[Diagnostic]:
    """``verify``'s look at an issue's records: the file reads, and every record can count."""
    if not (home / UPTAKE).exists() and not (home / UPTAKE).is_symlink():
        return []
    try:
        records, doc = read(home)
        if not records:
            return []
        manifest, items = current_items(archive, home)
    except UserError as exc:
        return list(exc.diagnostics)
    return problems(records, doc, items, dt.date.fromisoformat(manifest["date"]))

