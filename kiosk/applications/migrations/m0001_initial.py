"""Schema 1: applications (personal data sealed) and their outbox."""

from peewee import (
    BlobField,
    BooleanField,
    CharField,
    DateField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)


def apply(db, migrator) -> None:
    class Application(Model):
        tracking = CharField(primary_key=True)
        idempotency_key = CharField(unique=True)
        terminal_id = CharField()
        terminal_no = CharField(max_length=4)
        received_on = DateField(index=True)
        sequence = IntegerField()
        received_at = CharField()
        due = DateField()
        extended_due = DateField()
        correction_due = DateField()
        calendar_complete = BooleanField()
        applicant_type = CharField()
        id_type = CharField()
        delivery_form = CharField()
        delivery_way = CharField()
        key_id = CharField()
        sealed = BlobField(null=True)
        status = CharField(default="pending", index=True)
        status_note = TextField(null=True)
        status_at = CharField(null=True)
        confirmed_at = CharField(null=True, index=True)
        purged_at = CharField(null=True)

        class Meta:
            database = db
            table_name = "application"
            indexes = ((("received_on", "terminal_no", "sequence"), True),)

    class Outbox(Model):
        application = ForeignKeyField(Application, primary_key=True, on_delete="CASCADE")
        state = CharField(default="pending", index=True)
        attempts = IntegerField(default=0)
        next_attempt = FloatField(default=0.0)
        last_error = TextField(null=True)
        delivered_at = CharField(null=True)

        class Meta:
            database = db
            table_name = "outbox"

    db.create_tables([Application, Outbox])
