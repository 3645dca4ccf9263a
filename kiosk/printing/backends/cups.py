"""The CUPS backend through its own commands: `lp` submits, `ipptool` reads job and printer state, `lpstat` lists.

The commands need no build step (pycups needs libcups2-dev and a compiler) and speak to any
CUPS server: the local one, `CUPS_SERVER`, or the `host:port` in a `cups:QUEUE@host:port` spec.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
from dataclasses import dataclass

from kiosk.errors import NotFound, Offline
from kiosk.printing.backends.base import (
    BUSY,
    CANCELED,
    COMPLETED,
    FAILED,
    NEEDS_ATTENTION,
    PRINTING,
    QUEUED,
    READY,
    STOPPED,
    UNAVAILABLE,
    JobStatus,
    PrinterInfo,
    PrinterProblem,
    PrintJob,
    describe_problem,
)

log = logging.getLogger(__name__)

COMMAND_TIMEOUT = 20.0
_REQUEST_ID = re.compile(r"request id is (\S+)")
_ATTRIBUTE = re.compile(r"^\s+([a-z0-9-]+) \(([^)]*)\) = (.*)$")
_JOB_STATES = {
    "pending": QUEUED,
    "pending-held": STOPPED,
    "processing": PRINTING,
    "processing-stopped": STOPPED,
    "canceled": CANCELED,
    "aborted": FAILED,
    "completed": COMPLETED,
}
_NO_SCHEDULER = ("scheduler is not running", "unable to connect", "connection refused", "bad file descriptor")


def cups_available() -> bool:
    return shutil.which("lp") is not None and shutil.which("lpstat") is not None


def _scheduler_down(server: str | None) -> Offline:
    where = f"（{server}）" if server else ""
    return Offline(
        f"打印服务未运行{where}，请联系工作人员。", f"the CUPS scheduler {server or '(default)'} is not reachable"
    )


@dataclass
class _Run:
    returncode: int
    stdout: str
    stderr: str


class CupsPrinter:
    kind = "cups"

    def __init__(self, queue: str, server: str | None = None, *, spec: str | None = None) -> None:
        self.queue = queue
        self.server = server
        self.spec = spec or (f"cups:{queue}@{server}" if server else f"cups:{queue}")

    # -- commands ------------------------------------------------------------------------------

    def _run(self, argv: list[str], *, data: bytes | None = None) -> _Run:
        env = dict(os.environ, LANG="C", LC_ALL="C")  # messages in English, so they can be recognised
        try:
            done = subprocess.run(argv, input=data, capture_output=True, timeout=COMMAND_TIMEOUT, env=env)
        except FileNotFoundError as exc:
            raise Offline("本机未安装打印服务（CUPS），请联系工作人员。", f"{argv[0]} is not installed: {exc}") from exc
        except subprocess.TimeoutExpired as exc:
            raise _scheduler_down(self.server) from exc
        return _Run(done.returncode, done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace"))

    def _client(self, tool: str, *args: str) -> list[str]:
        return [tool, *(["-h", self.server] if self.server else []), *args]

    def _ipp_uri(self, path: str) -> str | None:
        server = self.server or os.environ.get("CUPS_SERVER") or "localhost:631"
        if server.startswith("/") or shutil.which("ipptool") is None:
            return None  # a domain socket or no ipptool: fall back to lpstat
        if ":" not in server:
            server += ":631"
        return f"ipp://{server}/{path}"

    def _ipp_attributes(self, path: str, test: str) -> dict[str, str] | None:
        uri = self._ipp_uri(path)
        if uri is None:
            return None
        run = self._run(["ipptool", "-T", "5", "-tv", uri, test])
        attributes: dict[str, str] = {}
        for line in run.stdout.splitlines():
            match = _ATTRIBUTE.match(line)
            if match:
                attributes.setdefault(match.group(1), match.group(3))
        if not attributes:
            text = (run.stdout + run.stderr).lower()
            if "not-found" in text or "not found" in text:
                return {}
            if any(phrase in text for phrase in _NO_SCHEDULER) or run.returncode != 0:
                raise _scheduler_down(self.server)
        return attributes

    # -- the backend ----------------------------------------------------------------------------

    def submit(self, job: PrintJob) -> JobStatus:
        title = f"{job.kind}-{job.label}"
        run = self._run(
            self._client("lp", "-d", self.queue, "-t", title, "-o", "document-format=application/pdf", "-"),
            data=job.pdf.data,
        )
        if run.returncode != 0:
            raise self._submit_error(run.stderr.strip() or run.stdout.strip())
        match = _REQUEST_ID.search(run.stdout)
        if not match:
            raise Offline("打印任务提交失败，请联系工作人员。", f"lp gave no request id: {run.stdout!r}")
        job_id = match.group(1)
        log.info("submitted %s job %s to CUPS queue %s (%d pages)", job.kind, job_id, self.queue, job.pdf.pages)
        return self.status(job_id)

    def _submit_error(self, text: str) -> Exception:
        lowered = text.lower()
        if any(phrase in lowered for phrase in _NO_SCHEDULER) or not scheduler_running(self.server):
            return _scheduler_down(self.server)  # lp says "does not exist" when it cannot reach the scheduler
        if "does not exist" in lowered or "not found" in lowered:
            return NotFound(f"找不到打印机“{self.queue}”，请联系工作人员。", f"CUPS queue {self.queue!r}: {text}")
        if "not accepting" in lowered:
            return PrinterProblem("打印机暂不接受打印任务，请联系工作人员。", f"CUPS queue {self.queue!r}: {text}")
        return Offline("打印任务提交失败，请联系工作人员。", f"lp failed for queue {self.queue!r}: {text}")

    def status(self, job_id: str) -> JobStatus:
        number = job_id.rsplit("-", 1)[-1]
        attributes = self._ipp_attributes(f"jobs/{number}", "get-job-attributes.test")
        if attributes is None:
            return self._status_from_lpstat(job_id)
        if not attributes:
            return JobStatus(job_id, FAILED, "找不到该打印任务。", f"CUPS has no job {job_id}")
        state = _JOB_STATES.get(attributes.get("job-state", ""), PRINTING)
        reasons = tuple(_split(attributes.get("job-printer-state-reasons", "")))
        message = attributes.get("job-printer-state-message", "")
        if state in (QUEUED, PRINTING, STOPPED):
            # A job waiting for a printer without paper looks "processing": the printer's reasons tell.
            printer = self._ipp_attributes(f"printers/{self.queue}", "get-printer-attributes.test") or {}
            reasons = tuple(dict.fromkeys(reasons + tuple(_split(printer.get("printer-state-reasons", "")))))
            message = message or printer.get("printer-state-message", "")
            problem = describe_problem(reasons, message)
            if problem:
                zh = f"{problem[0]}任务 {job_id} 仍在队列中，处理后会继续打印。"
                return JobStatus(job_id, STOPPED, zh, problem[1], reasons)
        if state == COMPLETED:
            return JobStatus(job_id, COMPLETED, "打印完成。", "completed", reasons)
        if state == CANCELED:
            return JobStatus(job_id, CANCELED, "打印任务已取消。", "canceled", reasons)
        if state == FAILED:
            return JobStatus(job_id, FAILED, "打印失败，请联系工作人员。", f"aborted: {message}", reasons)
        if state == STOPPED:
            return JobStatus(job_id, STOPPED, "打印任务已暂停，请联系工作人员。", f"held: {message}", reasons)
        return JobStatus(job_id, state, "正在打印…" if state == PRINTING else "排队等待打印…", state, reasons)

    def _status_from_lpstat(self, job_id: str) -> JobStatus:
        """Without ipptool: only waiting or gone (lpstat cannot tell a completed job from a canceled one)."""
        run = self._run(self._client("lpstat", "-W", "not-completed", "-o", self.queue))
        if run.returncode != 0 and any(p in run.stderr.lower() for p in _NO_SCHEDULER):
            raise _scheduler_down(self.server)
        if any(line.split()[:1] == [job_id] for line in run.stdout.splitlines()):
            return JobStatus(job_id, PRINTING, "正在打印…", "not completed")
        return JobStatus(job_id, COMPLETED, "打印完成。", "no longer queued")

    def info(self) -> PrinterInfo:
        attributes = self._ipp_attributes(f"printers/{self.queue}", "get-printer-attributes.test")
        if attributes is None:
            return self._info_from_lpstat()
        if not attributes:
            return PrinterInfo(
                self.spec, self.kind, UNAVAILABLE, f"找不到打印机“{self.queue}”。", f"no CUPS queue {self.queue!r}"
            )
        reasons = tuple(_split(attributes.get("printer-state-reasons", "")))
        message = attributes.get("printer-state-message", "")
        accepting = attributes.get("printer-is-accepting-jobs", "true") == "true"
        details = {
            "queue": self.queue,
            "server": self.server or os.environ.get("CUPS_SERVER") or "",
            "ipp_state": attributes.get("printer-state", ""),
            "accepting": accepting,
            "make_and_model": attributes.get("printer-make-and-model", ""),
            "queued_jobs": int(attributes.get("queued-job-count", "0") or 0),
        }
        problem = describe_problem(reasons, message)
        if problem:
            return PrinterInfo(self.spec, self.kind, NEEDS_ATTENTION, problem[0], problem[1], reasons, details)
        if not accepting:
            return PrinterInfo(
                self.spec,
                self.kind,
                NEEDS_ATTENTION,
                "打印机暂不接受打印任务。",
                "not accepting jobs",
                reasons,
                details,
            )
        if attributes.get("printer-state") == "processing":
            return PrinterInfo(self.spec, self.kind, BUSY, "正在打印", "printing", reasons, details)
        return PrinterInfo(self.spec, self.kind, READY, "就绪", "idle", reasons, details)

    def _info_from_lpstat(self) -> PrinterInfo:
        run = self._run(self._client("lpstat", "-p", self.queue))
        text = run.stdout + run.stderr
        if run.returncode != 0:
            if any(p in text.lower() for p in _NO_SCHEDULER):
                raise _scheduler_down(self.server)
            return PrinterInfo(self.spec, self.kind, UNAVAILABLE, f"找不到打印机“{self.queue}”。", text.strip())
        if "disabled" in text:
            return PrinterInfo(self.spec, self.kind, NEEDS_ATTENTION, "打印机已暂停使用，请联系工作人员。", "disabled")
        state = BUSY if "now printing" in text else READY
        return PrinterInfo(self.spec, self.kind, state, "正在打印" if state == BUSY else "就绪", text.strip())


def scheduler_running(server: str | None = None) -> bool:
    probe = CupsPrinter("", server)
    run = probe._run(probe._client("lpstat", "-r"))
    return "scheduler is running" in run.stdout


def list_queues(server: str | None = None) -> list[str]:
    """The queue names of a CUPS server (empty when it has none); Offline when the scheduler is down."""
    if not scheduler_running(server):
        raise _scheduler_down(server)  # `lpstat -e` lists nothing and exits 0 without a scheduler
    probe = CupsPrinter("", server)
    run = probe._run(probe._client("lpstat", "-e"))
    if run.returncode != 0:
        if any(p in run.stderr.lower() for p in _NO_SCHEDULER):
            raise _scheduler_down(server)
        return []
    return [line.strip() for line in run.stdout.splitlines() if line.strip()]


def default_queue(server: str | None = None) -> str | None:
    probe = CupsPrinter("", server)
    run = probe._run(probe._client("lpstat", "-d"))
    match = re.search(r"system default destination: (\S+)", run.stdout)
    return match.group(1) if match else None


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]
