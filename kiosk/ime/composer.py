"""What the on-screen keyboard holds while a person types pinyin, headless so it is tested without Kivy.

Typed letters become candidates; choosing a candidate for the first part of the input keeps the rest
to convert next (政务 for zhengwu…, then 公开); backspace edits the pinyin first and gives back a chosen
word's letters before it ever deletes committed characters; the candidate bar pages.
"""

from __future__ import annotations

from kiosk.ime.engine import Candidate, Engine
from kiosk.ime.pinyin import clean

MAX_TYPED = 60  # longer input is a stuck key or a game, not a search term


class Composer:
    def __init__(self, engine: Engine, page_size: int = 6, *, learn: bool = False) -> None:
        self.engine = engine
        self.page_size = page_size
        # Only fields that ask for it teach the engine (the search box): never names or addresses.
        self.learn = learn
        self.typed = ""  # cleaned letters (and apostrophes) typed since the last commit
        self.chosen: list[Candidate] = []  # words chosen for the first part of `typed`
        self.page = 0
        self._candidates: list[Candidate] = []

    # --- what the keyboard shows ---------------------------------------------------------------------

    @property
    def composing(self) -> bool:
        return bool(self.typed)

    @property
    def remaining(self) -> str:
        """The letters still to convert."""
        return self.typed[sum(c.consumed for c in self.chosen) :]

    @property
    def preedit(self) -> str:
        """The input line: chosen words, then the letters still to convert (政务gongkai)."""
        return "".join(c.text for c in self.chosen) + self.remaining

    def page_candidates(self) -> list[Candidate]:
        start = self.page * self.page_size
        return self._candidates[start : start + self.page_size]

    @property
    def has_previous_page(self) -> bool:
        return self.page > 0

    @property
    def has_next_page(self) -> bool:
        return (self.page + 1) * self.page_size < len(self._candidates)

    # --- what the person does ------------------------------------------------------------------------

    def type(self, key: str) -> None:
        letters = clean(key)
        for letter in letters:
            if len(self.typed) >= MAX_TYPED:
                break
            if letter == "'" and (not self.remaining or self.typed.endswith("'")):
                continue  # a separator only between letters
            self.typed += letter
        self._refresh()

    def backspace(self) -> bool:
        """Edit the composition; False when there is none (the keyboard then deletes in the text field)."""
        if self.remaining:
            self.typed = self.typed[:-1]
        elif self.chosen:
            self.chosen.pop()  # its letters are the remaining input again
        else:
            return False
        if not self.typed:
            self.chosen.clear()
        self._refresh()
        return True

    def choose(self, index: int) -> str | None:
        """Take the index-th candidate of the page; returns the text to insert once nothing is left."""
        page = self.page_candidates()
        if not 0 <= index < len(page):
            return None
        self.chosen.append(page[index])
        if not self.remaining.strip("'"):
            self._remember(self.chosen)
            return self._finish("".join(c.text for c in self.chosen))
        self._refresh()
        return None

    def choose_first(self) -> str | None:
        """The space key: the best candidate, or the letters themselves when there is none."""
        if not self._candidates:
            return self.commit_raw() if self.typed else None
        self.page = 0
        return self.choose(0)

    def commit_raw(self) -> str:
        """The enter key: what the input line shows, letters included (for a Latin word in pinyin mode)."""
        return self._finish(self.preedit.replace("'", ""))

    def clear(self) -> None:
        self._finish("")

    def next_page(self) -> None:
        if self.has_next_page:
            self.page += 1

    def previous_page(self) -> None:
        if self.has_previous_page:
            self.page -= 1

    # -------------------------------------------------------------------------------------------------

    def _remember(self, chosen: list[Candidate]) -> None:
        """Teach the engine's history the term: each word chosen, and the whole when it took several."""
        history = self.engine.history
        if not self.learn or history is None:
            return
        for candidate in chosen:
            history.learn(candidate.text, candidate.pinyin.split())
        if len(chosen) > 1:
            history.learn("".join(c.text for c in chosen), " ".join(c.pinyin for c in chosen).split())

    def _finish(self, text: str) -> str:
        self.typed, self.chosen, self.page, self._candidates = "", [], 0, []
        return text

    def _refresh(self) -> None:
        self.page = 0
        remaining = self.remaining
        self._candidates = self.engine.candidates(remaining, limit=60) if remaining.strip("'") else []
