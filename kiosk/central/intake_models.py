"""Today's models of the central intake database (SQLite or PostgreSQL, through the same models and
its own proxy). Old schemas live frozen in kiosk/central/intake_migrations."""

from __future__ import annotations

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DatabaseProxy,
    DateField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

intake_database = DatabaseProxy()


class BaseModel(Model):
    class Meta:
        database = intake_database


class Terminal(BaseModel):
    """A terminal allowed to hand in applications; it proves itself with its own token."""

    id = AutoField()
    number = IntegerField(unique=True)  # 1..8999, the TTTT in its tracking numbers
    name = CharField(unique=True)
    token_hash = CharField(unique=True)  # sha256 of the token: tokens are random, a slow hash adds nothing
    created_at = CharField()
    revoked_at = CharField(null=True)

    class Meta:
        table_name = "intake_terminal"


class IntakeApplication(BaseModel):
    id = AutoField()
    tracking = CharField(unique=True)
    terminal = ForeignKeyField(Terminal, backref="applications", on_delete="RESTRICT")
    idempotency_key = CharField()
    received_at = CharField()  # on the terminal, ISO 8601 with offset: the statutory day of receipt
    due = DateField()
    extended_due = DateField()
    calendar_complete = BooleanField()
    applicant_type = CharField()
    id_type = CharField()
    delivery_form = CharField()
    delivery_way = CharField()
    data = TextField()  # the validated application as JSON
    status = CharField(default="received", index=True)
    status_note = TextField(null=True)
    status_at = CharField()
    created_at = CharField()  # when central stored it

    class Meta:
        table_name = "intake_application"
        indexes = ((("terminal", "idempotency_key"), True),)


class StatusChange(BaseModel):
    """Every status an application had, for the office's record."""

    id = AutoField()
    application = ForeignKeyField(IntakeApplication, backref="changes", on_delete="CASCADE")
    status = CharField()
    note = TextField(null=True)
    at = CharField()

    class Meta:
        table_name = "intake_status_change"


MODELS = (Terminal, IntakeApplication, StatusChange)
