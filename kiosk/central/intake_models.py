"""Today's models of the central intake database (SQLite or PostgreSQL, through the same models and
its own proxy). Old schemas live frozen in kiosk/central/intake_migrations."""

from __future__ import annotations

from peewee import (
    AutoField,
    BigIntegerField,
    BlobField,
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
    # What anyone at the office may see: the application without personal data, the masked
    # applicant, and the description masked (kiosk.central.intake_sealing.split).
    data = TextField()
    sealed = BlobField(null=True)  # personal data, AES-256-GCM bound to the tracking number; None once purged
    key_id = CharField(null=True)
    organization_kind = CharField(default="")  # the annual report's column for an organisation
    status = CharField(default="received", index=True)
    status_note = TextField(null=True)
    status_at = CharField()
    created_at = CharField()  # when central stored it
    correction_due = DateField(null=True)  # Art. 30: by when a correction must be asked for
    outcome = CharField(null=True)  # the annual report's row, e.g. 三(三)4, once answered or withdrawn
    closed_at = CharField(null=True)  # when it was answered or withdrawn: the year it counts under 三
    purged_at = CharField(null=True)
    channel = CharField(default="kiosk")  # kiosk | paper (kiosk.applications.channels)

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
    officer = CharField(null=True)  # None: the intake itself or the command line
    outcome = CharField(null=True)

    class Meta:
        table_name = "intake_status_change"


class Officer(BaseModel):
    """Someone at the disclosure office who may log in to the console."""

    id = AutoField()
    name = CharField(unique=True)
    role = CharField()  # officer | admin
    password_hash = CharField()
    failed_logins = IntegerField(default=0)
    locked_until = CharField(null=True)
    created_at = CharField()
    disabled_at = CharField(null=True)

    class Meta:
        table_name = "console_officer"


class Audit(BaseModel):
    """Who saw or changed what, and when: every view of personal data is written here."""

    id = AutoField()
    officer = CharField()
    action = CharField()
    tracking = CharField(null=True, index=True)
    detail = TextField(null=True)
    at = CharField(index=True)

    class Meta:
        table_name = "console_audit"


class Setting(BaseModel):
    """The office's own details (name, address, phone on the reply letter) and its retention time."""

    key = CharField(primary_key=True)
    value = TextField()

    class Meta:
        table_name = "console_setting"


class Heartbeat(BaseModel):
    """What a terminal reported about itself (kiosk heartbeat contract, format 1)."""

    id = AutoField()
    terminal = ForeignKeyField(Terminal, backref="heartbeats", on_delete="CASCADE")
    key = CharField()
    received_at = CharField(index=True)  # central's clock
    sent_at = CharField()
    app_version = CharField()
    catalog_version = IntegerField(null=True)
    catalog_published = CharField(null=True)
    catalog_expires = CharField(null=True)
    catalog_demo = BooleanField()
    sync_result = CharField(null=True)
    sync_at = CharField(null=True)
    outbox_backlog = IntegerField(null=True)  # null: the terminal could not read its outbox
    printers = TextField()  # JSON {"document": {"state", "message_zh"}, "receipt": …}
    disk_free_bytes = BigIntegerField(null=True)
    counters = TextField()  # JSON: the totals only; the per-document counts go to Usage

    class Meta:
        table_name = "intake_heartbeat"
        indexes = ((("terminal", "key"), True),)


class Usage(BaseModel):
    """Anonymous views and prints of one document on one terminal in one month."""

    id = AutoField()
    terminal = ForeignKeyField(Terminal, on_delete="CASCADE")
    month = CharField()  # YYYY-MM
    doc_id = CharField()
    views = IntegerField(default=0)
    prints = IntegerField(default=0)

    class Meta:
        table_name = "intake_usage"
        indexes = ((("terminal", "month", "doc_id"), True),)


class DocumentTitle(BaseModel):
    """The title terminals last reported for a document id, so usage reads as titles (catalog text, public)."""

    doc_id = CharField(primary_key=True)
    title = TextField()
    seen_at = CharField()  # YYYY-MM of the heartbeat that brought it

    class Meta:
        table_name = "intake_document_title"


MODELS = (Terminal, IntakeApplication, StatusChange, Officer, Audit, Setting, Heartbeat, Usage, DocumentTitle)
