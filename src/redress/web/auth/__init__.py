"""auth pages of the staff workbench."""
