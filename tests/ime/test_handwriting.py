import json

import pytest

from kiosk.errors import BadInput
from kiosk.ime.handwriting import Recognizer, load_strokes, normalise, resample
from tests.ime.strokes import CHARACTERS, handwritten, write_stroke_file


@pytest.fixture(scope="module")
def recognizer():
    return Recognizer()


def test_resampling_spaces_points_evenly_and_keeps_the_ends():
    stroke = [(0.0, 0.0), (1.0, 0.0), (2.0, 0.0), (100.0, 0.0)]  # a finger slowing, then a jump
    points = resample(stroke, step=25)
    assert points[0] == (0.0, 0.0) and points[-1] == (100.0, 0.0)
    gaps = [b[0] - a[0] for a, b in zip(points, points[1:], strict=False)]
    assert all(abs(gap - 25) < 1e-6 for gap in gaps)


def test_a_small_drawing_in_a_corner_is_enlarged_into_the_frame():
    strokes = [[(10.0, 50.0), (60.0, 50.0)]]  # a short 一 in the top corner of a 600 px box
    (placed,) = normalise(strokes, 600, 600)
    xs = [x for x, _ in placed]
    assert max(xs) - min(xs) > 700
    assert 450 < placed[0][1] < 550


@pytest.mark.parametrize("char", ["一", "二", "三", "十", "日", "王", "上", "下", "小", "木", "目", "正"])
def test_simple_characters_drawn_carefully_are_recognised_first(recognizer, char):
    guesses = recognizer.recognize(CHARACTERS[char], 1000, 1000)
    assert guesses[0].text == char


def test_recognition_of_wobbly_handwriting_is_mostly_right(recognizer):
    """The measured share, not a promise: the Tegaki model confuses 大/廾 and 山/入 on these strokes."""
    top5 = 0
    samples = [(char, seed) for char in CHARACTERS for seed in range(3)]
    for char, seed in samples:
        data = handwritten(char, seed)
        top5 += char in [g.text for g in recognizer.recognize(data["strokes"], 600, 600, 5)]
    assert top5 / len(samples) >= 0.65


def test_no_strokes_give_no_guesses(recognizer):
    assert recognizer.recognize([]) == []


def test_stroke_files_are_checked(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"strokes": [[1, 2, 3]]}))
    with pytest.raises(BadInput):
        load_strokes(bad)
    bad.write_text("not json")
    with pytest.raises(BadInput):
        load_strokes(bad)
    good = write_stroke_file(tmp_path / "ten.json", "十")
    strokes, width, height = load_strokes(good)
    assert len(strokes) == 2 and width == height == 600
