"""Copy a published feed to a USB stick (or any folder), only what is missing there: objects first,
each checked against its name and fsync'd, the signed root last, so a stick pulled out half-way
still holds the previous feed whole."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.errors import BadInput, StorageError
from kiosk.sync.feed import OBJECTS_DIR, ROOT_NAME, is_sha256
from kiosk.update.layout import fsync_dir
from kiosk.update.release import RELEASE_DIR

if TYPE_CHECKING:
    from kiosk.sync.updater import Progress


@dataclass
class ExportReport:
    to: str
    version: int | None
    copied: int = 0
    skipped: int = 0
    bytes_copied: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


def _copy(source: Path, target: Path, *, expect_sha: str | None) -> int:
    digest = hashlib.sha256()
    temporary = target.with_name(target.name + ".tmp")
    size = 0
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with source.open("rb") as reader, temporary.open("wb") as writer:
            for chunk in iter(lambda: reader.read(1 << 20), b""):
                digest.update(chunk)
                writer.write(chunk)
                size += len(chunk)
            writer.flush()
            os.fsync(writer.fileno())
        if expect_sha is not None and digest.hexdigest() != expect_sha:
            temporary.unlink(missing_ok=True)
            raise BadInput(
                f"发布目录中的文件 {source.name[:12]}… 已损坏，请重新发布后再导出。",
                f"{source} does not match its name",
            )
        temporary.replace(target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise StorageError(
            f"写入 {target.parent} 失败（U盘已满或已拔出？）。", f"cannot copy {source} to {target}: {exc}"
        ) from exc
    return size


def _fsync_tree(root: Path) -> None:
    for directory in [root, *[p for p in root.rglob("*") if p.is_dir()]]:
        fsync_dir(directory)


def export_feed(feed: Path, to: Path, *, progress: Progress | None = None) -> ExportReport:
    """Copy the feed's objects missing at `to`, then its root; `progress("copy", done, total)` per object."""
    root_file = feed / ROOT_NAME
    if not root_file.is_file():
        raise BadInput(f"{feed} 不是发布目录（没有 {ROOT_NAME}）。", f"{feed} has no {ROOT_NAME}", field="feed")
    try:
        version = json.loads(root_file.read_text(encoding="utf-8"))["signed"]["version"]
    except (ValueError, KeyError, TypeError) as exc:
        raise BadInput(f"{root_file} 已损坏。", f"{root_file} is not a feed root: {exc}", field="feed") from exc
    report = ExportReport(to=str(to), version=version if isinstance(version, int) else None)
    try:
        to.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"无法创建导出目录 {to}。", f"cannot create {to}: {exc}") from exc
    _export_signed_folder(feed, to, report, progress)
    # The software release (kiosk update) has the same layout in its own folder: a stick carries both.
    if (feed / RELEASE_DIR / ROOT_NAME).is_file():
        _export_signed_folder(feed / RELEASE_DIR, to / RELEASE_DIR, report, progress)
    return report


def _export_signed_folder(feed: Path, to: Path, report: ExportReport, progress: Progress | None) -> None:
    """Objects first, each checked against its name, then the signed root: a stick pulled out half-way
    still holds the previous version whole."""
    root_file = feed / ROOT_NAME
    objects = feed / OBJECTS_DIR
    # Temporary files of a publish in progress are not objects.
    paths = [p for p in sorted(objects.rglob("*")) if p.is_file() and is_sha256(p.name)] if objects.is_dir() else []
    for done, path in enumerate(paths):
        if progress is not None:
            progress("copy", done, len(paths))
        target = to / path.relative_to(feed)
        if target.is_file() and target.stat().st_size == path.stat().st_size:
            report.skipped += 1
            continue
        report.bytes_copied += _copy(path, target, expect_sha=path.name)
        report.copied += 1
    if progress is not None:
        progress("copy", len(paths), len(paths))
    _fsync_tree(to)
    target_root = to / ROOT_NAME
    if not (target_root.is_file() and target_root.read_bytes() == root_file.read_bytes()):
        report.bytes_copied += _copy(root_file, target_root, expect_sha=None)
        report.copied += 1
    _fsync_tree(to)
