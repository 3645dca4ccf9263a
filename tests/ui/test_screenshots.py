"""`kiosk ui screenshots`: every screen rendered headless at a kiosk panel's size."""

import shutil

import pytest
from PIL import Image


def test_the_command_is_documented_in_its_help(cli):
    text = cli("ui", "screenshots", "--help").stdout
    assert "--out" in text and "1920×1080" in text and "1080×1920" in text


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="needs Xvfb (installed by make test)")
def test_a_portrait_elderly_run_renders_every_screen_at_the_panel_size(tmp_path):
    from kiosk.ui.screenshots import render_gallery

    files = render_gallery(tmp_path / "shots", sizes=((1080, 1920),), modes=("elderly",))
    names = sorted(f.name for f in files)
    for screen in ("home", "reader", "reader-print", "apply", "lookup", "idle-countdown", "error-message"):
        assert f"1080x1920-elderly-{screen}.png" in names
    for path in files:
        with Image.open(path) as image:
            assert image.size == (1080, 1920)
        assert path.stat().st_size < 400_000  # a gallery, not raw framebuffers
    assert not list((tmp_path / "shots").glob(".*"))  # no half-written pictures left behind
