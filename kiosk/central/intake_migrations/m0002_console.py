"""Schema 2: personal data sealed apart from the record, the office's handling (correction clock,
outcome, officer), officers and their audit trail, office settings, heartbeats and usage counters."""

from peewee import (
    AutoField,
    BigIntegerField,
    BlobField,
    BooleanField,
    CharField,
    DateField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)
from playhouse.migrate import migrate


def apply(db, migrator) -> None:
    class Terminal(Model):
        id = AutoField()

        class Meta:
            database = db
            table_name = "intake_terminal"

    class Officer(Model):
        id = AutoField()
        name = CharField(unique=True)
        role = CharField()
        password_hash = CharField()
        failed_logins = IntegerField(default=0)
        locked_until = CharField(null=True)
        created_at = CharField()
        disabled_at = CharField(null=True)

        class Meta:
            database = db
            table_name = "console_officer"

    class Audit(Model):
        id = AutoField()
        officer = CharField()
        action = CharField()
        tracking = CharField(null=True, index=True)
        detail = TextField(null=True)
        at = CharField(index=True)

        class Meta:
            database = db
            table_name = "console_audit"

    class Setting(Model):
        key = CharField(primary_key=True)
        value = TextField()

        class Meta:
            database = db
            table_name = "console_setting"

    class Heartbeat(Model):
        id = AutoField()
        terminal = ForeignKeyField(Terminal, on_delete="CASCADE")
        key = CharField()
        received_at = CharField(index=True)
        sent_at = CharField()
        app_version = CharField()
        catalog_version = IntegerField(null=True)
        catalog_published = CharField(null=True)
        catalog_expires = CharField(null=True)
        catalog_demo = BooleanField()
        sync_result = CharField(null=True)
        sync_at = CharField(null=True)
        outbox_backlog = IntegerField(null=True)  # null: the terminal could not read its outbox
        printers = TextField()
        disk_free_bytes = BigIntegerField(null=True)
        counters = TextField()

        class Meta:
            database = db
            table_name = "intake_heartbeat"
            indexes = ((("terminal", "key"), True),)

    class Usage(Model):
        id = AutoField()
        terminal = ForeignKeyField(Terminal, on_delete="CASCADE")
        month = CharField()
        doc_id = CharField()
        views = IntegerField(default=0)
        prints = IntegerField(default=0)

        class Meta:
            database = db
            table_name = "intake_usage"
            indexes = ((("terminal", "month", "doc_id"), True),)

    migrate(
        migrator.add_column("intake_application", "sealed", BlobField(null=True)),
        migrator.add_column("intake_application", "key_id", CharField(null=True)),
        migrator.add_column("intake_application", "organization_kind", CharField(default="")),
        migrator.add_column("intake_application", "correction_due", DateField(null=True)),
        migrator.add_column("intake_application", "outcome", CharField(null=True)),
        migrator.add_column("intake_application", "closed_at", CharField(null=True)),
        migrator.add_column("intake_application", "purged_at", CharField(null=True)),
        migrator.add_column("intake_status_change", "officer", CharField(null=True)),
        migrator.add_column("intake_status_change", "outcome", CharField(null=True)),
    )
    db.create_tables([Officer, Audit, Setting, Heartbeat, Usage])
