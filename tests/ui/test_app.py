"""The real Kivy window on a virtual screen, driven by touch events."""

import shutil

import pytest

from tests.ui.harness import run_scenario

pytestmark = pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs Xvfb (installed by make test)")


def test_home_lists_the_demo_catalog_and_a_tap_opens_the_reader(home, tmp_path):
    results = run_scenario(home, "home_lists_catalog_and_opens_reader", tmp_path / "out.json")
    assert "error" not in results, results.get("error")
    assert results["current"] == "home"
    assert len(results["titles"]) == 5
    assert results["after_tap"] == "reader"
    assert results["reader_title"] == results["tapped"]
    assert results["paragraphs"] > 5
    assert results["after_back"] == "home"


def test_chinese_characters_render_as_distinct_glyphs(home, tmp_path):
    results = run_scenario(home, "cjk_glyphs_render", tmp_path / "out.json")
    assert "error" not in results, results.get("error")
    assert results["distinct"] == 4
