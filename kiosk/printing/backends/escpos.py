"""The ESC/POS backend for 80 mm thermal receipt printers (python-escpos), printing the receipt PDF as a raster.

Printing the rendered PDF rather than text commands means Chinese, the QR code and the layout
come out the same on every printer: their built-in Chinese fonts and code pages vary by maker.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable

import pypdfium2 as pdfium
from escpos.escpos import Escpos
from escpos.exceptions import Error as EscposError
from PIL import Image

from kiosk.errors import ConfigError
from kiosk.printing.backends.base import (
    COMPLETED,
    READY,
    UNAVAILABLE,
    JobStatus,
    PrinterInfo,
    PrinterProblem,
    PrintJob,
)
from kiosk.printing.receipt import THERMAL_MARGIN, THERMAL_WIDTH

log = logging.getLogger(__name__)

DEFAULT_PROFILE = "TM-T20II"  # a common 80 mm printer: 576 dots across 72 mm at 203 dpi
STATUS_TIMEOUT = 2.0
NETWORK_TIMEOUT = 10.0
_THRESHOLD = 160  # plain threshold, not dithering: text and QR modules stay crisp


def device_factory(device: str, profile: str) -> Callable[[], Escpos]:
    """A function opening the device named in `escpos:DEVICE`: a device file (/dev/usb/lp0) or tcp:HOST[:PORT]."""
    from escpos.printer import File, Network

    if device.startswith("tcp:"):
        host, _, port = device[4:].partition(":")
        if not host or (port and not port.isdigit()):
            raise ConfigError(
                f"热敏打印机地址“{device}”无效，应为 tcp:主机[:端口]。", f"bad ESC/POS network device {device!r}"
            )
        return lambda: Network(host, int(port or 9100), timeout=NETWORK_TIMEOUT, profile=profile)
    if device.startswith("/"):
        return lambda: File(device, auto_flush=False, profile=profile)
    raise ConfigError(
        f"热敏打印机设备“{device}”无法识别，应为设备文件（如 /dev/usb/lp0）或 tcp:主机[:端口]。",
        f"unsupported ESC/POS device {device!r} (use a device file or tcp:HOST[:PORT])",
    )


def raster_pages(pdf_data: bytes, dots: int) -> list[Image.Image]:
    """Each page as a 1-bit image `dots` wide, covering the printable 72 mm of the 80 mm page."""
    printable = THERMAL_WIDTH - 2 * THERMAL_MARGIN
    document = pdfium.PdfDocument(pdf_data)
    images = []
    try:
        for page in document:
            scale = dots / printable
            bitmap = page.render(scale=scale, grayscale=True)
            image = bitmap.to_pil().convert("L")
            left = round(THERMAL_MARGIN * scale) if page.get_width() >= THERMAL_WIDTH - 1 else 0
            image = image.crop((left, 0, left + dots, image.height))
            images.append(image.point(lambda value: 255 if value >= _THRESHOLD else 0, mode="1"))
            page.close()
    finally:
        document.close()
    return images


class EscposPrinter:
    kind = "escpos"

    def __init__(
        self, open_device: Callable[[], Escpos], *, spec: str, dots: int = 576, device_path: str | None = None
    ) -> None:
        self._open_device = open_device
        self.spec = spec
        self.dots = dots
        self.device_path = device_path  # a device file: checked by looking, since opening it would write
        self._done: set[str] = set()
        self._count = 0

    @classmethod
    def from_spec(cls, device: str, *, profile: str = DEFAULT_PROFILE) -> EscposPrinter:
        from escpos.capabilities import get_profile

        dots = get_profile(profile).profile_data["media"]["width"]["pixels"]
        if not isinstance(dots, int):
            raise ConfigError(
                f"热敏打印机型号“{profile}”缺少纸宽信息，请换用其他型号设置。",
                f"ESC/POS profile {profile!r} has no width",
            )
        path = device if device.startswith("/") else None
        return cls(device_factory(device, profile), spec=f"escpos:{device}", dots=dots, device_path=path)

    def _connect(self) -> Escpos:
        try:
            printer = self._open_device()
            printer.open()
        except (EscposError, OSError) as exc:
            raise PrinterProblem(
                "热敏打印机未连接或已关机，请联系工作人员。", f"cannot open ESC/POS printer {self.spec}: {exc}"
            ) from exc
        return printer

    def _check_paper(self, printer: Escpos) -> None:
        """Ask the printer for its paper sensor where the connection can answer (a device file cannot)."""
        if type(printer)._read is Escpos._read:
            return  # write-only connection: asking would only put the query bytes on paper
        device = getattr(printer, "device", None)
        if hasattr(device, "settimeout"):
            device.settimeout(STATUS_TIMEOUT)  # printers that never answer status must not hold the receipt up
        try:
            paper = printer.paper_status()
        except (EscposError, OSError) as exc:
            log.warning("ESC/POS printer %s did not answer a status query: %s", self.spec, exc)
            return
        finally:
            if hasattr(device, "settimeout"):
                device.settimeout(NETWORK_TIMEOUT)
        if paper == 0:
            raise PrinterProblem(
                "热敏打印机缺纸，请联系工作人员加纸。", f"ESC/POS printer {self.spec} reports no paper"
            )

    def submit(self, job: PrintJob) -> JobStatus:
        images = raster_pages(job.pdf.data, self.dots)
        printer = self._connect()
        try:
            self._check_paper(printer)
            printer.hw("INIT")
            for image in images:
                printer.image(image, impl="bitImageRaster", fragment_height=512)
            printer.cut()
        except (EscposError, OSError) as exc:
            raise PrinterProblem(
                "热敏打印机打印失败，请联系工作人员。", f"ESC/POS printer {self.spec} failed: {exc}"
            ) from exc
        finally:
            _close(printer)
        self._count += 1
        job_id = f"{self.spec}#{self._count}"
        self._done.add(job_id)
        log.info("sent %s to ESC/POS printer %s (%d pages)", job.kind, self.spec, len(images))
        # ESC/POS has no job queue: once the bytes are in the printer the job is done.
        return JobStatus(job_id, COMPLETED, "打印完成。", "sent to printer")

    def status(self, job_id: str) -> JobStatus:
        return JobStatus(job_id, COMPLETED, "打印完成。", "sent to printer")

    def info(self) -> PrinterInfo:
        if self.device_path is not None:
            if os.path.exists(self.device_path) and os.access(self.device_path, os.W_OK):
                return PrinterInfo(self.spec, self.kind, READY, "就绪", "device present", details={"dots": self.dots})
            return PrinterInfo(
                self.spec,
                self.kind,
                UNAVAILABLE,
                "热敏打印机未连接或已关机，请联系工作人员。",
                f"{self.device_path} is missing or not writable",
            )
        try:
            printer = self._connect()
        except PrinterProblem as exc:
            return PrinterInfo(self.spec, self.kind, UNAVAILABLE, exc.message_zh, exc.message_en)
        try:
            self._check_paper(printer)
        except PrinterProblem as exc:
            return PrinterInfo(self.spec, self.kind, UNAVAILABLE, exc.message_zh, exc.message_en, ("media-empty",))
        finally:
            _close(printer)
        return PrinterInfo(self.spec, self.kind, READY, "就绪", "ready", details={"dots": self.dots})


def _close(printer: Escpos) -> None:
    device = getattr(printer, "_device", None)
    printer.close()
    # python-escpos 3.1's Network.close() forgets the socket without closing it.
    if device is not None and device is not False and hasattr(device, "shutdown"):
        device.close()
