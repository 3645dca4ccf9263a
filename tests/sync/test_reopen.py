"""Opening the catalog again — from the UI thread, the input method's worker, the printer — while the
background sync is inside its write transaction leaves that transaction whole."""

from __future__ import annotations

import threading

import pytest

from kiosk.catalog.catalog_db import open_store
from kiosk.catalog.document_record import DocumentRecord
from kiosk.catalog.documents import count_documents, upsert_documents
from kiosk.catalog.models import database
from kiosk.sync.updater import sync_catalog


def _reopen_from_another_thread(path) -> object:
    opened: list[object] = []
    worker = threading.Thread(target=lambda: opened.append(open_store(path)))
    worker.start()
    worker.join(10)
    return opened[0]


def test_a_sync_commits_when_the_catalog_is_reopened_from_another_thread_mid_transaction(office, terminal):
    bound = database.obj
    seen: list[object] = []

    def progress(phase: str, done: int, total: int) -> None:
        if phase == "apply" and not seen:  # inside the one transaction
            seen.append(_reopen_from_another_thread(terminal.catalog_db))

    report = sync_catalog(terminal, str(office.feed), progress=progress)
    assert seen == [bound] and database.obj is bound  # the same store, not a new binding
    assert report.status == "updated" and count_documents() == 12


def test_statements_after_a_reopen_stay_inside_the_open_transaction(terminal):
    record = DocumentRecord.from_dict({"id": "r1", "title": "关于测试的通知"})
    with pytest.raises(RuntimeError), database.atomic():
        _reopen_from_another_thread(terminal.catalog_db)
        upsert_documents([record])  # on a new binding this would commit on its own connection
        raise RuntimeError("the sync fails after the reopen")
    assert count_documents() == 0


def test_opening_another_file_binds_the_models_to_it(terminal, tmp_path):
    other = open_store(tmp_path / "other.sqlite3")
    assert database.obj is other and open_store(tmp_path / "other.sqlite3") is other
