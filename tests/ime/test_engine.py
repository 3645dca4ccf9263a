import shutil

import pytest

from kiosk.catalog.document_record import DocumentRecord
from kiosk.catalog.documents import upsert_documents
from kiosk.environment import Env
from kiosk.ime import phrases
from kiosk.ime.engine import Engine
from kiosk.ime.lexicon import read_meta, refresh_domain
from kiosk.ime.setup import catalog_fingerprint, ensure_lexicon
from kiosk.sync.startup import open_catalog


def texts(engine, typed, limit=10):
    return [c.text for c in engine.candidates(typed, limit)]


@pytest.mark.parametrize(
    "typed", ["zhengwugongkai", "zheng'wu'gong'kai", "zwgk", "zhengwgk", "zhengwugongka", "ZhengWuGongKai"]
)
def test_full_initials_mixed_and_unfinished_pinyin_all_give_the_catalogs_term_first(engine, typed):
    assert texts(engine, typed)[0] == "政务公开"


def test_a_long_term_is_composed_from_words_when_no_single_word_covers_it(engine):
    assert texts(engine, "zuidishenghuobaozhang")[0] == "最低生活保障"
    assert "不动产登记" in texts(engine, "budongchandengji")[:3]


@pytest.mark.parametrize(("typed", "term"), [("gaj", "公安局"), ("esf", "二手房"), ("ahs", "安徽省")])
def test_a_e_and_o_are_initials_too_not_only_syllables(engine, typed, term):
    assert texts(engine, typed)[0] == term


def test_initials_are_read_one_letter_a_syllable_before_zh_ch_sh(engine):
    assert "上海市" in texts(engine, "shs")[:3]  # s·h·s, not only 实施 read as sh·s


def test_a_conjunction_does_not_begin_a_composed_term(engine):
    assert not texts(engine, "sydj")[0].startswith("所以")  # 商业登记, 使用登记…, never 所以登记


def test_words_that_go_together_win_a_composition_over_more_frequent_strangers(built_lexicon):
    plain, with_model = Engine(built_lexicon), Engine(built_lexicon, phrases=phrases.load())
    assert texts(plain, "ssfa")[0] == "实施法"  # 实施 + the more frequent 法: the fa read as a syllable
    assert texts(with_model, "ssfa")[0] == "实施方案"


@pytest.mark.parametrize(
    "sentence", ["我家的房子被征收了", "本人需要办理残疾证", "请问在哪里打印表格", "我母亲的养老金没有按时发放"]
)
def test_a_sentence_typed_in_full_pinyin_comes_out_as_that_sentence(engine, sentence):
    from pypinyin import lazy_pinyin

    assert texts(engine, "".join(lazy_pinyin(sentence)))[0] == sentence


def test_place_names_are_read_as_places_not_as_pypinyins_everyday_reading(engine):
    assert texts(engine, "chaoyang")[0] == "朝阳"
    assert texts(engine, "chaoyangqu")[0] == "朝阳区"
    assert "长治" in texts(engine, "changzhi")[:3]


def test_common_names_are_offered_from_the_surname_list(engine):
    assert texts(engine, "zhangwei")[0] == "张伟"
    assert "王芳" in texts(engine, "wangfang")[:3]


def test_a_candidate_for_the_first_part_says_how_many_letters_it_takes(engine):
    candidates = engine.candidates("zhengwugongkai", 60)
    first_part = next(c for c in candidates if c.text == "政务")
    assert first_part.consumed == len("zhengwu")
    assert texts(engine, "zhengwugongkai"[first_part.consumed :])[0] == "公开"


def test_accent_fuzzy_pairs_only_when_the_option_is_on(built_lexicon):
    exact, fuzzy = Engine(built_lexicon), Engine(built_lexicon, use_fuzzy=True)
    assert "政务" not in texts(exact, "zenwu")
    assert "政务" in texts(fuzzy, "zenwu")[:3]
    assert "老人" in texts(fuzzy, "naoren")[:3]


def test_letters_no_syllable_starts_with_give_no_candidates_instead_of_an_error(engine):
    assert engine.candidates("iii") == []
    assert engine.candidates("") == []
    assert engine.candidates("'''") == []


def test_words_that_follow_a_chosen_character(engine):
    words = engine.words_starting_with("政")
    assert {"政务", "政府", "政策"} <= set(words)
    assert words[0] == "政务"  # the catalog talks of 政务 more than of 政府


def test_the_lexicon_is_built_once_and_the_catalog_part_follows_the_catalog(tmp_path, built_lexicon):
    env = Env.load(tmp_path / "home", environ={})
    env.ensure_home()
    shutil.copy(built_lexicon, env.ime_lexicon)
    assert ensure_lexicon(env) is None  # current: nothing rebuilt
    assert "公租房" not in texts(Engine(env.ime_lexicon), "gongzufang")[:1]

    open_catalog(env)
    record = DocumentRecord(
        id="housing",
        title="关于公租房配租工作的通知",
        doc_number="海住建发〔2024〕3号",
        issuer="海城市住房和城乡建设局",
        body="公租房申请对象为住房困难家庭。公租房租金标准另行公布。",
    )
    upsert_documents([record])
    assert read_meta(env.ime_lexicon)["domain_fingerprint"] != catalog_fingerprint()
    assert ensure_lexicon(env) is None  # refreshed in place, not rebuilt
    assert read_meta(env.ime_lexicon)["domain_fingerprint"] == catalog_fingerprint()
    engine = Engine(env.ime_lexicon)
    assert texts(engine, "gongzufang")[0] == "公租房"
    assert "海城市住房和城乡建设局" in texts(engine, "hcszfhcxjsj")[:3]


def test_refreshing_with_an_empty_catalog_drops_its_terms(tmp_path, built_lexicon):
    path = tmp_path / "lexicon.sqlite3"
    shutil.copy(built_lexicon, path)
    assert texts(Engine(path), "hzbf")[0] == "海政办发"  # the demo catalog's 文号 agency
    refresh_domain(path, [], "empty")
    assert "海政办发" not in texts(Engine(path), "hzbf")
