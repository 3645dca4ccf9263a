"""What every printer backend speaks: a job in, a job status out, and problems in words a resident understands."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Protocol

from kiosk.errors import Offline
from kiosk.printing.pdf import PdfFile

# Job states, the same for every backend.
QUEUED, PRINTING, STOPPED, COMPLETED, FAILED, CANCELED = (
    "queued",
    "printing",
    "stopped",
    "completed",
    "failed",
    "canceled",
)
FINISHED = (COMPLETED, FAILED, CANCELED)

# Printer states.
READY, BUSY, NEEDS_ATTENTION, UNAVAILABLE = "ready", "busy", "needs-attention", "unavailable"


@dataclass(frozen=True)
class PrintJob:
    pdf: PdfFile
    kind: str  # "document" or "receipt"
    label: str  # shown in the printer queue and used in file names: a document id, never personal data


@dataclass(frozen=True)
class JobStatus:
    job_id: str
    state: str
    message_zh: str = ""
    message_en: str = ""
    reasons: tuple[str, ...] = ()

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class PrinterInfo:
    spec: str
    kind: str  # folder, cups or escpos
    state: str
    message_zh: str = ""
    message_en: str = ""
    reasons: tuple[str, ...] = ()
    details: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)


class Printer(Protocol):
    spec: str
    kind: str

    def submit(self, job: PrintJob) -> JobStatus: ...

    def status(self, job_id: str) -> JobStatus: ...

    def info(self) -> PrinterInfo: ...


class PrinterProblem(Offline):
    """The printer needs a person (no paper, jam, off line); the job may still be waiting in its queue."""

    def __init__(self, message_zh: str, message_en: str, status: JobStatus | None = None) -> None:
        super().__init__(message_zh, message_en)
        self.status = status


# IPP printer-state-reasons (RFC 8011 §5.4.12, also used for our ESC/POS checks), most specific first.
_REASONS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (("media-empty", "media-needed"), "打印机缺纸，请联系工作人员加纸。", "printer is out of paper"),
    (("media-jam",), "打印机卡纸，请联系工作人员处理。", "paper jam"),
    (
        ("toner-empty", "marker-supply-empty", "marker-waste-full"),
        "打印机墨粉（耗材）用尽，请联系工作人员更换。",
        "toner or supplies empty",
    ),
    (("door-open", "cover-open", "interlock-open"), "打印机舱盖未关好，请联系工作人员。", "printer door or cover open"),
    (
        ("offline", "shutdown", "timed-out", "spool-area-full"),
        "打印机未连接或已关机，请联系工作人员。",
        "printer is off line",
    ),
    (("paused", "moving-to-paused"), "打印机已暂停使用，请联系工作人员。", "printer queue is paused"),
)
# What CUPS backends say when they cannot reach the device (they set no reason keyword for it).
_UNREACHABLE = (
    "may not exist or is unavailable",
    "unable to connect",
    "connection refused",
    "host is down",
    "no route",
)


def describe_problem(reasons: Iterable[str], message: str = "") -> tuple[str, str] | None:
    """(Chinese, English) for printer state reasons that stop printing; None when nothing needs a person."""
    keywords = []
    for reason in reasons:
        if reason in ("", "none") or reason.endswith("-warning"):
            continue  # warnings (paper low) do not stop a job
        keywords.append(reason.removesuffix("-error").removesuffix("-report"))
    for names, zh, en in _REASONS:
        if any(keyword in names for keyword in keywords):
            return zh, en
    lowered = message.lower()
    if any(phrase in lowered for phrase in _UNREACHABLE):
        return "打印机未连接或已关机，请联系工作人员。", f"printer unreachable: {message}"
    serious = [r for r in reasons if r.endswith("-error")]
    if serious:
        return "打印机出现故障，请联系工作人员。", "printer error: " + ", ".join(serious)
    return None


def wait_for_job(
    printer: Printer,
    status: JobStatus,
    *,
    timeout: float,
    interval: float = 0.5,
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic,
) -> JobStatus:
    """Poll until the job finishes, stops for a person, or `timeout` passes; the last status seen."""
    deadline = monotonic() + timeout
    while not status.finished and status.state != STOPPED and monotonic() < deadline:
        sleep(interval)
        status = printer.status(status.job_id)
    return status
