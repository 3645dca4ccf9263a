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


def setup_logging(log_dir: Path | None, level: str = "INFO", *, stderr: bool = True) -> None:
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_kiosk", False):
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
    handlers: list[logging.Handler] = []
    if stderr:
        stream = logging.StreamHandler(sys.stderr)
        stream.setLevel(logging.WARNING)
        handlers.append(stream)
    if log_dir is not None:
        try:
            log_dir.mkdir(parents=True, exist_ok=True)
            handlers.append(
                logging.handlers.RotatingFileHandler(
                    log_dir / "kiosk.log", maxBytes=2_000_000, backupCount=5, encoding="utf-8"
                )
            )
        except OSError as exc:
            print(f"logging to {log_dir} is not possible: {exc}", file=sys.stderr)
    for handler in handlers:
        handler._kiosk = True  # type: ignore[attr-defined]
        handler.setFormatter(logging.Formatter(_FORMAT))
        handler.addFilter(ScrubFilter())
        root.addHandler(handler)
