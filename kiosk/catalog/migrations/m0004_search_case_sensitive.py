"""Schema 4: the two FTS tables tokenise with `trigram case_sensitive 1`.

Every text the index sees is folded to lower case first (normalize.fold), so SQLite's own case
folding only cost time: it looks up every CJK character in its Unicode tables, and dropping it made
tokenising a fifth faster (index builds and the 100-document change, benchmarks/search.py). The
tokens are the same; the tables are recreated and the index marked stale, so `migrate_database`
refills it from the documents.

Also a covering index for "documents citing this 文号" (search.py, relations.py): the 2,300
documents citing 国办发〔2017〕24号 at 100k documents were read row by row, 5.3 ms; 2.4 ms with it.
"""

BODY = (
    "CREATE VIRTUAL TABLE search_body USING fts5(text, tokenize = 'trigram case_sensitive 1', "
    "content = '', detail = none, columnsize = 0)"
)
HEAD = (
    "CREATE VIRTUAL TABLE search_head USING fts5(title, number, issuer, pinyin, initials, marks, "
    "tokenize = 'trigram case_sensitive 1', content = '', detail = full)"
)


def apply(db, migrator) -> None:
    db.execute_sql("DROP TABLE IF EXISTS search_body")
    db.execute_sql("DROP TABLE IF EXISTS search_head")
    db.execute_sql(BODY)
    db.execute_sql(HEAD)
    db.execute_sql("DELETE FROM search_doc")
    db.execute_sql(
        "CREATE INDEX IF NOT EXISTS relation_cites ON relation (target_tail, kind, target_number, source_id)"
    )
    db.execute_sql("INSERT OR REPLACE INTO catalog_state (key, value) VALUES ('search_index_stale', '1')")
