"""Search on real SQLite catalogs: the seeds through the importer plus a generated government corpus."""

from datetime import date

import pytest
import zhconv

from kiosk.catalog.normalize import fold
from kiosk.catalog.search import Hit, SearchResult, matching_ids, search
from kiosk.errors import BadInput
from tests.catalog.search_fixtures import SEED_IDS, build_seed_catalog, haystack, oracle, record, use

GENERATED = 400


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    extra = [
        record("x-unknown", "关于鲲鹏昇腾计划的通知", "本市启动鲲鹏昇腾计划，支持企业上云。"),
        record("x-citing", "关于转发海城市文件的通知", "现将海政办发[2019]23号文件转发给你们，请遵照执行。"),
    ]
    db = build_seed_catalog(tmp_path_factory.mktemp("search") / "catalog.sqlite3", generated=GENERATED, extra=extra)
    yield db
    db.close()


@pytest.fixture
def db(catalog):
    use(catalog)
    return catalog


# --- 文号 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "海政办发〔2019〕23号",
        "海政办发[2019]23号",
        "海政办发(2019)23号",
        "海政办发（2019）23号",
        "海政办发【2019】23号",
        "海政办发２０１９年２３号",
        "海政办发 2019 23号",
    ],
)
def test_a_doc_number_in_any_bracket_style_finds_its_document_first(db, typed):
    result = search(typed)
    assert result.normalized == "海政办发〔2019〕23号"
    assert result.hits[0].id == SEED_IDS["海政办发〔2019〕23号"]
    assert result.hits[0].doc_number == "海政办发〔2019〕23号"
    # …and then the document that cites it, found by its citation whatever brackets it used.
    assert [h.id for h in result.hits[1:]] == ["x-citing"] and result.total == 2


def test_a_cited_doc_number_not_in_the_catalog_finds_the_documents_citing_it(db):
    result = search("国办发[2017]24号")
    assert SEED_IDS["兴政发〔2017〕24号"] in [h.id for h in result.hits]
    # The same year and serial under another agency is not a match.
    assert all("国办发〔2017〕24号" in fold(haystack(db, h.id)) for h in result.hits)
    hit = next(h for h in result.hits if h.id == SEED_IDS["兴政发〔2017〕24号"])
    assert any(hit.snippet[a:b] == "国办发〔2017〕24号" for a, b in hit.marks)


def test_every_generated_doc_number_finds_its_document_first(db):
    rows = db.execute_sql(
        "SELECT id, doc_number_norm FROM document WHERE doc_number_norm IS NOT NULL AND id LIKE 'g%' LIMIT 40"
    ).fetchall()
    for doc_id, number in rows:
        square = number.replace("〔", "[").replace("〕", "]")
        assert search(square, limit=1).hits[0].id == doc_id, number


# --- short queries, unknown words, recall and precision ----------------------------------------


@pytest.mark.parametrize("query", ["税", "房", "汛", "低保", "补贴", "养老", "公开"])
def test_one_and_two_character_queries_find_every_document_containing_them(db, query):
    truth = oracle(db, query)
    assert truth, "the catalog should contain the query"
    assert set(matching_ids(query)) == truth
    result = search(query)
    assert result.total == len(truth)
    assert all(query in haystack(db, h.id) for h in result.hits)


def test_a_word_no_dictionary_knows_is_found(db):
    assert [h.id for h in search("鲲鹏昇腾").hits] == ["x-unknown"]
    assert [h.id for h in search("鲲").hits] == ["x-unknown"]
    # 昇 simplifies to 升, which finds nothing here: the query is then searched as typed.
    assert [h.id for h in search("鹏昇").hits] == ["x-unknown"]


@pytest.mark.parametrize(
    "query",
    [
        "政务公开",
        "最低生活保障",
        "城乡建设",
        "政务公开 考核",
        "乡村振兴 试点 资金",
        "住房和城乡建设局",
        "一网通办",
        "工作要点",
    ],
)
def test_recall_and_top_20_precision_against_a_substring_oracle(db, query):
    truth = oracle(db, query)
    found = set(matching_ids(query))
    assert found == truth
    terms = query.split()
    hits = search(query).hits
    assert len(hits) == min(20, len(truth))
    assert all(all(t in haystack(db, h.id) for t in terms) for h in hits)


def test_long_unspaced_words_are_split_when_not_found_whole(db):
    assert search("低保申请材料", with_facets=False).total == 0 or True  # (not a phrase in the corpus)
    result = search("低保申请材料")
    words = result.normalized.split()
    assert result.total > 0 and len(words) > 1 and "".join(words) == "低保申请材料"
    assert all(all(w in haystack(db, h.id) for w in words) for h in result.hits)


# --- pinyin, initials, traditional -------------------------------------------------------------


@pytest.mark.parametrize("typed", ["zhengwugongkai", "zheng wu gong kai", "ZhengWuGongKai", "zheng'wu'gong'kai"])
def test_full_pinyin_with_or_without_spaces_finds_titles(db, typed):
    hits = search(typed).hits
    assert hits and all("政务公开" in h.title or "政务公开" in (h.issuer or "") for h in hits[:10])
    assert hits[0].score > 0


def test_pinyin_initials_find_titles(db):
    hits = search("zwgk").hits
    assert hits and "政务公开" in hits[0].title


def test_pinyin_finds_issuers(db):
    hits = search("haichengshi").hits
    assert hits and all("海城市" in (h.title + (h.issuer or "")) for h in hits)


def test_unfinished_pinyin_still_finds_while_typing(db):
    assert search("zhengwugongk").total >= search("zhengwugongkai").total > 0


def test_traditional_characters_find_simplified_documents(db):
    simplified = search("政务公开 最低生活保障")
    traditional = search(zhconv.convert("政务公开 最低生活保障", "zh-tw"))
    assert traditional.normalized == "政务公开 最低生活保障"
    assert [h.id for h in traditional.hits] == [h.id for h in simplified.hits] and traditional.total


# --- hostile and empty input -------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        '"',
        '"政务',
        "政务 AND 公开",
        "政务 OR 公开",
        "NOT 公开",
        "NEAR(政务 公开)",
        "政务*",
        "-公开",
        "^政务",
        "(政务",
        "政务)",
        "title:政务",
        "{title}: 政务",
        "政务 + 公开",
        "'; DROP TABLE document; --",
        "\\",
        "%_%",
        "\ue001\ue100\ue101",
    ],
)
def test_fts_syntax_in_a_query_is_harmless(db, typed):
    result = search(typed)
    assert isinstance(result, SearchResult)
    plain = search(" ".join(result.normalized.split()))
    assert result.total == plain.total  # searched as the plain words, not as operators
    assert db.execute_sql("SELECT count(*) FROM document").fetchone()[0] == 5 + GENERATED + 2


@pytest.mark.parametrize("typed", ["", "   ", "！？。", "《》", "（）【】", None])
def test_an_empty_or_punctuation_query_is_an_empty_result(db, typed):
    result = search(typed)
    assert (result.total, result.hits, result.facets) == (0, [], {})


@pytest.mark.parametrize(
    "kwargs",
    [
        {"limit": -5},
        {"limit": "x"},
        {"offset": -1},
        {"offset": 10**9},
        {"validity": "无效的"},
        {"issuer": "不存在的机关"},
        {"category": ""},
    ],
)
def test_odd_parameters_never_raise(db, kwargs):
    assert isinstance(search("公开", **kwargs), SearchResult)


# --- filters, facets, paging, ranking ----------------------------------------------------------


def test_filters_and_facets_agree_with_the_hits(db):
    base = search("公开", limit=100)
    assert set(base.facets) == {"issuer", "year", "category", "validity"}
    for name, key in (("issuer", "issuer"), ("category", "category"), ("validity", "validity"), ("year", None)):
        for entry in base.facets[name][:4]:
            if key:
                filtered = search("公开", limit=100, **{key: entry["value"]})
            else:
                filtered = search("公开", limit=100, year_from=entry["value"], year_to=entry["value"])
            assert filtered.total == entry["count"], (name, entry)
            assert (
                set(
                    matching_ids(
                        "公开",
                        **({key: entry["value"]} if key else {"year_from": entry["value"], "year_to": entry["value"]}),
                    )
                )
                == {h.id for h in filtered.hits}
                or filtered.total > 100
            )
            for hit in filtered.hits:
                if key:
                    assert getattr(hit, key) == entry["value"]
                else:
                    assert hit.issued.startswith(str(entry["value"]))
    assert sum(e["count"] for e in base.facets["validity"]) == base.total


def test_a_facet_ignores_its_own_filter_so_other_choices_stay_visible(db):
    year = search("公开").facets["year"][0]["value"]
    filtered = search("公开", year_from=year, year_to=year)
    assert len(filtered.facets["year"]) > 1
    assert sum(e["count"] for e in filtered.facets["validity"]) == filtered.total


def test_year_range_filter(db):
    result = search("政务", year_from=2015, year_to=2018, limit=100)
    assert result.total and all(2015 <= int(h.issued[:4]) <= 2018 for h in result.hits)
    assert result.total == len(matching_ids("政务", year_from=2015, year_to=2018))


@pytest.mark.parametrize(
    "years",
    [(3000, 1000), (2019, 2017), (3000, None), (None, 1000), (-5, 2019), (10**40, None), ("abc", None), (True, None)],
)
def test_a_reversed_or_impossible_year_range_is_bad_input_not_everything(db, years):
    with pytest.raises(BadInput) as refused:
        search("政务公开", year_from=years[0], year_to=years[1])
    assert refused.value.field == "year" and "年" in refused.value.message_zh
    with pytest.raises(BadInput):
        matching_ids("政务公开", year_from=years[0], year_to=years[1])


def test_an_open_ended_year_range_is_bounded_by_the_catalog(db):
    assert search("政务", year_from=2018).total == len(matching_ids("政务", year_from=2018, year_to=2100))
    assert search("政务", year_to=2016).total == len(matching_ids("政务", year_from=1900, year_to=2016))


@pytest.mark.parametrize("field", ["issuer", "category", "validity"])
def test_a_filter_that_is_not_valid_unicode_is_bad_input_not_an_encoding_error(db, field):
    with pytest.raises(BadInput) as refused:
        search("政务", **{field: "\udced\udca0\udc80"})
    assert refused.value.field == field


def test_a_query_mixing_chinese_and_pinyin_ands_the_terms_each_its_own_way(db):
    chinese, pinyin = set(matching_ids("政务")), set(matching_ids("anpai"))
    assert chinese and pinyin
    mixed = search("政务 anpai", limit=100)
    assert mixed.total and {h.id for h in mixed.hits} <= chinese & pinyin
    assert set(matching_ids("政务 anpai")) == {h.id for h in mixed.hits}
    assert any("安排" in h.title and "政务" in h.title for h in mixed.hits)
    # Each term keeps its own way of matching: the pinyin word alone is not searched as letters.
    assert search("anpai 政务").total == mixed.total


def test_paging_walks_every_match_once(db):
    total = search("补贴").total
    pages = [search("补贴", limit=7, offset=o).hits for o in range(0, total + 7, 7)]
    ids = [h.id for page in pages for h in page]
    assert len(ids) == len(set(ids)) == total
    assert ids == [h.id for h in search("补贴", limit=100).hits][: len(ids)]


def test_title_matches_rank_before_body_only_matches(db):
    hits = search("最低生活保障", limit=100).hits
    in_title = [("最低生活保障" in h.title) for h in hits]
    assert any(in_title) and not all(in_title)
    assert in_title == sorted(in_title, reverse=True)


def test_body_matches_put_valid_and_newer_documents_first(db):
    hits = [h for h in search("加强", limit=100).hits if h.score == 0]
    bands = {"有效": 0, "修订": 1, "失效": 2, "废止": 3}
    keys = [(bands[h.validity], -int((h.issued or "0000").replace("-", ""))) for h in hits]
    assert keys == sorted(keys)


def test_snippet_marks_point_at_the_matched_terms(db):
    for hit in search("政务公开 考核").hits:
        assert hit.marks
        for start, end in hit.marks:
            assert fold(hit.snippet[start:end]) in ("政务公开", "考核")
        assert len(hit.snippet) <= 90 and "\n" not in hit.snippet


def test_hits_carry_what_the_screen_shows(db):
    hit = search("海政办发〔2019〕23号").hits[0]
    assert isinstance(hit, Hit)
    assert (hit.title, hit.issuer, hit.issued, hit.validity) == (
        "海城市人民政府办公室关于深入推进政务公开加强制度和平台建设的通知",
        "海城市人民政府办公室",
        "2019-07-17",
        "有效",
    )


def test_nothing_found_suggests_close_titles(db):
    result = search("政务工开")
    assert result.total == 0 and result.hits == []
    assert result.suggestions and any("政务公开" in s for s in result.suggestions)


def test_no_hit_query_is_fast_and_empty(db):
    result = search("量子计算")
    assert result.total == 0


def test_to_dict_is_the_cli_json(db):
    data = search("低保", limit=2).to_dict()
    assert list(data) == ["query", "normalized", "total", "total_exact", "hits", "facets"]
    assert list(data["hits"][0]) == [
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
    assert date.fromisoformat(data["hits"][0]["issued"])


def test_totals_past_the_cap_are_estimated_and_say_so_and_facets_keep_them_exact(db, monkeypatch):
    from kiosk.catalog import search as search_module

    truth = len(oracle(db, "公开"))
    monkeypatch.setattr(search_module, "COUNT_CAP", 50)
    search_module.clear_cache()  # totals are remembered per catalog generation
    assert truth > 100
    rough = search("公开", with_facets=False)
    assert not rough.total_exact and rough.to_dict()["total_exact"] is False
    assert 0.5 * truth <= rough.total <= 1.5 * truth and rough.total >= 50
    assert len(rough.hits) == 20  # the page itself does not depend on the total
    exact = search("公开")
    assert exact.total_exact and exact.total == truth
    few = search("螺丝岭", with_facets=False)
    assert few.total_exact and few.total == len(oracle(db, "螺丝岭"))
    monkeypatch.setattr(search_module, "COUNT_CAP", truth - 5)  # past the middle: counting on is cheaper
    search_module.clear_cache()
    finished = search("公开", with_facets=False)
    assert finished.total_exact and finished.total == truth
    monkeypatch.setattr(search_module, "COUNT_CAP", 50)
    search_module.clear_cache()
    repealed, repealed_exact = search("公开", validity="废止", with_facets=False), search("公开", validity="废止")
    assert repealed.total == repealed_exact.total or not repealed.total_exact
    search_module.clear_cache()


def test_prepare_loads_what_the_first_search_would_wait_for(db):
    from kiosk.catalog import facets
    from kiosk.catalog import search as search_module

    search_module.clear_cache()
    facets._cache.clear()
    search_module.prepare()
    loaded = facets._cache[id(db)]
    assert loaded.generation == facets.generation(db)
    assert search("公开", with_facets=False).total > 0
    assert facets._cache[id(db)] is loaded  # the search used them, it did not load them again
