"""Turn folders of portal page dumps (text/HTML) and structured JSON documents into catalog records."""

from kiosk.importer.folder import (
    ImportItem,
    ImportProgress,
    ImportReport,
    ParsedDocument,
    import_folder,
    import_into_store,
    iter_folder,
    parse_folder,
    read_attachment,
)

__all__ = [
    "ImportItem",
    "ImportProgress",
    "ImportReport",
    "ParsedDocument",
    "import_folder",
    "import_into_store",
    "iter_folder",
    "parse_folder",
    "read_attachment",
]
