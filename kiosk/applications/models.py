"""Today's models of the terminal's application database (its own file and its own proxy, never the
catalog's). Old schemas live frozen in kiosk/applications/migrations."""

from __future__ import annotations

from peewee import (
    BlobField,
    BooleanField,
    CharField,
    DatabaseProxy,
    DateField,
    FloatField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

database = DatabaseProxy()


class BaseModel(Model):
    class Meta:
        database = database


class Application(BaseModel):
    """One application. Everything personal is inside `sealed` (AES-GCM); the rest is what a receipt
    and a status lookup need after the personal data is purged."""

    tracking = CharField(primary_key=True)
    idempotency_key = CharField(unique=True)
    terminal_id = CharField()
    terminal_no = CharField(max_length=4)
    received_on = DateField(index=True)
    sequence = IntegerField()
    received_at = CharField()  # ISO 8601 with offset, the terminal's clock
    due = DateField()
    extended_due = DateField()
    correction_due = DateField()
    calendar_complete = BooleanField()
    applicant_type = CharField()
    id_type = CharField()
    delivery_form = CharField()
    delivery_way = CharField()
    key_id = CharField()
    sealed = BlobField(null=True)  # None once purged
    status = CharField(default="pending", index=True)
    status_note = TextField(null=True)
    status_at = CharField(null=True)
    confirmed_at = CharField(null=True, index=True)  # when central acknowledged receipt
    purged_at = CharField(null=True)
    channel = CharField(default="kiosk")  # kiosk.applications.channels: kiosk | paper

    class Meta:
        table_name = "application"
        indexes = ((("received_on", "terminal_no", "sequence"), True),)


class Outbox(BaseModel):
    """Delivery of one application to central: retried with back-off until acknowledged."""

    application = ForeignKeyField(Application, primary_key=True, backref="outbox", on_delete="CASCADE")
    state = CharField(default="pending", index=True)  # pending | delivered | held
    attempts = IntegerField(default=0)
    failures = IntegerField(default=0)  # answers that blamed this request (5xx), not the network
    next_attempt = FloatField(default=0.0)  # epoch seconds
    last_error = TextField(null=True)  # short English reason, never personal data
    delivered_at = CharField(null=True)

    class Meta:
        table_name = "outbox"


MODELS = (Application, Outbox)
