"""The kiosk's UI process asks a helper process for word segmentation and pinyin: the same answers and
the same search results as in-process, no rjieba or pypinyin in the asking process, and a helper that
goes away when idle or killed is started again."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from kiosk.catalog import normalize
from kiosk.catalog.search import search
from kiosk.catalog.text_helper import TextHelper
from tests.catalog.search_fixtures import build_seed_catalog, use
from tests.conftest import python_json

REPO = Path(__file__).resolve().parents[2]
TEXTS = ["政务公开工作要点", "低保申请材料", "住房和城乡建设局关于老旧小区改造的通知", "行长在成都银行", "abc 123"]


@pytest.fixture
def helper():
    helper = TextHelper("kiosk.catalog.normalize", normalize._answer_here, idle_seconds=30)
    yield helper
    helper.close()


@pytest.fixture
def in_child():
    normalize.answer_in_child_process()
    yield normalize._helper
    normalize.answer_in_child_process(False)


def test_the_helper_answers_as_the_libraries_answer_in_process(helper):
    for text in TEXTS:
        assert helper.ask("cut", text) == normalize.cut_words_here(text)
        assert helper.ask("pinyin", text) == normalize.text_pinyin_here(text)
    assert helper.pid is not None and helper.pid != os.getpid()


def test_an_idle_helper_exits_and_the_next_question_starts_it_again():
    helper = TextHelper("kiosk.catalog.normalize", normalize._answer_here, idle_seconds=0.5)
    try:
        first = helper._proc if helper.ask("cut", "政务公开") else None
        time.sleep(1.5)
        assert first.poll() is not None  # gone: its memory is back
        assert helper.ask("pinyin", "政务") == ["zheng", "wu"]
        assert helper._proc is not first
    finally:
        helper.close()


def test_a_killed_helper_is_started_again_and_nothing_is_lost(helper):
    helper.ask("cut", "政务公开")
    helper._proc.kill()
    helper._proc.wait()
    assert helper.ask("cut", "低保申请材料") == normalize.cut_words_here("低保申请材料")


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    db = build_seed_catalog(tmp_path_factory.mktemp("helper") / "catalog.sqlite3", generated=200)
    yield db
    db.close()


@pytest.mark.parametrize("query", ["政务工开", "低保申请材料", "政务公开", "最低生活保障申请条件办理流程"])
def test_search_results_are_the_same_with_the_helper(catalog, in_child, query):
    use(catalog)
    normalize.answer_in_child_process(False)
    here = search(query).to_dict()
    normalize.answer_in_child_process()
    there = search(query).to_dict()
    here.pop("seconds", None), there.pop("seconds", None)
    assert there == here


def test_a_search_that_needs_words_and_pinyin_loads_neither_library_in_the_asking_process(catalog):
    path = catalog.database
    code = (
        "import json, sys; from pathlib import Path; from kiosk.catalog.catalog_db import open_store;"
        "from kiosk.catalog import normalize;"
        "from kiosk.catalog.search import search; open_store(Path(sys.argv[1])); normalize.answer_in_child_process();"
        "r = search('政务工开'); s = search('低保申请材料'); normalize.answer_in_child_process(False);"
        "print(json.dumps([bool(r.suggestions), s.total > 0,"
        " sorted(m for m in ('rjieba', 'jieba', 'pypinyin', 'zhconv') if m in sys.modules)]))"
    )
    assert python_json(code, path) == [True, True, []]
