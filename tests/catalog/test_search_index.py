"""The index stays in step with every write, in the writer's transaction, and survives migrations."""

from dataclasses import replace
from datetime import date

import pytest

from benchmarks.corpus import generate_documents, mutate
from kiosk.catalog import search_index
from kiosk.catalog.catalog_db import connect, migrate_database, open_store
from kiosk.catalog.documents import delete_documents, upsert_documents
from kiosk.catalog.models import database
from kiosk.catalog.search import matching_ids, search
from tests.catalog.search_fixtures import record

PROBES = ["政务公开", "低保", "税", "最低生活保障 申请", "zwgk", "laojiuxiaoqu", "养老", "螺丝岭", "公开"]


def _answers() -> dict[str, list[str]]:
    return {q: matching_ids(q) for q in PROBES} | {f"page:{q}": [h.id for h in search(q).hits] for q in PROBES}


def _vocabulary(db) -> dict:
    """What the FTS tables hold: every token with its document count."""
    found = {}
    for table in ("search_body", "search_head"):
        db.execute_sql(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.v_{table} USING fts5vocab(main, {table}, 'row')")
        found[table] = dict(db.execute_sql(f"SELECT term, doc FROM temp.v_{table}").fetchall())
    return found


def test_changes_and_deletes_leave_the_index_as_a_rebuild_would(store):
    docs = list(generate_documents(300, seed=5))
    upsert_documents(docs)
    upsert_documents(mutate(docs, 60, seed=1))  # new bodies, titles, validity
    upsert_documents([replace(d, issued=date(2001, 1, 1)) for d in docs[100:120]])  # new rank keys
    delete_documents([d.id for d in docs[200:230]])
    upsert_documents(docs[200:210])  # back again
    before, vocabulary = _answers(), _vocabulary(store)
    search_index.rebuild_index(store)
    assert _answers() == before
    assert _vocabulary(store) == vocabulary


def test_a_change_is_searchable_at_once_and_the_old_text_is_gone(store):
    upsert_documents([record("a", "关于旧称呼的通知", "正文提到甲乙丙丁。")])
    assert [h.id for h in search("甲乙丙丁").hits] == ["a"]
    upsert_documents([record("a", "关于新称呼的通知", "正文改为戊己庚辛。")])
    assert search("甲乙丙丁").total == 0 and search("旧称呼").total == 0
    assert [h.id for h in search("戊己庚辛").hits] == ["a"] and [h.id for h in search("新称呼").hits] == ["a"]
    delete_documents(["a"])
    assert search("戊己庚辛").total == 0
    assert store.execute_sql("SELECT count(*) FROM search_doc").fetchone()[0] == 0


def test_repealing_a_document_moves_it_behind_valid_ones(store):
    upsert_documents(
        [
            record("old", "甲", "关于垃圾分类的规定。", issued=date(2020, 1, 1)),
            record("new", "乙", "关于垃圾分类的规定。", issued=date(2024, 1, 1)),
        ]
    )
    assert [h.id for h in search("垃圾分类").hits] == ["new", "old"]
    upsert_documents([record("new", "乙", "关于垃圾分类的规定。", issued=date(2024, 1, 1), validity="废止")])
    assert [h.id for h in search("垃圾分类").hits] == ["old", "new"]


def test_a_failed_write_leaves_documents_and_index_unchanged(store):
    upsert_documents([record("a", "关于测试的通知", "原来的正文。")])

    def records():
        yield record("a", "关于测试的通知", "改过的正文。")
        raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        upsert_documents(records())
    assert [h.id for h in search("原来的正文").hits] == ["a"] and search("改过的").total == 0


def test_the_same_id_twice_in_one_write_keeps_the_last(store):
    upsert_documents([record("a", "第一版", "一号正文"), record("a", "第二版", "二号正文")])
    assert search("一号正文").total == 0 and [h.id for h in search("二号正文").hits] == ["a"]
    assert store.execute_sql("SELECT count(*) FROM search_doc").fetchone()[0] == 1


def test_many_documents_on_one_day_overflow_without_collisions(store):
    docs = [record(f"d{i}", f"同日文件{i}", "同一天发布。", issued=date(2024, 5, 1)) for i in range(4200)]
    upsert_documents(docs)
    assert search("同一天发布").total == 4200
    keys = [k for (k,) in store.execute_sql("SELECT key FROM search_doc")]
    assert len(set(keys)) == 4200


def test_undated_documents_rank_after_dated_ones(store):
    upsert_documents(
        [
            record("undated", "甲", "防汛通知。", issued=None),
            record("dated", "乙", "防汛通知。", issued=date(2001, 1, 1)),
        ]
    )
    assert [h.id for h in search("防汛通知").hits] == ["dated", "undated"]


def test_the_migration_builds_the_index_for_documents_already_there(tmp_path):
    path = tmp_path / "old.sqlite3"
    db = connect(path)
    migrate_database(db, target=2)
    db.execute_sql(
        "INSERT INTO document (id, title, doc_number, doc_number_norm, issuer, issued, published, category, "
        "validity, body, source_url, content_hash, updated_at, index_no) VALUES "
        "('d1', '关于做好防汛工作的通知', '海政办发〔2019〕23号', '海政办发〔2019〕23号', '海城市人民政府办公室', "
        "'2019-07-17', '2019-07-17', '政策文件', '有效', '根据国办发〔2017〕24号精神，做好防汛。', NULL, 'x', "
        "'2020-01-01 00:00:00', NULL)"
    )
    db.close()
    db = open_store(path)
    assert [h.id for h in search("防汛").hits] == ["d1"]
    assert [h.id for h in search("fangxun").hits] == ["d1"]
    assert [h.id for h in search("国办发(2017)24号").hits] == ["d1"]
    assert db.execute_sql("SELECT value FROM catalog_state WHERE key = 'search_index_stale'").fetchone() is None
    db.close()


def test_search_before_any_store_is_opened_is_a_storage_error(monkeypatch):
    from kiosk.errors import StorageError

    monkeypatch.setattr(database, "obj", None)
    with pytest.raises(StorageError):
        search("政务")


def test_an_index_built_at_schema_3_is_rebuilt_by_schema_4_and_still_finds_everything(tmp_path):
    path = tmp_path / "v3.sqlite3"
    db = connect(path)
    migrate_database(db, target=3)
    database.initialize(db)
    upsert_documents([record("d1", title="关于ABC平台政务公开的通知", body="ＸＹＺ１２３ 低保申请")])
    assert (
        "case_sensitive" not in db.execute_sql("SELECT sql FROM sqlite_master WHERE name = 'search_body'").fetchone()[0]
    )
    db.close()
    db = open_store(path)
    for table in ("search_body", "search_head"):
        assert (
            "case_sensitive 1" in db.execute_sql("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
        )
    for query in ("政务公开", "abc", "ABC平台", "xyz123", "ｘｙｚ", "低保", "zwgk"):
        assert [h.id for h in search(query).hits] == ["d1"], query
    db.close()


def test_layout_puts_every_character_and_pair_before_the_trigrams():
    # Built with C-level joins for speed; it must equal the plain definition, or contentless
    # deletes (which repeat the inserted text) would leave tokens behind.
    text = "关于ＡＢＣ平台 2019年、政务公开！x"
    found = ["关于abc平台", "2019年", "政务公开", "x"]
    spaced = "  ".join(" ".join(run) for run in found)
    assert search_index.interleave(text) == f"  {spaced}  {'  '.join(found)}  "
    assert search_index.spaced_chars(text) == f"  {spaced}  "
    assert search_index.interleave("！？") == "" and search_index.spaced_chars("") == ""
    assert search_index.pinyin_text("政务", None) == search_index.pinyin_text("政务")
