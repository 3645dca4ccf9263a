"""Schema 4: the titles terminals report for the documents they count, so the console's usage page names
documents instead of ids."""

from peewee import CharField, Model, TextField


def apply(db, migrator) -> None:
    class DocumentTitle(Model):
        doc_id = CharField(primary_key=True)
        title = TextField()
        seen_at = CharField()

        class Meta:
            database = db
            table_name = "intake_document_title"

    db.create_tables([DocumentTitle])
