"""Verified shards and documents of a sync in progress, appended to one pack file: at 100k documents,
creating, renaming and deleting a small file per document cost more than the data itself. The pack
survives a crash or a lost connection, so the next sync resumes instead of starting over; every
object read back is checked against its SHA-256 again, so a torn or damaged pack only costs a re-fetch."""

from __future__ import annotations

import hashlib
import logging
import shutil
from pathlib import Path

from kiosk.sync.sources import storage_error

log = logging.getLogger(__name__)

PACK_NAME = "objects.pack"
INDEX_NAME = "objects.idx"  # one line per object: "<sha256> <offset> <size>"


class StagingPack:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.index: dict[str, tuple[int, int]] = {}
        try:
            directory.mkdir(parents=True, exist_ok=True)
            self.pack = (directory / PACK_NAME).open("ab+")
            self.pack.seek(0, 2)
            pack_size = self.pack.tell()
            index_path = directory / INDEX_NAME
            if index_path.exists():
                for line in index_path.read_text("ascii", errors="replace").splitlines():
                    parts = line.split()
                    if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
                        offset, size = int(parts[1]), int(parts[2])
                        if offset + size <= pack_size:
                            self.index[parts[0]] = (offset, size)
            self.index_file = index_path.open("a", encoding="ascii")
        except OSError as exc:
            raise storage_error(exc, str(directory)) from exc
        if self.index:
            log.info("resuming a sync: %d verified objects already staged", len(self.index))

    def has(self, sha: str, size: int) -> bool:
        return self.index.get(sha, (0, -1))[1] == size

    def get(self, sha: str, size: int) -> bytes | None:
        """The staged object when it is there and still verifies; else None (fetch it again)."""
        found = self.index.get(sha)
        if found is None or found[1] != size:
            return None
        self.pack.seek(found[0])
        data = self.pack.read(size)
        if len(data) != size or hashlib.sha256(data).hexdigest() != sha:
            del self.index[sha]
            return None
        return data

    def put(self, sha: str, data: bytes) -> None:
        """Append a verified object. No fsync: a lost write is only a re-fetch, never a wrong catalog."""
        try:
            self.pack.seek(0, 2)
            offset = self.pack.tell()
            self.pack.write(data)
            self.pack.flush()  # the data before its index line, so the index never points past the pack
            self.index_file.write(f"{sha} {offset} {len(data)}\n")
            self.index_file.flush()
        except OSError as exc:
            raise storage_error(exc, str(self.directory / PACK_NAME)) from exc
        self.index[sha] = (offset, len(data))

    def close(self) -> None:
        for handle in (getattr(self, "pack", None), getattr(self, "index_file", None)):
            if handle is not None:
                try:
                    handle.close()
                except OSError:
                    log.warning("could not close the staging pack in %s", self.directory)

    def remove(self) -> None:
        self.close()
        shutil.rmtree(self.directory, ignore_errors=True)
