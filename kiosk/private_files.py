"""Small private files (keys, the PIN hash, provisioned tokens, printed PDFs) written whole or not at all
and never readable by others, not even for an instant: one implementation instead of a copy per caller."""

from __future__ import annotations

import logging
import os
import stat
import tempfile
from pathlib import Path

# layout's copy is the one fsync_dir: layout must stay standard-library-only and self-contained (it is
# copied out as the crash hook), so it cannot import one from here.
from kiosk.update.layout import fsync_dir

log = logging.getLogger(__name__)


def write_private_file(path: Path, data: bytes, mode: int = 0o600, *, keep_existing: bool = False) -> bool:
    """Put `data` at `path` with exactly `mode` (whatever the umask), so that a crash at any moment leaves
    the old file or the new one, whole: a unique temporary file beside it (O_CREAT|O_EXCL, 0600 from its
    first instant), written, fsync'd, moved into place, the directory fsync'd. The temporary file is
    removed on any failure. With `keep_existing` a file already at `path` is left untouched, even one a
    racing process puts there a moment earlier, and False is returned; otherwise True. OSError
    propagates for the caller to turn into its own error."""
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temporary = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), mode)  # before the content, and past the umask both ways
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if keep_existing:
            try:
                # link, not rename: it fails rather than replace, so the first writer wins.
                os.link(temporary, path)
                written = True
            except FileExistsError:
                written = False
            temporary.unlink()
        else:
            os.replace(temporary, path)
            written = True
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    # Also when another process won the race: its directory entry must be durable before this one uses
    # the file it found (a key that seals data, say).
    fsync_dir(path.parent)
    return written


def tighten_private_file(path: Path, what: str) -> None:
    """A private file others may read (copied by hand, restored from a backup) is made owner-only again
    before it is used; OSError goes to the caller, which says what could not be read."""
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        log.warning("%s file had mode %o; tightening to 600", what, mode)
        path.chmod(0o600)
