"""Totals and facet counts against an independent oracle: a long office name whose parts also occur
apart must count only the documents that really contain it (the body index ANDs trigrams)."""

from datetime import date

import pytest

from kiosk.catalog.search import matching_ids, search
from tests.catalog.search_fixtures import build_seed_catalog, oracle, record, use

OFFICE = "临江市人民政府办公室"
# Every trigram of OFFICE, none of them the whole name: 临江市人民医院 / 人民政府 / 政府办公室.
APART = "临江市人民医院与区人民政府门户网站、县政府办公室联合发布。"


def _corpus() -> list:
    real = [
        record(
            f"real-{i:03d}",
            f"关于做好第{i}批民生实事的通知",
            f"各单位：经{OFFICE}同意，现将有关事项通知如下。",
            issuer="临江市财政局",
            issued=date(2024, 1 + i % 12, 1 + i % 27),
        )
        for i in range(45)
    ]
    decoys = [
        record(
            f"apart-{i:03d}",
            f"关于开展第{i}次卫生检查的通知",
            APART,
            issuer="临江市卫生健康委员会",
            issued=date(2023, 1 + i % 12, 1 + i % 27),
        )
        for i in range(70)
    ]
    return real + decoys


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    db = build_seed_catalog(tmp_path_factory.mktemp("totals") / "catalog.sqlite3", extra=_corpus())
    yield db
    db.close()


@pytest.fixture
def db(catalog):
    use(catalog)
    return catalog


def _paged_ids(query: str, **filters) -> list[str]:
    ids, offset = [], 0
    while True:
        page = search(query, limit=20, offset=offset, **filters).hits
        if not page:
            return ids
        ids += [hit.id for hit in page]
        offset += 20


def test_the_total_of_a_long_office_name_counts_only_documents_containing_it(db):
    truth = oracle(db, OFFICE)
    assert len(truth) == 45
    result = search(OFFICE)
    assert result.total_exact
    assert result.total == len(truth)


def test_every_counted_hit_can_be_paged_through_and_really_matches(db):
    truth = oracle(db, OFFICE)
    paged = _paged_ids(OFFICE)
    assert len(paged) == len(set(paged)) == search(OFFICE).total
    assert set(paged) == truth


def test_full_pages_stay_full_when_decoys_sit_between_the_real_matches(db):
    # Decoys are newer-ranked neighbours of real hits; a page of 20 still shows 20 real ones.
    assert len(search(OFFICE, limit=20).hits) == 20
    assert len(search(OFFICE, limit=20, offset=40).hits) == 5


def test_facets_count_only_real_matches(db):
    facets = search(OFFICE).facets
    assert {f["value"]: f["count"] for f in facets["issuer"]} == {"临江市财政局": 45}
    assert {f["value"]: f["count"] for f in facets["year"]} == {2024: 45}
    assert sum(f["count"] for f in facets["validity"]) == 45


def test_a_year_chip_with_only_decoys_counts_what_its_pages_show(db):
    # No 2023 document holds the whole name: search falls back to its words (临江市 人民政府 办公室),
    # and the total is then the number of documents holding those words, every one pageable.
    result = search(OFFICE, year_from=2023, year_to=2023)
    paged = _paged_ids(OFFICE, year_from=2023, year_to=2023)
    assert result.total == len(paged)
    assert set(paged) == {i for i in oracle(db, result.normalized) if i.startswith("apart-")}
    assert {f["value"]: f["count"] for f in result.facets["year"]}[2023] == result.total


def test_totals_without_facets_agree_with_the_paged_hits(db):
    result = search(OFFICE, with_facets=False)
    assert result.total == 45 and result.total_exact


def test_matching_ids_are_the_oracle(db):
    assert set(matching_ids(OFFICE)) == oracle(db, OFFICE)


def test_too_many_candidates_to_check_give_an_estimate_marked_as_such_and_real_pages(db, monkeypatch):
    from kiosk.catalog import search as search_module

    monkeypatch.setattr(search_module, "VERIFY_CAP", 50)
    monkeypatch.setattr(search_module, "VERIFY_SAMPLE", 20)
    search_module.clear_cache()
    result = search(OFFICE)
    assert not result.total_exact  # the screen shows 约 N 条
    assert abs(result.total - 45) <= 10
    paged = _paged_ids(OFFICE)
    assert set(paged) == oracle(db, OFFICE) and len(paged) == 45
    # A chip that leaves few enough candidates to check makes the count exact again.
    chipped = search(OFFICE, issuer="临江市财政局")
    assert chipped.total_exact and chipped.total == 45
    search_module.clear_cache()


def test_while_typing_many_candidates_give_an_estimate_and_real_pages_and_the_folded_search_counts_them(
    db, monkeypatch
):
    # Typing searches without facets: checking thousands of bodies per key would hold the results back,
    # so past TYPING_VERIFY_CAP the total is estimated (约) and only the page is checked; the search with
    # facets (the keyboard folded) checks every candidate and counts exactly.
    from kiosk.catalog import search as search_module

    monkeypatch.setattr(search_module, "TYPING_VERIFY_CAP", 50)
    monkeypatch.setattr(search_module, "VERIFY_SAMPLE", 20)
    search_module.clear_cache()
    typing = search(OFFICE, limit=20, with_facets=False)
    assert not typing.total_exact
    assert abs(typing.total - 45) <= 10
    assert len(typing.hits) == 20 and {hit.id for hit in typing.hits} <= oracle(db, OFFICE)
    folded = search(OFFICE)
    assert folded.total_exact and folded.total == 45
    again = search(OFFICE, with_facets=False)  # what the folded search checked is remembered
    assert again.total_exact and again.total == 45
    search_module.clear_cache()
