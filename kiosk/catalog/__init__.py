"""The document catalog: models, the SQLite store, 文号 parsing and queries."""
