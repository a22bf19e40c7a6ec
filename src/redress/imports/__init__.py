"""Bulk import from spreadsheets and other systems: `redress import FILE --mapping M`."""
