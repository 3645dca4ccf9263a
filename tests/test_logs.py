import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.logs import scrub, setup_logging
from tests.conftest import REPO


def test_scrub_masks_ids_phones_and_emails():
    text = "applicant 210381198503151523 phone 13812345678 mail zhang.san@example.com doc 海政办发〔2019〕23号"
    cleaned = scrub(text)
    assert "210381198503151523" not in cleaned and "13812345678" not in cleaned and "example.com" not in cleaned
    assert "海政办发〔2019〕23号" in cleaned


def test_log_file_never_receives_personal_data(tmp_path):
    setup_logging(tmp_path, "INFO", stderr=False)
    logging.getLogger("kiosk.test").warning("submitted for %s", "21038119850315152X")
    for handler in logging.getLogger().handlers:
        handler.flush()
    content = (tmp_path / "kiosk.log").read_text(encoding="utf-8")
    assert "submitted for [id]" in content and "21038119850315152X" not in content
    setup_logging(None, "INFO", stderr=False)


def _flush() -> None:
    for handler in logging.getLogger().handlers:
        handler.flush()


def _query_with_a_name(db_path) -> None:
    from kiosk.catalog.catalog_db import open_store
    from kiosk.catalog.models import Document

    db = open_store(Path(db_path))
    try:
        assert list(Document.select().where(Document.title == "张三的政府信息公开申请")) == []
    finally:
        db.close()


@pytest.mark.parametrize("level", ["INFO", "DEBUG"])
def test_sql_and_its_parameters_never_reach_the_log_file_even_with_root_at_debug(tmp_path, level):
    setup_logging(tmp_path / "logs", level, stderr=False)
    logging.getLogger().setLevel(logging.NOTSET)  # what Kivy does to the root logger when it loads
    try:
        logging.getLogger("kiosk.test").debug("a debug line")
        logging.getLogger("kiosk.test").info("an info line")
        _query_with_a_name(tmp_path / "catalog.sqlite3")
        _flush()
        content = (tmp_path / "logs" / "kiosk.log").read_text(encoding="utf-8")
    finally:
        setup_logging(None, "INFO", stderr=False)
    assert "张三" not in content and "SELECT" not in content
    assert "an info line" in content
    # The file is INFO unless the debug option (log_level, KIOSK_LOG_LEVEL) asks for more.
    assert ("a debug line" in content) == (level == "DEBUG")


def test_with_the_ui_loaded_the_log_file_stays_at_info_and_holds_no_sql(tmp_path):
    # Kivy is loaded for real in a child process, as `kiosk run` loads it after setting up logging.
    script = f"""
import logging, os
os.environ["KIVY_HOME"] = {str(tmp_path / "kivy")!r}
os.environ["KIVY_NO_FILELOG"] = "1"
from pathlib import Path
from kiosk.logs import setup_logging
setup_logging(Path({str(tmp_path / "logs")!r}), "INFO", stderr=False)
import kiosk.ui.app
from tests.test_logs import _flush, _query_with_a_name
logging.getLogger("kiosk.test").debug("a debug line")
logging.getLogger("kivy").info("a kivy line")
_query_with_a_name({str(tmp_path / "catalog.sqlite3")!r})
_flush()
"""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    content = (tmp_path / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "张三" not in content and "SELECT" not in content and "a debug line" not in content
    assert "a kivy line" in content
