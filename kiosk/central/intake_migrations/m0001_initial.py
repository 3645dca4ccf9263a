"""Schema 1: terminals with their token hashes, applications, status history."""

from peewee import AutoField, BooleanField, CharField, DateField, ForeignKeyField, IntegerField, Model, TextField


def apply(db, migrator) -> None:
    class Terminal(Model):
        id = AutoField()
        number = IntegerField(unique=True)
        name = CharField(unique=True)
        token_hash = CharField(unique=True)
        created_at = CharField()
        revoked_at = CharField(null=True)

        class Meta:
            database = db
            table_name = "intake_terminal"

    class IntakeApplication(Model):
        id = AutoField()
        tracking = CharField(unique=True)
        terminal = ForeignKeyField(Terminal, on_delete="RESTRICT")
        idempotency_key = CharField()
        received_at = CharField()
        due = DateField()
        extended_due = DateField()
        calendar_complete = BooleanField()
        applicant_type = CharField()
        id_type = CharField()
        delivery_form = CharField()
        delivery_way = CharField()
        data = TextField()
        status = CharField(default="received", index=True)
        status_note = TextField(null=True)
        status_at = CharField()
        created_at = CharField()

        class Meta:
            database = db
            table_name = "intake_application"
            indexes = ((("terminal", "idempotency_key"), True),)

    class StatusChange(Model):
        id = AutoField()
        application = ForeignKeyField(IntakeApplication, on_delete="CASCADE")
        status = CharField()
        note = TextField(null=True)
        at = CharField()

        class Meta:
            database = db
            table_name = "intake_status_change"

    db.create_tables([Terminal, IntakeApplication, StatusChange])
