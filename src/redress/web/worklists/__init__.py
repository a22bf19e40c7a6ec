"""worklists pages of the staff workbench."""
