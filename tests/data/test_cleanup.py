"""`flask --app app cleanup`: what is left behind goes once it is past its time."""

import os
import time
from pathlib import Path

import settings


def test_cleanup_removes_the_imports_staged_longer_ago_than_the_limit(app):
    folder = Path(app.config["IMPORT_FOLDER"])
    folder.mkdir()
    now = time.time()
    for name, hours_ago in (("1-old.csv", 25), ("1-old.json", 25), ("2-new.csv", 23)):
        (folder / name).write_text("Address 1\n1 High St\n")
        os.utime(folder / name, (now - hours_ago * 3600,) * 2)

    result = app.test_cli_runner().invoke(args=["cleanup"])

    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in folder.iterdir()) == ["2-new.csv"]
    assert f"Removed {folder / '1-old.csv'}" in result.output
    assert "Staged imports: 2 files older than 24 hours removed." in result.output


def test_cleanup_follows_import_staging_hours_and_runs_without_a_folder(app):
    folder = Path(app.config["IMPORT_FOLDER"])
    app.config["IMPORT_STAGING_HOURS"] = 0.5
    runner = app.test_cli_runner()
    assert "0 files older than 0.5 hours" in runner.invoke(args=["cleanup"]).output
    folder.mkdir()
    (folder / "1-token.csv").write_text("Address 1\n")
    os.utime(folder / "1-token.csv", (time.time() - 3600,) * 2)

    assert "1 file older than 0.5 hours" in runner.invoke(args=["cleanup"]).output
    assert list(folder.iterdir()) == []


def test_import_staging_hours_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("IMPORT_STAGING_HOURS", raising=False)
    assert settings.from_environment(tmp_path, tmp_path)["IMPORT_STAGING_HOURS"] == 24
    monkeypatch.setenv("IMPORT_STAGING_HOURS", "6")
    assert settings.from_environment(tmp_path, tmp_path)["IMPORT_STAGING_HOURS"] == 6
