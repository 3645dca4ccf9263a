"""Printing as the kiosk and the CLI use it: render, choose pages, check the quota, send, wait, log."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kiosk.applications.receipt import receipt_data
from kiosk.catalog.catalog_db import open_store
from kiosk.catalog.documents import document_to_dict, get_document
from kiosk.environment import Env
from kiosk.errors import KioskError, Offline, StorageError
from kiosk.printing.backends.base import COMPLETED, STOPPED, JobStatus, Printer, PrinterProblem, PrintJob
from kiosk.printing.backends.base import wait_for_job as _wait
from kiosk.printing.document import document_pdf
from kiosk.printing.pdf import PdfFile, format_page_ranges, parse_page_ranges, select_pages
from kiosk.printing.printers import configured_spec, open_printer, receipt_form
from kiosk.printing.printlog import record_print
from kiosk.printing.quota import PageQuota
from kiosk.printing.receipt import Office, receipt_pdf
from kiosk.usage import count_print

log = logging.getLogger(__name__)

DEFAULT_WAIT = 60.0


@dataclass
class PrintOutcome:
    kind: str  # document or receipt
    printer: str  # the printer spec, or "file" for --out
    pages: str  # the pages sent, as a range ("1-3,5")
    page_count: int
    total_pages: int
    job: JobStatus | None = None
    output: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["job"] = self.job.to_dict() if self.job else None
        return data


# --- documents ----------------------------------------------------------------------------------


def render_document(env: Env, doc_id: str, *, large: bool = False) -> tuple[dict[str, Any], PdfFile]:
    """The catalog document `doc_id` laid out as an A4 PDF."""
    open_store(env.catalog_db)
    doc = document_to_dict(get_document(doc_id), with_body=True)
    return doc, document_pdf(doc, zone_name=env.config.zone_name, printed_at=env.now(), large=large)


def _chosen(pdf: PdfFile, pages: str | None) -> tuple[PdfFile, list[int]]:
    chosen = parse_page_ranges(pages, pdf.pages) if pages else list(range(1, pdf.pages + 1))
    return select_pages(pdf, chosen), chosen


def save_document(env: Env, doc_id: str, out: Path, *, pages: str | None = None, large: bool = False) -> PrintOutcome:
    """Write the PDF to a file (no paper, so no quota)."""
    doc, pdf = render_document(env, doc_id, large=large)
    selected, chosen = _chosen(pdf, pages)
    _write(out, selected.data)
    return PrintOutcome("document", "file", format_page_ranges(chosen), selected.pages, pdf.pages, output=str(out))


def print_document(
    env: Env,
    doc_id: str,
    *,
    printer: str | None = None,
    pages: str | None = None,
    large: bool = False,
    quota: PageQuota | None = None,
    confirmed: bool = False,
    wait: float = DEFAULT_WAIT,
) -> PrintOutcome:
    """Print a catalog document; a long one asks (QuotaExceeded) before printing more than the visit's quota."""
    quota = quota if quota is not None else PageQuota(env.config.print_quota_pages)
    doc, pdf = render_document(env, doc_id, large=large)
    selected, chosen = _chosen(pdf, pages)
    quota.check(selected.pages, total=pdf.pages, whole_document=pages is None, confirmed=confirmed)
    spec = printer or configured_spec(env, "documents")
    backend = open_printer(env, spec)
    page_range = format_page_ranges(chosen)
    job = _send(
        env,
        backend,
        PrintJob(selected, "document", doc_id),
        wait=wait,
        log_fields={"document_id": doc_id, "pages": page_range, "page_count": selected.pages, "large": large},
        on_accepted=lambda: quota.charge(selected.pages),
    )
    count_print(env, doc_id, selected.pages)
    return PrintOutcome("document", backend.spec, page_range, selected.pages, pdf.pages, job)


# --- receipts -----------------------------------------------------------------------------------


def load_receipt_data(env: Env, tracking: str) -> dict[str, Any]:
    """The applications module's receipt data for `tracking`, masked; NotFound for an unknown number."""
    return receipt_data(env, tracking)


def render_receipt(env: Env, data: dict[str, Any], *, form: str = "a4") -> PdfFile:
    return receipt_pdf(data, Office.from_config(env.config), printed_at=env.now(), form=form)


def save_receipt(env: Env, data: dict[str, Any], out: Path, *, form: str | None = None) -> PrintOutcome:
    form = form or (env.config.receipt_form if env.config.receipt_form != "auto" else "a4")
    pdf = render_receipt(env, data, form=form)
    _write(out, pdf.data)
    return PrintOutcome("receipt", "file", "1", pdf.pages, pdf.pages, output=str(out), extra={"form": form})


def print_receipt(
    env: Env, data: dict[str, Any], *, printer: str | None = None, wait: float = DEFAULT_WAIT
) -> PrintOutcome:
    """Print a receipt (never counted against the quota: a resident always gets the receipt)."""
    backend = open_printer(env, printer or configured_spec(env, "receipts"))
    form = receipt_form(env, backend)
    pdf = render_receipt(env, data, form=form)
    job = _send(
        env,
        backend,
        PrintJob(pdf, "receipt", "receipt"),
        wait=wait,
        log_fields={"pages": "1", "page_count": pdf.pages, "form": form},
    )
    return PrintOutcome("receipt", backend.spec, "1", pdf.pages, pdf.pages, job, extra={"form": form})


# --- the shared path ----------------------------------------------------------------------------


def _send(
    env: Env,
    backend: Printer,
    job: PrintJob,
    *,
    wait: float,
    log_fields: dict[str, Any],
    on_accepted=None,
) -> JobStatus:
    try:
        status = backend.submit(job)
    except KioskError as exc:
        record_print(env, kind=job.kind, printer=backend.spec, state="refused", **log_fields)
        log.warning("print job refused by %s: %s", backend.spec, exc.message_en)
        raise
    if on_accepted is not None:
        on_accepted()
    if wait > 0:
        status = _wait(backend, status, timeout=wait)
    record_print(env, kind=job.kind, printer=backend.spec, job_id=status.job_id, state=status.state, **log_fields)
    if status.state == STOPPED:
        raise PrinterProblem(status.message_zh, status.message_en, status)
    if status.finished and status.state != COMPLETED:
        raise PrinterProblem(status.message_zh or "打印失败，请联系工作人员。", status.message_en, status)
    return status


def _write(out: Path, data: bytes) -> None:
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(data)
    except OSError as exc:
        raise StorageError(f"无法写入文件 {out}。", f"cannot write {out}: {exc}") from exc


# --- what printers there are --------------------------------------------------------------------


def printers_overview(env: Env) -> dict[str, Any]:
    """The configured printer per job type with its state, and the CUPS queues this terminal can see."""
    from kiosk.printing.backends.cups import CupsPrinter, cups_available, default_queue, list_queues

    defaults = {}
    for kind in ("documents", "receipts"):
        spec = configured_spec(env, kind)
        defaults[kind] = _info(env, spec)
    cups: dict[str, Any] = {"installed": cups_available(), "running": False, "queues": [], "default": None}
    if cups["installed"]:
        try:
            names = list_queues()
            cups["running"] = True
            cups["default"] = default_queue()
            cups["queues"] = [CupsPrinter(name).info().to_dict() for name in names]
        except Offline as exc:
            cups["message_zh"], cups["message_en"] = exc.message_zh, exc.message_en
    return {"defaults": defaults, "cups": cups, "quota_pages": env.config.print_quota_pages}


def _info(env: Env, spec: str) -> dict[str, Any]:
    try:
        return open_printer(env, spec).info().to_dict()
    except KioskError as exc:
        return {"spec": spec, "kind": spec.partition(":")[0], "state": "unavailable", **exc.to_dict()}
