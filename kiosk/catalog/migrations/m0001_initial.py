"""Schema 1: documents and catalog state."""

from peewee import CharField, DateField, DateTimeField, Model, TextField


def apply(db, migrator) -> None:
    class Document(Model):
        id = CharField(primary_key=True)
        title = TextField()
        doc_number = CharField(null=True)
        doc_number_norm = CharField(null=True, index=True)
        issuer = CharField(null=True, index=True)
        issued = DateField(null=True, index=True)
        published = DateField(null=True)
        category = CharField(null=True, index=True)
        validity = CharField(default="有效", index=True)
        body = TextField(default="")
        source_url = TextField(null=True)
        content_hash = CharField()
        updated_at = DateTimeField()

        class Meta:
            database = db
            table_name = "document"

    class CatalogState(Model):
        key = CharField(primary_key=True)
        value = TextField()

        class Meta:
            database = db
            table_name = "catalog_state"

    db.create_tables([Document, CatalogState])
