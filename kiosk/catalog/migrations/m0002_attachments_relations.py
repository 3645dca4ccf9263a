"""Schema 2: 索引号 on documents, attachments, and relations between documents."""

from peewee import CharField, ForeignKeyField, IntegerField, Model, TextField
from playhouse.migrate import migrate


def apply(db, migrator) -> None:
    class Document(Model):
        id = CharField(primary_key=True)

        class Meta:
            database = db
            table_name = "document"

    class Attachment(Model):
        document = ForeignKeyField(Document, on_delete="CASCADE")
        name = TextField()
        sha256 = CharField(max_length=64)
        size = IntegerField()
        media_type = CharField(null=True)

        class Meta:
            database = db
            table_name = "attachment"
            indexes = ((("document", "sha256", "name"), True),)

    class Relation(Model):
        source = ForeignKeyField(Document, on_delete="CASCADE")
        kind = CharField()
        target_number = CharField(null=True, index=True)
        target = ForeignKeyField(Document, null=True, on_delete="SET NULL")

        class Meta:
            database = db
            table_name = "relation"

    migrate(migrator.add_column("document", "index_no", CharField(null=True)))
    db.create_tables([Attachment, Relation])
