"""The central site: the signed feed publisher (and, from other modules, the application intake)."""
