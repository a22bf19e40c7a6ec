"""dashboard pages of the staff workbench."""
