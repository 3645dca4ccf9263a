import pytest

from tests.ime.conftest import built_lexicon, home_with_lexicon  # noqa: F401  (the session lexicon)
from tests.ime.strokes import write_stroke_file

# A home with the session's lexicon, as after `kiosk ime build` (building one takes ~20 s).
pytestmark = pytest.mark.usefixtures("home_with_lexicon")


def test_ime_prints_candidates_as_json(cli):
    data = cli.json("ime", "zwgk", "--limit", "3")
    assert data["input"] == "zwgk"
    assert len(data["candidates"]) == 3
    assert data["candidates"][0] == {
        "text": "政务公开",
        "pinyin": "zheng wu gong kai",
        "consumed": 4,
        "score": data["candidates"][0]["score"],
    }


def test_ime_prints_numbered_candidates_for_people(cli):
    assert cli("ime", "zhengwugongkai").stdout.startswith("1.政务公开  2.")


def test_ime_handwriting_recognises_a_stroke_file_and_suggests_words(cli, tmp_path):
    data = cli.json("ime", "handwriting", str(write_stroke_file(tmp_path / "zheng.json", "正")))
    assert data["candidates"][0]["text"] == "正"
    assert data["strokes"] == 5
    assert all(word.startswith("正") for word in data["words"])


def test_ime_handwriting_rejects_a_missing_file_calmly(cli, tmp_path):
    result = cli("ime", "handwriting", str(tmp_path / "none.json"), expect=2)
    assert "无法读取笔迹文件" in result.stderr


def test_ime_build_reports_a_current_lexicon(cli):
    data = cli.json("ime", "build")
    assert data["built"] is False and data["words"] > 300_000 and data["catalog_terms"] > 100


def test_ime_help_names_both_uses(cli):
    out = cli("ime", "--help").stdout
    assert "PINYIN [--json] [--limit N]" in out and "handwriting" in out


def test_ime_learned_lists_and_forget_clears_what_the_search_box_learned(cli, home):
    from kiosk.environment import Env
    from kiosk.ime.history import ChoiceHistory

    ChoiceHistory(Env.load(home, environ={}).ime_history).learn("低保", ["di", "bao"])
    assert cli.json("ime", "learned")["terms"] == [{"word": "低保", "pinyin": "di bao", "count": 1.0}]
    assert cli.json("ime", "forget") == {"forgotten": 1}
    assert cli.json("ime", "learned")["terms"] == []
