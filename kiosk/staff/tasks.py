"""The clerk's buttons that act on the terminal: deliver the outbox now, sync the catalog now (with
progress for a bar), the printers' state per job type and a test page through each. Each returns
data and a Chinese line for the screen; the screens run them in a worker thread."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass, field
from typing import Any

from kiosk import __version__
from kiosk.applications.outbox import deliver_outbox
from kiosk.environment import Env
from kiosk.errors import BadInput, KioskError
from kiosk.printing.backends.base import COMPLETED, STOPPED, PrintJob
from kiosk.printing.backends.base import wait_for_job as _wait
from kiosk.printing.pdf import PdfFile
from kiosk.printing.printers import JOB_KINDS, configured_spec, open_printer
from kiosk.printing.printlog import record_print
from kiosk.sync.updater import Progress, sync_catalog

log = logging.getLogger(__name__)

JOB_KINDS_ZH = {"documents": "文件打印", "receipts": "回执打印"}
PRINT_JOB_KIND = {"documents": "document", "receipts": "receipt"}  # the backends' word for a job's type
STATE_ZH = {"ready": "就绪", "busy": "正在打印", "needs-attention": "需要处理", "unavailable": "无法使用"}
SYNC_PHASES_ZH = {"shards": "检查目录", "documents": "下载文件", "attachments": "下载附件", "apply": "更新目录"}
TEST_PAGE_WAIT = 60.0


# --- the outbox ---------------------------------------------------------------------------------


@dataclass
class TaskOutcome:
    ok: bool
    message_zh: str
    message_en: str
    data: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "message_zh": self.message_zh, "message_en": self.message_en, **self.data}


def deliver_now(env: Env) -> TaskOutcome:
    """立即发送: one outbox pass ignoring back-off, summed up in one line."""
    try:
        report = deliver_outbox(env, force=True)
    except KioskError as exc:
        return TaskOutcome(False, exc.message_zh, exc.message_en)
    parts = []
    if report.delivered or report.replayed:
        parts.append(f"送达 {report.delivered + report.replayed} 份")
    if report.held:
        parts.append(f"{report.held} 份被中心拒收，请查看申请队列")
    if report.offline:
        parts.append("中心暂时无法访问，稍后自动重试")
    parts.append(f"待发送 {report.pending} 份" if report.pending else "没有待发送的申请")
    ok = not report.offline and not report.held
    return TaskOutcome(ok, "，".join(parts) + "。", "; ".join(report.errors) or "ok", report.to_dict())


# --- sync ---------------------------------------------------------------------------------------


def sync_now(env: Env, progress: Progress | None = None) -> TaskOutcome:
    """立即同步: the catalog from `sync_source` now; the line says what changed or why it failed
    (the last good catalog stays, as with every failed sync)."""
    try:
        report = sync_catalog(env, progress=progress, wait=False)
    except KioskError as exc:
        return TaskOutcome(False, "同步失败：" + exc.message_zh, exc.message_en)
    if report.status == "up_to_date":
        text = f"同步完成：目录已是最新（第 {report.version_after} 版）。"
    else:
        changes = f"新增 {report.added}，更新 {report.changed}，撤回 {report.withdrawn}"
        text = f"同步完成：目录已更新到第 {report.version_after} 版（{changes}）。"
    return TaskOutcome(True, text, report.status, report.to_dict())


def phase_zh(phase: str) -> str:
    return SYNC_PHASES_ZH.get(phase, phase)


# --- printers -----------------------------------------------------------------------------------


def printer_states(env: Env) -> list[dict[str, Any]]:
    """The configured printer of each job type with its state, in a clerk's words."""
    rows = []
    for kind in JOB_KINDS:
        spec = configured_spec(env, kind)
        try:
            info = open_printer(env, spec).info().to_dict()
        except KioskError as exc:
            info = {"spec": spec, "kind": spec.partition(":")[0], "state": "unavailable", **exc.to_dict()}
        message = info.get("message_zh") or ""
        state_zh = STATE_ZH.get(info["state"], info["state"])
        rows.append(
            {
                "job_kind": kind,
                "job_kind_zh": JOB_KINDS_ZH[kind],
                "spec": info["spec"],
                "state": info["state"],
                "state_zh": state_zh,
                "message_zh": message if message and message != state_zh else "",
            }
        )
    return rows


def test_page_pdf(env: Env, job_kind: str, spec: str) -> PdfFile:
    """One A4 page in the kiosk's CJK font: the zone, which printer, when, and lines of glyphs that
    show a missing font or a worn print head at a glance."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from kiosk.printing.fonts import cjk_font

    font = cjk_font()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
    canvas.setTitle("打印测试页")
    width, height = A4
    lines = [
        (22, "打印测试页"),
        (14, env.config.zone_name),
        (12, f"打印类型：{JOB_KINDS_ZH.get(job_kind, job_kind)}　打印机：{spec}"),
        (12, f"终端：{env.terminal_id}　软件版本：{__version__}"),
        (12, f"时间：{env.now():%Y年%m月%d日 %H:%M}"),
        (12, "政府信息公开 依申请公开 政策解读 〔2019〕23号"),
        (12, "０１２３４５６７８９ 0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
        (10, "若以上文字清晰完整、没有方框或缺字，打印机工作正常。"),
    ]
    y = height - 30 * mm
    for size, text in lines:
        canvas.setFont(font, size)
        canvas.drawString(25 * mm, y, text)
        y -= size * 2.0
    canvas.setLineWidth(1)
    canvas.rect(25 * mm, y - 40 * mm, width - 50 * mm, 30 * mm)  # a frame: are the edges printed?
    canvas.showPage()
    canvas.save()
    return PdfFile(buffer.getvalue(), 1, "打印测试页")


def print_test_page(env: Env, job_kind: str, *, wait: float = TEST_PAGE_WAIT) -> TaskOutcome:
    """A test page through the printer configured for `job_kind` (documents or receipts), logged in
    the print log like every job."""
    if job_kind not in JOB_KINDS:
        raise BadInput("打印类型无效。", f"job kind must be one of {JOB_KINDS}", field="job_kind")
    spec = configured_spec(env, job_kind)
    try:
        backend = open_printer(env, spec)
        status = backend.submit(PrintJob(test_page_pdf(env, job_kind, spec), PRINT_JOB_KIND[job_kind], "test-page"))
        if wait > 0:
            status = _wait(backend, status, timeout=wait)
    except KioskError as exc:
        record_print(env, kind="test", printer=spec, state="refused", pages="1", page_count=1)
        return TaskOutcome(False, "测试页未能打印：" + exc.message_zh, exc.message_en, {"job_kind": job_kind})
    record_print(
        env, kind="test", printer=backend.spec, job_id=status.job_id, state=status.state, pages="1", page_count=1
    )
    data = {"job_kind": job_kind, "job": status.to_dict()}
    if status.state == STOPPED or (status.finished and status.state != COMPLETED):
        why = status.message_zh or "请检查打印机。"
        return TaskOutcome(False, "测试页未能打印：" + why, status.message_en or status.state, data)
    done = "已打印" if status.state == COMPLETED else "已送往打印机"
    return TaskOutcome(True, f"{JOB_KINDS_ZH[job_kind]}测试页{done}。", status.state, data)
