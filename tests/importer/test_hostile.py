"""What a hostile or broken import folder must not do: read outside the folder, hang, exhaust memory,
abort the other files, or break the JSON report."""

import json
import os
import subprocess
import sys
import tracemalloc

import pytest

from kiosk.central.publish import publish_feed
from kiosk.importer import parse_folder
from tests.conftest import REPO
from tests.importer.test_pagedump import NO_NUMBER_SLASH_DATE
from tests.sync.feedkit import NOW, make_keys

SECRET = b"root:x:0:0:secret-outside-the-folder\n"


def _doc(n: int, **extra) -> dict:
    doc = {
        "title": f"关于做好第{n}批政务公开工作的通知",
        "issuer": "海城市人民政府办公室",
        "issued": "2024-03-01",
        "body": f"第{n}项工作。" + "现将有关事项通知如下。" * 5,
    }
    doc.update(extra)
    return doc


def _write_json(path, data) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@pytest.fixture
def outside(tmp_path):
    secret = tmp_path / "outside" / "x.pdf"
    secret.parent.mkdir()
    secret.write_bytes(SECRET)
    return secret


@pytest.fixture
def src(tmp_path):
    path = tmp_path / "office" / "in"
    path.mkdir(parents=True)
    return path


def _kiosk(home, *args, timeout=60) -> subprocess.CompletedProcess:
    """A real process with byte output, so the test sees exactly what a script would read."""
    return subprocess.run(
        [sys.executable, "-m", "kiosk", "--home", str(home), *args],
        capture_output=True,
        timeout=timeout,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


# --- staying inside the folder -------------------------------------------------------------------


def test_an_absolute_attachment_path_is_refused(src, outside):
    _write_json(src / "a.json", _doc(1, attachments=[{"path": str(outside)}]))
    parsed, report = parse_folder(src)
    assert parsed == []
    (item,) = report.items
    assert item.status == "failed" and "outside" in " ".join(item.notes)


def test_an_attachment_path_climbing_out_of_the_folder_is_refused(src, outside):
    (src / "sub").mkdir()
    _write_json(src / "sub" / "a.json", _doc(1, attachments=[{"path": "../../../outside/x.pdf"}]))
    parsed, report = parse_folder(src)
    assert parsed == [] and report.items[0].status == "failed"


def test_an_attachment_path_inside_the_folder_through_dotdot_still_works(src):
    (src / "files").mkdir()
    (src / "files" / "表.pdf").write_bytes(b"%PDF-1.4 table")
    (src / "docs").mkdir()
    _write_json(src / "docs" / "a.json", _doc(1, attachments=[{"path": "../files/表.pdf"}]))
    parsed, report = parse_folder(src)
    assert report.items[0].status == "ok"
    assert parsed[0].record.attachments[0].size == len(b"%PDF-1.4 table")


def test_a_symlinked_attachment_of_a_json_document_is_refused(src, outside):
    (src / "files").mkdir()
    (src / "files" / "x.pdf").symlink_to(outside)
    _write_json(src / "a.json", _doc(1, attachments=[{"path": "files/x.pdf"}]))
    parsed, report = parse_folder(src)
    assert parsed == [] and report.items[0].status == "failed"


def test_a_symlinked_attachment_in_a_page_dumps_folder_is_refused(src, outside):
    (src / "notice.txt").write_text(NO_NUMBER_SLASH_DATE, encoding="utf-8")
    (src / "notice").mkdir()
    (src / "notice" / "附件.pdf").symlink_to(outside)
    parsed, report = parse_folder(src)
    assert parsed == []
    (item,) = report.items
    assert item.status == "failed" and "symbolic link" in " ".join(item.notes)


def test_a_symlinked_attachment_folder_of_a_page_dump_is_refused(src, outside):
    (src / "notice.txt").write_text(NO_NUMBER_SLASH_DATE, encoding="utf-8")
    (src / "notice").symlink_to(outside.parent, target_is_directory=True)
    parsed, report = parse_folder(src)
    assert parsed == [] and report.items[0].status == "failed"


def test_a_symlinked_page_dump_is_refused(src, outside):
    (src / "passwd.txt").symlink_to(outside)
    parsed, report = parse_folder(src)
    assert parsed == []
    (item,) = report.items
    assert item.status == "failed" and "symbolic link" in " ".join(item.notes)


def test_a_symlinked_folder_is_reported_not_followed(src, outside):
    (src / "elsewhere").symlink_to(outside.parent, target_is_directory=True)
    (src / "good.txt").write_text(NO_NUMBER_SLASH_DATE, encoding="utf-8")
    parsed, report = parse_folder(src)
    assert len(parsed) == 1
    assert {item.file: item.status for item in report.items} == {"elsewhere": "failed", "good.txt": "ok"}


def test_publish_never_writes_a_file_from_outside_the_folder_into_the_feed(tmp_path, src, outside):
    _write_json(src / "good.json", _doc(1))
    _write_json(src / "bad.json", _doc(2, attachments=[{"path": str(outside)}]))
    (src / "passwd.txt").symlink_to(outside)
    feed = tmp_path / "feed"
    report = publish_feed(src, feed, [make_keys(tmp_path / "keys")], now=NOW, skip_failed=True)
    assert sorted(report.failed_files) == ["bad.json", "passwd.txt"] and report.documents == 1
    for path in feed.rglob("*"):
        if path.is_file():
            assert b"secret-outside-the-folder" not in path.read_bytes()


# --- special files and sizes ---------------------------------------------------------------------


def test_a_fifo_does_not_hang_the_import(tmp_path, src):
    os.mkfifo(src / "pipe.txt")
    (src / "good.txt").write_text(NO_NUMBER_SLASH_DATE, encoding="utf-8")
    result = _kiosk(tmp_path / "home", "import", str(src), "--json", timeout=20)
    report = json.loads(result.stdout)
    assert result.returncode == 2
    assert {i["file"]: i["status"] for i in report["items"]} == {"pipe.txt": "failed", "good.txt": "ok"}
    assert report["added"] == 1


def test_a_link_to_dev_zero_is_refused_without_reading_it(src):
    (src / "zero.json").symlink_to("/dev/zero")
    tracemalloc.start()
    try:
        parsed, report = parse_folder(src)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert parsed == [] and report.items[0].status == "failed"
    assert peak < 5_000_000


def test_a_page_dump_over_the_limit_is_refused_by_its_size_without_reading_it(src):
    with (src / "huge.txt").open("wb") as handle:
        handle.truncate(200_000_000)  # sparse: costs no disk
    tracemalloc.start()
    try:
        parsed, report = parse_folder(src)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    (item,) = report.items
    assert parsed == [] and item.status == "failed"
    assert "larger than the 20 MB limit" in " ".join(item.notes)
    assert peak < 5_000_000


# --- one bad file fails alone --------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        "[" * 100_000 + "]" * 100_000,
        '{"title": "大数", "n": ' + "7" * 5000 + "}",
        '{"title": "深", "x": ' + "[" * 40 + "]" * 40 + "}",
    ],
    ids=["deeply-nested", "5000-digit-integer", "nested-past-the-limit"],
)
def test_one_bad_json_file_fails_alone_and_the_good_ones_import(cli, src, bad):
    _write_json(src / "a.json", _doc(1))
    _write_json(src / "b.json", _doc(2))
    (src / "c.json").write_text(bad, encoding="utf-8")
    result = cli("import", str(src), "--json", expect=2)
    report = json.loads(result.stdout)
    assert (report["added"], report["ok"], report["failed"]) == (2, 2, 1)
    (failed,) = [i for i in report["items"] if i["status"] == "failed"]
    assert failed["file"].startswith("c.json") and failed["notes"]
    assert "Traceback" not in result.stderr


def test_a_document_nested_too_deeply_names_the_limit(src):
    _write_json(
        src / "a.json",
        [_doc(1), _doc(2, extra=[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["deep"]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]])],
    )
    parsed, report = parse_folder(src)
    assert len(parsed) == 1
    (failed,) = [i for i in report.items if i.status == "failed"]
    assert failed.file == "a.json#1" and "nested deeper than 32 levels" in " ".join(failed.notes)


def test_a_document_over_the_size_cap_names_the_limit_and_the_others_import(src):
    big = _doc(2, body="政" * 9_000_000)  # 27 MB of UTF-8 in one document
    _write_json(src / "a.json", {"documents": [_doc(1), big, _doc(3)]})
    parsed, report = parse_folder(src)
    assert [d.record.title for d in parsed] == [_doc(1)["title"], _doc(3)["title"]]
    (failed,) = [i for i in report.items if i.status == "failed"]
    assert failed.file == "a.json#1" and "larger than the 16 MB limit" in " ".join(failed.notes)


# --- large exports are streamed ------------------------------------------------------------------


def _big_export(path, n: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write("[")
        for i in range(n):
            handle.write(
                ("," if i else "") + json.dumps(_doc(i, body="现将有关事项通知如下。" * 400), ensure_ascii=False)
            )
        handle.write("]")


def test_a_json_export_over_20_mb_is_streamed_with_bounded_memory(tmp_path, src, env, store):
    from kiosk.catalog.documents import count_documents
    from kiosk.importer import import_folder

    _big_export(src / "export.json", 2_000)
    assert (src / "export.json").stat().st_size > 22_000_000
    tracemalloc.start()
    try:
        # Small batches, so that the peak shows the stream, not the search index of a batch.
        report = import_folder(src, env.files_dir, batch_size=100)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert (report.added, report.count("ok"), report.count("failed")) == (2_000, 2_000, 0)
    assert count_documents() == 2_000
    assert peak < 20_000_000, peak  # less than the file itself


def test_json_lines_are_read_line_by_line_and_a_bad_line_fails_alone(src):
    lines = [json.dumps(_doc(1), ensure_ascii=False), "{broken", "", json.dumps(_doc(3), ensure_ascii=False)]
    (src / "export.jsonl").write_text("\ufeff" + "\n".join(lines) + "\n", encoding="utf-8")
    (src / "more.ndjson").write_text(json.dumps(_doc(4), ensure_ascii=False) + "\n", encoding="utf-8")
    parsed, report = parse_folder(src)
    assert len(parsed) == 3
    assert [(i.file, i.status) for i in report.items if i.status != "ok"] == [("export.jsonl:2", "failed")]


# --- the report ----------------------------------------------------------------------------------


def test_the_json_report_is_valid_utf8_for_an_undecodable_file_name(tmp_path, src):
    (src / "good.txt").write_text(NO_NUMBER_SLASH_DATE, encoding="utf-8")
    with open(os.path.join(os.fsencode(src), b"bad\xff.txt"), "wb") as handle:
        handle.write(b"")
    result = _kiosk(tmp_path / "home", "import", str(src), "--json")
    assert result.returncode == 2, result.stderr
    report = json.loads(result.stdout.decode("utf-8"))
    assert {i["file"] for i in report["items"]} == {"good.txt", "bad\\xff.txt"}
    human = _kiosk(tmp_path / "home", "import", str(src))
    assert "bad\\xff.txt" in human.stdout.decode("utf-8")


def test_a_single_value_too_large_to_hold_stops_that_file_only(src):
    with (src / "a.json").open("w", encoding="utf-8") as handle:
        handle.write('[{"title": "一", "body": "' + "x" * 50_000_000 + '"}, {"title": "二"}]')
    _write_json(src / "b.json", _doc(2))
    parsed, report = parse_folder(src)
    assert [d.record.title for d in parsed] == [_doc(2)["title"]]
    (failed,) = [i for i in report.items if i.status == "failed"]
    assert failed.file == "a.json" and "larger than the 32 MB limit" in failed.notes[0]


def test_a_page_without_a_title_named_with_undecodable_bytes_gets_a_printable_title(src):
    with open(os.path.join(os.fsencode(src), b"\x80notice.txt"), "wb") as handle:
        handle.write(b"1")
    parsed, report = parse_folder(src)
    assert report.items[0].file == "\\x80notice.txt"
    if parsed:  # however the extractor reads the text, a stand-in title must be storable
        parsed[0].record.title.encode("utf-8")
    assert "internal error" not in " ".join(report.items[0].notes)
