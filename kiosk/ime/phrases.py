"""How well two words go together, from the word trigram model that Debian ships for fcitx5 (libime-data).

Our lexicon knows how often each word is used, not which words follow which: composing 离婚 + 登记
for lhdj, it would take the far more frequent 良好 + 登记. The model (zh_CN.lm, KenLM's binary
format, 17 MB, memory-mapped) says how much more likely 登记 is after 离婚 than on its own; the
engine adds that to a composed phrase's score. Queries take microseconds and nothing is loaded
into memory up front.
"""

from __future__ import annotations

import glob
import logging
import math
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

MODEL_GLOB = "/usr/lib/*/libime/zh_CN.lm"  # Debian libime-data, by machine architecture
LN10 = math.log(10)


def find_model() -> Path | None:
    found = sorted(glob.glob(MODEL_GLOB))
    return Path(found[0]) if found else None


class PhraseModel:
    """Word association from a KenLM model: log P(b | a) − log P(b), in natural-log units."""

    def __init__(self, path: Path) -> None:
        import kenlm

        # kenlm reports a bad file as OSError; a missing module as ImportError: both caught by load().
        self.model = kenlm.Model(str(path))
        self.path = path
        self._association = lru_cache(maxsize=65536)(self._compute)

    def association(self, first: str, second: str) -> float:
        return self._association(first, second)

    def _compute(self, first: str, second: str) -> float:
        # A catalog term the model lacks (教育经费) meets its neighbour through the word it ends with
        # (经费 → 支出); a word still unknown (a name) is neither helped nor hurt.
        first = self._known(first, ends=True)
        second = self._known(second, ends=False)
        if first is None or second is None:
            return 0.0
        score = self.model.score
        pair = score(f"{first} {second}", bos=False, eos=False)
        return LN10 * (pair - score(first, bos=False, eos=False) - score(second, bos=False, eos=False))

    def _known(self, word: str, *, ends: bool) -> str | None:
        """The word, or the longest known word of two or more characters at its end (or start)."""
        if word in self.model:
            return word
        for size in range(len(word) - 1, 1, -1):
            part = word[-size:] if ends else word[:size]
            if part in self.model:
                return part
        return None


def load(path: Path | None = None) -> PhraseModel | None:
    """The phrase model, or None (logged) when libime-data or the kenlm module is not installed."""
    path = path or find_model()
    if path is None:
        log.warning(
            "no word model at %s (Debian libime-data): phrases are composed by word frequency alone", MODEL_GLOB
        )
        return None
    try:
        return PhraseModel(path)
    except (ImportError, OSError, RuntimeError) as exc:
        log.warning("cannot load the word model %s: %s; phrases are composed by word frequency alone", path, exc)
        return None
