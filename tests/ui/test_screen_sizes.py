"""Every screen at the resolutions kiosks really have (1920×1080 and 1080×1920 panels, older 1280×1024
ones), in normal and elderly mode: the focused field above the keyboard, nothing off screen or on
top of something else, keys a finger can hit, 下一步 in reach, no text cut off. One app run per
size and mode (~8 s each); the screenshots stay in the test home to be looked at."""

import shutil

import pytest

from tests.ime.conftest import built_lexicon  # noqa: F401  (the session lexicon)
from tests.ui.harness import run_scenario

pytestmark = pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs Xvfb (installed by make test)")

KIOSK_WINDOWS = [(1920, 1080), (1080, 1920), (1280, 1024)]


@pytest.mark.parametrize("elderly", [False, True], ids=["normal", "elderly"])
@pytest.mark.parametrize("window", KIOSK_WINDOWS, ids=lambda w: f"{w[0]}x{w[1]}")
def test_every_screen_fits_a_kiosk_window(window, elderly, home, tmp_path, built_lexicon):  # noqa: F811
    shutil.copy(built_lexicon, home / built_lexicon.name)  # the input method loads at once
    (home / "kiosk.toml").write_text(f"elderly_mode = {'true' if elderly else 'false'}\n", encoding="utf-8")
    r = run_scenario(home, "screens_fit_the_window", tmp_path / "out.json", window=window)
    assert "error" not in r, r.get("error")
    assert r["window"] == list(window) and r["ime_ready"]
    assert r["after_form"] == "receipt" and r["looked_up"] == ["receipt", ""]
    pages = set(r["problems"])
    assert {"search-keyboard", "search-handwriting", "reader", "apply-identity-id_number", "receipt"} <= pages
    assert {"apply-contact-address", "apply-information-doc_number", "apply-reason-reason", "lookup-keyboard"} <= pages
    assert {page: problems for page, problems in r["problems"].items() if problems} == {}
    assert len(r["shots"]) >= 14 and all((home / shot).exists() for shot in r["shots"])
