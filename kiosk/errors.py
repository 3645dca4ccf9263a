"""One exception family for every error a person can meet: Chinese for the screen, English for the log."""

from __future__ import annotations

import enum


class ExitStatus(enum.IntEnum):
    OK = 0
    ERROR = 1
    BAD_INPUT = 2
    OFFLINE = 3
    NOT_FOUND = 4
    REFUSED = 5
    INTERRUPTED = 130  # Ctrl-C: 128 + SIGINT, as shells report it


class KioskError(Exception):
    """Base of all errors shown to people. `message_zh` goes on the screen, `message_en` to logs."""

    exit_status = ExitStatus.ERROR

    def __init__(self, message_zh: str, message_en: str, *, field: str | None = None) -> None:
        super().__init__(message_en)
        self.message_zh = message_zh
        self.message_en = message_en
        self.field = field

    def to_dict(self) -> dict:
        data = {"message_zh": self.message_zh, "message_en": self.message_en}
        if self.field:
            data["field"] = self.field
        return data


class BadInput(KioskError):
    exit_status = ExitStatus.BAD_INPUT


class ConfigError(BadInput):
    """A config file or environment value that cannot be used; names the key."""


class NotFound(KioskError):
    exit_status = ExitStatus.NOT_FOUND


class Offline(KioskError):
    exit_status = ExitStatus.OFFLINE


class Refused(KioskError):
    """Security refusal: bad signature, rollback, expired feed, path escape."""

    exit_status = ExitStatus.REFUSED


class StorageError(KioskError):
    """The local database or disk cannot be used (full, corrupt, read-only)."""
