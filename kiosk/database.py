"""The one way to open a SQLite store (the catalog, the applications, central's intake on SQLite): path,
pragmas, owner-only files for personal data, migrations, and "already open here?", under one lock.

Opening is idempotent: a store already bound to the same file is returned as it is. Rebinding a shared
peewee proxy while another thread is inside a transaction would send that thread's next statement to a
new connection outside its transaction (the UI opens the catalog while the background sync writes)."""

from __future__ import annotations

import os
import sqlite3
import threading
import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from peewee import DatabaseError, DatabaseProxy, SqliteDatabase

from kiosk.errors import StorageError

_opening = threading.Lock()
_opened: weakref.WeakSet[SqliteDatabase] = weakref.WeakSet()  # migrated and bound here, not raw connections


@dataclass(frozen=True)
class StoreKind:
    name: str  # for the log: "catalog", "application", "intake"
    title_zh: str  # for the screen: 本地目录数据库, 申请数据库 …
    proxy: DatabaseProxy
    pragmas: Mapping[str, Any]
    migrate: Callable[[SqliteDatabase], int]  # to the latest schema; StorageError if the file is newer
    private: bool = False  # personal data: the file (and SQLite's -wal/-shm, which copy its mode) owner-only
    advice_zh: str = ""  # what a person should do, after the message


def connect_sqlite(kind: StoreKind, path: Path) -> SqliteDatabase:
    """A raw connection with the store's pragmas, not migrated and not bound to the models."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if kind.private and not path.exists():
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
        db = SqliteDatabase(str(path), pragmas=dict(kind.pragmas), check_same_thread=False)
        db.connect(reuse_if_open=True)
    except (OSError, DatabaseError, sqlite3.Error) as exc:
        raise StorageError(
            f"无法打开{kind.title_zh}。{kind.advice_zh}", f"cannot open {kind.name} database {path}: {exc}"
        ) from exc
    return db


def bound_to(kind: StoreKind, path: Path) -> SqliteDatabase | None:
    """The store's open database when it is the file at `path`, else None."""
    current = kind.proxy.obj
    if isinstance(current, SqliteDatabase) and current in _opened and current.database == str(path) and path.exists():
        return current
    return None


def open_sqlite(kind: StoreKind, path: Path) -> SqliteDatabase:
    """Open (creating if needed) the store at `path`, migrate it, bind its models to it — or return it
    as it is when this process already has it open. Safe to call from any thread."""
    with _opening:
        current = bound_to(kind, path)
        if current is not None:
            return current
        db = connect_sqlite(kind, path)
        try:
            kind.migrate(db)
        except (DatabaseError, sqlite3.Error) as exc:
            db.close()
            raise StorageError(
                f"{kind.title_zh}已损坏或不可用。{kind.advice_zh}", f"{kind.name} database {path} is unusable: {exc}"
            ) from exc
        except StorageError:
            db.close()
            raise
        kind.proxy.initialize(db)
        _opened.add(db)
        return db


def refuse_newer(kind_name: str, title_zh: str, path: str, version: int, latest: int) -> None:
    """A file from a newer program: migrating down is impossible and writing to it would corrupt it."""
    if version > latest:
        raise StorageError(
            f"{title_zh}来自更新版本的软件，请升级本机软件。",
            f"{kind_name} database {path} has schema {version}, newer than this program's {latest}",
        )
