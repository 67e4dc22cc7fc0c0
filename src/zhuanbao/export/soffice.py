"""Where LibreOffice is on this computer, and how to get it if it is not.

Offices install LibreOffice wherever their IT person put it: Program Files
or Program Files (x86) on any drive, a per-user install under
%LOCALAPPDATA%, a path only the registry knows; on a Mac in /Applications or
~/Applications; on Debian, UOS or 麒麟 under /usr/lib. The search is a pure
function of the platform, the environment and a registry lookup, so each
platform's branch is tested on Linux.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Mapping
from pathlib import Path, PureWindowsPath

_POSIX = (
    "/usr/bin/soffice",
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/snap/bin/libreoffice",
    "/usr/local/bin/soffice",
)
_MAC = "Applications/LibreOffice.app/Contents/MacOS/soffice"
# Registry keys an installer writes: App Paths (Windows' own "where is this
# program"), and LibreOffice's own UNO install path (which names program\).
_REGISTRY = (
    (r"SOFTWARE\Microsoft\Windows\CurrentVersion\App Paths\soffice.exe", ""),
    (r"SOFTWARE\LibreOffice\UNO\InstallPath", ""),
    (r"SOFTWARE\WOW6432Node\LibreOffice\UNO\InstallPath", ""),
)

Registry = Callable[[str, str], "str | None"]  # (key under HKLM/HKCU, value name) → the value


def candidates(platform: str, environ: Mapping[str, str], registry: Registry | None = None,
               home: str | None = None) -> list[str]:  # fmt: skip
    """Every place LibreOffice may be on ``platform``, most likely first."""
    if platform == "win32":
        return _windows(environ, registry)
    if platform == "darwin":
        return ["/" + _MAC, str(Path(home or "~").expanduser() / _MAC)]
    return list(_POSIX) + sorted(str(p) for p in Path("/opt").glob("libreoffice*/program/soffice"))


def _windows(environ: Mapping[str, str], registry: Registry | None) -> list[str]:
    found: list[str] = []
    for key, value in _REGISTRY:
        path = registry(key, value) if registry else None
        if path:
            path = path.strip().strip('"')
            found.append(path if path.lower().endswith(".exe") else str(PureWindowsPath(path, "soffice.exe")))
    roots = [environ.get(name) for name in ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)")]
    drives = sorted({PureWindowsPath(r).drive for r in roots if r} | {"C:"})
    roots += [f"{drive}\\{folder}" for drive in drives for folder in ("Program Files", "Program Files (x86)")]
    if environ.get("LOCALAPPDATA"):
        roots.append(str(PureWindowsPath(environ["LOCALAPPDATA"], "Programs")))  # a per-user install
    for root in roots:
        if root:
            found.append(str(PureWindowsPath(root, "LibreOffice", "program", "soffice.exe")))
    return list(dict.fromkeys(found))  # each once, in order


def _registry_value(key: str, value: str) -> str | None:  # pragma: no cover - Windows only
    import winreg

    for hive in (winreg.HKEY_LOCAL_MACHINE, winreg.HKEY_CURRENT_USER):
        try:
            with winreg.OpenKey(hive, key) as handle:
                return str(winreg.QueryValueEx(handle, value)[0])
        except OSError:
            continue
    return None


def find_soffice() -> str | None:
    """The LibreOffice executable: on PATH or in the usual install places."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    registry = _registry_value if sys.platform == "win32" else None
    for candidate in candidates(sys.platform, os.environ, registry):
        if Path(candidate).is_file():
            return candidate
    return None


_RPM = ("fedora", "rhel", "centos", "openeuler", "anolis", "rocky")

#: How to install LibreOffice (and the fonts it needs), for each kind of computer.
_INSTALL = {
    "win32": "请安装 LibreOffice：从 https://zh-cn.libreoffice.org/download/ 下载 Windows 版安装包"
             "（内网办公电脑可请信息化部门提供）；装好后重新打开命令窗口再试。",
    "darwin": "请安装 LibreOffice：brew install --cask libreoffice，或从 https://zh-cn.libreoffice.org/download/ 下载。",
    "rpm": "请先安装 LibreOffice 和中文字体：sudo dnf install libreoffice-writer google-noto-sans-cjk-fonts",
    "deb": "请先安装 LibreOffice 和中文字体（Debian、Ubuntu、统信 UOS、麒麟）："
           "sudo apt-get install libreoffice-writer fonts-noto-cjk fonts-arphic-ukai fonts-liberation",
}  # fmt: skip

#: How to get LibreOffice's Python bridge (python-uno), which lets zhuanbao keep LibreOffice running.
_FASTER = {
    "win32": "LibreOffice 的 Python 组件（program\\python.exe）没有安装：重新运行 LibreOffice 安装程序，"
             "选择“修改”，在“可选组件”中选中“Python 脚本支持”。",
    "darwin": "LibreOffice 自带的 Python 没有找到：请用 https://zh-cn.libreoffice.org/download/ 的官方安装包重新安装 LibreOffice。",
    "rpm": "安装 LibreOffice 的 Python 组件：sudo dnf install libreoffice-pyuno",
    "deb": "安装 LibreOffice 的 Python 组件（Debian、Ubuntu、统信 UOS、麒麟）：sudo apt-get install python3-uno",
}  # fmt: skip


def _family(platform: str | None, os_release: str | None) -> str:
    """Which of the hints fits this computer: win32, darwin, rpm (Fedora, openEuler …) or deb."""
    platform = platform or sys.platform
    if platform in ("win32", "darwin"):
        return platform
    release = os_release if os_release is not None else _os_release()
    return "rpm" if any(word in release for word in _RPM) else "deb"


def install_hint(platform: str | None = None, os_release: str | None = None) -> str:
    """How to install LibreOffice (and the fonts it needs) on this computer, in Chinese."""
    return _INSTALL[_family(platform, os_release)]


def faster_hint(platform: str | None = None, os_release: str | None = None) -> str:
    """How to let zhuanbao keep LibreOffice running (its Python bridge, python-uno), in Chinese."""
    return _FASTER[_family(platform, os_release)]


def python_candidates(soffice: str, platform: str | None = None) -> list[str]:
    """The Pythons that may ``import uno`` for the LibreOffice at ``soffice``, most likely first.

    LibreOffice's own Python on Windows (program\\python.exe), macOS
    (Contents/Resources/python) and in TDF's Linux builds (program/python);
    else the system's python3, which can once Debian's python3-uno (or
    Fedora's libreoffice-pyuno) is installed.
    """
    platform = platform or sys.platform
    if platform == "win32":
        return [str(PureWindowsPath(soffice).parent / "python.exe")]
    program = Path(os.path.realpath(soffice)).parent
    found = [str(program / "python")]
    if platform == "darwin":
        found.insert(0, str(program.parent / "Resources" / "python"))
        return found
    return found + ["/usr/bin/python3", "/usr/local/bin/python3"]


def office_binary(soffice: str) -> str:
    """The program that is LibreOffice itself: soffice.bin beside a launcher (Linux's shell script,
    Windows' soffice.exe), so the process started is the one that can be stopped."""
    real = Path(os.path.realpath(soffice))
    beside = real.with_name("soffice.bin")
    return str(beside) if beside.is_file() else str(real)


def _os_release() -> str:
    try:
        return Path("/etc/os-release").read_text("utf-8", "replace").lower()
    except OSError:
        return ""


def decode_output(data: bytes) -> str:
    """LibreOffice's messages: UTF-8 on Linux and macOS, the console's code page (cp936) on Chinese Windows."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        import locale  # Windows' ANSI code page, which its console programs write in

        return data.decode(locale.getpreferredencoding(False) or "gbk", "replace")
