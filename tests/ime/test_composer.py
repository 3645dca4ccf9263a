from kiosk.ime.composer import Composer


def test_typing_initials_and_choosing_the_first_candidate_commits_the_term(engine):
    composer = Composer(engine)
    composer.type("zwgk")
    assert composer.preedit == "zwgk"
    assert composer.page_candidates()[0].text == "政务公开"
    assert composer.choose(0) == "政务公开"
    assert not composer.composing and composer.preedit == ""


def test_choosing_a_word_for_the_first_part_keeps_the_rest_to_convert(engine):
    composer = Composer(engine, page_size=60)
    composer.type("zhengwugongkai")
    index = [c.text for c in composer.page_candidates()].index("政务")
    assert composer.choose(index) is None
    assert composer.preedit == "政务gongkai"
    assert composer.page_candidates()[0].text == "公开"
    assert composer.choose(0) == "政务公开"


def test_backspace_edits_the_pinyin_then_gives_back_a_chosen_word_then_lets_the_field_delete(engine):
    composer = Composer(engine, page_size=60)
    composer.type("zhengwugk")
    composer.choose([c.text for c in composer.page_candidates()].index("政务"))
    assert composer.preedit == "政务gk"
    assert composer.backspace() and composer.preedit == "政务g"
    assert composer.backspace() and composer.preedit == "政务"
    assert composer.backspace() and composer.preedit == "zhengwu"
    for _ in "zhengwu":
        assert composer.backspace()
    assert composer.preedit == "" and not composer.composing
    assert composer.backspace() is False  # nothing left: the keyboard deletes a character of the field


def test_candidates_page_forwards_and_back(engine):
    composer = Composer(engine, page_size=5)
    composer.type("shi")
    first = composer.page_candidates()
    assert len(first) == 5 and composer.has_next_page and not composer.has_previous_page
    composer.next_page()
    second = composer.page_candidates()
    assert not {c.text for c in first} & {c.text for c in second}
    assert composer.has_previous_page
    composer.previous_page()
    assert composer.page_candidates() == first
    composer.type("j")  # typing starts again at the first page
    assert composer.page == 0


def test_space_takes_the_best_candidate_and_enter_the_letters(engine):
    composer = Composer(engine)
    composer.type("shouji")
    assert composer.choose_first() == "手机"
    composer.type("abc")
    assert composer.commit_raw() == "abc"


def test_separators_only_between_letters(engine):
    composer = Composer(engine)
    composer.type("'")
    assert not composer.composing
    composer.type("xi''an")
    assert composer.preedit == "xi'an"
    assert composer.page_candidates()[0].text == "西安"
