"""The real Kivy window on a virtual screen, driven by touch events."""

import shutil

import pytest

from tests.ui.harness import run_scenario

pytestmark = pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs Xvfb (installed by make test)")


def test_home_lists_the_demo_catalog_and_a_tap_opens_the_reader(home, tmp_path):
    # A kiosk's screen: at 800×600 the tiles leave the newest-documents list no room to tap.
    results = run_scenario(home, "home_lists_catalog_and_opens_reader", tmp_path / "out.json", window=(1920, 1080))
    assert "error" not in results, results.get("error")
    assert results["current"] == "home"
    assert len(results["titles"]) == 5
    assert results["after_tap"] == "reader"
    assert results["reader_title"] == results["tapped"]
    assert results["paragraphs"] > 5
    assert results["after_back"] == "home"


def test_a_screen_replaces_the_last_one_at_once_on_the_page_colour(home, tmp_path):
    # Under a software renderer every full-screen layer costs ~30 ms a frame: the page is the window's clear
    # colour, the manager clips nothing, and no frame draws the new screen over the old one.
    results = run_scenario(home, "screens_switch_in_one_step", tmp_path / "out.json", window=(1920, 1080))
    assert "error" not in results, results.get("error")
    for name, switch in results["switches"].items():
        assert switch == {"children": [name], "entered": True}, name
    assert results["clear_colour"] == results["page_colour"]
    assert results["full_screen_layers"] == 0


def test_chinese_characters_render_as_distinct_glyphs(home, tmp_path):
    results = run_scenario(home, "cjk_glyphs_render", tmp_path / "out.json")
    assert "error" not in results, results.get("error")
    assert results["distinct"] == 4


def test_background_sync_updates_the_home_screen_and_a_withdrawn_document_says_so(home, tmp_path):
    from datetime import UTC, datetime, timedelta

    from tests.sync.feedkit import FeedBuilder, make_doc, make_keys

    key = make_keys(tmp_path / "keys")
    office = FeedBuilder(tmp_path / "office", key)
    office.put(*(make_doc(n) for n in range(3)))
    office.publish(now=datetime.now(UTC) - timedelta(hours=1))
    (home / "kiosk.toml").write_text(
        f'sync_source = "{office.feed}"\ntrusted_keys = ["{key.with_name("feed.pub")}"]\n', encoding="utf-8"
    )
    results = run_scenario(home, "background_sync_refreshes_home_and_reader_survives_withdrawal", tmp_path / "o.json")
    assert "error" not in results, results.get("error")
    assert results["sync_ok"]
    assert results["before"] != results["after"]
    assert sorted(results["titles"]) == sorted(make_doc(n)["title"] for n in range(3))
    assert "撤回" in results["reader_notice"]
