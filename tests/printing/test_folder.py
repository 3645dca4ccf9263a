import os
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest

from kiosk.errors import StorageError
from kiosk.printing.backends.base import COMPLETED, FAILED, READY, UNAVAILABLE, PrintJob
from kiosk.printing.backends.folder import FolderPrinter
from kiosk.printing.pdf import PdfFile

JOB = PrintJob(PdfFile(b"%PDF-1.4 test", 1), "document", "d20c2ad00d9abcee")


def test_a_job_becomes_a_pdf_in_the_folder_named_by_time_kind_and_label(tmp_path):
    printer = FolderPrinter(tmp_path / "prints", clock=lambda: datetime(2026, 11, 23, 10, 2, 3))
    status = printer.submit(JOB)
    assert status.state == COMPLETED
    assert status.job_id == "20261123-100203-document-d20c2ad00d9abcee.pdf"
    assert (tmp_path / "prints" / status.job_id).read_bytes() == b"%PDF-1.4 test"
    again = printer.submit(JOB)
    assert again.job_id == "20261123-100203-document-d20c2ad00d9abcee-2.pdf"
    assert not [p for p in (tmp_path / "prints").iterdir() if p.name.startswith(".")]  # no temporary left
    assert printer.status(status.job_id).state == COMPLETED
    assert printer.status("gone.pdf").state == FAILED


def test_a_folder_that_cannot_be_written_is_reported(tmp_path):
    assert FolderPrinter(tmp_path / "new").info().state == READY
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        if os.access(locked, os.W_OK):  # root may write anywhere: use a file where a folder should be
            (tmp_path / "file").write_text("x")
            locked = tmp_path / "file" / "sub"
        assert FolderPrinter(locked).info().state == UNAVAILABLE
    finally:
        (tmp_path / "locked").chmod(0o700)


def test_a_job_that_cannot_be_written_leaves_no_temporary_file(tmp_path, monkeypatch):
    def failing_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("os.fsync", failing_fsync)
    with pytest.raises(StorageError):
        FolderPrinter(tmp_path / "prints").submit(JOB)
    assert list((tmp_path / "prints").iterdir()) == []


def test_jobs_printed_at_once_in_the_same_second_never_overwrite_each_other(tmp_path):
    printer = FolderPrinter(tmp_path / "prints", clock=lambda: datetime(2026, 11, 23, 10, 2, 3))
    jobs = [PrintJob(PdfFile(f"%PDF-1.4 job {n}".encode(), 1), "document", "same") for n in range(120)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        names = list(pool.map(lambda job: printer.submit(job).job_id, jobs))
    assert len(set(names)) == len(jobs)
    written = sorted(p.read_bytes() for p in (tmp_path / "prints").iterdir())
    assert written == sorted(job.pdf.data for job in jobs)
