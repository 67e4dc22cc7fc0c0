"""What an office installs: every dependency has a wheel for Windows, macOS and
Linux, and the offline bundle installs and builds with no network."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import bundle  # noqa: E402


@pytest.mark.parametrize("platform", ["win_amd64", "macosx_arm64", "macosx_x86_64", "manylinux_x86_64"])
@pytest.mark.parametrize("python", ["3.10", "3.12"])
def test_every_dependency_installs_on_the_offices_platforms(tmp_path, platform, python):
    # a new dependency without a Windows (or Mac) wheel fails here, not on an office PC
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--only-binary=:all:", "--dest", str(tmp_path),
               "--python-version", python, "--implementation", "cp"]  # fmt: skip
    for tag in bundle.PLATFORMS[platform]:
        command += ["--platform", tag]
    result = subprocess.run([*command, *bundle.dependencies()], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    names = {p.name.split("-")[0].lower() for p in tmp_path.glob("*.whl")}
    assert {"python_docx", "jinja2", "pydantic_core", "matplotlib", "pypdfium2", "filelock"} <= names


def test_the_offline_bundle_installs_without_network_and_builds(tmp_path):
    folder = bundle.make_bundle(tmp_path / "离线安装包", "native", f"{sys.version_info.major}.{sys.version_info.minor}")
    assert (folder / "install.sh").is_file() and (folder / "安装说明.txt").is_file()
    [own] = [p for p in (folder / "wheels").iterdir() if p.name.startswith("zhuanbao-")]
    # the example series as the repository holds it: not the SQLite database the test session generated in it
    assert any(ROOT.glob("content/数据/*.sqlite"))
    with zipfile.ZipFile(own) as wheel:
        example = sorted(n.removeprefix("zhuanbao/example/") for n in wheel.namelist() if n.startswith("zhuanbao/example/"))
    tracked = subprocess.run(["git", "ls-files", "-z", "content"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert example == sorted(name.removeprefix("content/") for name in tracked.stdout.split("\0") if name)
    home = tmp_path / "home"
    (home / "Desktop").mkdir(parents=True)
    # the office PC: no network, no pip configuration, a Python of the bundle's version on PATH
    environment = {"HOME": str(home), "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "PIP_CONFIG_FILE": "/dev/null",
                   "PIP_NO_INDEX": "1", "LANG": "C.UTF-8"}  # fmt: skip
    install = subprocess.run(["sh", str(folder / "install.sh")], capture_output=True, text=True, env=environment)
    assert install.returncode == 0, install.stderr[-3000:]
    zhuanbao = home / ".local" / "share" / "zhuanbao" / "bin" / "zhuanbao"
    example = tmp_path / "示例"
    made = subprocess.run([str(zhuanbao), "init", "--example", str(example)], capture_output=True, text=True, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    built = subprocess.run([str(zhuanbao), "build", str(example), "-o", str(tmp_path / "out")], capture_output=True,
                           text=True, cwd=tmp_path)  # fmt: skip
    assert built.returncode == 0, built.stderr
    assert len(list((tmp_path / "out").glob("*.docx"))) >= 2

    # the desktop launcher opens the studio on Documents/专报, whose home page offers to make a series
    launcher = (home / "Desktop" / "专报编辑器.desktop").read_text("utf-8")
    assert launcher == (home / ".local/share/applications/zhuanbao-studio.desktop").read_text("utf-8")
    command = shlex.split(re.search(r"^Exec=(.*)$", launcher, re.M).group(1))
    assert command == [str(zhuanbao), "studio", str(home / "Documents" / "专报")] and Path(command[2]).is_dir()
    assert "Terminal=true" in launcher  # the window that shows the address and stops the studio
    assert f"Path={home / 'Documents' / '专报'}" in launcher  # output/ (documents, previews) there, not on the desktop
    studio = subprocess.Popen([*command, "--no-browser"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=environment, cwd=command[2])  # fmt: skip
    try:
        address = re.search(r"http://\S+", studio.stdout.readline()).group(0)
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        with browser.open(address, timeout=30) as page:  # the token's cookie, then the home page
            assert "新建刊物" in page.read().decode("utf-8")
    finally:
        studio.terminate()
        studio.wait(30)


@pytest.mark.parametrize("python", ["3.10", "3.12"])
def test_the_windows_bundle_holds_everything_windows_needs(tmp_path, python):
    # pip download judges markers by this (Linux) machine: Typer's colorama (Windows only) and,
    # for 3.10, anyio's exceptiongroup would be missing, and install.bat would fail offline
    folder = bundle.make_bundle(tmp_path / "win", "win_amd64", python)
    script = (folder / "install.bat").read_bytes()
    assert b"\r\n" in script and b"--upgrade --no-index --find-links wheels zhuanbao" in script
    text = script.decode("utf-8")  # the desktop launcher: the studio on Documents\专报, in a window that stays
    assert r'echo "%LOCALAPPDATA%\zhuanbao\Scripts\zhuanbao.exe" studio "%DOCUMENTS%\专报"' in text
    assert r'set "LAUNCHER=%DESKTOP%\专报编辑器.cmd"' in text and "echo chcp 65001" in text
    assert r'>> "%LAUNCHER%" echo cd /d "%DOCUMENTS%\专报"' in text  # output\ there, not on the desktop
    names = {p.name.split("-")[0].lower() for p in (folder / "wheels").iterdir()}
    assert "colorama" in names and ("exceptiongroup" in names) == (python == "3.10")
    assert bundle.missing(folder / "wheels", bundle.target_environment("win_amd64", python)) == []
    assert all(p.name.endswith(("win_amd64.whl", "none-any.whl", "abi3-win_amd64.whl")) for p in (folder / "wheels").iterdir())


def _block(text: str, language: str) -> str:
    return text.split(f"```{language}\n", 1)[1].split("```", 1)[0]


def test_the_windows_task_in_the_docs_runs_the_monthly_build():
    # what an IT person pastes into Task Scheduler: parsed as Windows parses it
    import shlex
    import xml.etree.ElementTree as ET

    doc = (ROOT / "docs" / "scheduling.md").read_text("utf-8").split("## Windows 任务计划程序", 1)[1]
    command = shlex.split(_block(doc, "powershell").strip(), posix=False)
    assert command[:2] == ["schtasks", "/Create"]
    options = dict(zip(command[2::2], command[3::2]))
    assert options["/SC"] == "MONTHLY" and options["/D"] == "25" and options["/ST"] == "07:30"
    run = options["/TR"].strip('"').split()
    assert run[0].endswith("\\Scripts\\zhuanbao.exe") and run[1] == "build" and "--changed" in run and "--json" in run

    namespace = {"t": "http://schemas.microsoft.com/windows/2004/02/mit/task"}
    task = ET.fromstring(_block(doc, "xml").split("?>", 1)[1])
    assert [d.text for d in task.findall(".//t:DaysOfMonth/t:Day", namespace)] == ["25"]
    assert len(task.find(".//t:Months", namespace)) == 12
    assert task.find(".//t:StartBoundary", namespace).text.endswith("T07:30:00")
    arguments = task.find(".//t:Exec/t:Arguments", namespace).text
    assert "zhuanbao.exe build content -o output --changed --json --wait 600" in arguments
    assert task.find(".//t:Exec/t:WorkingDirectory", namespace).text
