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
import subprocess
import sys
import tomllib
from pathlib import Path

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
"%LOCALAPPDATA%\\zhuanbao\\Scripts\\python.exe" -m pip install --no-index --find-links wheels zhuanbao || goto :fail
echo.
echo 安装完成。命令在 %LOCALAPPDATA%\\zhuanbao\\Scripts\\zhuanbao.exe
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
python3 -m venv "$HOME/.local/share/zhuanbao"
"$HOME/.local/share/zhuanbao/bin/python" -m pip install --no-index --find-links wheels zhuanbao
mkdir -p "$HOME/.local/bin"
ln -sf "$HOME/.local/share/zhuanbao/bin/zhuanbao" "$HOME/.local/bin/zhuanbao"
echo "安装完成：$HOME/.local/bin/zhuanbao（如命令找不到，请把 ~/.local/bin 加入 PATH）"
"""

GUIDE = """专报（zhuanbao）离线安装包：{platform}，Python {python}

1. 目标电脑先装好 Python {python}（Windows 用 python.org 的 64 位安装包，安装时勾选 Add python.exe to PATH）。
2. 把整个文件夹复制到目标电脑。
3. Windows：双击 install.bat。Linux（统信 UOS、麒麟）和 macOS：在终端运行 sh install.sh。
4. 生成 PDF 和预览图还需要 LibreOffice（另行安装；内网可由信息化部门提供安装包）。

安装不需要网络：pip install --no-index --find-links wheels zhuanbao
"""


def dependencies() -> list[str]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["dependencies"]


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
