"""The handwriting pad in the real app under Xvfb: drawn with touch moves, 退一笔 and 重写, and the
chosen character (ranked by what is already in the search box) inserted into the search box."""

from __future__ import annotations

import shutil

import pytest

from tests.ime.conftest import built_lexicon, home_with_lexicon  # noqa: F401  (the session lexicon)
from tests.ui.harness import run_scenario, touch

pytestmark = [
    pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs Xvfb (installed by make test)"),
    pytest.mark.usefixtures("home_with_lexicon"),
]


def test_the_pad_recognises_strokes_in_any_order_takes_one_back_and_starts_again(home, tmp_path):
    r = run_scenario(home, f"{__name__}:pad_draws_undoes_rewrites_and_inserts", tmp_path / "out.json")
    assert "error" not in r, r.get("error")
    assert r["ime_ready"] and r["recognizer_ready"]
    assert r["pad_square"] and r["pad_mm"] >= 55  # a large square: about four key rows
    assert r["grid_lines"] >= 5  # frame, cross and both diagonals of the 米字格
    assert r["buttons"] == ["退一笔", "重写"] and r["buttons_disabled_when_empty"]
    assert r["zheng_strokes"] == 9 and r["zheng_guesses"][0] == "政"  # written in a scrambled order
    assert r["drawn_lines"] == 9
    assert r["after_undo"] == {"strokes": 8, "lines": 8}
    assert r["after_rewriting_last"]["strokes"] == 9 and r["after_rewriting_last"]["first"] == "政"
    assert r["after_clear"] == {"strokes": 0, "lines": 0, "candidates": []}
    assert r["search"] == "政"
    assert r["suggestions"] and all(s.startswith("政") for s in r["suggestions"])
    assert r["fu_guesses"][0] == "府"
    assert r["search_after_fu"] == "政府"


def pad_draws_undoes_rewrites_and_inserts(app, results):
    """Scenario (run by tests/ui/harness.py in the app's process)."""
    from kivy.core.window import Window
    from kivy.graphics import Line
    from kivy.metrics import mm
    from kivy.tests.common import UnitTestTouch

    from tests.ime.strokes import KANJIVG_FRAME, load_sample

    sample = load_sample()
    yield 0.3
    waited = 0.0
    while (app.ime_engine is None or app.ime_recognizer is None) and waited < 60:
        yield 0.2
        waited += 0.2
    results["ime_ready"] = app.ime_engine is not None
    results["recognizer_ready"] = app.ime_recognizer is not None
    app.root.current = "search"  # the query box and its docked keyboard
    home = app.root.get_screen("search")
    yield 0.3
    keyboard, search = home.ids.keyboard, home.ids.query
    touch(search)
    yield 0.2
    touch(keyboard.mode_buttons["handwriting"])
    yield 0.3
    pad, panel = keyboard.pad, keyboard.pad_panel
    results["pad_square"] = abs(pad.width - pad.height) < 2
    results["pad_mm"] = pad.width / mm(1)
    results["grid_lines"] = sum(isinstance(i, Line) for i in pad.canvas.before.children)
    results["buttons"] = [panel.ids.undo_stroke.text, panel.ids.rewrite.text]
    results["buttons_disabled_when_empty"] = panel.ids.undo_stroke.disabled and panel.ids.rewrite.disabled

    def write(stroke):
        def at(x, y):  # the character fills 80 % of the pad, in the middle
            scale = 0.8 * pad.width / KANJIVG_FRAME
            return pad.to_window(pad.x + 0.1 * pad.width + x * scale, pad.top - 0.1 * pad.height - y * scale)

        finger = UnitTestTouch(*at(*stroke[0]))
        finger.touch_down()
        for x, y in stroke[1:]:
            finger.touch_move(*at(x, y))
        finger.touch_up()

    def lines():
        return sum(isinstance(i, Line) for group in pad._drawn for i in group.children)

    zheng = sample["政"]
    order = [4, 0, 8, 2, 6, 1, 7, 3, 5]  # nobody's stroke order: the recogniser must not care
    for i in order:
        write(zheng[i])
        yield 0.02
    yield 0.8
    results["zheng_strokes"] = len(pad.strokes)
    results["zheng_guesses"] = [b.text for b in keyboard.candidate_buttons]
    results["drawn_lines"] = lines()
    Window.screenshot(name=str(app.env.home / "handwriting-pad.png"))

    touch(panel.ids.undo_stroke)
    yield 0.1
    results["after_undo"] = {"strokes": len(pad.strokes), "lines": lines()}
    write(zheng[order[-1]])
    yield 0.8
    results["after_rewriting_last"] = {"strokes": len(pad.strokes), "first": keyboard.candidate_buttons[0].text}

    touch(panel.ids.rewrite)
    yield 0.1
    results["after_clear"] = {
        "strokes": len(pad.strokes),
        "lines": lines(),
        "candidates": [b.text for b in keyboard.candidate_buttons if b.text],
    }

    for stroke in zheng:
        write(stroke)
        yield 0.02
    yield 0.8
    touch(keyboard.candidate_buttons[0])
    yield 0.1
    results["search"] = search.text
    results["suggestions"] = [b.text for b in keyboard.candidate_buttons if b.text]

    for stroke in sample["府"]:
        write(stroke)
        yield 0.02
    yield 0.8
    results["fu_guesses"] = [b.text for b in keyboard.candidate_buttons]
    touch(keyboard.candidate_buttons[0])
    yield 0.1
    results["search_after_fu"] = search.text
