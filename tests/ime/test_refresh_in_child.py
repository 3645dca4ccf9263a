"""The running kiosk refreshes the input method's catalog vocabulary in a child process: jieba and
pypinyin (~200 MB a process never gives back) must not stay in the UI process after a sync."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import REPO
from tests.ime.conftest import built_lexicon  # noqa: F401  (the session lexicon)

PROBE = """
import json, sys
from pathlib import Path
from kiosk.sync.startup import open_catalog
from kiosk.environment import Env
from kiosk.ime.lexicon import read_meta
from kiosk.ime.setup import catalog_fingerprint, open_engine

def heavy():
    return sorted(m for m in ("jieba", "rjieba", "pypinyin", "zhconv") if m in sys.modules)

env = Env.load(Path(sys.argv[1]))
open_catalog(env)
before = heavy()  # the catalog's own search imports pypinyin (pinyin queries); nothing else may come
engine = open_engine(env, in_child=True)
print(json.dumps({
    "before": before,
    "heavy": heavy(),
    "fresh": read_meta(env.ime_lexicon).get("domain_fingerprint") == catalog_fingerprint(),
    "candidates": [c.text for c in engine.candidates("yanghu")][:10],
}))
"""


def test_a_catalog_that_moved_is_learned_in_a_child_and_no_build_library_enters_the_caller(
    env,
    built_lexicon,  # noqa: F811
):
    import shutil
    from datetime import date

    from kiosk.catalog.document_record import DocumentRecord
    from kiosk.catalog.documents import upsert_documents
    from kiosk.sync.startup import open_catalog

    shutil.copy(built_lexicon, env.ime_lexicon)
    open_catalog(env)
    upsert_documents(
        [
            DocumentRecord(
                id="new-1",
                title="关于加强农村公路养护管理的通知",
                issuer="海城市交通运输局",
                issued=date(2026, 11, 2),
                body="各乡镇：农村公路养护管理工作要求如下。",
            )
        ]
    )
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(env.home)], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["heavy"] == result["before"]
    assert "jieba" not in result["heavy"] and "rjieba" not in result["heavy"]
    assert result["fresh"] is True
    assert "养护" in result["candidates"]
