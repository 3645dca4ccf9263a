"""Schema 3: how the application was received (kiosk or paper), so a paper application entered by a
clerk stays marked as such on the terminal and in what is sent to central."""

from peewee import CharField
from playhouse.migrate import migrate


def apply(db, migrator) -> None:
    migrate(migrator.add_column("application", "channel", CharField(default="kiosk")))
