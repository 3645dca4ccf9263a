"""Make the bundled CJK font Kivy's default, so every label renders Chinese instead of boxes."""

from __future__ import annotations

from kivy.core.text import LabelBase

from kiosk.environment import FONT_PATH


def register_cjk_font() -> None:
    # Registering under Kivy's default name replaces Roboto everywhere, including TextInput.
    LabelBase.register("Roboto", str(FONT_PATH))
    LabelBase.register("CJK", str(FONT_PATH))
