"""Export (export/): build --pdf and preview through LibreOffice, and what happens when it is missing or fails."""

from __future__ import annotations

from typer.testing import CliRunner

from zhuanbao.cli import app

runner = CliRunner()


def test_build_pdf_and_preview(series, tmp_path, libreoffice):
    root = series()
    result = runner.invoke(app, ["build", str(root / "2024-03"), "-o", str(tmp_path / "out"), "--pdf"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "工作专报2024年第3期.pdf").read_bytes()[:4] == b"%PDF"
    result = runner.invoke(app, ["preview", str(root / "2024-03"), "-o", str(tmp_path / "pv")])
    assert result.exit_code == 0, result.output
    pages = [line for line in result.output.splitlines() if line.endswith(".png")]
    assert pages and all((tmp_path / "pv" / "preview").joinpath(p.split("/")[-1]).is_file() for p in pages)


def test_missing_libreoffice_is_explained(series, tmp_path, monkeypatch):
    import zhuanbao.export as export

    monkeypatch.setattr(export, "find_soffice", lambda: None)
    result = runner.invoke(app, ["build", str(series() / "2024-03"), "-o", str(tmp_path / "out"), "--pdf"])
    assert result.exit_code == 2
    assert "未找到 LibreOffice" in result.output and "apt-get install libreoffice-writer" in result.output


def test_build_pdf_when_libreoffice_fails_keeps_the_documents_and_says_so(series, tmp_path, libreoffice):
    import json
    import os

    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "soffice").write_text("#!/bin/sh\necho 'Error: source file could not be loaded' >&2\nexit 1\n", "utf-8")
    (fake / "soffice").chmod(0o755)
    root, out = series(), tmp_path / "out"
    broken = runner.invoke(app, ["build", str(root), "-o", str(out), "--pdf", "--json"],
                           env={"PATH": f"{fake}:{os.environ['PATH']}"})  # fmt: skip
    summary = json.loads(broken.stdout)
    assert broken.exit_code == 2 and [b["issue"] for b in summary["built"]] == ["2024-03"]
    assert summary["pdf"] == [] and "LibreOffice 未能转换为 PDF（退出码 1）：Error: source file could not be loaded" in (
        summary["failed"][0]["message"]
    )
    assert (out / "工作专报2024年第3期.docx").is_file()
    # the next unattended run makes the missing PDF although the issue did not change
    again = runner.invoke(app, ["build", str(root), "-o", str(out), "--changed", "--pdf", "--json"])
    summary = json.loads(again.stdout)
    assert again.exit_code == 0 and summary["built"] == [] and summary["pdf"] == [str(out / "工作专报2024年第3期.pdf")]
    assert (out / "工作专报2024年第3期.pdf").read_bytes().startswith(b"%PDF")


def test_build_pdf_without_libreoffice_writes_nothing(series, tmp_path, monkeypatch):
    import zhuanbao.export

    monkeypatch.setattr(zhuanbao.export, "find_soffice", lambda: None)
    result = runner.invoke(app, ["build", str(series()), "-o", str(tmp_path / "out"), "--pdf"])
    assert result.exit_code == 2 and "未找到 LibreOffice" in result.output and not (tmp_path / "out").exists()
