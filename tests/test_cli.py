from __future__ import annotations

import pytest

from usvn.cli import main


def test_key_check_command_reports_every_lesson(capsys):
    assert main(["key-check"]) == 0
    out = capsys.readouterr().out
    assert "Answer-key check, lesson 01" in out and "Wrong answers rejected" in out


def test_refresh_names_a_missing_notebook(tmp_path):
    with pytest.raises(SystemExit, match="no such notebook"):
        main(["refresh", str(tmp_path / "99-missing.ipynb")])


def test_unknown_command_exits_with_usage(capsys):
    with pytest.raises(SystemExit):
        main(["frobnicate"])
    assert "invalid choice" in capsys.readouterr().err


def test_check_command_validates_every_data_file(capsys):
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "ok   timeline.yaml" in out and "ok   sources.yaml" in out and "FAIL" not in out
