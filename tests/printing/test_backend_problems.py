import pytest

from kiosk.printing.backends.base import COMPLETED, PRINTING, JobStatus, describe_problem, wait_for_job


@pytest.mark.parametrize(
    ("reasons", "message", "expected"),
    [
        (["media-empty-error"], "", "打印机缺纸，请联系工作人员加纸。"),
        (["media-needed"], "", "打印机缺纸，请联系工作人员加纸。"),
        (["media-jam-error"], "", "打印机卡纸，请联系工作人员处理。"),
        (["toner-empty-error"], "", "打印机墨粉（耗材）用尽，请联系工作人员更换。"),
        (["cover-open-report"], "", "打印机舱盖未关好，请联系工作人员。"),
        (["offline-report"], "", "打印机未连接或已关机，请联系工作人员。"),
        (
            ["none"],
            "The printer may not exist or is unavailable at this time.",
            "打印机未连接或已关机，请联系工作人员。",
        ),
        (["paused"], "maintenance", "打印机已暂停使用，请联系工作人员。"),
        (["fuser-over-temp-error"], "", "打印机出现故障，请联系工作人员。"),
    ],
)
def test_printer_state_reasons_become_a_message_a_resident_understands(reasons, message, expected):
    assert describe_problem(reasons, message)[0] == expected


def test_warnings_and_no_reasons_stop_nothing():
    assert describe_problem(["media-low-warning", "toner-low-warning"]) is None
    assert describe_problem(["none"], "Ready to print.") is None
    assert describe_problem([]) is None


def test_waiting_for_a_job_polls_until_it_finishes_or_time_runs_out():
    class Printer:
        calls = 0

        def status(self, job_id):
            self.calls += 1
            return JobStatus(job_id, COMPLETED if self.calls >= 3 else PRINTING)

    clock = iter(range(100))
    printer = Printer()
    final = wait_for_job(
        printer, JobStatus("q-1", PRINTING), timeout=50, sleep=lambda s: None, monotonic=lambda: next(clock)
    )
    assert final.state == COMPLETED and printer.calls == 3
    slow = Printer()
    slow.calls = -100
    clock = iter(range(100))
    final = wait_for_job(
        slow, JobStatus("q-2", PRINTING), timeout=5, sleep=lambda s: None, monotonic=lambda: next(clock)
    )
    assert final.state == PRINTING
