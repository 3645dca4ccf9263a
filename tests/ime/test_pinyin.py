from kiosk.ime.pinyin import clean, fuzzy, tokenize


def cut(text):
    return {(t.start, t.end, t.text, t.full) for t in tokenize(clean(text))}


def test_initials_are_cut_one_letter_each():
    assert cut("zwgk") == {(0, 1, "z", False), (1, 2, "w", False), (2, 3, "g", False), (3, 4, "k", False)}


def test_both_readings_of_an_ambiguous_run_are_kept():
    tokens = cut("xian")
    assert (0, 4, "xian", True) in tokens  # 先
    assert {(0, 2, "xi", True), (2, 4, "an", True)} <= tokens  # 西安


def test_apostrophe_forces_a_cut():
    tokens = cut("xi'an")
    assert (0, 4, "xian", True) not in tokens
    assert {(0, 2, "xi", True), (3, 5, "an", True)} <= tokens


def test_sh_is_an_initial_and_also_s_then_h():
    tokens = cut("shbz")
    assert (0, 2, "sh", False) in tokens  # 水泵站
    assert {(0, 1, "s", False), (1, 2, "h", False)} <= tokens  # 社会保障


def test_the_last_syllable_may_still_grow_while_typing():
    last = [t for t in tokenize("zhengwugongka") if t.end == 13 and t.full][0]
    assert last.text == "ka" and last.last and last.prefix


def test_lue_is_the_keyboards_lve_and_umlauts_become_v():
    assert (0, 3, "lve", True) in cut("lue")
    assert clean("LÜ Xing'") == "lvxing'"


def test_fuzzy_key_merges_the_accent_pairs():
    assert fuzzy("zheng") == fuzzy("zen") == "zen"
    assert fuzzy("lan") == fuzzy("nang") == "nan"
    assert fuzzy("shi") == fuzzy("si")
    assert fuzzy("jing") == fuzzy("jin")
    assert fuzzy("zhong") != fuzzy("zhou")
