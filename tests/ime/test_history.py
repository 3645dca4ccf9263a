import pytest

from kiosk.ime.composer import Composer
from kiosk.ime.engine import Engine
from kiosk.ime.history import HALF_LIFE_DAYS, MAX_ENTRIES, ChoiceHistory


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def history(tmp_path):
    return ChoiceHistory(tmp_path / "ime_history.sqlite3", clock=Clock())


@pytest.fixture
def learning_engine(built_lexicon, history):
    return Engine(built_lexicon, history=history)


def texts(engine, typed, limit=10):
    return [c.text for c in engine.candidates(typed, limit)]


def test_a_term_chosen_in_the_search_box_comes_first_for_its_initials_next_time(learning_engine):
    assert texts(learning_engine, "db")[0] != "低保"
    composer = Composer(learning_engine, page_size=60, learn=True)
    composer.type("dibao")
    assert composer.choose([c.text for c in composer.page_candidates()].index("低保")) == "低保"
    assert texts(learning_engine, "db")[0] == "低保"
    assert texts(learning_engine, "dib")[0] == "低保"  # and while the pinyin is still being typed


def test_a_term_chosen_word_by_word_is_learned_whole(learning_engine):
    composer = Composer(learning_engine, page_size=60, learn=True)
    composer.type("lihundengji")
    composer.choose([c.text for c in composer.page_candidates()].index("离婚"))
    assert composer.choose([c.text for c in composer.page_candidates()].index("登记")) == "离婚登记"
    assert texts(learning_engine, "lhdj")[0] == "离婚登记"


def test_fields_that_do_not_ask_to_learn_teach_nothing(learning_engine, history):
    composer = Composer(learning_engine, page_size=60)  # an application form field: names, addresses
    composer.type("zhangwei")
    composer.choose(0)
    assert len(history) == 0


def test_choices_survive_a_restart_and_fade_with_time(tmp_path, built_lexicon):
    clock = Clock()
    ChoiceHistory(tmp_path / "h.sqlite3", clock=clock).learn("社保", ["she", "bao"])
    reopened = ChoiceHistory(tmp_path / "h.sqlite3", clock=clock)
    assert reopened.terms() == [{"word": "社保", "pinyin": "she bao", "count": 1.0}]
    clock.now += HALF_LIFE_DAYS * 86400
    assert reopened.terms()[0]["count"] == 0.5


def test_the_history_keeps_only_its_most_chosen_terms(history):
    history.learn("社保", ["she", "bao"])
    history.learn("社保", ["she", "bao"])
    for i in range(MAX_ENTRIES):
        history.learn(chr(0x4E00 + i) * 2, ["yi", "yi"])
    assert len(history) == MAX_ENTRIES
    assert history.terms()[0]["word"] == "社保"


def test_what_cannot_be_a_term_is_not_learned(history):
    history.learn("", [])
    history.learn("低保", ["di"])  # syllables that do not fit the characters
    history.learn("我想申请公开本县的低保户名单", ["wo"] * 14)  # a sentence, not a term
    assert len(history) == 0


def test_forgetting_empties_the_history_on_disk(tmp_path):
    history = ChoiceHistory(tmp_path / "h.sqlite3")
    history.learn("低保", ["di", "bao"])
    assert history.forget() == 1
    assert ChoiceHistory(tmp_path / "h.sqlite3").terms() == []
