#!/bin/sh
# Installs the system packages zhuanbao's PDF export and tests need:
# LibreOffice Writer (headless) and its Python bridge (python3-uno: the
# studio's preview keeps one LibreOffice running through it), CJK fonts
# (with fonts-noto-cjk-extra's heavy 宋 for the masthead), a
# Times New Roman substitute, poppler-utils (pdftotext, pdftoppm) and
# Chromium (tests of the archive site), pandoc and AbiWord (tests that the 版记
# survives readers other than Word, WPS and LibreOffice). Uses apt-get when it can (root or
# passwordless sudo); otherwise says what is missing and carries on, so that
# the Python part still installs (tests that need these then skip, except in
# CI, where they fail).
set -u
missing=""
command -v soffice >/dev/null 2>&1 || missing="$missing libreoffice-writer-nogui"
# Calc: tests/test_workbooks.py has it save the .xls and .ods files offices send
[ -e /usr/lib/libreoffice/program/libsclo.so ] || ! command -v apt-get >/dev/null 2>&1 || missing="$missing libreoffice-calc-nogui"
/usr/bin/python3 -c "import uno" >/dev/null 2>&1 || missing="$missing python3-uno"
command -v pdftotext >/dev/null 2>&1 || missing="$missing poppler-utils"
fc-list 2>/dev/null | grep -q "Noto Serif CJK SC" || missing="$missing fonts-noto-cjk"
# the Black weight: the PDF's stand-in for 方正小标宋简体 (masthead, titles)
fc-list 2>/dev/null | grep -q "Noto Serif CJK SC Black" || missing="$missing fonts-noto-cjk-extra"
fc-list 2>/dev/null | grep -q "AR PL UKai CN" || missing="$missing fonts-arphic-ukai"
fc-list 2>/dev/null | grep -q "Liberation Serif" || missing="$missing fonts-liberation"
command -v fc-list >/dev/null 2>&1 || missing="$missing fontconfig"
command -v chromium >/dev/null 2>&1 || missing="$missing chromium"
command -v pandoc >/dev/null 2>&1 || missing="$missing pandoc"
command -v abiword >/dev/null 2>&1 || missing="$missing abiword"
python3 -c "import ensurepip" >/dev/null 2>&1 || missing="$missing python3-venv"  # Debian leaves venv out of python3
[ -z "$missing" ] && exit 0

if [ "$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO="none"; fi
if [ "$SUDO" = none ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "注意：缺少系统软件包：$missing" >&2
    echo "      没有安装权限或不是 Debian/Ubuntu，请手动安装；需要 LibreOffice 的测试将被跳过。" >&2
    exit 0
fi
echo "安装系统软件包：$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing fontconfig >/dev/null
