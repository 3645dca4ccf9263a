"""Printing: documents and receipts as PDFs with the bundled CJK font, and the printers they go to."""
