from kiosk.ime.phrases import find_model, load


def test_the_debian_word_model_is_installed_where_the_engine_looks():
    assert find_model() is not None, "Debian libime-data is missing (deploy/install-system-packages.sh)"


def test_words_that_go_together_score_above_frequent_strangers():
    model = load()
    assert model.association("离婚", "登记") > model.association("良好", "登记") + 2.0
    assert model.association("疫苗", "接种") > 0 > model.association("郁闷", "机制")


def test_a_word_the_model_does_not_know_is_neither_helped_nor_hurt():
    assert load().association("海政办发", "登记") == 0.0


def test_a_missing_or_corrupt_model_leaves_composition_to_word_frequency(tmp_path, caplog):
    junk = tmp_path / "zh_CN.lm"
    junk.write_bytes(b"not a language model" * 4)
    assert load(junk) is None
    assert load(tmp_path / "absent.lm") is None
    assert "word frequency alone" in caplog.text


def test_a_catalog_term_the_model_lacks_meets_its_neighbour_through_the_word_it_ends_with():
    model = load()
    assert model.association("教育经费", "支出") == model.association("经费", "支出") > 2.0
