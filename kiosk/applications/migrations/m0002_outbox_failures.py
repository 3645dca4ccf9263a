"""Schema 2: the outbox counts the answers that blame one request (a 500 for it), so the outbox can
stop retrying a request that can never succeed and hold it for a clerk."""

from peewee import IntegerField
from playhouse.migrate import migrate


def apply(db, migrator) -> None:
    migrate(migrator.add_column("outbox", "failures", IntegerField(default=0)))
