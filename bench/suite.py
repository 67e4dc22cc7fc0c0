"""Benchmark suite: zhuanbao against pandoc and docxtpl, side by side in one run.

Cases (medians over --runs alternating runs, whole commands as fresh processes):
  cold    one realistic issue (~5,000 characters, 4 sections, 7 items): zhuanbao build
          vs pandoc (Markdown → .docx) vs docxtpl (a Word template rendered by a fresh
          Python process); plus the floor: a process that only imports the core stack
  warm    the same issue rebuilt in a warm process (what `watch` does), in-process timer
  series  120 issues (ten years of monthly issues): one `zhuanbao build SERIES`
          vs a shell loop running pandoc once per issue
  memory  peak RSS of the 120-issue build (single process, --jobs 1, and the parallel
          build's main process)
  scale   growth with items, table rows and issues (3 sizes each), for docs/scale.md

    .venv/bin/python bench/suite.py [--runs 5] [--no-record] [--only cold,series]

The big-table case lives in big_table.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import machine, record

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE.parent / "content"
SECTIONS = ["重要新闻", "部门动态", "区县动态", "工作简讯"]
SENTENCES = [
    "今年以来，全市上下围绕稳就业、兜底线、补短板，扎实推进城乡低保提标、就业帮扶车间、老旧小区改造等民生实事。",
    "截至目前，累计完成投资9.36亿元，占年度计划的54.2%，高于时间进度4.2个百分点。",
    "一是紧盯进度抓调度，对进度滞后的项目实行一项目一专班；二是紧盯质量抓监管；三是紧盯群众满意度抓回访。",
    "该区推行居民点单、政府配菜的改造方式，优先解决雨污分流、屋面防水、楼道照明等群众反映最集中的问题。",
    "全县就业帮扶车间达到41个，吸纳脱贫劳动力就业1286人，人均月增收1900元以上。",
]


def item_text(index: int, chars: int) -> list[str]:
    paragraphs, text = [], ""
    while len("".join(paragraphs)) < chars:
        text += SENTENCES[(index + len(text)) % len(SENTENCES)]
        if len(text) > 180:
            paragraphs.append(text)
            text = ""
    return paragraphs or [text]


def write_series(root: Path, issues: int, items: int = 7, chars: int = 5000, rows: int = 0) -> Path:
    """A series of ``issues`` monthly issues; returns the series folder."""
    series = root / "series"
    series.mkdir(parents=True)
    shutil.copy(EXAMPLE / "series.yaml", series / "series.yaml")
    for n in range(issues):
        year, month = 2016 + n // 12, n % 12 + 1
        issue = series / f"{year}-{month:02d}"
        (issue / "items").mkdir(parents=True)
        yaml = f"number: {month}\ndate: {year}-{month:02d}-25\ntotal: {n + 1}\n"
        if rows:
            yaml += "tables:\n  - {id: t, file: t.csv, title: 进度, section: 附件, target: 目标, actual: 完成}\n"
            (issue / "t.csv").write_text(
                "项目,目标,完成\n" + "".join(f"项目{i},{100 + i % 40},{80 + i % 50}\n" for i in range(rows)), "utf-8"
            )
        (issue / "issue.yaml").write_text(yaml, "utf-8")
        for i in range(items):
            body = "\n\n".join(item_text(i, chars // items))
            (issue / "items" / f"{i + 1:02d}.md").write_text(
                f"---\nsection: {SECTIONS[i % 4]}\ntitle: 第{i + 1}条稿件的标题\nsource: 测试单位{i % 3}\n---\n{body}\n",
                "utf-8",
            )
    return series


def as_markdown(issue: Path) -> str:
    """The same issue as one Markdown file, for pandoc."""
    out = ["# 工作专报", ""]
    for item in sorted((issue / "items").glob("*.md")):
        head, body = item.read_text("utf-8").split("---\n", 2)[1:]
        title = next(line[7:] for line in head.splitlines() if line.startswith("title: "))
        out += [f"## {title}", "", body.strip(), ""]
    return "\n".join(out)


DOCXTPL_SCRIPT = """
import sys
from docxtpl import DocxTemplate
doc = DocxTemplate(sys.argv[1])
items = []
import pathlib
for path in sorted(pathlib.Path(sys.argv[2]).glob('*.md')):
    head, body = path.read_text('utf-8').split('---\\n', 2)[1:]
    title = [l[7:] for l in head.splitlines() if l.startswith('title: ')][0]
    items.append({'title': title, 'paragraphs': [p for p in body.split('\\n\\n') if p.strip()]})
doc.render({'name': '工作专报', 'items': items})
doc.save(sys.argv[3])
"""


# What any build must load before it does any work: the CLI, the content
# model, templates, Markdown and YAML (the project's prescribed stack).
STACK_IMPORTS = "import typer, jinja2, markdown_it, yaml; from pydantic import BaseModel"
# The CLI library's own floor: a Typer command that takes a folder and seven
# options and does nothing. Typer 0.29 coerces every parameter through a
# pydantic TypeAdapter, so this imports pydantic too, whatever zhuanbao does.
TYPER_FLOOR = (
    "import sys, pathlib, typer\n"
    "app = typer.Typer()\n"
    "@app.command()\n"
    "def build(path: pathlib.Path, output: pathlib.Path = pathlib.Path('o'), jobs: int = 1, wait: float = 0.0,\n"
    "          pdf: bool = False, changed: bool = False, json: bool = False, templates: pathlib.Path | None = None):\n"
    "    pass\n"
    "app()\n"
)


def docxtpl_template(path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("{{ name }}")
    document.add_paragraph("{%p for item in items %}")
    document.add_paragraph("{{ item.title }}")
    document.add_paragraph("{%p for p in item.paragraphs %}")
    document.add_paragraph("{{ p }}")
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{%p endfor %}")
    document.save(path)


def timed(command: list[str], shell: bool = False) -> float:
    start = time.perf_counter()
    subprocess.run(command if not shell else command[0], check=True, shell=shell,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    return time.perf_counter() - start


def alternate(commands: dict[str, tuple[list[str], bool]], runs: int) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in commands}
    for command, shell in commands.values():  # warm the file cache
        timed(command, shell)
    for _ in range(runs):
        for name, (command, shell) in commands.items():
            times[name].append(timed(command, shell))
    return {name: statistics.median(values) for name, values in times.items()}


def peak_rss_mb(command: list[str]) -> float:
    """Peak resident memory of a command and its children, in MB (Linux getrusage)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(before, after) / 1024


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-record", action="store_true")
    parser.add_argument("--only", default="cold,warm,series,memory,scale")
    args = parser.parse_args()
    only = set(args.only.split(","))
    pandoc = shutil.which("pandoc")
    if pandoc is None:
        sys.exit("pandoc is not installed (Debian: apt-get install pandoc)")
    version = subprocess.run([pandoc, "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    script = Path(sys.executable).with_name("zhuanbao")  # the console command users run
    zb = [str(script)] if script.exists() else [sys.executable, "-m", "zhuanbao"]
    today = dt.date.today().isoformat()
    rows: list[str] = []
    scale: list[str] = []
    with tempfile.TemporaryDirectory() as work:
        root = Path(work)
        if only & {"cold", "warm"}:
            issue = next(write_series(root / "one", 1).glob("20*"))
            (root / "one.md").write_text(as_markdown(issue), "utf-8")
            docxtpl_template(root / "tpl.docx")
            (root / "tpl.py").write_text(DOCXTPL_SCRIPT, "utf-8")
        if "cold" in only:
            medians = alternate({
                "zhuanbao": (zb + ["build", str(issue), "-o", str(root / "o1")], False),
                "pandoc": ([pandoc, str(root / "one.md"), "-o", str(root / "p.docx")], False),
                "docxtpl": ([sys.executable, str(root / "tpl.py"), str(root / "tpl.docx"), str(issue / "items"),
                             str(root / "t.docx")], False),
                "floor": ([sys.executable, "-c", STACK_IMPORTS], False),
                "typer": ([sys.executable, "-c", TYPER_FLOOR, str(issue), "--output", str(root / "o3")], False),
            }, args.runs)  # fmt: skip
            ours = medians["zhuanbao"]
            rows.append(f"| {today} | cold single issue (7 items, ~5,000 chars) | {ms(ours)} | {ms(medians['pandoc'])} "
                        f"({version}) | {ours / medians['pandoc']:.2f} | ≤ 3 | {machine()} |")  # fmt: skip
            rows.append(f"| {today} | cold single issue vs docxtpl | {ms(ours)} | {ms(medians['docxtpl'])} (docxtpl) | "
                        f"{ours / medians['docxtpl']:.2f} | ≤ 1 | {machine()} |")  # fmt: skip
            floor = medians["floor"]
            rows.append(f"| {today} | floor: only importing the core stack, no work | {ms(floor)} | "
                        f"{ms(medians['pandoc'])} (pandoc) / {ms(medians['docxtpl'])} (docxtpl) | "
                        f"{floor / medians['pandoc']:.2f} / {floor / medians['docxtpl']:.2f} | — | {machine()} |")  # fmt: skip
            typer_floor = medians["typer"]
            rows.append(f"| {today} | floor: a Typer command parsing the same options, no work | {ms(typer_floor)} | "
                        f"{ms(medians['pandoc'])} (pandoc) | {typer_floor / medians['pandoc']:.2f} | — | {machine()} |")  # fmt: skip
        if "warm" in only:
            from zhuanbao.watch import rebuild
            from zhuanbao.workspace import Workspace

            workspace = Workspace()  # what watch keeps warm between saves
            rebuild(issue, root / "o2", None, workspace)
            warm = statistics.median(rebuild(issue, root / "o2", None, workspace).seconds for _ in range(max(args.runs, 9)))
            rows.append(f"| {today} | warm rebuild of the same issue | {ms(warm)} | — | — | < 20 ms | {machine()} |")
        if only & {"series", "memory"}:
            series = write_series(root / "many", 120)
            mds = root / "md"
            mds.mkdir()
            for issue_dir in sorted(series.glob("20*")):
                (mds / f"{issue_dir.name}.md").write_text(as_markdown(issue_dir), "utf-8")
        if "series" in only:
            loop = f'for f in "{mds}"/*.md; do "{pandoc}" "$f" -o "$f.docx"; done'
            medians = alternate({
                "zhuanbao": (zb + ["build", str(series), "-o", str(root / "o3")], False),
                "pandoc": ([loop], True),
            }, max(3, args.runs // 2))  # fmt: skip
            ratio = medians["zhuanbao"] / medians["pandoc"]
            rows.append(f"| {today} | series of 120 issues (both cores) | {ms(medians['zhuanbao'])} | "
                        f"{ms(medians['pandoc'])} (pandoc loop) | {ratio:.2f} | ≤ 0.25 | {machine()} |")  # fmt: skip
        if "memory" in only:
            single = peak_rss_mb(zb + ["build", str(series), "-o", str(root / "o4"), "--jobs", "1"])
            rows.append(f"| {today} | peak RSS, 120-issue build, one process | {single:.0f} MB | — | — | < 150 MB | {machine()} |")
        if "scale" in only:
            for label, kwargs in [("items", [{"items": n, "chars": 700 * n} for n in (7, 28, 112)]),
                                  ("table rows", [{"rows": n} for n in (500, 2000, 8000)]),
                                  ("issues", [{"issues": n} for n in (12, 48, 192)])]:  # fmt: skip
                for spec in kwargs:
                    count = spec.pop("issues", 1)
                    folder = root / f"scale-{label}-{next(iter(spec.values()), count)}-{count}"
                    target = write_series(folder, count, **spec)
                    path = target if count > 1 else next(target.glob("20*"))
                    seconds = statistics.median(timed(zb + ["build", str(path), "-o", str(folder / "o")]) for _ in range(3))
                    size = next(iter(spec.values()), count)
                    scale.append(f"| {label} | {size if label != 'issues' else count} | {ms(seconds)} |")
    print("\n".join(rows))
    if scale:
        print("\n| grows with | size | zhuanbao build |\n|---|---|---|\n" + "\n".join(scale))
    if not args.no_record and rows:
        record(rows)


if __name__ == "__main__":
    main()
