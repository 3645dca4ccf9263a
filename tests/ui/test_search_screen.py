"""The search screen in the real app on a virtual screen, driven by touches."""

import shutil

import pytest

from tests.ime.conftest import built_lexicon, home_with_lexicon  # noqa: F401  (the session lexicon)
from tests.ui.search_harness import run_search_scenario

KIOSK_WINDOW = (1920, 1080)  # a landscape kiosk panel

pytestmark = pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs Xvfb (installed by make test)")


def run(home, name, tmp_path, **kwargs):
    results = run_search_scenario(home, name, tmp_path / "out.json", window=KIOSK_WINDOW, **kwargs)
    assert "error" not in results, results.get("error")
    assert "timeouts" not in results, results["timeouts"]
    return results


def test_search_by_initials_then_a_year_chip_then_open_the_document(home_with_lexicon, tmp_path):  # noqa: F811
    r = run(home_with_lexicon, "search_by_initials_then_a_year_chip_then_open", tmp_path)
    assert r["candidate"] == "政务公开" and r["query"] == "政务公开"
    assert r["titles"] and r["status"].startswith("共 ")
    assert r["marked"]  # the matched words are marked in every snippet
    assert len(r["year_chips"]) >= 2
    year, count = r["chosen"]
    status, rows, filters = r["after_chip"]
    assert filters == {"year": year} and rows == count and f"共 {count} 条" in status
    assert r["chosen_chip_marked"] == [[year, True, True]]  # ticked and bold, not only recoloured
    assert r["reader_title"] == r["tapped"]
    assert r["back_at"] == "search" and r["kept"] == ["政务公开", {"year": year}]


def test_a_doc_number_in_square_brackets_finds_its_document_first(home, tmp_path):
    r = run(home, "doc_number_in_square_brackets_comes_first", tmp_path)
    assert r["first"].startswith("海政办发〔2019〕23号")
    assert r["first_title"].startswith("海城市人民政府办公室关于深入推进政务公开")
    no_results, hint, suggestions = r["no_results"]
    assert no_results and "少输入" in hint and suggestions
    assert r["after_reset"] == ["home", "", [], {}]


@pytest.mark.parametrize("window", [(1920, 1080), (1080, 1920)], ids=["landscape", "portrait"])
def test_every_search_browse_and_interpretation_screen_fits_standard_and_elderly(
    window,
    home_with_lexicon,  # noqa: F811  (the fixture imported above)
    tmp_path,
):
    r = run_search_scenario(home_with_lexicon, "search_screens_pictures", tmp_path / "out.json", window=window)
    assert "error" not in r, r.get("error")
    assert "timeouts" not in r, r["timeouts"]
    assert {page: problems for page, problems in r["problems"].items() if problems} == {}
    assert len(r["shots"]) == 14  # seven screens, standard and elderly


def test_a_committed_word_shows_its_results_in_its_own_frame_and_an_idle_screen_draws_nothing(
    home_with_lexicon,  # noqa: F811  (the fixture imported above)
    tmp_path,
):
    r = run(home_with_lexicon, "a_committed_word_shows_its_results_in_its_own_frame", tmp_path)
    assert r["shown_at_once"] and r["data_at_once"]  # a fast answer does not wait for a frame of its own
    assert r["rows_in_next_frame"]
    assert r["idle_frames"] == 0  # no blinking cursor redrawing the screen while the resident reads


def test_a_search_overtaken_by_a_newer_key_stops_and_only_the_newest_is_answered(home, tmp_path):
    r = run(home, "a_search_overtaken_by_a_newer_key_stops", tmp_path)
    assert r["seconds"] < 3
    assert r["answered"] == [[2, ""]]
