"""Traditional → simplified without zhconv in the process: the same output as zhconv, character for
character, from the table written out of it (kiosk.catalog.simplified_table)."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import zhconv
import zhconv.zhconv as zhconv_tables
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.catalog.normalize import _IS_CJK, SIMPLIFIED_TABLE, normalize_query, to_simplified
from kiosk.catalog.simplified_table import write_table

REPO = Path(__file__).resolve().parents[2]


def zhconv_as_the_query_used_it(text: str) -> str:
    """What normalize_query got from zhconv: text without any Chinese character was never converted."""
    return zhconv.convert(text, "zh-cn") if _IS_CJK.search(text) else text


def test_the_table_in_assets_is_the_one_zhconv_would_write(tmp_path):
    fresh = tmp_path / "zh-cn.tsv"
    write_table(fresh)
    assert fresh.read_bytes() == SIMPLIFIED_TABLE.read_bytes()


def test_every_entry_of_the_table_converts_as_zhconv_converts_it():
    table = zhconv_tables.getdict("zh-cn")
    for key in table:
        assert to_simplified.__wrapped__(key) == zhconv_as_the_query_used_it(key), key


def test_entries_run_together_convert_as_zhconv_converts_them():
    """Overlapping entries decide longest-match conversion (identity entries included)."""
    keys = sorted(zhconv_tables.getdict("zh-cn"))
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(keys) for _ in range(rng.randint(2, 6)))
        for start in (0, 1):
            piece = text[start:]
            assert to_simplified.__wrapped__(piece) == zhconv_as_the_query_used_it(piece), piece


@settings(max_examples=300, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from("政務公開辦事指南發佈條例幹干乾髮头頭後后臺台里裏裡著着于於 ｜abc１2〔〕"), max_size=30
    )
)
def test_any_text_converts_as_zhconv_converts_it(text):
    assert to_simplified.__wrapped__(text) == zhconv_as_the_query_used_it(text)


def test_a_traditional_query_finds_simplified_terms():
    assert normalize_query("政務公開 辦事指南").terms == ("政务公开", "办事指南")
    assert normalize_query("臺灣 後臺").terms == ("台湾", "后台")


def test_normalising_a_query_loads_no_conversion_or_pinyin_library():
    code = (
        "import sys; from kiosk.catalog.normalize import normalize_query;"
        "q = normalize_query('政務公開 zhengwu 海政办发[2019]23号 zwgk');"
        "print(sorted(m for m in ('zhconv', 'pypinyin', 'rjieba', 'jieba') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
