import json

from kiosk.cli import main
from tests.catalog.search_fixtures import SEED_IDS, build_seed_catalog
from tests.conftest import REPO, run_kiosk


def test_search_json_has_the_documented_shape(cli):
    data = cli.json("search", "政务公开", "--limit", "3")
    assert list(data) == ["query", "normalized", "total", "total_exact", "hits", "facets"]
    assert data["total"] == 5 and len(data["hits"]) == 3
    assert set(data["facets"]) == {"issuer", "year", "category", "validity"}
    hit = data["hits"][0]
    assert list(hit) == [
        "id",
        "title",
        "doc_number",
        "issuer",
        "issued",
        "category",
        "validity",
        "score",
        "snippet",
        "marks",
    ]
    for start, end in hit["marks"]:
        assert hit["snippet"][start:end] == "政务公开"


def test_search_a_doc_number_typed_with_square_brackets(cli):
    data = cli.json("search", "兴政发[2017]24号")
    assert data["normalized"] == "兴政发〔2017〕24号"
    assert data["hits"][0]["title"] == "关于印发兴隆台区2017年政务公开工作安排的通知"


def test_filters_year_range_validity_and_paging(cli):
    assert cli.json("search", "政务公开", "--year", "2019")["total"] == 1
    assert cli.json("search", "政务公开", "--from", "2017", "--to", "2019")["total"] == 3
    assert cli.json("search", "政务公开", "--validity", "废止")["total"] == 0
    assert cli.json("search", "政务公开", "--issuer", "陆河县人民政府")["total"] == 1
    assert cli.json("search", "政务公开", "--category", "政策解读")["total"] == 1
    second = cli.json("search", "政务公开", "--limit", "2", "--offset", "2")
    first = cli.json("search", "政务公开", "--limit", "4")
    assert [h["id"] for h in second["hits"]] == [h["id"] for h in first["hits"]][2:4]


def test_year_and_range_together_is_bad_input(cli):
    result = cli("search", "政务公开", "--year", "2019", "--from", "2018", expect=2)
    assert "年份" in result.stderr


def test_unknown_validity_is_refused_by_the_cli(cli):
    cli("search", "政务公开", "--validity", "无效", expect=2)


def test_human_output_marks_terms_and_suggests_when_nothing_matches(cli):
    found = cli("search", "低保").stdout
    assert "找到 1 份文件" in found and "【低保】" in found
    nothing = cli("search", "政务工开").stdout
    assert "没有找到" in nothing and "您是不是要找" in nothing and "政务公开" in nothing


def test_punctuation_only_query_is_an_empty_answer_not_an_error(cli):
    assert cli.json("search", "！？")["total"] == 0
    assert cli.json("search", '" ( * -')["total"] == 0
    cli("search", '" AND ( NEAR')  # operators are plain words here: no error


def test_docs_show_json_lists_related_documents(cli):
    rows = {r["doc_number"]: r["id"] for r in cli.json("docs", "list")}
    doc = cli.json("docs", "show", rows["兴政发〔2017〕24号"])
    assert [c["doc_number"] for c in doc["related"]["cites"]] == ["国办发〔2017〕24号", "辽政办公开〔2017〕10号"]
    assert set(doc["related"]) == {"cites", "cited_by", "interprets", "interpreted_by"}
    text = cli("docs", "show", rows["兴政发〔2017〕24号"]).stdout
    assert "引用：" in text and "国办发〔2017〕24号" in text


def test_help_documents_every_option():
    from click.testing import CliRunner

    text = CliRunner().invoke(main, ["search", "--help"]).output
    for option in ("--issuer", "--year", "--from", "--to", "--category", "--validity", "--limit", "--offset", "--json"):
        assert option in text
    page = (REPO / "docs" / "search.md").read_text(encoding="utf-8")
    assert "kiosk search QUERY" in page
    for option in ("--issuer", "--year", "--from", "--to", "--category", "--validity", "--limit", "--offset", "--json"):
        assert option in page


def test_real_process_search(tmp_path):
    home = tmp_path / "h"
    result = run_kiosk(home, "search", "zwgk", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["total"] >= 1


def test_seed_ids_match_the_cli_catalog(tmp_path, cli):
    build_seed_catalog(tmp_path / "other.sqlite3").close()
    rows = {r["doc_number"]: r["id"] for r in cli.json("docs", "list")}
    assert rows["海政办发〔2019〕23号"] == SEED_IDS["海政办发〔2019〕23号"]
