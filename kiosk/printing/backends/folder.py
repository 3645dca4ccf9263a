"""The folder backend: PDFs written to a directory, for development and for terminals without a printer."""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path

from kiosk.errors import StorageError
from kiosk.printing.backends.base import COMPLETED, FAILED, READY, UNAVAILABLE, JobStatus, PrinterInfo, PrintJob
from kiosk.private_files import write_private_file

_UNSAFE = re.compile(r"[^0-9A-Za-z_.-]+")


class FolderPrinter:
    kind = "folder"

    def __init__(self, directory: Path, *, spec: str = "folder", clock=datetime.now) -> None:
        self.directory = directory
        self.spec = spec
        self._clock = clock

    def submit(self, job: PrintJob) -> JobStatus:
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            stem = f"{self._clock():%Y%m%d-%H%M%S}-{job.kind}-{_UNSAFE.sub('_', job.label)[:60]}"
            target = self._write_new(stem, job.pdf.data)
        except OSError as exc:
            raise StorageError(
                "无法保存打印文件，请联系工作人员。", f"cannot write print job to {self.directory}: {exc}"
            ) from exc
        return JobStatus(target.name, COMPLETED, "已保存。", f"written to {target}")

    def _write_new(self, stem: str, data: bytes) -> Path:
        """Under the first free name (`stem.pdf`, `stem-2.pdf`, …), whole: written beside it and moved in,
        so a watcher never picks up half a PDF, and never over another job's file of the same second."""
        number = 1
        while True:
            candidate = self.directory / (f"{stem}.pdf" if number == 1 else f"{stem}-{number}.pdf")
            if not candidate.exists() and write_private_file(candidate, data, keep_existing=True):
                return candidate
            number += 1

    def status(self, job_id: str) -> JobStatus:
        if (self.directory / job_id).is_file():
            return JobStatus(job_id, COMPLETED, "已保存。", "file exists")
        return JobStatus(job_id, FAILED, "找不到该打印文件。", f"{job_id} is not in {self.directory}")

    def info(self) -> PrinterInfo:
        usable = self.directory.is_dir() and os.access(self.directory, os.W_OK)
        parent = _existing_parent(self.directory)
        creatable = not self.directory.exists() and parent.is_dir() and os.access(parent, os.W_OK)
        if usable or creatable:
            return PrinterInfo(self.spec, self.kind, READY, "就绪", "ready", details={"directory": str(self.directory)})
        return PrinterInfo(
            self.spec,
            self.kind,
            UNAVAILABLE,
            "打印文件夹无法写入，请联系工作人员。",
            f"{self.directory} is not writable",
            details={"directory": str(self.directory)},
        )


def _existing_parent(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path
