"""Schema 3: how an application was received (kiosk or paper, entered by a hall clerk), kept for the
office's record; applications stored before it were all typed in at a kiosk."""

from peewee import CharField
from playhouse.migrate import migrate


def apply(db, migrator) -> None:
    migrate(migrator.add_column("intake_application", "channel", CharField(default="kiosk")))
