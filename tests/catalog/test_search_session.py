"""The search screen's state, headless: query, chips, pages, totals and the newest-query-wins rule,
against a real catalog (the seeds plus a generated corpus)."""

import pytest

from kiosk.catalog.search_session import PAGE_SIZE, SearchSession, pieces
from tests.catalog.search_fixtures import SEED_IDS, build_seed_catalog, use


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    db = build_seed_catalog(tmp_path_factory.mktemp("session") / "catalog.sqlite3", generated=300)
    yield db
    db.close()


@pytest.fixture
def session(catalog):
    use(catalog)
    return SearchSession()


def run(session, request):
    assert request is not None
    assert session.accept(request, request.run())
    return session


def test_typing_a_query_runs_a_search_and_shows_its_total_and_first_page(session):
    run(session, session.set_query("公开"))
    assert session.total > PAGE_SIZE and session.total_text == f"共 {session.total:,} 条"
    assert len(session.rows()) == PAGE_SIZE
    assert session.page_text == f"第 1 / {session.pages} 页" and session.has_next and not session.has_previous


def test_an_answer_to_an_older_query_is_dropped_the_newest_wins(session):
    slow = session.set_query("政")
    newest = session.set_query("政务公开")
    assert not session.accept(slow, slow.run())
    assert session.result is None
    run(session, newest)
    assert session.result.query == "政务公开"


def test_paging_walks_every_hit_once_and_stops_at_the_ends(session):
    run(session, session.set_query("通知"))
    assert session.previous_page() is None
    seen = [row.id for row in session.rows()]
    while session.has_next:
        run(session, session.next_page())
        seen += [row.id for row in session.rows()]
    assert session.next_page() is None
    assert len(seen) == len(set(seen)) == session.total


def test_a_year_chip_narrows_the_results_and_tapping_it_again_drops_it(session):
    run(session, session.set_query("公开"))
    everything = session.total
    year = next(chip for chip in session.chips("year") if chip.count < everything)
    run(session, session.toggle("year", year.value))
    assert session.total == year.count and session.page == 1
    chosen = session.chips("year")[0]
    assert chosen.selected and chosen.value == year.value and chosen.label == f"{year.value}年"
    assert all(row.meta.split("·")[-1].strip().startswith(str(year.value)) for row in session.rows())
    run(session, session.toggle("year", year.value))
    assert session.total == everything and not session.filters


def test_chip_counts_say_what_choosing_them_finds(session):
    run(session, session.set_query("工作"))
    for chip in session.chips("issuer")[:3]:
        probe = SearchSession(query="工作", filters={"issuer": chip.value})
        assert probe.request().run().total == chip.count


def test_matched_words_are_marked_in_the_snippet(session):
    run(session, session.set_query("防汛"))
    row = session.rows()[0]
    assert any(matched and "防汛" in text for text, matched in row.snippet)
    assert row.meta and row.title


def test_a_doc_number_in_square_brackets_puts_its_document_first(session):
    run(session, session.set_query("海政办发[2019]23号"))
    assert session.rows()[0].id == SEED_IDS["海政办发〔2019〕23号"]


def test_no_results_give_suggestions_and_a_hint_to_try_fewer_words(session):
    run(session, session.set_query("政务工开"))  # a pinyin keyboard's slip for 政务公开
    assert session.no_results and session.total_text == "共 0 条" and session.pages == 0
    assert session.suggestions and "少输入" in session.hint
    run(session, session.set_query("政务公开"))
    run(session, session.toggle("validity", "废止"))
    if session.no_results:
        assert "筛选" in session.hint


def test_an_estimated_total_reads_as_about(session):
    run(session, session.set_query("公开"))
    session.result.total_exact = False
    assert session.total_text.startswith("约 ")


def test_emptying_the_box_clears_results_and_an_idle_reset_clears_everything(session):
    run(session, session.set_query("公开"))
    run(session, session.toggle("validity", "有效"))
    assert session.set_query("") is None and session.result is None and session.rows() == []
    session.reset()
    assert session.query == "" and session.filters == {} and session.page == 1


def test_pieces_keep_every_character_once():
    text = "关于做好防汛抗旱工作的通知"
    parts = pieces(text, [[4, 6], [6, 8], [20, 30], [2, 1]])
    assert "".join(t for t, _ in parts) == text
    assert [t for t, m in parts if m] == ["防汛", "抗旱"]
