"""The bundled icon font (Material Icons, Apache-2.0: assets/icons/LICENSE-material-icons.txt) under the
font name "Icons", and the code points of the icons the screens use."""

from __future__ import annotations

from kivy.core.text import LabelBase

from kiosk.environment import ASSETS_DIR

ICON_FONT = ASSETS_DIR / "icons" / "MaterialIcons-Regular.ttf"  # Apache-2.0, LICENSE-material-icons.txt
# Material Icons code points (the font's own names), for what each screen shows.
ICONS = {
    "search": "\ue8b6",
    "category": "\ue574",
    "lightbulb": "\ue0f0",
    "edit_note": "\ue745",
    "fact_check": "\uf0c5",
    "phone": "\ue0cd",
    "schedule": "\ue8b5",
    "warning": "\ue002",
    "check": "\ue5ca",
    "chevron_left": "\ue5cb",
    "chevron_right": "\ue5cc",
    "home": "\ue88a",
    "apartment": "\uea40",
    "event": "\ue878",
    "article": "\uef42",
    "close": "\ue5cd",
    "keyboard_hide": "\ue31a",
}

LabelBase.register("Icons", str(ICON_FONT))
