"""How an application reached the office, shared by the terminal and the central intake: typed in
by the resident at the kiosk, or handed in on paper and entered by a hall clerk in staff mode."""

from __future__ import annotations

KIOSK = "kiosk"
PAPER = "paper"
LABELS_ZH = {KIOSK: "自助终端", PAPER: "纸质申请"}
CHANNELS = tuple(LABELS_ZH)


def label_zh(channel: str) -> str:
    return LABELS_ZH.get(channel, channel)
