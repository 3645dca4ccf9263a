"""Where the lexicon comes from on a terminal: built on first use (or by `kiosk ime build`), kept in
the home, and its catalog part refreshed only when the catalog has changed since."""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

from kiosk.environment import Env
from kiosk.errors import StorageError
from kiosk.ime import phrases
from kiosk.ime.engine import Engine
from kiosk.ime.history import ChoiceHistory
from kiosk.ime.lexicon import BuildReport, build_lexicon, is_current, read_meta, refresh_domain

if TYPE_CHECKING:
    from kiosk.sync.updater import Progress

log = logging.getLogger(__name__)


def catalog_documents() -> Iterator[dict]:
    """Title, issuer, 文号 and body of every document of the open catalog."""
    from kiosk.catalog.models import Document

    query = Document.select(Document.title, Document.issuer, Document.doc_number, Document.body)
    for doc in query.order_by(Document.issued.desc(nulls="LAST"), Document.id).iterator():
        yield {"title": doc.title, "issuer": doc.issuer, "doc_number": doc.doc_number, "body": doc.body}


def _reported(documents: Iterator[dict], progress: Progress) -> Iterator[dict]:
    """The documents, telling `progress` how far the build has read them."""
    from kiosk.catalog.models import Document

    total = Document.select().count()
    for done, doc in enumerate(documents):
        if done % 200 == 0:
            progress("catalog", done, total)
        yield doc
    progress("catalog", total, total)


def catalog_fingerprint() -> str:
    """Changes whenever a sync or an import adds, changes or removes a document."""
    from peewee import fn

    from kiosk.catalog.models import Document

    count, latest = Document.select(fn.count(Document.id), fn.max(Document.updated_at)).scalar(as_tuple=True)
    return f"{count}:{latest}"


def ensure_lexicon(env: Env, *, force: bool = False, progress: Progress | None = None) -> BuildReport | None:
    """Build the lexicon if it is missing or stale; refresh the catalog vocabulary if the catalog moved.

    Returns the report of a full build, or None when the cached lexicon was used. `progress` hears
    the phases "words" (the general lexicon) and "catalog" (documents read for its vocabulary).
    """
    from kiosk.catalog.catalog_db import open_store

    open_store(env.catalog_db)  # already open in the app (opening is idempotent and thread-safe)
    fingerprint = catalog_fingerprint()
    path = env.ime_lexicon
    if force or not is_current(path):
        env.ensure_home()
        documents = catalog_documents()
        if progress is not None:
            documents = _reported(documents, progress)
        return build_lexicon(path, documents, fingerprint, progress=progress)
    if read_meta(path).get("domain_fingerprint") != fingerprint:
        documents = catalog_documents()
        if progress is not None:
            documents = _reported(documents, progress)
        terms = refresh_domain(path, documents, fingerprint)
        log.info("refreshed the catalog vocabulary of the input method: %d terms", terms)
    return None


def ensure_lexicon_in_child(env: Env, *, timeout: float = 1800) -> None:
    """`ensure_lexicon` in a child process: building or refreshing loads jieba, rjieba and pypinyin
    (~200 MB that a Python process never gives back), and the kiosk's UI process must not keep them."""
    code = "import sys; from pathlib import Path; from kiosk.environment import Env; from kiosk.ime.setup import ensure_lexicon; ensure_lexicon(Env.load(Path(sys.argv[1])))"
    proc = subprocess.run([sys.executable, "-c", code, str(env.home)], capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-1:] or ["no output"]
        raise StorageError("输入法词库暂时无法更新。", f"lexicon refresh process exited {proc.returncode}: {tail[0]}")


def open_engine(env: Env, *, in_child: bool = False) -> Engine:
    """The engine on this terminal's lexicon, building or refreshing it first when needed (in a child
    process when `in_child`: the running kiosk)."""
    if in_child:
        ensure_lexicon_in_child(env)
    else:
        ensure_lexicon(env)
    return Engine(
        env.ime_lexicon,
        use_fuzzy=env.config.ime_fuzzy,
        phrases=phrases.load(),
        history=ChoiceHistory(env.ime_history),
    )
