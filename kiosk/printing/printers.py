"""From a printer spec in config or on the command line (folder, cups:QUEUE, escpos:DEVICE) to a backend."""

from __future__ import annotations

from pathlib import Path

from kiosk.environment import Env
from kiosk.errors import ConfigError
from kiosk.printing.backends.base import Printer
from kiosk.printing.backends.cups import CupsPrinter
from kiosk.printing.backends.folder import FolderPrinter

JOB_KINDS = ("documents", "receipts")


def open_printer(env: Env, spec: str) -> Printer:
    """`folder`, `folder:/dir`, `cups:QUEUE`, `cups:QUEUE@host:port`, `escpos:/dev/usb/lp0`, `escpos:tcp:HOST[:PORT]`,
    or a bare CUPS queue name."""
    spec = spec.strip()
    kind, colon, rest = spec.partition(":")
    if spec == "folder":
        return FolderPrinter(env.print_dir, spec=spec, clock=env.now)
    if kind == "folder" and rest:
        return FolderPrinter(Path(rest).expanduser(), spec=spec, clock=env.now)
    if kind == "cups" and rest:
        queue, _, server = rest.partition("@")
        return CupsPrinter(queue, server or None, spec=spec)
    if kind == "escpos" and rest:
        from kiosk.printing.backends.escpos import EscposPrinter  # python-escpos loads only when used

        return EscposPrinter.from_spec(rest, profile=env.config.escpos_profile)
    if not colon and spec and all(c.isalnum() or c in "_-." for c in spec):
        return CupsPrinter(spec, spec=f"cups:{spec}")
    raise ConfigError(
        f"打印机设置“{spec}”无法识别，应为 folder、cups:队列名 或 escpos:设备。",
        f"printer spec {spec!r} is not folder, cups:QUEUE or escpos:DEVICE",
        field="printer",
    )


def configured_spec(env: Env, kind: str) -> str:
    """The printer configured for a job type: `documents` or `receipts`."""
    return env.config.printer_documents if kind == "documents" else env.config.printer_receipts


def receipt_form(env: Env, printer: Printer) -> str:
    """a4 or thermal: from config, or by the printer (ESC/POS printers are thermal)."""
    form = env.config.receipt_form
    if form != "auto":
        return form
    return "thermal" if printer.kind == "escpos" else "a4"
