"""Make an offline installation bundle of zhuanbao for an office intranet.

    python scripts/bundle.py --platform win_amd64 --python 3.11 -o dist/专报离线安装包-win_amd64

The folder holds zhuanbao's own wheel, a wheel of every dependency for the
target platform (pip download --only-binary, so nothing is compiled there),
an install script for that platform and a short guide in Chinese. Copied to
the office PC (a USB stick, the intranet share), it installs with no network:
``pip install --no-index --find-links wheels zhuanbao``.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import zipfile
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]

# Platform tags pip understands, by what an office has. A Linux tag needs the
# manylinux tags a wheel may carry, newest first; "native" is this machine.
PLATFORMS = {
    "win_amd64": ["win_amd64"],
    "macosx_arm64": ["macosx_11_0_arm64", "macosx_12_0_arm64", "macosx_13_0_arm64", "macosx_14_0_arm64"],
    "macosx_x86_64": ["macosx_10_13_x86_64", "macosx_10_15_x86_64", "macosx_11_0_x86_64", "macosx_12_0_x86_64"],
    "manylinux_x86_64": ["manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64"],
    "manylinux_aarch64": ["manylinux_2_28_aarch64", "manylinux_2_17_aarch64", "manylinux2014_aarch64"],  # 麒麟 on Phytium/Kunpeng
    "native": [],
}

INSTALL_BAT = """@echo off
chcp 65001 >nul
rem 专报离线安装：在没有网络的电脑上安装 zhuanbao（需已安装 Python {python}，安装时勾选 Add python.exe to PATH）
cd /d "%~dp0"
py -{python} -m venv "%LOCALAPPDATA%\\zhuanbao" || python -m venv "%LOCALAPPDATA%\\zhuanbao" || goto :fail
"%LOCALAPPDATA%\\zhuanbao\\Scripts\\python.exe" -m pip install --upgrade --no-index --find-links wheels zhuanbao || goto :fail
rem 桌面上的“专报编辑器”：双击即在浏览器中打开“文档\\专报”文件夹里的刊物（没有时可在网页上新建）
for /f "usebackq delims=" %%d in (`powershell -NoProfile -Command "[Environment]::GetFolderPath('Desktop')"`) do set "DESKTOP=%%d"
for /f "usebackq delims=" %%d in (`powershell -NoProfile -Command "[Environment]::GetFolderPath('MyDocuments')"`) do set "DOCUMENTS=%%d"
if not defined DESKTOP set "DESKTOP=%USERPROFILE%\\Desktop"
if not defined DOCUMENTS set "DOCUMENTS=%USERPROFILE%\\Documents"
if not exist "%DOCUMENTS%\\专报" mkdir "%DOCUMENTS%\\专报"
set "LAUNCHER=%DESKTOP%\\专报编辑器.cmd"
> "%LAUNCHER%" echo @echo off
>> "%LAUNCHER%" echo chcp 65001 ^>nul
>> "%LAUNCHER%" echo title 专报编辑器（关闭这个窗口即停止编辑器）
>> "%LAUNCHER%" echo cd /d "%DOCUMENTS%\\专报"
>> "%LAUNCHER%" echo "%LOCALAPPDATA%\\zhuanbao\\Scripts\\zhuanbao.exe" studio "%DOCUMENTS%\\专报"
>> "%LAUNCHER%" echo pause
echo.
echo 安装完成。桌面上的“专报编辑器”可在浏览器中编辑专报（刊物放在 %DOCUMENTS%\\专报）。
echo 命令在 %LOCALAPPDATA%\\zhuanbao\\Scripts\\zhuanbao.exe
echo 可把这个文件夹加入 PATH，或在 PowerShell 中运行：
echo   $env:Path += ";$env:LOCALAPPDATA\\zhuanbao\\Scripts"
pause
exit /b 0
:fail
echo 安装没有成功：请确认已安装 Python {python}（64 位），再运行一次。
pause
exit /b 1
"""

INSTALL_SH = """#!/bin/sh
# 专报离线安装：在没有网络的电脑上安装 zhuanbao（需 Python {python} 和 python3-venv）
set -e
cd "$(dirname "$0")"
PY=$(command -v python{python} || true)
if [ -z "$PY" ]; then
    echo "没有找到 Python {python}：这个安装包是为 Python {python} 做的。请先安装 python{python} 和 python{python}-venv，或换用对应版本的安装包。" >&2
    exit 1
fi
"$PY" -m venv "$HOME/.local/share/zhuanbao"
"$HOME/.local/share/zhuanbao/bin/python" -m pip install --upgrade --no-index --find-links wheels zhuanbao
mkdir -p "$HOME/.local/bin"
ln -sf "$HOME/.local/share/zhuanbao/bin/zhuanbao" "$HOME/.local/bin/zhuanbao"
# 桌面上的“专报编辑器”：在浏览器中打开“文档/专报”文件夹里的刊物（没有时可在网页上新建）
documents=$(xdg-user-dir DOCUMENTS 2>/dev/null || true)
[ -n "$documents" ] && [ "$documents" != "$HOME" ] || documents="$HOME/Documents"
desktop=$(xdg-user-dir DESKTOP 2>/dev/null || true)
[ -n "$desktop" ] && [ "$desktop" != "$HOME" ] || desktop="$HOME/Desktop"
mkdir -p "$documents/专报" "$HOME/.local/share/applications"
launcher="$HOME/.local/share/applications/zhuanbao-studio.desktop"
cat > "$launcher" <<DESKTOP
[Desktop Entry]
Type=Application
Name=专报编辑器
Comment=在浏览器中编辑专报（关闭终端窗口即停止）
Exec="$HOME/.local/share/zhuanbao/bin/zhuanbao" studio "$documents/专报"
Path=$documents/专报
Terminal=true
Icon=accessories-text-editor
Categories=Office;
DESKTOP
chmod +x "$launcher"
if [ -d "$desktop" ]; then cp "$launcher" "$desktop/专报编辑器.desktop"; chmod +x "$desktop/专报编辑器.desktop"; fi
echo "安装完成：$HOME/.local/bin/zhuanbao（如命令找不到，请把 ~/.local/bin 加入 PATH）"
echo "桌面和应用菜单中的“专报编辑器”可在浏览器中编辑专报（刊物放在 $documents/专报）。"
"""

GUIDE = """专报（zhuanbao）离线安装包：{platform}，Python {python}

1. 目标电脑先装好 Python {python}（Windows 用 python.org 的 64 位安装包，安装时勾选 Add python.exe to PATH）。
2. 把整个文件夹复制到目标电脑。
3. Windows：双击 install.bat。Linux（统信 UOS、麒麟）和 macOS：在终端运行 sh install.sh。
4. 生成 PDF 和预览图还需要 LibreOffice（另行安装；内网可由信息化部门提供安装包）。

安装不需要网络：pip install --upgrade --no-index --find-links wheels zhuanbao（装过旧版时即升级）
"""


def dependencies() -> list[str]:
    """zhuanbao's runtime requirements, as pyproject.toml pins them (read without tomllib: Python 3.10 has none)."""
    text = (ROOT / "pyproject.toml").read_text("utf-8")
    block = re.search(r"^dependencies = \[(.*?)^\]", text, re.S | re.M).group(1)
    return re.findall(r'"([^"]+)"', block)


# What pip's environment markers see on the office PC: pip download judges
# them by the machine it runs on, so a Windows bundle made on Linux would leave
# out colorama (Typer needs it on Windows only) and fail to install offline.
TARGETS = {
    "win_amd64": {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt", "platform_machine": "AMD64"},
    "macosx_arm64": {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix", "platform_machine": "arm64"},
    "macosx_x86_64": {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix",
                      "platform_machine": "x86_64"},
    "manylinux_x86_64": {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
                         "platform_machine": "x86_64"},
    "manylinux_aarch64": {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
                          "platform_machine": "aarch64"},
}  # fmt: skip


def target_environment(platform: str, python: str) -> dict:
    environment = dict(default_environment())
    if platform != "native":
        environment.update(TARGETS[platform], python_version=python, python_full_version=f"{python}.0",
                           implementation_name="cpython", platform_python_implementation="CPython")  # fmt: skip
    return environment


def missing(wheels: Path, environment: dict) -> list[str]:
    """Requirements of the wheels in ``wheels`` that apply on the target and that no wheel there meets."""
    have, wanted = {}, []
    for wheel in wheels.glob("*.whl"):
        with zipfile.ZipFile(wheel) as archive:
            name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
            metadata = archive.read(name).decode("utf-8")
        have[canonicalize_name(re.search(r"^Name: (.+?)\s*$", metadata, re.M).group(1))] = wheel
        for line in re.findall(r"^Requires-Dist: (.+)$", metadata, re.M):
            requirement = Requirement(line.strip())
            if requirement.marker is None or requirement.marker.evaluate({**environment, "extra": ""}):
                wanted.append(requirement)
    # without the marker: pip would judge it by this machine again and download nothing
    return sorted({f"{r.name}{r.specifier}" for r in wanted if canonicalize_name(r.name) not in have})


def make_bundle(output: Path, platform: str, python: str) -> Path:
    if output.exists() and any(output.iterdir()):
        sys.exit(f"{output}：文件夹已存在且不是空的")
    wheels = output / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    pip = [sys.executable, "-m", "pip"]
    subprocess.run([*pip, "wheel", "--quiet", "--no-deps", "--wheel-dir", str(wheels), str(ROOT)], check=True)
    download = [*pip, "download", "--quiet", "--only-binary=:all:", "--dest", str(wheels)]
    if platform != "native":
        download += ["--python-version", python, "--implementation", "cp"]
        for tag in PLATFORMS[platform]:
            download += ["--platform", tag]
    subprocess.run([*download, *dependencies()], check=True)
    environment = target_environment(platform, python)
    tried: set[str] = set()
    while needed := missing(wheels, environment):  # what pip judged by this machine's markers, not the target's
        if tried.issuperset(needed):
            sys.exit(f"目标平台缺少这些软件包的安装包（wheel）：{'、'.join(needed)}")
        tried.update(needed)
        subprocess.run([*download, *needed], check=True)
    script = INSTALL_BAT if platform == "win_amd64" else INSTALL_SH
    name = "install.bat" if platform == "win_amd64" else "install.sh"
    newline = "\r\n" if platform == "win_amd64" else "\n"
    (output / name).write_bytes(script.format(python=python).replace("\n", newline).encode("utf-8"))
    (output / "安装说明.txt").write_bytes(GUIDE.format(platform=platform, python=python).replace("\n", newline).encode())
    return output


def main() -> None:
    parser = argparse.ArgumentParser(description="制作离线安装包（供没有网络的内网电脑安装 zhuanbao）")
    parser.add_argument("--platform", choices=sorted(PLATFORMS), default="win_amd64", help="目标电脑的平台")
    parser.add_argument("--python", default="3.11", help="目标电脑的 Python 版本，如 3.11")
    parser.add_argument("-o", "--output", type=Path, help="输出文件夹")
    args = parser.parse_args()
    if args.platform == "native":
        args.python = f"{sys.version_info.major}.{sys.version_info.minor}"
    output = args.output or ROOT / "dist" / f"zhuanbao-offline-{args.platform}-py{args.python}"
    print(f"已生成离线安装包：{make_bundle(output, args.platform, args.python)}")


if __name__ == "__main__":
    main()
