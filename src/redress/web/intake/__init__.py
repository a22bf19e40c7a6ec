"""intake pages of the staff workbench."""
