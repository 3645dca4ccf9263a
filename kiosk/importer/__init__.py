"""Turn folders of portal page dumps (text/HTML) and structured JSON documents into catalog records."""

from kiosk.importer.folder import ImportItem, ImportReport, ParsedDocument, import_into_store, parse_folder

__all__ = ["ImportItem", "ImportReport", "ParsedDocument", "import_into_store", "parse_folder"]
