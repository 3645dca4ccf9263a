"""Browsing without typing, against a real catalog: groups with counts, their documents newest
first and paged, and the 政策解读 with the policies they explain."""

import pytest

from kiosk.catalog import browse
from kiosk.errors import BadInput
from tests.catalog.search_fixtures import build_seed_catalog, record, use


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    extra = [record("undated", "无日期的通知", "正文。", issued=None, category=None, issuer=None)]
    db = build_seed_catalog(tmp_path_factory.mktemp("browse") / "catalog.sqlite3", generated=200, extra=extra)
    yield db
    db.close()


@pytest.fixture
def db(catalog):
    use(catalog)
    return catalog


@pytest.mark.parametrize("kind", sorted(browse.KINDS))
def test_group_counts_add_up_to_the_catalog_and_each_matches_its_documents(db, kind):
    groups = browse.groups(kind)
    assert sum(g.count for g in groups) == db.execute_sql("SELECT count(*) FROM document").fetchone()[0]
    for group in groups[:4] + groups[-1:]:
        assert browse.documents(kind, group.value).total == group.count


def test_years_come_newest_first_and_documents_without_a_value_come_last(db):
    years = browse.groups("year")
    values = [int(g.value) for g in years[:-1]]
    assert values == sorted(values, reverse=True)
    assert years[-1].value == browse.OTHER and years[-1].label == "未注明日期"
    assert browse.groups("category")[-1].label == "其他（未分类）"


def test_offices_are_ordered_by_how_many_documents_they_issued(db):
    counts = [g.count for g in browse.groups("issuer") if g.value != browse.OTHER]
    assert counts == sorted(counts, reverse=True)


def test_a_groups_documents_are_newest_first_and_pages_cover_each_once(db):
    group = max(browse.groups("category"), key=lambda g: g.count)
    first = browse.documents("category", group.value, page=1, page_size=5)
    seen, dates = [], []
    for number in range(1, first.pages + 1):
        page = browse.documents("category", group.value, page=number, page_size=5)
        assert page.page_text == f"第 {number} / {first.pages} 页"
        seen += [r["id"] for r in page.rows]
        dates += [r["issued"] for r in page.rows if r["issued"]]
    assert len(seen) == len(set(seen)) == group.count
    assert dates == sorted(dates, reverse=True)


def test_a_page_past_the_end_shows_the_last_page_and_rubbish_shows_the_first(db):
    group = browse.groups("year")[0]
    last = browse.documents("year", group.value, page=999, page_size=2)
    assert last.page == last.pages and last.rows
    assert browse.documents("year", group.value, page="x").page == 1


def test_an_unknown_kind_is_refused_with_a_message_for_the_screen(db):
    with pytest.raises(BadInput) as caught:
        browse.groups("colour")
    assert caught.value.message_zh


def test_each_interpretation_shows_the_policy_it_explains(db):
    page = browse.interpretations(page_size=50)
    assert page.total >= 2
    resolved = [r for r in page.rows if r["policy"] and r["policy"]["id"]]
    assert resolved
    for row in resolved:
        assert row["policy"]["id"] != row["id"] and row["policy"]["title"]
    # The seed 解读 names a policy this catalog does not hold: shown by title, not as a link.
    seed = next(r for r in page.rows if r["title"].startswith("解读《关于我市全面推进政务公开"))
    assert seed["policy"] == {"id": None, "title": "关于我市全面推进政务公开工作实施意见", "doc_number": None}
