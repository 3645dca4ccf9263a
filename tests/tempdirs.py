"""Temporary folders that other system users (CUPS' `lp`, `postgres`) can reach, whatever TMPDIR and umask are."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


def _traversable_by_all(directory: Path) -> bool:
    for folder in (directory, *directory.parents):
        try:
            if not folder.stat().st_mode & stat.S_IXOTH:
                return False
        except OSError:
            return False
    return True


def shared_temp_parent() -> Path:
    """pytest's temp root and a private TMPDIR are often mode 0700, which locks out every other user."""
    candidates = [Path(tempfile.gettempdir()), Path("/tmp"), Path("/var/tmp"), Path("/dev/shm")]
    for candidate in candidates:
        if candidate.is_dir() and os.access(candidate, os.W_OK) and _traversable_by_all(candidate):
            return candidate
    raise RuntimeError(f"no temporary folder that other users can traverse among {candidates}")


def shared_temp_dir(prefix: str) -> Path:
    """A new folder, mode 0755 whatever the umask, under a parent other users can traverse."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=shared_temp_parent()))
    path.chmod(0o755)
    return path
