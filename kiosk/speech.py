"""Read text aloud in Mandarin, offline: espeak-ng in a child process that the screen can stop at once.

The UI must never wait on speech: `speak` starts the process and returns; `stop` ends it (and any
reading still going when a new one starts). The text goes through a temporary file, not the command
line, because a whole document is longer than one argument may be.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

from kiosk.errors import StorageError

log = logging.getLogger(__name__)

VOICE = "cmn"  # espeak-ng's Mandarin voice
WORDS_PER_MINUTE = 140  # a little slower than espeak's default: many listeners are elderly
_BLANKS = re.compile(r"[ \t\u3000]+")


def speakable(text: str) -> str:
    """Paragraphs as sentences: full-width spaces and runs of blanks would be read as pauses or noise."""
    lines = (_BLANKS.sub(" ", line).strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line)


class Speaker:
    """One reading at a time. `wav_path` writes the speech to a file instead of the sound card (tests)."""

    def __init__(
        self, voice: str = VOICE, words_per_minute: int = WORDS_PER_MINUTE, wav_path: Path | None = None
    ) -> None:
        self.voice = voice
        self.words_per_minute = words_per_minute
        self.wav_path = wav_path
        self._process: subprocess.Popen | None = None
        self._text_file: str | None = None
        self._lock = threading.Lock()

    @property
    def speaking(self) -> bool:
        with self._lock:
            return self._process is not None and self._process.poll() is None

    def speak(self, text: str) -> None:
        """Start reading `text` aloud and return at once; a reading already going is stopped first."""
        self.stop()
        text = speakable(text)
        if not text:
            return
        program = shutil.which("espeak-ng")
        if program is None:
            raise StorageError(
                "朗读功能未安装，请联系工作人员。", "espeak-ng is not installed (Debian package espeak-ng)"
            )
        handle, name = tempfile.mkstemp(prefix="kiosk-speech-", suffix=".txt")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        command = [program, "-v", self.voice, "-s", str(self.words_per_minute), "-f", name]
        if self.wav_path is not None:
            command += ["-w", str(self.wav_path)]
        with self._lock:
            self._text_file = name
            self._process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
        log.info("reading aloud: %d characters", len(text))  # never the text: it may be personal

    def wait(self, timeout: float | None = None) -> int | None:
        """Until the reading ends (for tests and the CLI); the UI never calls this."""
        process = self._process
        if process is None:
            return None
        try:
            return process.wait(timeout)
        finally:
            if process.poll() is not None:
                self._cleanup(process)

    def stop(self) -> None:
        """End the reading now, wherever it is."""
        with self._lock:
            process = self._process
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(1.0)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._cleanup(process)

    def _cleanup(self, process: subprocess.Popen) -> None:
        with self._lock:
            if self._process is process:
                self._process = None
                if self._text_file:
                    Path(self._text_file).unlink(missing_ok=True)
                    self._text_file = None
