from itertools import islice

from pypinyin import Style, lazy_pinyin

from kiosk.ime.lexicon import _segmented_reading, _word_rows, jieba_words, readings


def test_readings_of_words_pypinyin_has_no_phrase_for_agree_with_pypinyin():
    words = ["银行卡", "重庆市", "长沙市", "行长助理", "不动产登记中心"]
    words += [word for word, _freq, _tag in islice(jieba_words(), 0, 300_000, 150)]
    for word in words:
        assert _segmented_reading(word) == lazy_pinyin(word, style=Style.NORMAL, v_to_u=False), word


def test_a_character_without_a_reading_gives_no_reading():
    assert _segmented_reading("瓧") == []


def test_the_general_words_report_their_progress_as_they_are_written():
    """`kiosk ime build` shows a bar that moves through the general words, not 0/1 then 1/1."""
    weights = {f"词{i}": -float(i) for i in range(12_000)} | {"政府": -1.0}
    heard: list[tuple[str, int, int]] = []
    rows = list(_word_rows(weights, lambda word: readings("政府"), lambda *step: heard.append(step)))
    assert len(rows) >= len(weights)
    assert heard == [("words", 5000, 12_001), ("words", 10_000, 12_001), ("words", 12_001, 12_001)]
