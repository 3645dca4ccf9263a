import json

from tests.conftest import SEEDS, run_kiosk
from tests.importer.test_pagedump import NO_NUMBER_SLASH_DATE, SEED_EXPECTATIONS


def test_new_home_lists_the_five_demo_documents(cli):
    rows = cli.json("docs", "list")
    assert len(rows) == 5
    got = {(r["title"], r["doc_number"], r["issuer"], r["issued"]) for r in rows}
    expected = {(t, n, i, d.isoformat()) for t, n, i, d in SEED_EXPECTATIONS.values()}
    assert got == expected
    assert set(rows[0]) == {
        "id",
        "title",
        "doc_number",
        "issuer",
        "issued",
        "published",
        "category",
        "validity",
        "source_url",
    }
    assert [r["issued"] for r in rows] == sorted((r["issued"] for r in rows), reverse=True)


def test_docs_show_includes_the_body(cli):
    first = cli.json("docs", "list")[0]
    doc = cli.json("docs", "show", first["id"])
    assert doc["title"] == first["title"] and len(doc["body"]) > 1000
    assert doc["attachments"] == []


def test_unknown_document_is_not_found_in_chinese_and_english(cli):
    result = cli("docs", "show", "nope", expect=4)
    assert "找不到" in result.stderr and "no document" in result.stderr


def test_import_adds_documents_and_reports(cli, tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    (source / "a.txt").write_text(NO_NUMBER_SLASH_DATE, encoding="utf-8")
    report = cli.json("import", str(source))
    assert (report["added"], report["ok"]) == (1, 1)
    again = cli.json("import", str(source))
    assert (again["added"], again["unchanged"]) == (0, 1)
    assert len(cli.json("docs", "list")) == 6


def test_import_of_a_failed_file_exits_bad_input(cli, tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    (source / "empty.txt").write_text("", encoding="utf-8")
    report = cli.json("import", str(source), expect=2)
    assert report["failed"] == 1


def test_import_of_missing_folder_is_a_clear_error(cli, tmp_path):
    result = cli("import", str(tmp_path / "nowhere"), expect=2)
    assert "找不到" in result.stderr


def test_real_process_version_and_json(tmp_path):
    home = tmp_path / "h"
    result = run_kiosk(home, "--version")
    assert result.returncode == 0 and "kiosk" in result.stdout
    listed = run_kiosk(home, "docs", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert len(json.loads(listed.stdout)) == 5
    assert (home / "logs" / "kiosk.log").exists()


def test_seeds_are_bundled_in_assets():
    assert len(list(SEEDS.glob("*.txt"))) == 5
