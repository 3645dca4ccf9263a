"""Elderly mode: every text colour at 7:1 (WCAG AAA) in both palettes, and one tap in the header of
any screen makes type 1.5× larger, until the idle reset."""

import shutil

import pytest

from kiosk.ui.palette import ELDERLY, NORMAL, TEXT_PAIRS, contrast_ratio
from tests.ui.harness import run_scenario


def test_the_contrast_formula_gives_the_wcag_reference_values():
    assert contrast_ratio((0, 0, 0, 1), (1, 1, 1, 1)) == pytest.approx(21.0)
    assert contrast_ratio((1, 1, 1, 1), (1, 1, 1, 1)) == pytest.approx(1.0)
    # #767676 on white is the well-known 4.54:1 (the lightest grey passing AA).
    grey = 0x76 / 255
    assert contrast_ratio((grey, grey, grey, 1), (1, 1, 1, 1)) == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("palette", [NORMAL, ELDERLY], ids=["normal", "elderly"])
@pytest.mark.parametrize("pair", TEXT_PAIRS, ids=lambda p: f"{p[0]}-on-{p[1]}")
def test_every_text_colour_reads_at_7_to_1_on_its_background(palette, pair):
    text, background = pair
    assert contrast_ratio(palette[text], palette[background]) >= 7.0


def test_every_colour_in_the_palettes_is_part_of_a_checked_pair_or_a_backdrop():
    checked = {name for pair in TEXT_PAIRS for name in pair}
    assert set(NORMAL) == set(ELDERLY)
    assert set(NORMAL) - checked == {"overlay"}  # the dimmed backdrop behind dialogs carries no text


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs Xvfb (installed by make test)")
def test_the_header_toggle_makes_type_half_as_large_again_on_three_screens_until_the_reset(home, tmp_path):
    r = run_scenario(home, "elderly_mode_toggles_on_every_screen", tmp_path / "out.json")
    assert "error" not in r, r.get("error")
    assert "ui_errors" not in r
    for screen in ("reader", "apply", "lookup"):
        before, after = r[screen]["before"], r[screen]["after"]
        assert after["title"] == pytest.approx(before["title"] * 1.5), screen
        assert after["toggle"] == pytest.approx(before["toggle"] * 1.5), screen
        assert after["button_height"] > before["button_height"], screen  # larger targets
        # The button says what a tap does, so the mode is never told by colour alone.
        assert [before["toggle_text"], after["toggle_text"]] == ["长者模式", "标准模式"], screen
    page_title_before, page_title_after = r["reader"]["body"]  # the document's own title on the page
    assert page_title_after == pytest.approx(page_title_before * 1.5)
    assert r["kept_at_home"] is True
    assert r["after_reset"] is False
