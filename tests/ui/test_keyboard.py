"""The screen keyboard and read-aloud in the real app, driven by touches on a virtual X screen."""

import shutil

import pytest

from tests.ime.conftest import built_lexicon, home_with_lexicon  # noqa: F401  (the session lexicon)
from tests.ui.harness import run_scenario

pytestmark = [
    pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs Xvfb (installed by make test)"),
    pytest.mark.usefixtures("home_with_lexicon"),  # `home` holds the session's lexicon
]


def run(home, name, tmp_path):
    results = run_scenario(home, name, tmp_path / "out.json")
    assert "error" not in results, results.get("error")
    return results


def test_typing_zwgk_and_choosing_the_first_candidate_puts_the_term_in_the_search_box(home, tmp_path):
    r = run(home, "keyboard_types_initials_into_the_search_box", tmp_path)
    assert r["ime_ready"] and not r["shown_before"] and r["shown"] and r["keyboard_at_bottom"]
    assert r["key_mm"] >= 15 - 1e-6
    assert r["preedit"] == "zwgk"
    assert r["candidates"][0] == "政务公开"
    assert r["search"] == "政务公开"
    assert r["titles"] and all("政务公开" in title for title in r["titles"])
    assert r["learned"] == ["政务公开"]  # the search box teaches the input method its terms
    assert r["after_backspace"] == ["zheng", "政务公开"]  # the pinyin lost a letter, the field nothing
    assert r["after_more_backspaces"] == ["", "政务公"]
    assert r["long_candidates"][0] == "公开工作"
    assert r["long_search"] == "政务公公开工作"
    first, second = r["pages"]
    assert all(first) and all(second) and not set(first) & set(second)
    assert r["space_commits"] == first[0]


def test_latin_digits_punctuation_and_the_id_pad_with_x(home, tmp_path):
    r = run(home, "keyboard_switches_modes", tmp_path)
    assert {"，", "。", "0", "9"} <= set(r["symbol_keys"])
    assert r["typed"] == "abc12，"
    assert r["id_keys"] == sorted("0123456789X")
    assert r["id_typed"] == "11010519491231002X"
    assert r["id_mode_after_pinyin"] == "symbols"


def test_a_handwritten_character_is_recognised_and_followed_by_word_suggestions(home, tmp_path):
    r = run(home, "keyboard_recognises_handwriting", tmp_path)
    assert r["pad_square"]
    assert r["guesses"][0] == "正"
    assert r["search"] == "正"
    assert r["suggestions"] and all(s.startswith("正") and len(s) > 1 for s in r["suggestions"])
    assert r["search_after_suggestion"] == r["suggestions"][0]


def test_keys_grow_with_the_elderly_mode(home, tmp_path):
    (home / "kiosk.toml").write_text("elderly_mode = true\n", encoding="utf-8")
    r = run(home, "keyboard_types_initials_into_the_search_box", tmp_path)
    assert r["key_height_mm"] >= 15 * 1.35 - 1e-6
    assert r["key_mm"] >= 15 - 1e-6  # the width of ten keys in the 800-pixel test window
    assert r["search"] == "政务公开"


def test_the_reader_reads_aloud_and_the_same_button_stops_it(home, tmp_path):
    r = run(home, "reader_reads_aloud_and_stops", tmp_path)
    assert r["button_before"] == "朗读"
    assert r["reading"] == [True, True, "■ 停止"]
    assert r["stopped"] == [False, False, "朗读"]
    assert r["after_back"] == ["home", False]
