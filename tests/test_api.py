"""The Python API (zhuanbao.api): an issue built with tables a script hands over as DataFrames or rows,
and the cron script of docs/examples run as a scheduler runs it."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from zhuanbao.api import UserError, build_issue, exit_code

from .conftest import EXAMPLE, REPO

HEADER = ["区县（市）", "年度目标（人）", "累计完成（人）"]
ROWS = [["东岭区", 6800, 5432], ["溪口区", 7200, 6101], ["石门坳县", 3600, 2777]]


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """The example series (its database made from SQL at the session's start), 2025-10 the issue built."""
    root = tmp_path / "content"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns("2025-07", "2025-08"))
    return root


def document_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as package:
        return package.read("word/document.xml").decode("utf-8")


def cell_texts(path: Path) -> list[str]:
    return re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", document_xml(path))


def test_a_dataframe_rows_and_dicts_make_the_same_document(example, tmp_path):
    frame = pd.DataFrame(ROWS, columns=HEADER)
    as_dicts = [dict(zip(HEADER, row)) for row in ROWS]
    made = []
    for n, data in enumerate([frame, [HEADER, *ROWS], as_dicts]):
        result = build_issue(example / "2025-10", tmp_path / f"out{n}", tables={"jobs": data})
        (built,) = result.built
        made.append(built.path.read_bytes())
    assert made[0] == made[1] == made[2]
    texts = cell_texts(tmp_path / "out0" / built.path.name)
    assert "5432" in texts or "5,432" in texts  # the script's figure, not the database's
    assert "石门坳县" in texts and "望川市" not in "".join(texts[texts.index("石门坳县"):texts.index("石门坳县") + 40])


def test_a_table_id_issue_yaml_does_not_declare_is_an_error_and_nothing_is_written(example, tmp_path):
    with pytest.raises(UserError) as caught:
        build_issue(example / "2025-10", tmp_path / "out", tables={"job": [HEADER, *ROWS]})
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.path.name == "issue.yaml" and "没有代号为“job”的表" in diagnostic.message
    assert "jobs" in diagnostic.message + (diagnostic.hint or "")
    assert exit_code(caught.value) == 2 and not list((tmp_path / "out").glob("*.docx"))


def test_a_bad_figure_in_the_data_names_its_row_and_column_and_issue_yaml_s_table(example, tmp_path):
    rows = [HEADER, ["东岭区", 6800, 5432], ["溪口区", 7200, "六千"]]
    with pytest.raises(UserError) as caught:
        build_issue(example / "2025-10", tmp_path / "out", tables={"jobs": rows})
    (diagnostic,) = caught.value.diagnostics
    assert "程序提供的数据第2行“累计完成（人）”列" in diagnostic.message, diagnostic.message
    line = (example / "2025-10" / "issue.yaml").read_text("utf-8").splitlines().index("  - id: jobs") + 1
    assert diagnostic.path.name == "issue.yaml" and diagnostic.line == line


def test_supplied_data_goes_through_where_and_group_by_like_a_file(example, tmp_path):
    records = pd.read_csv(example / "2025-10" / "tables" / "老旧小区改造项目台账.csv", dtype=str)
    from_file = build_issue(example / "2025-10", tmp_path / "file").built[0].path.read_bytes()
    from_frame = build_issue(example / "2025-10", tmp_path / "frame", tables={"renovation": records}).built[0]
    assert from_frame.path.read_bytes() == from_file


def test_changed_rebuilds_when_only_the_supplied_figures_change(example, tmp_path):
    out = tmp_path / "out"
    first = build_issue(example / "2025-10", out, tables={"jobs": [HEADER, *ROWS]}, changed=True)
    again = build_issue(example / "2025-10", out, tables={"jobs": [HEADER, *ROWS]}, changed=True)
    moved = [HEADER, *ROWS[:2], ["石门坳县", 3600, 2800]]
    third = build_issue(example / "2025-10", out, tables={"jobs": moved}, changed=True)
    assert (len(first.built), len(again.built), len(again.skipped), len(third.built)) == (1, 0, 1, 1)


def test_data_for_a_whole_series_is_refused(example, tmp_path):
    with pytest.raises(UserError, match="一次生成一期"):
        build_issue(example, tmp_path / "out", tables={"jobs": [HEADER, *ROWS]})


def test_the_cron_script_builds_the_issue_and_reports_errors_by_exit_code_and_log(example, tmp_path):
    script = REPO / "docs" / "examples" / "monthly_build.py"
    run = [sys.executable, str(script), str(example / "2025-10"), str(tmp_path / "out")]
    done = subprocess.run(run, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "已生成" in done.stderr and (tmp_path / "out" / "工作专报2025年第10期.docx").is_file()
    texts = cell_texts(tmp_path / "out" / "工作专报2025年第10期.docx")
    assert "2025年1—9月各区县（市）城镇新增就业完成情况" in "".join(texts)
    unchanged = subprocess.run(run, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert unchanged.returncode == 0 and "没有变化" in unchanged.stderr

    issue = example / "2025-10" / "issue.yaml"
    issue.write_text(issue.read_text("utf-8").replace("target: 年度目标（人）", "target: 年度目标"), "utf-8")
    failed = subprocess.run(run, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert failed.returncode == 2 and "Traceback" not in failed.stderr
    assert re.search(r"issue\.yaml:\d+(:\d+)?: 错误: .*“年度目标”", failed.stderr), failed.stderr


@pytest.mark.parametrize("value, shown", [
    (0.1 + 0.2, "0.3"), (5432, "5432"), (12.50, "12.5"), (float("nan"), ""), (None, ""), (pd.NA, ""),
    (pd.Timestamp("2025-09-30"), "2025-09-30"), (True, "是"), (" 东岭区 ", "东岭区"),
])  # fmt: skip
def test_values_become_text_as_a_spreadsheet_shows_them(value, shown):
    from decimal import Decimal

    from zhuanbao.load.frames import cell_text

    assert cell_text(value) == shown
    assert cell_text(Decimal("3521.270")) == "3521.270"  # a Decimal exactly as it is, places kept
