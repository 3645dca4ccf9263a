"""The ESC/POS backend against python-escpos' own Dummy and File devices, and a TCP stand-in for a printer.

No thermal printer is attached here: the TCP server below stands in for one on the network (it
answers the DLE EOT paper-status query the way the ESC/POS manual describes).
"""

import socket
import threading
import time
from datetime import datetime

import pytest
from escpos.printer import Dummy
from PIL import Image

from kiosk.errors import ConfigError
from kiosk.printing.backends.base import COMPLETED, READY, UNAVAILABLE, PrinterProblem, PrintJob
from kiosk.printing.backends.escpos import EscposPrinter, raster_pages
from kiosk.printing.receipt import Office, receipt_pdf

OFFICE = Office("海城市政务公开专区", "海城市人民政府办公室", "0412-1234567", "海城市政务服务中心一楼")
GS_V0 = b"\x1dv0"


@pytest.fixture
def thermal_job(receipt_data):
    pdf = receipt_pdf(receipt_data, OFFICE, printed_at=datetime(2026, 11, 23, 10, 3), form="thermal")
    return PrintJob(pdf, "receipt", "receipt")


def rasters(output: bytes) -> Image.Image:
    """Reassemble the GS v 0 raster images a printer would print into one picture."""
    parts, position = [], 0
    while (start := output.find(GS_V0, position)) >= 0:
        width_bytes = output[start + 4] | output[start + 5] << 8
        height = output[start + 6] | output[start + 7] << 8
        data = output[start + 8 : start + 8 + width_bytes * height]
        parts.append(Image.frombytes("1", (width_bytes * 8, height), data))
        position = start + 8 + len(data)
    total = Image.new("L", (parts[0].width + 80, sum(p.height for p in parts) + 80), 255)
    top = 40
    for part in parts:
        # In the raster a set bit is a dot (black); in a PIL "1" image a set bit is white.
        total.paste(part.point(lambda v: 0 if v else 255, mode="L"), (40, top))
        top += part.height
    return total


def test_a_receipt_prints_as_a_576_dot_raster_whose_qr_code_reads_back(thermal_job, receipt_data):
    from pyzbar.pyzbar import decode

    device = Dummy(profile="TM-T20II")
    status = EscposPrinter(lambda: device, spec="escpos:dummy").submit(thermal_job)
    assert status.state == COMPLETED
    output = device.output
    assert output.startswith(b"\x1b@")  # ESC @ initialises the printer
    assert output.endswith(b"\x1dV\x00")  # GS V 0: full cut
    picture = rasters(output)
    assert picture.width == 576 + 80
    assert [s.data.decode() for s in decode(picture)] == [receipt_data["tracking"]]


def test_a_receipt_written_to_a_device_file_is_the_same_stream(thermal_job, tmp_path):
    device_file = tmp_path / "lp0"
    device_file.touch()
    printer = EscposPrinter.from_spec(str(device_file), profile="TM-T20II")
    assert printer.info().state == READY
    printer.submit(thermal_job)
    written = device_file.read_bytes()
    # Straight from ESC @ to the raster: no status query is sent into a write-only device.
    assert written.startswith(b"\x1b@" + GS_V0)
    assert written.endswith(b"\x1dV\x00")


def test_a_missing_device_file_is_an_off_line_printer(thermal_job, tmp_path):
    printer = EscposPrinter.from_spec(str(tmp_path / "nodir" / "lp0"))
    assert printer.info().state == UNAVAILABLE
    with pytest.raises(PrinterProblem) as caught:
        printer.submit(thermal_job)
    assert caught.value.message_zh == "热敏打印机未连接或已关机，请联系工作人员。"


class FakeNetworkPrinter:
    """Accepts one connection at a time, records what it gets, answers paper-status queries with `paper`."""

    def __init__(self, paper: int) -> None:
        self.paper = paper
        self.received = bytearray()
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            with connection:
                while chunk := connection.recv(65536):
                    self.received += chunk
                    if chunk.endswith(b"\x10\x04\x04"):
                        connection.sendall(bytes([self.paper]))

    def close(self) -> None:
        self.server.close()


@pytest.fixture
def network_printer(request):
    printer = FakeNetworkPrinter(paper=request.param)
    yield printer
    printer.close()


@pytest.mark.parametrize("network_printer", [18], indirect=True)  # 18: paper present
def test_a_network_printer_with_paper_prints(network_printer, thermal_job):
    printer = EscposPrinter.from_spec(f"tcp:127.0.0.1:{network_printer.port}")
    assert printer.submit(thermal_job).state == COMPLETED
    deadline = time.monotonic() + 5
    while GS_V0 not in network_printer.received and time.monotonic() < deadline:
        time.sleep(0.05)
    assert GS_V0 in network_printer.received


@pytest.mark.parametrize("network_printer", [114], indirect=True)  # 114: the paper-end sensor bits
def test_a_network_printer_without_paper_is_refused_with_a_clear_message(network_printer, thermal_job):
    printer = EscposPrinter.from_spec(f"tcp:127.0.0.1:{network_printer.port}")
    with pytest.raises(PrinterProblem) as caught:
        printer.submit(thermal_job)
    assert caught.value.message_zh == "热敏打印机缺纸，请联系工作人员加纸。"
    assert GS_V0 not in network_printer.received
    assert printer.info().state == UNAVAILABLE


def test_a_network_printer_that_refuses_the_connection_is_off_line(thermal_job):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(PrinterProblem) as caught:
        EscposPrinter.from_spec(f"tcp:127.0.0.1:{port}").submit(thermal_job)
    assert "未连接" in caught.value.message_zh


def test_device_specs_that_cannot_work_are_config_errors():
    for spec in ("usb:0x04b8:0x0202", "tcp:", "tcp:host:port"):
        with pytest.raises(ConfigError):
            EscposPrinter.from_spec(spec)
    with pytest.raises(ConfigError):
        EscposPrinter.from_spec("/dev/usb/lp0", profile="default")  # a profile without a paper width


def test_the_raster_covers_the_printable_width_of_the_80mm_strip(thermal_job):
    (page,) = raster_pages(thermal_job.pdf.data, 576)
    assert page.mode == "1" and page.width == 576
    assert page.height > 1000  # the strip is as long as its content
