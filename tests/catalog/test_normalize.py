"""Query normalisation: widths, brackets of 文号, traditional characters, pinyin, FTS syntax."""

import pytest

from kiosk.catalog.normalize import (
    fold,
    normalize_query,
    parse_query_doc_number,
    segment_pinyin,
    syllable_symbols,
    text_pinyin,
)


def test_fold_keeps_one_character_for_one():
    text = "ＰＰＰ项目１２３号，ＡＢｃ"
    folded = fold(text)
    assert folded == "ppp项目123号，abc"
    assert len(folded) == len(text)


@pytest.mark.parametrize(
    "typed",
    [
        "海政办发〔2019〕23号",
        "海政办发[2019]23号",
        "海政办发(2019)23号",
        "海政办发（2019）23号",
        "海政办发【2019】23号",
        "海政办发［２０１９］２３号",
        "海政办发 2019 23号",
        "海政办发2019年23号",
        "海政办发〔2019〕第23号",
        " 海政办发﹝2019﹞23号 ",
    ],
)
def test_a_doc_number_in_any_bracket_style_normalises_to_one_form(typed):
    assert parse_query_doc_number(typed) == "海政办发〔2019〕23号"
    query = normalize_query(typed)
    assert query.doc_number == "海政办发〔2019〕23号" and query.text == "海政办发〔2019〕23号"


@pytest.mark.parametrize("typed", ["政务公开", "2019年", "第23号", "〔2019〕23号", "海政办发"])
def test_text_that_is_not_a_doc_number(typed):
    assert parse_query_doc_number(typed) is None


def test_traditional_becomes_simplified():
    assert normalize_query("政務公開 辦事指南").terms == ("政务公开", "办事指南")


def test_spaces_and_punctuation_separate_terms_and_duplicates_go():
    assert normalize_query("  政务公开，　低保；政务公开 ").terms == ("政务公开", "低保")


@pytest.mark.parametrize("typed", ["", "   ", "！？。，", "《》【】", '"', "*", "-^", "()", None, "\x00\x01"])
def test_empty_or_punctuation_only_is_an_empty_query(typed):
    assert normalize_query(typed).empty


@pytest.mark.parametrize(
    "typed, terms",
    [
        ('"政务" AND 公开', ("政务", "and", "公开")),
        ("政务 OR NEAR(公开, 2)", ("政务", "or", "near", "公开", "2")),
        ("低保* -条件 ^标题", ("低保", "条件", "标题")),
        ("title:政务 {body}:x", ("title", "政务", "body", "x")),
        ("((政务", ("政务",)),
    ],
)
def test_fts_syntax_becomes_plain_terms(typed, terms):
    assert normalize_query(typed).terms == terms


def test_very_long_input_is_cut_not_refused():
    query = normalize_query("政务公开" * 1000)
    assert query.terms and len("".join(query.terms)) <= 200


@pytest.mark.parametrize(
    "letters, first",
    [
        ("zhengwugongkai", ["zheng", "wu", "gong", "kai"]),
        ("xian", ["xian"]),
        ("lvse", ["lv", "se"]),
        ("zhengwugongk", ["zheng", "wu", "gong"]),  # still typing: the complete syllables
    ],
)
def test_pinyin_segmentation(letters, first):
    assert segment_pinyin(letters)[0] == first


def test_xian_can_also_be_two_syllables():
    assert ["xi", "an"] in segment_pinyin("xian")


def test_spaced_unspaced_and_apostrophe_pinyin_are_the_same_query():
    readings = {normalize_query(q).pinyin[0] for q in ["zheng wu gong kai", "zhengwugongkai", "Zheng'Wu'Gong'Kai"]}
    assert readings == {("zheng", "wu", "gong", "kai")}


def test_letters_that_are_not_pinyin_are_read_as_initials():
    query = normalize_query("zwgk")
    assert query.pinyin == () and query.initials == "zwgk"


def test_readings_of_titles_use_words_for_polyphones():
    assert text_pinyin("银行行长") == ["yin", "hang", "hang", "zhang"]
    assert text_pinyin("成都市重庆市") == ["cheng", "du", "shi", "chong", "qing", "shi"]


def test_each_syllable_is_one_symbol():
    assert len(syllable_symbols(["zheng", "wu", "gong", "kai"])) == 4
    assert syllable_symbols(["lue"]) == syllable_symbols(["lve"])


@pytest.mark.parametrize(
    "typed",
    [
        "国务院令第706号",
        "国令第706号",
        "国务院令706号",
        "国务院令（第706号）",
        "中华人民共和国国务院令 第 706 号",
        "国令 第７０６号",
    ],
)
def test_an_order_number_typed_any_way_normalises_to_the_key_the_catalog_stores(typed):
    from kiosk.catalog.docnumber import normalize_doc_number

    assert (
        normalize_query(typed).doc_number == normalize_doc_number("中华人民共和国国务院令第706号") == "国务院令第706号"
    )


def test_a_ministry_order_with_a_year_normalises_with_its_year():
    assert normalize_query("交通运输部令 2019年 第1号").doc_number == "交通运输部令2019年第1号"
    assert normalize_query("中华人民共和国商务部令2019年第1号").doc_number == "商务部令2019年第1号"
