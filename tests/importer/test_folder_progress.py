"""`kiosk import` tells a person at a terminal how far it got, and tells a script nothing extra."""

import json
import os
import pty
import subprocess
import sys

from kiosk.importer import ImportProgress, import_folder
from tests.conftest import REPO


def _export(src, files: int, per_file: int) -> None:
    for f in range(files):
        lines = [
            json.dumps(
                {"title": f"第{f}-{n}号通知", "issuer": "某局", "issued": "2024-01-02", "body": "正文。"},
                ensure_ascii=False,
            )
            for n in range(per_file)
        ]
        (src / f"part{f}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_the_core_reports_files_read_and_documents_stored_until_finished(tmp_path, env, store):
    src = tmp_path / "in"
    src.mkdir()
    _export(src, files=3, per_file=25)
    seen: list[ImportProgress] = []
    report = import_folder(src, env.files_dir, progress=seen.append, batch_size=10)
    assert report.added == 75
    assert seen[-1] == ImportProgress(3, 3, 75, finished=True)
    assert [p.finished for p in seen].count(True) == 1
    stored = [p.documents_stored for p in seen]
    assert stored == sorted(stored) and any(0 < n < 75 for n in stored)  # stored as it goes, not at the end
    assert {p.files_total for p in seen} == {3}


def _import_on_a_terminal(home, src, *extra):
    """Run `kiosk import` with stderr on a pseudo-terminal, as a person at a console sees it."""
    leader, follower = pty.openpty()
    try:
        result = subprocess.run(
            [sys.executable, "-m", "kiosk", "--home", str(home), "import", str(src), *extra],
            stdout=subprocess.PIPE,
            stderr=follower,
            timeout=120,
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        os.close(follower)
        follower = None
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed: everything was read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        if follower is not None:
            os.close(follower)
        os.close(leader)
    return result, shown.decode("utf-8")


def test_a_terminal_sees_a_progress_line_and_a_script_does_not(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    _export(src, files=2, per_file=30)
    result, shown = _import_on_a_terminal(tmp_path / "h1", src)
    assert result.returncode == 0
    assert "文件 2/2，已存入 60 篇" in shown
    scripted, quiet = _import_on_a_terminal(tmp_path / "h2", src, "--json")
    assert json.loads(scripted.stdout)["added"] == 60
    assert "导入" not in quiet and "已存入" not in quiet
    piped = subprocess.run(
        [sys.executable, "-m", "kiosk", "--home", str(tmp_path / "h3"), "import", str(src)],
        capture_output=True,
        timeout=120,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert piped.returncode == 0 and "已存入" not in piped.stderr.decode("utf-8")
