from itertools import islice

from pypinyin import Style, lazy_pinyin

from kiosk.ime.lexicon import _segmented_reading, jieba_words


def test_readings_of_words_pypinyin_has_no_phrase_for_agree_with_pypinyin():
    words = ["银行卡", "重庆市", "长沙市", "行长助理", "不动产登记中心"]
    words += [word for word, _freq, _tag in islice(jieba_words(), 0, 300_000, 150)]
    for word in words:
        assert _segmented_reading(word) == lazy_pinyin(word, style=Style.NORMAL, v_to_u=False), word


def test_a_character_without_a_reading_gives_no_reading():
    assert _segmented_reading("瓧") == []
