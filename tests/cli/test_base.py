"""The CLI's boundary: bad input is a typed error, --json output is clean UTF-8, errors follow click's context."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from kiosk.errors import ExitStatus
from tests.conftest import REPO, run_kiosk

# What a shell hands Python for bytes that are not UTF-8 (surrogateescape): \xed\xa0\x80 and \xff.
NOT_UTF8_ISSUER = os.fsdecode(b"\xed\xa0\x80")
NOT_UTF8 = os.fsdecode(b"\xff")


def _one_json_error(stderr: str) -> dict:
    """stderr under --json holds exactly one JSON error document and nothing else."""
    return json.loads(stderr)["error"]


@pytest.mark.parametrize(
    "args",
    [
        ("search", "政务", "--issuer", NOT_UTF8_ISSUER),
        ("search", "政务", "--category", NOT_UTF8),
        ("search", NOT_UTF8),
        ("docs", "show", NOT_UTF8),
    ],
)
def test_text_that_is_not_utf8_is_refused_with_a_clear_message_not_a_traceback(cli, args):
    result = cli(*args, expect=int(ExitStatus.BAD_INPUT))
    assert "Traceback" not in result.stderr and "UnicodeEncodeError" not in result.stderr
    assert "错误：" in result.stderr and "UTF-8" in result.stderr
    error = _one_json_error(cli(*args, "--json", expect=int(ExitStatus.BAD_INPUT)).stderr)
    assert "UTF-8" in error["message_zh"] and "UTF-8" in error["message_en"]


def test_not_utf8_argv_in_a_real_process_is_bad_input_and_json_stays_valid_utf8(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "--home", str(tmp_path / "h"), "search", "政务", "--issuer", NOT_UTF8_ISSUER]
        + ["--json"],
        capture_output=True,
        cwd=REPO,
        timeout=120,
    )
    assert result.returncode == ExitStatus.BAD_INPUT
    assert result.stdout == b""
    error = json.loads(result.stderr.decode("utf-8"))["error"]
    assert error["field"] == "issuer"


def test_a_path_argument_may_hold_any_bytes(cli, tmp_path):
    # File names are bytes on Linux: a folder named bad\xff is a real folder, not bad input.
    folder = tmp_path / f"feed{NOT_UTF8}"
    result = cli("central", "export", "--feed", str(folder), "--to", str(tmp_path / "out"), "--json", expect=2)
    error = _one_json_error(result.stderr)
    assert "没有" in error["message_zh"] and "UTF-8" not in error["message_zh"]


def test_an_import_report_naming_a_file_that_is_not_utf8_is_valid_utf8_json(home, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / f"bad{NOT_UTF8}.txt").write_text("关于做好政务公开工作的通知\n\n正文。", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "kiosk", "--home", str(home), "import", str(folder), "--json"],
        capture_output=True,
        cwd=REPO,
        timeout=120,
    )
    assert result.returncode in (0, 2), result.stderr
    report = json.loads(result.stdout.decode("utf-8"))  # strict UTF-8: raises on a raw \xff byte
    names = [item["file"] for item in report["items"]]
    # The importer names files for people and logs: undecodable bytes as backslash escapes.
    assert "bad\\xff.txt" in names, names


def test_json_errors_follow_the_command_line_given_not_sys_argv(cli):
    # In-process (CliRunner): sys.argv is pytest's, the --json flag lives in click's context only.
    result = cli("search", "政务公开", "--year", "2019", "--from", "2018", "--json", expect=2)
    error = _one_json_error(result.stderr)
    assert "年份" in error["message_zh"] and error["field"] == "year"
    assert result.stdout == ""


def test_a_usage_error_under_json_is_a_json_error(cli):
    error = _one_json_error(cli("search", "政务公开", "--limit", "0", "--json", expect=2).stderr)
    assert "--limit" in error["message_en"] and error["message_zh"]
    prose = cli("search", "政务公开", "--limit", "0", expect=2).stderr
    assert "错误：" in prose and "--limit" in prose


def test_json_keeps_log_lines_off_stderr_in_a_real_process(tmp_path):
    # A refused range is logged as an error: the log line goes to the file, stderr holds only the JSON.
    home = tmp_path / "h"
    result = run_kiosk(home, "search", "政务公开", "--from", "3000", "--to", "1000", "--json")
    assert result.returncode == ExitStatus.BAD_INPUT
    assert result.stdout == ""
    assert _one_json_error(result.stderr)["field"] == "year"
    assert "3000" in (home / "logs" / "kiosk.log").read_text(encoding="utf-8")


def test_an_interrupted_command_exits_with_the_interrupted_status(tmp_path):
    home = tmp_path / "h"
    building = home / "ime_lexicon.sqlite3.building"
    process = subprocess.Popen(
        [sys.executable, "-m", "kiosk", "--home", str(home), "ime", "build"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    try:
        deadline = time.monotonic() + 120
        while not building.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert building.exists(), "the lexicon build never started"
        process.send_signal(signal.SIGINT)  # Ctrl-C in the middle of a 10–20 s build
        _, stderr = process.communicate(timeout=60)
    finally:
        process.kill()
    assert ExitStatus.INTERRUPTED == 130
    assert process.returncode == ExitStatus.INTERRUPTED, stderr
    assert "Traceback" not in stderr and "中断" in stderr
