"""What residents of this terminal chose before, so a term picked once comes first the next time.

Initials are ambiguous (db is 担保, 代表 and 低保 alike); at a disclosure-zone kiosk the same few terms
are looked for over and over, so the terminal learns them: a choice made in the search box is
remembered with its syllables, and the next time the same letters (or its initials) are typed it is
offered first. Only fields that ask for it learn: the application form's names, ID numbers and
addresses never reach this file. Counts halve every HALF_LIFE_DAYS so last year's topic fades, the
file keeps at most MAX_ENTRIES terms, and `kiosk ime forget` empties it.
"""

from __future__ import annotations

import logging
import math
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from kiosk.errors import StorageError
from kiosk.ime.pinyin import abbreviation

log = logging.getLogger(__name__)

HALF_LIFE_DAYS = 30.0
MAX_ENTRIES = 2000
MAX_TERM_CHARS = 12  # longer choices are sentences, not terms worth offering again
# Chosen once, a term comes first for its letters ahead of all but the most frequent words (a common
# word scores -8 to -12 in the engine); each further choice adds LEARNED_WEIGHT × log(1 + count).
LEARNED_WEIGHT = 6.0
LEARNED_BASE = -12.0
SCHEMA = """
CREATE TABLE IF NOT EXISTS choices(word TEXT NOT NULL, py TEXT NOT NULL, abbr TEXT NOT NULL,
                                   count REAL NOT NULL, used REAL NOT NULL, PRIMARY KEY (word, py));
"""


@dataclass(frozen=True)
class Learned:
    word: str
    syllables: tuple[str, ...]
    score: float


class ChoiceHistory:
    """The terminal's remembered choices; read by the engine on every keystroke from memory, written
    on a choice (a few ms, synchronous=NORMAL: losing the last choice to a power cut costs nothing)."""

    def __init__(self, path: Path, *, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self.clock = clock
        self._lock = threading.Lock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(SCHEMA)
            rows = list(self.db.execute("SELECT word, py, abbr, count, used FROM choices"))
        except sqlite3.Error as exc:
            raise StorageError("无法打开输入法记忆。", f"cannot open the input-method history {path}: {exc}") from exc
        self._by_abbr: dict[str, dict[tuple[str, str], tuple[float, float]]] = {}
        self._prefixes: set[str] = set()
        for word, py, abbr, count, used in rows:
            self._add(abbr, (word, py), (count, used))

    def close(self) -> None:
        self.db.close()

    def __len__(self) -> int:
        return sum(len(entries) for entries in self._by_abbr.values())

    def learn(self, word: str, syllables: Iterable[str]) -> None:
        """Remember that `word` was chosen for these syllables."""
        syllables = tuple(syllables)
        if not word or len(word) > MAX_TERM_CHARS or len(syllables) != len(word):
            return
        py, abbr, now = " ".join(syllables), abbreviation(syllables), self.clock()
        with self._lock:
            previous = self._by_abbr.get(abbr, {}).get((word, py), (0.0, now))
            count = self._decayed(*previous, now) + 1.0
            self._add(abbr, (word, py), (count, now))
            try:
                self.db.execute("INSERT OR REPLACE INTO choices VALUES (?, ?, ?, ?, ?)", (word, py, abbr, count, now))
                if len(self) > MAX_ENTRIES:
                    self._forget_oldest(now)
            except sqlite3.Error as exc:
                # A full disk must not stop a resident typing: the choice is kept in memory only.
                log.warning("cannot save an input-method choice: %s", exc)

    def forget(self) -> int:
        """Empty the history (a clerk's command); returns how many terms were forgotten."""
        with self._lock:
            count = len(self)
            self._by_abbr.clear()
            self._prefixes.clear()
            try:
                self.db.execute("DELETE FROM choices")
                self.db.execute("VACUUM")
            except sqlite3.Error as exc:
                raise StorageError("无法清除输入法记忆。", f"cannot clear {self.path}: {exc}") from exc
        return count

    def has_prefix(self, abbr: str) -> bool:
        """Whether some learned term's initials begin with `abbr` (the engine stops walking otherwise)."""
        return abbr in self._prefixes

    def matching(self, abbr: str) -> list[Learned]:
        """Learned terms whose initials are `abbr`, with their score for ranking among candidates."""
        now = self.clock()
        return [
            Learned(word, tuple(py.split()), LEARNED_BASE + LEARNED_WEIGHT * math.log1p(self._decayed(c, used, now)))
            for (word, py), (c, used) in self._by_abbr.get(abbr, {}).items()
        ]

    def terms(self) -> list[dict]:
        now = self.clock()
        return sorted(
            (
                {"word": word, "pinyin": py, "count": round(self._decayed(c, used, now), 2)}
                for entries in self._by_abbr.values()
                for (word, py), (c, used) in entries.items()
            ),
            key=lambda item: -item["count"],
        )

    def _add(self, abbr: str, key: tuple[str, str], value: tuple[float, float]) -> None:
        self._by_abbr.setdefault(abbr, {})[key] = value
        self._prefixes.update(abbr[:i] for i in range(1, len(abbr) + 1))

    @staticmethod
    def _decayed(count: float, used: float, now: float) -> float:
        days = max(now - used, 0.0) / 86400
        return count * 0.5 ** (days / HALF_LIFE_DAYS)

    def _forget_oldest(self, now: float) -> None:
        scored = sorted(
            (self._decayed(c, used, now), abbr, key)
            for abbr, entries in self._by_abbr.items()
            for key, (c, used) in entries.items()
        )
        for _score, abbr, key in scored[: len(scored) - MAX_ENTRIES]:
            del self._by_abbr[abbr][key]
            self.db.execute("DELETE FROM choices WHERE word = ? AND py = ?", key)
