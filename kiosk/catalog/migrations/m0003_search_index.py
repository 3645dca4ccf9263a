"""Schema 3: the full-text search index (kiosk/catalog/search_index.py explains its layout).

The index is derived data. This migration creates its tables as they were at schema 3 and marks
the index stale; `migrate_database` then fills it from the documents already present, with the
code of the running version, once every migration has been applied.
"""

from peewee import CharField, IntegerField, Model, TextField
from playhouse.migrate import migrate
from playhouse.sqlite_ext import FTS5Model, RowIDField, SearchField


def apply(db, migrator) -> None:
    class SearchDoc(Model):
        key = IntegerField(primary_key=True)  # the rank key, also the rowid of both FTS tables
        doc_id = CharField(unique=True)
        issuer_id = IntegerField()
        category_id = IntegerField()
        year = IntegerField()
        band = IntegerField()
        title_key = TextField(index=True)

        class Meta:
            database = db
            table_name = "search_doc"

    class SearchValue(Model):
        kind = CharField()
        value = TextField()

        class Meta:
            database = db
            table_name = "search_value"
            indexes = ((("kind", "value"), True),)

    class SearchBody(FTS5Model):
        rowid = RowIDField()
        text = SearchField()

        class Meta:
            database = db
            table_name = "search_body"
            options = {"tokenize": "trigram", "content": "", "detail": "none", "columnsize": 0}

    class SearchHead(FTS5Model):
        rowid = RowIDField()
        title = SearchField()
        number = SearchField()
        issuer = SearchField()
        pinyin = SearchField()
        initials = SearchField()
        marks = SearchField()

        class Meta:
            database = db
            table_name = "search_head"
            options = {"tokenize": "trigram", "content": "", "detail": "full"}

    db.create_tables([SearchDoc, SearchValue, SearchBody, SearchHead])
    migrate(
        migrator.add_column("relation", "target_title", TextField(null=True, index=True)),
        migrator.add_column("relation", "target_tail", CharField(null=True, index=True)),
    )
    db.execute_sql("INSERT OR REPLACE INTO catalog_state (key, value) VALUES ('search_index_stale', '1')")
