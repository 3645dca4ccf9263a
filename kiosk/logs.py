"""Logging to stderr and a rotating file in the home, with personal data scrubbed as a last defence."""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

from kiosk.applications.masking import PERSONAL_PATTERNS

# Code never logs personal data; this filter catches what slips through (IDs, phones, e-mails),
# with the same patterns that mask them in free text on receipts and lists.
_SCRUB = tuple((pattern, f"[{kind}]") for kind, pattern in PERSONAL_PATTERNS)


def scrub(text: str) -> str:
    for pattern, replacement in _SCRUB:
        text = pattern.sub(replacement, text)
    return text


class ScrubFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# peewee logs every statement with its parameters at DEBUG (names, ID numbers of applicants). Its
# level is set here, apart from the root's: Kivy sets the root logger to NOTSET when it loads.
SQL_LOGGERS = ("peewee", "peewee.pool", "playhouse")


class _NoSqlFilter(logging.Filter):
    """A last defence for the handlers: statement logs never reach a file or the terminal."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.levelno < logging.INFO and record.name.split(".")[0] in {"peewee", "playhouse"})


class _NotShownFilter(logging.Filter):
    """An error the CLI already showed the person in Chinese and English (`extra={"shown": True}`)
    is not printed a second time as a log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(record, "shown", False)


class _BriefFormatter(logging.Formatter):
    """The terminal gets the message only: a traceback is for the log file, never for a person."""

    def format(self, record: logging.LogRecord) -> str:
        text = f"{record.levelname} {record.name}: {record.getMessage()}"
        # Undecodable bytes from a command line would make the stream itself raise.
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def setup_logging(
    log_dir: Path | None, level: str = "INFO", *, stderr: bool = True, stderr_level: str = "WARNING"
) -> None:
    """The file log at `level` (the log_level option, INFO unless debugging) and, unless `stderr` is
    False (--json output), warnings on stderr. Replaces the handlers of an earlier call."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_kiosk", False):
            root.removeHandler(handler)
            handler.close()
    for name in SQL_LOGGERS:
        logging.getLogger(name).setLevel(logging.INFO)
    handlers: list[logging.Handler] = []
    if stderr:
        stream = logging.StreamHandler(sys.stderr)
        stream.setLevel(stderr_level)
        stream.setFormatter(_BriefFormatter())
        stream.addFilter(_NotShownFilter())
        handlers.append(stream)
    if log_dir is not None:
        try:
            log_dir.mkdir(parents=True, exist_ok=True)
            file_handler = logging.handlers.RotatingFileHandler(
                log_dir / "kiosk.log", maxBytes=2_000_000, backupCount=5, encoding="utf-8", errors="backslashreplace"
            )
        except OSError as exc:
            print(f"logging to {log_dir} is not possible: {exc}", file=sys.stderr)
        else:
            file_handler.setLevel(level)
            file_handler.setFormatter(logging.Formatter(_FORMAT))
            handlers.append(file_handler)
    if not handlers:
        # Without any handler Python's last resort would print warnings to stderr after all.
        handlers.append(logging.NullHandler())
    levels = [handler.level for handler in handlers if handler.level]
    root.setLevel(min(levels) if levels else logging.WARNING)
    for handler in handlers:
        handler._kiosk = True  # type: ignore[attr-defined]
        handler.addFilter(_NoSqlFilter())
        handler.addFilter(ScrubFilter())
        root.addHandler(handler)
