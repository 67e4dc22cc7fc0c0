"""The pipeline driver: what a build writes, and that a failed build writes nothing."""

from __future__ import annotations

import os

import pytest

from zhuanbao.build import build
from zhuanbao.fsio import write_atomic
from zhuanbao.diagnostics import OutputError, UserError


def test_builds_one_issue_named_for_people(series, tmp_path):
    built = build(series() / "2024-03", tmp_path / "out")
    assert [b.path.name for b in built] == ["工作专报2024年第3期.docx"]
    assert built[0].path.read_bytes()[:2] == b"PK"


def test_builds_every_issue_of_a_series(series, tmp_path):
    root = series(
        {
            "2024-04/issue.yaml": "number: 4\ndate: 2024-04-15\ntotal: 21\n",
            "2024-04/items/01.md": "---\nsection: 工作简讯\n---\n四月简讯。\n",
        }
    )
    built = build(root, tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith(".")) == [
        "工作专报2024年第3期.docx",
        "工作专报2024年第4期.docx",
    ]
    assert len(built) == 2


def test_rebuild_is_byte_identical(series, tmp_path):
    root = series()
    first = build(root, tmp_path / "a")[0].path.read_bytes()
    second = build(root, tmp_path / "b")[0].path.read_bytes()
    assert first == second


def test_one_bad_issue_in_a_series_writes_nothing_and_reports_all(series, tmp_path):
    root = series(
        {
            "2024-04/issue.yaml": "number: 5\ndate: 2024-04-15\n",
            "2024-04/items/01.md": "---\nsection: 不存在的栏目\n---\n正文。\n",
        }
    )
    out = tmp_path / "out"
    with pytest.raises(UserError) as caught:
        build(root, out)
    messages = [e.message for e in caught.value.diagnostics]
    assert any("期号 5" in m for m in messages)
    assert any("不存在的栏目" in m for m in messages)
    assert not out.exists()


def test_failed_build_leaves_earlier_output_untouched(series, tmp_path):
    root = series()
    out = tmp_path / "out"
    good = build(root, out)[0].path
    before = good.read_bytes()
    (root / "2024-03/items/01-gaizao.md").write_text("---\nsection: 工作简讯\ntitel: x\n---\n正文\n", "utf-8")
    with pytest.raises(UserError):
        build(root, out)
    assert good.read_bytes() == before
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [good.name]


def test_two_issues_with_the_same_number_are_refused(series, tmp_path):
    root = series(
        {
            "2024-003/issue.yaml": "number: 3\ndate: 2024-03-20\n",
            "2024-003/items/01.md": "---\nsection: 工作简讯\n---\n重复。\n",
        }
    )
    with pytest.raises(UserError, match="期号重复"):
        build(root, tmp_path / "out")


def test_atomic_write_replaces_and_leaves_no_temporary_files(tmp_path):
    target = tmp_path / "a.docx"
    target.write_bytes(b"old")
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert os.listdir(tmp_path) == ["a.docx"]


def test_unwritable_output_is_a_clear_error(series, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(OutputError, match="无法写入"):
        build(series(), blocker / "out")


APRIL = {
    "2024-04/issue.yaml": "number: 4\ndate: 2024-04-15\n",
    "2024-04/items/01.md": "---\nsection: 工作简讯\n---\n四月简讯。\n",
}


def test_a_series_that_cannot_write_one_document_writes_none(series, tmp_path):
    root = series(APRIL)
    out = tmp_path / "out"
    (out / "工作专报2024年第4期.docx").mkdir(parents=True)  # something in the way of the second document
    with pytest.raises(OutputError, match="同名的文件夹") as caught:
        build(root, out)
    assert caught.value.path == out / "工作专报2024年第4期.docx"
    assert sorted(p.name for p in out.iterdir()) == ["工作专报2024年第4期.docx"]  # not even March's, nor a lock


def test_a_template_error_leaves_no_output_folder(series, tmp_path):
    root = series({"2024-03/items/01-gaizao.md": "---\nsection: 工作简讯\n---\n共{{ tables.nope.count }}项。\n"})
    with pytest.raises(UserError):
        build(root, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_documents_are_readable_by_colleagues_and_keep_their_permissions(series, tmp_path):
    old = os.umask(0o022)
    try:
        [built] = build(series(), tmp_path / "out")
        assert built.path.stat().st_mode & 0o777 == 0o644  # not mkstemp's private 0600
        built.path.chmod(0o640)
        [built] = build(series(), tmp_path / "out")
        assert built.path.stat().st_mode & 0o777 == 0o640
    finally:
        os.umask(old)


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("../../外面", "／..／外面2024年第3期.docx"),
        ("工作/专报", "工作／专报2024年第3期.docx"),
        ('专报:"第一"', "专报：＂第一＂2024年第3期.docx"),
    ],
)
def test_the_series_title_cannot_move_the_document_out_of_its_folder(series, tmp_path, title, name):
    from .conftest import SERIES_YAML

    root = series({"series.yaml": SERIES_YAML.replace("title: 工作专报", f"title: '{title}'")})
    [built] = build(root, tmp_path / "out")
    assert built.path.parent == tmp_path / "out"
    assert built.path.name == name
    assert [p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith(".zhuanbao")] == [built.path.name]


def test_item_files_in_upper_case_md_are_printed(series, tmp_path):
    from zhuanbao.build import load_path as load

    root = series({"2024-03/items/02.MD": "---\nsection: 工作简讯\n---\n大写扩展名的稿件。\n"})
    [edition] = load(root)[0]
    assert [i.path.name for i in edition.items] == ["01-gaizao.md", "02.MD"]


@pytest.mark.parametrize("jobs", [1, 2])
def test_sentence_errors_of_every_issue_are_reported_together(series, tmp_path, jobs, monkeypatch):
    from zhuanbao import build as build_module
    from zhuanbao.build import run

    monkeypatch.setattr(build_module, "worker_count", lambda remaining, *args: min(jobs, remaining))  # workers, always

    root = series({
        "2024-03/items/01-gaizao.md": "---\nsection: 工作简讯\n---\n三月{{ nope3 }}。\n",
        "2024-04/issue.yaml": "number: 4\ndate: 2024-04-15\n",
        "2024-04/items/01.md": "---\nsection: 工作简讯\n---\n四月{{ nope4 }}。\n",
    })  # fmt: skip
    with pytest.raises(UserError) as caught:
        run(root, tmp_path / "out", jobs=jobs)
    assert [(e.path.parent.parent.name, e.line) for e in caught.value.diagnostics] == [("2024-03", 4), ("2024-04", 4)]
    assert not (tmp_path / "out").exists()


def test_a_template_error_shared_by_every_issue_is_reported_once(series, tmp_path):
    root = series(APRIL)
    templates = tmp_path / "tpl"
    templates.mkdir()
    (templates / "bulletin.xml.j2").write_text("{{ nope }}", "utf-8")
    with pytest.raises(UserError) as caught:
        build(root, tmp_path / "out", templates)
    assert len(caught.value.diagnostics) == 1 and "“nope”不存在" in caught.value.message


# --- output folders shared by several accounts -----------------------------------------


def test_a_lock_file_another_account_left_read_only_still_locks(series, tmp_path, monkeypatch):
    # On a shared server the monthly job's account leaves .zhuanbao.lock at 0644;
    # an editor's build cannot open it for writing, and flock does not need to.
    # (The tests run as root, whom 0644 does not stop: the refusal is simulated.)
    from zhuanbao import build as build_module

    out = tmp_path / "out"
    build(series(), out)
    real_open = os.open
    refused = []

    def open_as_another_account(path, flags, *args, **kwargs):
        if str(path).endswith(build_module.LOCK_FILE) and flags & (os.O_WRONLY | os.O_RDWR):
            refused.append(path)
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", open_as_another_account)
    [built] = build(series(), out)
    assert built.path.is_file() and refused  # the read-write open was refused, and the build went ahead


def test_an_output_folder_that_cannot_hold_the_lock_is_a_clear_error(series, tmp_path):
    out = tmp_path / "out"
    (out / ".zhuanbao.lock").mkdir(parents=True)
    with pytest.raises(OutputError, match="无法写入"):
        build(series(), out)


def test_a_distribution_block_taller_than_a_page_is_refused_naming_its_file(series, tmp_path):
    units = "[" + ", ".join(f"第{i}街道办事处社区服务中心" for i in range(1, 120)) + "]"
    root = series()
    yaml = root / "series.yaml"
    yaml.write_text(yaml.read_text("utf-8").replace("  发: [各区县工作专班]", f"  发: {units}"), "utf-8")
    with pytest.raises(UserError) as caught:
        build(root, tmp_path / "out")
    assert caught.value.path == root / "series.yaml"
    assert "报尾（报、送、发等）排出来约" in caught.value.message and "一页只排得下 22 行" in caught.value.message
    assert not (tmp_path / "out").exists()


def test_a_series_build_passes_by_an_issue_new_just_made(series, tmp_path):
    # `zhuanbao new` scaffolds next month with draft examples only: the monthly
    # job must still build the issues that are ready
    import datetime as dt

    from zhuanbao.build import run
    from zhuanbao.scaffold import new_issue

    root = series()
    upcoming = new_issue(root, dt.date(2024, 4, 16))
    summary = run(root, tmp_path / "out")
    assert [b.edition.issue_dir.name for b in summary.built] == ["2024-03"]
    assert summary.unstarted == [upcoming.resolve()] and summary.as_json()["unstarted"] == ["2024-04"]
    with pytest.raises(UserError, match="这一期还没有任何稿件"):  # built on its own, it is still an error
        run(upcoming, tmp_path / "out")


def test_an_issue_whose_items_are_a_submission_waiting_is_not_passed_by(series, tmp_path):
    # a .docx dropped into items/ is work in hand: the series build must say so, not report success
    from zhuanbao.build import run

    root = series({"2024-04/issue.yaml": "number: 4\ndate: 2024-04-16\n", "2024-04/items/东岭区报送.docx": b"PK"})
    with pytest.raises(UserError, match="这一期还没有任何稿件"):
        run(root, tmp_path / "out")


# --- unattended builds: --changed, parallel builds, --json -------------------------------


def test_changed_skips_and_rebuilds_exactly_what_changed(series, tmp_path):
    from zhuanbao.build import run

    root = series({  # three issues: conftest's 2024-03, and April and May
        "2024-04/issue.yaml": "number: 4\ndate: 2024-04-15\n",
        "2024-04/items/01.md": "---\nsection: 工作简讯\n---\n四月完成改造8个。\n",
        "2024-05/issue.yaml": "number: 5\ndate: 2024-05-15\n",
        "2024-05/items/01.md": "---\nsection: 工作简讯\n---\n五月简讯。\n",
    })  # fmt: skip
    every = ["2024-03", "2024-04", "2024-05"]
    out = tmp_path / "out"
    first = run(root, out, changed=True, jobs=2)
    assert sorted(b.edition.issue_dir.name for b in first.built) == every and not first.skipped
    stamps = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    again = run(root, out, changed=True)
    assert not again.built and sorted(e.issue_dir.name for e in again.skipped) == every
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == stamps  # nothing written
    item = root / "2024-04" / "items" / "01.md"
    item.write_text("---\nsection: 工作简讯\n---\n四月完成改造9个。\n", "utf-8")
    third = run(root, out, changed=True)
    assert [b.edition.issue_dir.name for b in third.built] == ["2024-04"]
    assert sorted(e.issue_dir.name for e in third.skipped) == ["2024-03", "2024-05"]
    series_yaml = root / "series.yaml"
    text = series_yaml.read_text("utf-8")
    assert "copies: 60\n" in text
    series_yaml.write_text(text.replace("copies: 60", "copies: 90"), "utf-8")  # what every issue depends on
    assert sorted(b.edition.issue_dir.name for b in run(root, out, changed=True).built) == every


def test_parallel_and_serial_builds_are_identical(tmp_path, monkeypatch):
    import shutil

    from zhuanbao import build as build_module
    from zhuanbao.build import run

    monkeypatch.setattr(build_module, "worker_count", lambda remaining, *args: 2 if remaining >= 2 else 1)

    from .conftest import EXAMPLE

    shutil.copytree(EXAMPLE, tmp_path / "content")
    serial = run(tmp_path / "content", tmp_path / "a", jobs=1)
    parallel = run(tmp_path / "content", tmp_path / "b", jobs=2)
    names = [b.path.name for b in serial.built]
    assert len(names) >= 3, names  # the first is rendered here, two or more by the workers
    assert [b.path.name for b in parallel.built] == names
    assert sorted(p.name for p in (tmp_path / "b").glob("*.docx")) == sorted(names)
    for one, two in zip(serial.built, parallel.built, strict=True):
        assert one.path.read_bytes() == two.path.read_bytes(), one.path.name


def test_json_summary_and_exit_codes(series, tmp_path):
    import json
    import subprocess
    import sys

    root = series()
    ok = subprocess.run([sys.executable, "-m", "zhuanbao", "build", str(root), "-o", str(tmp_path / "o"), "--json"],
                        capture_output=True, text=True)  # fmt: skip
    assert ok.returncode == 0
    assert json.loads(ok.stdout)["built"][0]["name"] == "工作专报2024年第3期"
    (root / "2024-03" / "issue.yaml").write_text("number: 3\n", "utf-8")
    bad = subprocess.run([sys.executable, "-m", "zhuanbao", "build", str(root), "-o", str(tmp_path / "o"), "--json"],
                         capture_output=True, text=True)  # fmt: skip
    assert bad.returncode == 2
    failed = json.loads(bad.stdout)["failed"]
    assert failed[0]["file"].endswith("issue.yaml") and "date" in failed[0]["message"]


@pytest.mark.parametrize(
    ("remaining", "seconds_each", "jobs", "method", "cpus", "workers"),
    [
        (2, 0.1, None, "spawn", 8, 1),  # Windows, a small series: starting workers would cost more than they save
        (2, 0.1, 4, "spawn", 8, 1),  # -j is a ceiling, not an order to be slower
        (40, 0.1, None, "spawn", 4, 4),  # a year of issues: workers pay
        (3, 0.1, None, "fork", 2, 2),  # forked workers cost almost nothing
        (40, 0.1, 1, "fork", 8, 1),
        (1, 5.0, None, "fork", 8, 1),
    ],
)
def test_workers_only_where_they_make_the_build_quicker(remaining, seconds_each, jobs, method, cpus, workers):
    from zhuanbao.build import SPAWN_SECONDS, worker_count

    chosen = worker_count(remaining, seconds_each, jobs, method, cpus)
    assert chosen == workers
    serial = remaining * seconds_each
    assert chosen == 1 or SPAWN_SECONDS * (method != "fork") + serial / chosen < serial


def test_a_small_series_on_windows_starts_no_worker(tmp_path, monkeypatch):
    import concurrent.futures
    import multiprocessing
    import shutil

    from zhuanbao.build import run

    from .conftest import EXAMPLE

    def no_pool(*args, **kwargs):
        raise AssertionError("a worker pool was started")

    monkeypatch.setattr(multiprocessing, "get_start_method", lambda *a, **k: "spawn")
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", no_pool)
    shutil.copytree(EXAMPLE, tmp_path / "content")
    assert len(run(tmp_path / "content", tmp_path / "out", jobs=4).built) >= 2
