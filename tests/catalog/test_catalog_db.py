import sqlite3
import threading
from datetime import date

import pytest

from kiosk.catalog.catalog_db import connect, latest_schema_version, migrate_database, open_store, schema_version
from kiosk.catalog.document_record import DocumentRecord
from kiosk.catalog.documents import get_document, upsert_documents
from kiosk.catalog.migrations import all_migrations
from kiosk.errors import StorageError


def test_store_uses_wal_and_foreign_keys(tmp_path):
    db = open_store(tmp_path / "c.sqlite3")
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert schema_version(db) == latest_schema_version()


def test_every_thread_connection_keeps_a_small_page_cache(tmp_path):
    # Each thread of the kiosk (UI, search worker, input method loader) has its own connection, and a
    # filled cache stays in the process's heap: a few MB each, the OS caches the file for all of them.
    db = open_store(tmp_path / "c.sqlite3")
    sizes = [db.execute_sql("PRAGMA cache_size").fetchone()[0]]
    thread = threading.Thread(target=lambda: sizes.append(db.execute_sql("PRAGMA cache_size").fetchone()[0]))
    thread.start()
    thread.join()
    assert len(sizes) == 2
    assert all(-4_000 <= size < 0 for size in sizes)  # negative: KiB, so at most 4 MB


@pytest.mark.parametrize("start", [number for number, _ in all_migrations()])
def test_every_earlier_schema_migrates_to_the_latest_keeping_documents(tmp_path, start):
    path = tmp_path / "old.sqlite3"
    db = connect(path)
    migrate_database(db, target=start)
    db.execute_sql(
        "INSERT INTO document (id, title, doc_number, doc_number_norm, issuer, issued, published, category, "
        "validity, body, source_url, content_hash, updated_at) VALUES "
        "('d1', '旧文件', '海政办发〔2019〕23号', '海政办发〔2019〕23号', '海城市人民政府办公室', '2019-07-17', "
        "'2019-07-17', '政策文件', '有效', '正文', NULL, 'x', '2020-01-01 00:00:00')"
    )
    db.close()
    db = open_store(path)
    assert schema_version(db) == latest_schema_version()
    doc = get_document("d1")
    assert doc.title == "旧文件" and doc.issued == date(2019, 7, 17)
    assert list(doc.attachments) == []
    db.close()


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "new.sqlite3"
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {latest_schema_version() + 1}")
    raw.close()
    with pytest.raises(StorageError) as info:
        open_store(path)
    assert "升级" in info.value.message_zh


def test_corrupt_file_is_a_storage_error(tmp_path):
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StorageError):
        open_store(path)


def test_upsert_counts_added_changed_unchanged_and_cascades_attachments(store):
    from kiosk.catalog.document_record import AttachmentRef
    from kiosk.catalog.models import Attachment

    ref = AttachmentRef("附件1.pdf", "a" * 64, 10, "application/pdf")
    one = DocumentRecord(id="d1", title="甲", body="正文", attachments=(ref,))
    first = upsert_documents([one, DocumentRecord(id="d2", title="乙")])
    assert (first.added, first.changed, first.unchanged) == (2, 0, 0)
    second = upsert_documents([DocumentRecord(id="d1", title="甲（修订）"), DocumentRecord(id="d2", title="乙")])
    assert (second.added, second.changed, second.unchanged) == (0, 1, 1)
    assert Attachment.select().count() == 0
    assert get_document("d1").title == "甲（修订）"
