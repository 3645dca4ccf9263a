"""`kiosk central …`: the central office's commands (feed publisher, intake service). Subcommands
register themselves on this group from their own modules."""

from __future__ import annotations

from kiosk.cli.base import main


@main.group("central")
def central_group() -> None:
    """Central office: publish the signed feed, run the application intake service."""
